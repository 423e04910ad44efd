#include "adapters/sqlite/statement.h"

#include <sqlite3.h>

#include <utility>

#include "adapters/sqlite/sqlite_status.h"

namespace ledger::sqlite {
namespace {

// SQLite binds a null pointer as NULL; an empty value needs a non-null one.
const char* NonNull(const char* data) { return data != nullptr ? data : ""; }

std::string SqlOf(sqlite3_stmt* stmt) {
  const char* sql = sqlite3_sql(stmt);
  return sql != nullptr ? sql : "?";
}

}  // namespace

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  // sqlite3_reset repeats the last step's error code, which was reported already.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(other.bind_error_),
      last_rc_(other.last_rc_) {}

void Statement::BindInt64(int index, std::int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindText(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, NonNull(value.data()), value.size(), SQLITE_TRANSIENT,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindTextUnowned(int index, std::string_view value) {
  int rc = sqlite3_bind_text64(stmt_, index, NonNull(value.data()), value.size(), SQLITE_STATIC,
                               SQLITE_UTF8);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindBlob(int index, std::string_view bytes) {
  int rc = sqlite3_bind_blob64(stmt_, index, NonNull(bytes.data()), bytes.size(), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

void Statement::BindBlob(int index, std::span<const std::uint8_t> bytes) {
  BindBlob(index, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

void Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_ == 0) bind_error_ = rc;
}

Result<bool> Statement::Step() {
  if (bind_error_ != 0) {
    return SqliteError(nullptr, bind_error_, "binding parameters of `" + SqlOf(stmt_) + "`");
  }
  last_rc_ = sqlite3_step(stmt_);
  if (last_rc_ == SQLITE_ROW) return true;
  if (last_rc_ == SQLITE_DONE) return false;
  return SqliteError(db_, last_rc_, "running `" + SqlOf(stmt_) + "`");
}

Status Statement::Run() {
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

bool Statement::violated_constraint() const { return (last_rc_ & 0xff) == SQLITE_CONSTRAINT; }

std::int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(stmt_, column);
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::ColumnText(int column) const {
  // The pointer first, then the size: the documented safe order.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : std::string();
}

std::string Statement::ColumnBlob(int column) const {
  const void* blob = sqlite3_column_blob(stmt_, column);
  int size = sqlite3_column_bytes(stmt_, column);
  // A zero-length blob comes back as a null pointer.
  return blob != nullptr ? std::string(static_cast<const char*>(blob), size) : std::string();
}

}  // namespace ledger::sqlite
