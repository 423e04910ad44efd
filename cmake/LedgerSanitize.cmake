# Initial cache for a build under AddressSanitizer and UndefinedBehaviorSanitizer:
#
#   cmake -C cmake/LedgerSanitize.cmake -S . -B build-asan -G Ninja -DLEDGER_WERROR=ON
#
# scripts/test builds CI's one build this way (docs/reliability.md, "Sanitizers"). The flags
# apply to every target, tests and the `ledger` binary included, so the whole ctest suite runs
# instrumented. Third-party libraries from Debian are not instrumented; their known reports
# are suppressed in tests/sanitizers/ (see the comment on each entry).
#
# -fno-sanitize-recover=undefined: undefined behaviour aborts the test instead of printing a
# line that a passing test would hide. -O0: compiling is what CI pays for. Measured on CI's
# machine (CPU seconds for adapters/http/server.cc, commands/dispatcher.cc and
# adapters/query/query_routes.cc): 78 s plain at -O2, 203 s sanitized at -O1, 91 s sanitized
# at -O0. The tests are mostly waiting on sockets and databases, so -O1's faster code would
# not pay back its doubled build. -fno-omit-frame-pointer keeps the stack traces whole.
set(LEDGER_SANITIZER_FLAGS
    "-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer")
set(CMAKE_BUILD_TYPE Debug CACHE STRING "Build type")
set(CMAKE_CXX_FLAGS_DEBUG "-g -O0" CACHE STRING "Flags of Debug builds")
set(CMAKE_CXX_FLAGS "${LEDGER_SANITIZER_FLAGS}" CACHE STRING "Flags of every C++ compile")
set(CMAKE_EXE_LINKER_FLAGS "-fsanitize=address,undefined" CACHE STRING "Flags of every link")
set(CMAKE_SHARED_LINKER_FLAGS "-fsanitize=address,undefined" CACHE STRING "Flags of shared links")
