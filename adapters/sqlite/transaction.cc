#include "adapters/sqlite/transaction.h"

#include <utility>

namespace ledger::sqlite {

Result<WriteTransaction> WriteTransaction::Begin(Connection& connection) {
  LEDGER_RETURN_IF_ERROR(connection.Run("BEGIN IMMEDIATE"));
  return WriteTransaction(&connection);
}

WriteTransaction::WriteTransaction(WriteTransaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

WriteTransaction::~WriteTransaction() {
  // SQLite rolls back by itself after some errors (SQLITE_FULL, SQLITE_IOERR); only roll back
  // what is still open. A failed ROLLBACK leaves nothing to do: SQLite discards an unfinished
  // transaction when the connection next begins one or closes, and nothing was committed.
  if (connection_ != nullptr && connection_->in_transaction()) {
    connection_->Run("ROLLBACK").IgnoreError();
  }
}

Status WriteTransaction::Commit() {
  Connection* connection = std::exchange(connection_, nullptr);
  Status status = connection->Run("COMMIT");
  if (!status.ok() && connection->in_transaction()) connection->Run("ROLLBACK").IgnoreError();
  return status;
}

Result<Savepoint> Savepoint::Begin(Connection& connection) {
  LEDGER_RETURN_IF_ERROR(connection.Run("SAVEPOINT ledger_request"));
  return Savepoint(&connection);
}

Savepoint::Savepoint(Savepoint&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Savepoint::~Savepoint() {
  // If this fails too, the caller is already abandoning the enclosing transaction.
  if (connection_ != nullptr) Rollback().IgnoreError();
}

Status Savepoint::Release() {
  Connection* connection = std::exchange(connection_, nullptr);
  return connection->Run("RELEASE ledger_request");
}

Status Savepoint::Rollback() {
  Connection* connection = std::exchange(connection_, nullptr);
  // ROLLBACK TO rewinds but keeps the savepoint on the stack; RELEASE pops it.
  LEDGER_RETURN_IF_ERROR(connection->Run("ROLLBACK TO ledger_request"));
  return connection->Run("RELEASE ledger_request");
}

}  // namespace ledger::sqlite
