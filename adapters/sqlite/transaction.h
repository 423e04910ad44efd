// WriteTransaction: the store's one way to write. BEGIN IMMEDIATE takes SQLite's write lock
// up front, for this connection against every other connection and process on the file, so
// that what the writer reads inside the transaction (a stream's head, whether an event id is
// stored, the log's last position) cannot change before it commits.
//
// A transaction that is not committed is rolled back when destroyed. Thread safety: none; the
// owner holds the connection for the transaction's whole life.
#ifndef LEDGER_ADAPTERS_SQLITE_TRANSACTION_H_
#define LEDGER_ADAPTERS_SQLITE_TRANSACTION_H_

#include "adapters/sqlite/connection.h"
#include "engine/result.h"

namespace ledger::sqlite {

class WriteTransaction {
 public:
  // Waits up to the connection's busy timeout for the write lock (then Unavailable).
  // REQUIRES: no transaction is open on `connection`.
  [[nodiscard]] static Result<WriteTransaction> Begin(Connection& connection);
  ~WriteTransaction();
  WriteTransaction(WriteTransaction&& other) noexcept;
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  WriteTransaction& operator=(WriteTransaction&&) = delete;

  // Makes the transaction durable (synchronous=FULL). On failure it has been rolled back.
  [[nodiscard]] Status Commit();

 private:
  explicit WriteTransaction(Connection* connection) : connection_(connection) {}
  Connection* connection_;  // null once committed or moved from
};

// A nested unit of a WriteTransaction that can be undone alone: how one request of a batch
// fails without touching its neighbours. Released (kept) by Release(), otherwise rolled back
// when destroyed.
class Savepoint {
 public:
  // REQUIRES: a WriteTransaction is open on `connection`; savepoints nest like a stack.
  [[nodiscard]] static Result<Savepoint> Begin(Connection& connection);
  ~Savepoint();
  Savepoint(Savepoint&& other) noexcept;
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;
  Savepoint& operator=(Savepoint&&) = delete;

  // Keeps what was written since Begin (it commits with the enclosing transaction).
  [[nodiscard]] Status Release();
  // Undoes what was written since Begin; the enclosing transaction stays open.
  [[nodiscard]] Status Rollback();

 private:
  explicit Savepoint(Connection* connection) : connection_(connection) {}
  Connection* connection_;  // null once released, rolled back or moved from
};

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_TRANSACTION_H_
