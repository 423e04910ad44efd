// PgResult: owns one libpq result (PGresult) and reads its fields. Results of the store's
// statements are in binary format (pg_params.h decodes them); results of simple queries
// (PgConnection::Exec) are text.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_RESULT_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_RESULT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct pg_result;  // libpq's PGresult; libpq-fe.h stays inside the .cc files.

namespace ledger::pg {

class PgResult {
 public:
  PgResult() = default;
  explicit PgResult(pg_result* result) : result_(result) {}
  ~PgResult();
  PgResult(PgResult&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgResult& operator=(PgResult&& other) noexcept;
  PgResult(const PgResult&) = delete;
  PgResult& operator=(const PgResult&) = delete;

  int rows() const;
  int columns() const;
  bool IsNull(int row, int column) const;
  // The field's bytes (binary or text, as requested); empty for NULL.
  std::string_view Get(int row, int column) const;
  // Binary int8 / text integer fields.
  std::int64_t GetInt64(int row, int column) const;
  std::optional<std::string> GetOptional(int row, int column) const;
  // Rows affected by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

  pg_result* raw() const { return result_; }

 private:
  pg_result* result_ = nullptr;
};

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_RESULT_H_
