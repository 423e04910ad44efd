#include "adapters/postgres/pg_errors.h"

namespace ledger::pg {
namespace {

bool IsConnectionError(std::string_view s) {
  return s.empty() || s.starts_with("08") || s == "57P01" || s == "57P02" || s == "57P03" ||
         s == "53300";
}

}  // namespace

bool IsTransient(const PgError& error) {
  const std::string& s = error.sqlstate;
  return s == "40001" || s == "40P01" || s == "55P03";
}

Status StatusFromError(const PgError& error) {
  const std::string& s = error.sqlstate;
  std::string text = "postgres: " + error.message + (s.empty() ? "" : " (SQLSTATE " + s + ")");
  if (IsConnectionError(s)) return Unavailable(std::move(text));
  if (IsTransient(error)) return Unavailable(std::move(text));
  if (s == "23505") return AlreadyExists(std::move(text));
  if (s.starts_with("22") || s == "23514") return InvalidArgument(std::move(text));
  if (s == "42P01" || s == "42704" || s == "42883") {
    return FailedPrecondition(text + "; the schema is missing or old: run `ledger migrate`");
  }
  if (s == "42501" || s == "23001" || s == "P0001") return FailedPrecondition(std::move(text));
  return Internal(std::move(text));
}

}  // namespace ledger::pg
