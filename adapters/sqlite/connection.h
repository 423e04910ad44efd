// Connection: one SQLite connection, configured the way a ledger needs it, with a cache of
// prepared statements.
//
// Every connection runs with synchronous=FULL (a commit is on disk before it returns: a 2xx
// for a webhook must survive a power cut) and a busy timeout (a writer waits that long for
// another writer, then the call fails Unavailable). File databases are switched to WAL, so
// readers never block the writer and the writer never blocks readers.
//
// Ownership: owns the sqlite3 handle and every statement prepared on it; closes them when
// destroyed. Thread safety: none; the owner serialises all use (SqliteEventStore keeps its
// writer behind a mutex and hands readers out one thread at a time).
#ifndef LEDGER_ADAPTERS_SQLITE_CONNECTION_H_
#define LEDGER_ADAPTERS_SQLITE_CONNECTION_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/sqlite/statement.h"
#include "engine/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ledger::sqlite {

inline constexpr std::string_view kMemoryPath = ":memory:";

struct ConnectionOptions {
  bool create = false;     // create the file if it does not exist
  bool read_only = false;  // PRAGMA query_only: for reader connections, a belt to the braces
  std::chrono::milliseconds busy_timeout{5000};
  // Page cache size. A writer wants a large one: a big import that outgrows the cache spills
  // pages to the WAL and reads them back, which costs more than the memory.
  int cache_kib = 2000;  // SQLite's default
};

class Connection {
 public:
  // Opens `path` (a file, or ":memory:" for a private in-memory database). URI filenames are
  // not interpreted: "file:x" is a file of that name.
  [[nodiscard]] static Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                                const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text that may hold several statements and returns no rows (DDL, migrations).
  [[nodiscard]] Status ExecScript(const std::string& sql);

  // The cached prepared statement for `sql` (prepared on first use), ready to bind.
  // REQUIRES: no other Statement for the same `sql` is alive (they would share one handle).
  [[nodiscard]] Result<Statement> Prepare(std::string_view sql);

  // Shorthand for Prepare(sql) then Run(): for BEGIN, COMMIT, SAVEPOINT and friends.
  [[nodiscard]] Status Run(std::string_view sql);

  // False outside a transaction, true between BEGIN and COMMIT/ROLLBACK.
  bool in_transaction() const;

  const std::string& path() const { return path_; }
  bool is_memory() const { return path_ == kMemoryPath; }

 private:
  Connection(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  [[nodiscard]] Status Configure(const ConnectionOptions& options);
  // PRAGMA journal_mode=WAL, retried while the file is busy, up to `busy_timeout`; the mode.
  Result<std::string> SetWalMode(std::chrono::milliseconds busy_timeout);

  sqlite3* db_;
  std::string path_;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
};

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_CONNECTION_H_
