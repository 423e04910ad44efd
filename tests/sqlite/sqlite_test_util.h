// Helpers for the SQLite store's tests: throwaway files, and plain SQL on a store's file from
// outside the store (the way an operator, or an attacker with the file, would).
#ifndef LEDGER_TESTS_SQLITE_SQLITE_TEST_UTIL_H_
#define LEDGER_TESTS_SQLITE_SQLITE_TEST_UTIL_H_

#include <filesystem>
#include <memory>
#include <string>

#include "adapters/sqlite/sqlite_event_store.h"
#include "engine/result.h"

namespace ledger::testing {

// A fresh directory under the system temp directory, removed with everything in it (the
// database and its -wal and -shm files) when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// Runs `sql` (one or more statements) on its own sqlite3 connection to `path`. On failure,
// an Internal status carrying SQLite's message.
Status RawSql(const std::string& path, const std::string& sql);

// The first column of the first row of `sql`, as text; NotFound if there is no row.
Result<std::string> RawQueryText(const std::string& path, const std::string& sql);

// A migrated store at `path`, failing the test if it cannot be opened.
std::unique_ptr<SqliteEventStore> MustOpen(const std::string& path, SqliteOptions options = {});

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_SQLITE_SQLITE_TEST_UTIL_H_
