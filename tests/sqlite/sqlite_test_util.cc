#include "tests/sqlite/sqlite_test_util.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include "engine/uuid.h"

namespace ledger::testing {
namespace {

// A connection for one helper call; closed when it goes out of scope.
struct RawConnection {
  explicit RawConnection(const std::string& path) {
    rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    if (rc == SQLITE_OK) sqlite3_busy_timeout(db, 5000);
  }
  ~RawConnection() { sqlite3_close_v2(db); }
  Status Error() const { return Internal(db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc)); }

  sqlite3* db = nullptr;
  int rc;
};

}  // namespace

TempDir::TempDir()
    : path_(std::filesystem::temp_directory_path() /
            ("ledger-sqlite-test-" + Uuid::V4().ToString())) {
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ignored;  // a leftover temp directory is not worth failing a test over
  std::filesystem::remove_all(path_, ignored);
}

Status RawSql(const std::string& path, const std::string& sql) {
  RawConnection connection(path);
  if (connection.rc != SQLITE_OK) return connection.Error();
  if (sqlite3_exec(connection.db, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return connection.Error();
  }
  return Status::Ok();
}

Result<std::string> RawQueryText(const std::string& path, const std::string& sql) {
  RawConnection connection(path);
  if (connection.rc != SQLITE_OK) return connection.Error();
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(connection.db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    return connection.Error();
  }
  int rc = sqlite3_step(stmt);
  Result<std::string> out = NotFound("no row");
  if (rc == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out = std::string(text != nullptr ? reinterpret_cast<const char*>(text) : "");
  } else if (rc != SQLITE_DONE) {
    out = connection.Error();
  }
  sqlite3_finalize(stmt);
  return out;
}

std::unique_ptr<SqliteEventStore> MustOpen(const std::string& path, SqliteOptions options) {
  options.migrate = true;
  Result<std::unique_ptr<SqliteEventStore>> store = SqliteEventStore::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

}  // namespace ledger::testing
