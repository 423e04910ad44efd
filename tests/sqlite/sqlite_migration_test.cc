// Opening and migrating SQLite stores: what `ledger migrate` does, and what opening refuses.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_event_store.h"
#include "schema/migrations.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::RawQueryText;
using testing::RawSql;
using testing::TempDir;

constexpr Timestamp kT0{1'795'000'000'000'000};

bool Mentions(const Status& status, const std::string& text) {
  return status.message().find(text) != std::string::npos;
}

TEST_CASE("sqlite migrate: creates the store and records every migration") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  ManualClock clock(kT0);
  SqliteOptions options;
  options.clock = &clock;
  REQUIRE(SqliteEventStore::Migrate(path, options).ok());

  std::span<const Migration> known = SqliteMigrations();
  REQUIRE_FALSE(known.empty());
  CHECK(RawQueryText(path, "SELECT count(*) FROM schema_migrations").value() ==
        std::to_string(known.size()));
  CHECK(RawQueryText(path,
                     "SELECT name || ' ' || checksum || ' ' || applied_at "
                     "FROM schema_migrations WHERE number = 1")
            .value() ==
        std::string(known[0].name) + " " + known[0].Checksum() + " " + std::to_string(kT0.value()));
  CHECK(RawQueryText(path, "PRAGMA journal_mode").value() == "wal");

  SUBCASE("migrating again changes nothing") {
    clock.AdvanceMicros(1'000'000);
    REQUIRE(SqliteEventStore::Migrate(path, options).ok());
    CHECK(RawQueryText(path, "SELECT count(*) || ' ' || max(applied_at) FROM schema_migrations")
              .value() == std::to_string(known.size()) + " " + std::to_string(kT0.value()));
  }
  SUBCASE("the migrated store opens without migrate") { CHECK(SqliteEventStore::Open(path).ok()); }
}

TEST_CASE("sqlite open: a store that needs migrating is refused with what to do") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");

  SUBCASE("no file: refused, and no file is created") {
    Status s = SqliteEventStore::Open(path).status();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK(Mentions(s, "ledger migrate"));
    CHECK_FALSE(std::filesystem::exists(path));
  }
  SUBCASE("an empty database") {
    std::ofstream(path).close();  // an empty file is an empty SQLite database
    Status s = SqliteEventStore::Open(path).status();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK(Mentions(s, "ledger migrate"));
  }
  SUBCASE("a pending migration") {
    REQUIRE(SqliteEventStore::Migrate(path).ok());
    // As if this binary shipped a migration the file has not had yet.
    REQUIRE(RawSql(path, "DELETE FROM schema_migrations WHERE number = 1").ok());
    Status s = SqliteEventStore::Open(path).status();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK(Mentions(s, "ledger migrate"));
  }
  SUBCASE(":memory: without migrate") {
    Status s = SqliteEventStore::Open(":memory:").status();
    CHECK(s.code() == StatusCode::kFailedPrecondition);
    CHECK(Mentions(s, "migrate = true"));
    SqliteOptions options;
    options.migrate = true;
    CHECK(SqliteEventStore::Open(":memory:", options).ok());
  }
  SUBCASE("bad paths") {
    CHECK(SqliteEventStore::Open("").status().code() == StatusCode::kInvalidArgument);
    CHECK(SqliteEventStore::Migrate(":memory:").code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("sqlite migrate: a store made before the read models is upgraded in place") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  REQUIRE(SqliteEventStore::Migrate(path).ok());
  REQUIRE(SqliteMigrations().size() >= 2);
  REQUIRE(std::string(SqliteMigrations()[1].name) == "read_models");
  {
    std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path);
    REQUIRE(store
                ->Append(testing::MakeAppend(testing::UniqueStream("order"),
                                             ExpectedVersion::NoStream(), 1))
                .ok());
  }
  // The file as the release with only 0001_events left it, with an event in it.
  REQUIRE(RawSql(path,
                 "DELETE FROM schema_migrations WHERE number >= 2; "
                 "DROP TABLE projection_checkpoints; DROP TABLE aggregate_snapshots;")
              .ok());
  CHECK(SqliteEventStore::Open(path).status().code() == StatusCode::kFailedPrecondition);

  REQUIRE(SqliteEventStore::Migrate(path).ok());
  CHECK(RawQueryText(path, "SELECT count(*) FROM projection_checkpoints").value() == "0");
  CHECK(RawQueryText(path, "SELECT count(*) FROM events").value() == "1");
  CHECK(SqliteEventStore::Open(path).ok());
}

TEST_CASE("sqlite open: an applied migration that was edited is refused") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  REQUIRE(SqliteEventStore::Migrate(path).ok());
  // What the record looks like after someone edits 0001_events.sql and rebuilds: the
  // recorded checksum no longer matches the binary's.
  REQUIRE(RawSql(path,
                 "UPDATE schema_migrations SET checksum = 'edited' || checksum "
                 "WHERE number = 1")
              .ok());

  Status open = SqliteEventStore::Open(path).status();
  CHECK(open.code() == StatusCode::kFailedPrecondition);
  CHECK(Mentions(open, "changed after it was applied"));
  Status migrate = SqliteEventStore::Migrate(path);
  CHECK(migrate.code() == StatusCode::kFailedPrecondition);
  CHECK(Mentions(migrate, "changed after it was applied"));
}

TEST_CASE("sqlite open: a store migrated by a newer ledger is refused") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  REQUIRE(SqliteEventStore::Migrate(path).ok());
  REQUIRE(RawSql(path,
                 "INSERT INTO schema_migrations (number, name, checksum, applied_at) "
                 "VALUES (9999, 'from_the_future', 'abcd', 0)")
              .ok());

  Status open = SqliteEventStore::Open(path).status();
  CHECK(open.code() == StatusCode::kFailedPrecondition);
  CHECK(Mentions(open, "9999"));
  CHECK(Mentions(open, "newer"));
  Status migrate = SqliteEventStore::Migrate(path);
  CHECK(migrate.code() == StatusCode::kFailedPrecondition);
  CHECK(Mentions(migrate, "newer"));
}

TEST_CASE("sqlite open: files that are not ledger stores are refused and left alone") {
  TempDir dir;
  const std::string path = dir.File("other.db");

  SUBCASE("another application's SQLite database") {
    std::ofstream(path).close();
    REQUIRE(RawSql(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY)").ok());
    Status migrate = SqliteEventStore::Migrate(path);
    CHECK(migrate.code() == StatusCode::kFailedPrecondition);
    CHECK(Mentions(migrate, "not a ledger store"));
    CHECK(RawQueryText(path, "SELECT count(*) FROM sqlite_schema").value() == "1");
  }
  SUBCASE("not a database at all") {
    std::ofstream(path) << std::string(8192, 'x');
    CHECK(SqliteEventStore::Migrate(path).code() == StatusCode::kFailedPrecondition);
    CHECK(SqliteEventStore::Open(path).status().code() == StatusCode::kFailedPrecondition);
  }
  SUBCASE("a store format this binary does not know") {
    REQUIRE(SqliteEventStore::Migrate(path).ok());
    REQUIRE(RawSql(path, "UPDATE ledger_store SET format = 'ledger.sqlite.v99'").ok());
    Status open = SqliteEventStore::Open(path).status();
    CHECK(open.code() == StatusCode::kFailedPrecondition);
    CHECK(Mentions(open, "ledger.sqlite.v99"));
  }
}

TEST_CASE("sqlite migrate: concurrent migrators apply each migration once") {
  TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::vector<std::thread> threads;
  std::vector<Status> results(4);
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = SqliteEventStore::Migrate(path); });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) CHECK_MESSAGE(s.ok(), s.ToString());
  CHECK(RawQueryText(path, "SELECT count(*) FROM schema_migrations").value() ==
        std::to_string(SqliteMigrations().size()));
}

}  // namespace
}  // namespace ledger
