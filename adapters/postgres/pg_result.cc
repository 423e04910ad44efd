#include "adapters/postgres/pg_result.h"

#include <libpq-fe.h>

#include <cstdlib>

#include "adapters/postgres/pg_params.h"

namespace ledger::pg {

PgResult::~PgResult() {
  if (result_ != nullptr) PQclear(result_);
}

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    if (result_ != nullptr) PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

int PgResult::rows() const { return result_ == nullptr ? 0 : PQntuples(result_); }

int PgResult::columns() const { return result_ == nullptr ? 0 : PQnfields(result_); }

bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) != 0; }

std::string_view PgResult::Get(int row, int column) const {
  if (IsNull(row, column)) return {};
  return std::string_view(PQgetvalue(result_, row, column),
                          static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t PgResult::GetInt64(int row, int column) const {
  std::string_view v = Get(row, column);
  if (PQfformat(result_, column) == 1) return DecodeInt64(v);
  return std::strtoll(std::string(v).c_str(), nullptr, 10);
}

std::optional<std::string> PgResult::GetOptional(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return std::string(Get(row, column));
}

std::int64_t PgResult::affected() const {
  const char* n = PQcmdTuples(result_);
  return (n == nullptr || *n == '\0') ? 0 : std::strtoll(n, nullptr, 10);
}

}  // namespace ledger::pg
