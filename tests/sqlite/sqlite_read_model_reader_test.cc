// SqliteReadModelReader: the ReadModelReader conformance suite on a SQLite file written by a
// SqliteReadModelStore, and what only SQLite has: the file to open, and readers beside a
// writer that holds the write lock.
#include "adapters/sqlite/sqlite_read_model_reader.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <chrono>

#include "adapters/sqlite/sqlite_read_model_store.h"
#include "tests/conformance/read_model_reader_conformance.h"
#include "tests/sqlite/sqlite_test_util.h"

namespace {

using ledger::SqliteReadModelReader;
using ledger::SqliteReadModelStore;
using ledger::reader_conformance::ReaderBackend;

// A store and a reader on one migrated file in a fresh directory, removed after both.
ReaderBackend MakeSqliteBackend() {
  auto dir = std::make_shared<ledger::testing::TempDir>();
  const std::string path = dir->File("ledger.db");
  ledger::SqliteOptions options;
  options.migrate = true;
  auto store = SqliteReadModelStore::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  auto reader = SqliteReadModelReader::Open(path);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  return {dir, std::move(store).value(), std::move(reader).value()};
}

}  // namespace

LEDGER_READ_MODEL_READER_CONFORMANCE(SqliteReader, MakeSqliteBackend())

namespace ledger::reader_conformance {
namespace {

TEST_CASE("sqlite reader: opens only a migrated ledger file") {
  testing::TempDir dir;
  CHECK(SqliteReadModelReader::Open(":memory:").status().code() == StatusCode::kInvalidArgument);
  CHECK(SqliteReadModelReader::Open("").status().code() == StatusCode::kInvalidArgument);
  CHECK(SqliteReadModelReader::Open(dir.File("absent.db")).status().code() ==
        StatusCode::kFailedPrecondition);
  sqlite3* other = nullptr;  // a SQLite file, but not a ledger store
  REQUIRE(sqlite3_open(dir.File("other.db").c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "CREATE TABLE t (x INTEGER)", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
  sqlite3_close(other);
  CHECK(SqliteReadModelReader::Open(dir.File("other.db")).status().code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("sqlite reader: reads the last commit while a writer holds the write lock") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  SqliteOptions options;
  options.migrate = true;
  auto store = SqliteReadModelStore::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  std::vector<TableSpec> items{Items()};
  LEDGER_READER_REQUIRE_OK((*store)->CreateTables(items, TableSet::kLive));
  Row a = Item("t1", "a");
  CommitRequest request;
  request.changes = {RowChange{&Items(), a.PrimaryKey(), a}};
  LEDGER_READER_REQUIRE_OK((*store)->Commit(request));
  SqliteReaderOptions reader_options;
  reader_options.busy_timeout = std::chrono::milliseconds(0);  // any wait would fail the test
  auto reader = SqliteReadModelReader::Open(path, reader_options);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());

  // Another connection (a projector in another process) writes a row and keeps its
  // transaction open, holding the file's write lock.
  sqlite3* writer = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &writer) == SQLITE_OK);
  REQUIRE(sqlite3_exec(writer,
                       "BEGIN IMMEDIATE; INSERT INTO rdr_items (tenant_id, item_id, status, rank, "
                       "flag, at) VALUES ('t1', 'b', 'new', 0, 0, 0)",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  Result<std::vector<Row>> page = (*reader)->List(TenantScope("t1"), Query(Items(), {"item_id"}));
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  CHECK(Ids(*page) == "a");
  REQUIRE(sqlite3_exec(writer, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(writer);
  page = (*reader)->List(TenantScope("t1"), Query(Items(), {"item_id"}));
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  CHECK(Ids(*page) == "a b");
}

TEST_CASE("sqlite reader: a page by key is a search of the primary key") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  SqliteOptions options;
  options.migrate = true;
  auto store = SqliteReadModelStore::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  std::vector<TableSpec> items{Items()};
  LEDGER_READER_REQUIRE_OK((*store)->CreateTables(items, TableSet::kLive));
  // The shape of the statement SqliteReadModelReader builds for a second page by key.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* explain = nullptr;
  REQUIRE(sqlite3_prepare_v2(db,
                             "EXPLAIN QUERY PLAN SELECT * FROM \"rdr_items\" WHERE \"tenant_id\" = "
                             "?1 AND (\"item_id\") > (?2) ORDER BY \"item_id\" LIMIT ?3",
                             -1, &explain, nullptr) == SQLITE_OK);
  std::string details;
  while (sqlite3_step(explain) == SQLITE_ROW) {
    details += reinterpret_cast<const char*>(sqlite3_column_text(explain, 3)) + std::string("; ");
  }
  sqlite3_finalize(explain);
  sqlite3_close(db);
  INFO(details);
  CHECK(details.find("SEARCH rdr_items USING PRIMARY KEY (tenant_id=? AND item_id>?)") !=
        std::string::npos);
  CHECK(details.find("TEMP B-TREE") == std::string::npos);  // no sort: the index gives the order
}

}  // namespace
}  // namespace ledger::reader_conformance
