# Every third-party dependency, found through its CMake config or CMake's own Find module
# (never a hard-coded path). All come from Debian 12 packages; scripts/install-deps lists them.

find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json url program_options)
find_package(PostgreSQL REQUIRED)           # libpq
find_package(SQLite3 REQUIRED)
find_package(OpenSSL REQUIRED)              # SHA-256, SHA-1 (UUIDv5), HMAC, Ed25519, RNG
find_package(simdjson CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(cereal CONFIG REQUIRED)
# Debian's HiredisConfigVersion.cmake fails unless a version is requested.
find_package(Hiredis 0.14 CONFIG REQUIRED)
find_package(doctest CONFIG REQUIRED)
find_package(Threads REQUIRED)
find_package(CURL REQUIRED)                 # SMTP delivery (adapters/smtp)
# Howard Hinnant's date/tz (libhowardhinnant-date-dev, libdate-tz3): the daily drop's store-local
# time (jobs/scheduler_calendar.cc) on the OS time zone database (/usr/share/zoneinfo, tzdata).
find_package(date CONFIG REQUIRED)
# kainjow/mustache (libkainjow-mustache-dev) is one header and ships no CMake config.
find_path(LEDGER_MUSTACHE_INCLUDE_DIR kainjow/mustache.hpp REQUIRED)
