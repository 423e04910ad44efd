// Statement: a use of one of a Connection's cached prepared statements. Binding, stepping and
// reading columns, with SQLite's result codes turned into Status values.
//
// Ownership: the Connection owns the underlying sqlite3_stmt; a Statement borrows it and, when
// destroyed, resets it and clears its bindings, so a cached statement never holds a read
// transaction open between uses and never leaks one use's values into the next.
// Thread safety: none; used by the one thread that holds the connection.
#ifndef LEDGER_ADAPTERS_SQLITE_STATEMENT_H_
#define LEDGER_ADAPTERS_SQLITE_STATEMENT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "engine/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ledger::sqlite {

class Statement {
 public:
  // REQUIRES: `stmt` was prepared on `db` and is reset.
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  // Parameters are numbered from 1. A bind that fails is reported by the next Step or Run.
  // Values are copied, so temporaries are fine. Empty text and blobs are stored as empty
  // values, never as NULL.
  void BindInt64(int index, std::int64_t value);
  void BindText(int index, std::string_view value);
  // BindText without the copy: SQLite reads `value` where it is. REQUIRES: the bytes stay
  // alive and unchanged until this Statement is destroyed (which clears its bindings). For
  // rows bound from values that outlive the statement, where copying was most of the cost.
  void BindTextUnowned(int index, std::string_view value);
  void BindBlob(int index, std::string_view bytes);
  void BindBlob(int index, std::span<const std::uint8_t> bytes);
  void BindNull(int index);

  // Advances one row: true if a row is available to read, false when the statement is done.
  [[nodiscard]] Result<bool> Step();
  // Runs a statement that returns no rows (or whose rows are not wanted) to completion.
  [[nodiscard]] Status Run();
  // True if the last Step or Run failed on a constraint (UNIQUE, CHECK, a trigger's RAISE).
  bool violated_constraint() const;

  // Columns of the current row, numbered from 0. REQUIRES: the last Step returned true.
  std::int64_t ColumnInt64(int column) const;
  bool ColumnIsNull(int column) const;
  std::string ColumnText(int column) const;
  std::string ColumnBlob(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;  // null once moved from
  int bind_error_ = 0;  // the first failed bind's result code, 0 if none
  int last_rc_ = 0;     // the last step's result code
};

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_STATEMENT_H_
