// Result<T>: a value of type T, or the non-OK Status that explains why there is none.
//
// Accessing value() of a failed Result is a programming error and aborts (asserted even in
// release builds: continuing with a garbage value in a ledger is worse than stopping).
#ifndef LEDGER_ENGINE_RESULT_H_
#define LEDGER_ENGINE_RESULT_H_

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

#include "engine/status.h"

namespace ledger {

template <typename T>
class [[nodiscard]] Result {
 public:
  // Implicit on purpose: `return value;` and `return NotFound(...);` both read naturally.
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    if (status_.ok()) Die("Result constructed from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  const T& value() const& {
    Check();
    return *value_;
  }
  T& value() & {
    Check();
    return *value_;
  }
  T value() && {
    Check();
    return std::move(*value_);
  }

  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  void IgnoreError() const {}

 private:
  void Check() const {
    if (!value_.has_value()) Die(status_.ToString().c_str());
  }
  [[noreturn]] static void Die(const char* why) {
    std::fprintf(stderr, "ledger: fatal: value() of failed Result: %s\n", why);
    std::abort();
  }

  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& StatusOf(const Status& status) { return status; }
template <typename T>
const Status& StatusOf(const Result<T>& result) {
  return result.status();
}
}  // namespace internal

}  // namespace ledger

#define LEDGER_CONCAT_INNER_(a, b) a##b
#define LEDGER_CONCAT_(a, b) LEDGER_CONCAT_INNER_(a, b)

// Returns the status of `expr` (a Status or a Result) from the enclosing function if it is
// not OK.
#define LEDGER_RETURN_IF_ERROR(expr)                                                      \
  do {                                                                                    \
    const auto& ledger_status_or_result_ = (expr);                                        \
    if (!::ledger::internal::StatusOf(ledger_status_or_result_).ok()) {                   \
      return ::ledger::internal::StatusOf(ledger_status_or_result_);                      \
    }                                                                                     \
  } while (false)

// `LEDGER_ASSIGN_OR_RETURN(auto x, Compute());` declares x from the value of a Result, or
// returns its status from the enclosing function.
#define LEDGER_ASSIGN_OR_RETURN(lhs, expr) \
  LEDGER_ASSIGN_OR_RETURN_IMPL_(LEDGER_CONCAT_(ledger_result_, __LINE__), lhs, expr)
#define LEDGER_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return std::move(tmp).status();      \
  lhs = std::move(tmp).value()

#endif  // LEDGER_ENGINE_RESULT_H_
