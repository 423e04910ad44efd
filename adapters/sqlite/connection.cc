#include "adapters/sqlite/connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <string>
#include <thread>

#include "adapters/sqlite/sqlite_status.h"

namespace ledger::sqlite {

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                     const ConnectionOptions& options) {
  // NOMUTEX: a Connection is only ever used by one thread at a time (see the header), so
  // SQLite's own per-connection mutex would be pure cost.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(db, rc, "opening " + path);
    sqlite3_close_v2(db);  // a handle comes back even on failure; null is fine too
    return status;
  }
  std::unique_ptr<Connection> connection(new Connection(db, path));
  LEDGER_RETURN_IF_ERROR(connection->Configure(options));
  return connection;
}

Status Connection::Configure(const ConnectionOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  long long timeout_ms = options.busy_timeout.count();
  int rc = sqlite3_busy_timeout(db_, static_cast<int>(std::min<long long>(timeout_ms, INT_MAX)));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "setting the busy timeout on " + path_);

  if (!is_memory()) {
    // The first statement that reads the file: a non-database fails here (FailedPrecondition).
    LEDGER_ASSIGN_OR_RETURN(std::string mode, SetWalMode(options.busy_timeout));
    if (mode != "wal") {
      // Without WAL, readers would block the writer and the other way round.
      return FailedPrecondition("could not put " + path_ + " into WAL mode (journal mode is '" +
                                mode + "'); is it on a file system without shared memory?");
    }
  }
  LEDGER_RETURN_IF_ERROR(Run("PRAGMA synchronous=FULL"));
  // A negative cache_size is in KiB; PRAGMA takes no parameters, hence the text.
  LEDGER_RETURN_IF_ERROR(ExecScript("PRAGMA cache_size=-" + std::to_string(options.cache_kib)));
  if (options.read_only) LEDGER_RETURN_IF_ERROR(Run("PRAGMA query_only=ON"));
  return Status::Ok();
}

Result<std::string> Connection::SetWalMode(std::chrono::milliseconds busy_timeout) {
  // Several connections opening a new file at once: the one switching it to WAL holds a lock
  // on which SQLite answers the others SQLITE_BUSY at once, without calling the busy handler
  // (to avoid a deadlock). So this one statement waits out the busy timeout by itself.
  const auto deadline = std::chrono::steady_clock::now() + busy_timeout;
  while (true) {
    std::string mode;
    int rc = sqlite3_exec(
        db_, "PRAGMA journal_mode=WAL",
        [](void* out, int columns, char** values, char**) {
          if (columns > 0 && values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &mode, nullptr);
    if (rc == SQLITE_OK) return mode;
    bool busy = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
    if (!busy || std::chrono::steady_clock::now() >= deadline) {
      return SqliteError(db_, rc, "running `PRAGMA journal_mode=WAL` on " + path_);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Connection::~Connection() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  // close_v2 never fails for a busy connection: it closes once the last statement is gone.
  sqlite3_close_v2(db_);
}

Status Connection::ExecScript(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  sqlite3_free(error);  // the same text is in sqlite3_errmsg, which SqliteError reads
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "running a script on " + path_);
  return Status::Ok();
}

Result<Statement> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      return SqliteError(db_, rc, "preparing `" + std::string(sql) + "` on " + path_);
    }
    it = statements_.emplace(std::string(sql), stmt).first;
  }
  return Statement(db_, it->second);
}

Status Connection::Run(std::string_view sql) {
  LEDGER_ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  return statement.Run();
}

bool Connection::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

}  // namespace ledger::sqlite
