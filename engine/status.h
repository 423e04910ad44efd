// Status: the outcome of an operation that can fail, passed by value across every module
// boundary. Codes have defined meanings that callers act on:
//
//   kConflict            the stream moved on (wrong expected version): reload and retry the
//                        whole command.
//   kUnavailable         a dependency is away (database, Redis): retry the same call later.
//   kFailedPrecondition  the system is not in a state that allows this; retrying will not help.
//   kInvalidArgument     the input is wrong; nothing was changed.
//   kDataLoss            stored history does not verify (bad hash, hole); stop and report.
//
// Thread safety: a Status is a value; distinct objects may be used from different threads.
#ifndef LEDGER_ENGINE_STATUS_H_
#define LEDGER_ENGINE_STATUS_H_

#include <string>
#include <string_view>

namespace ledger {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kConflict,
  kFailedPrecondition,
  kUnavailable,
  kDataLoss,
  kCancelled,
  kInternal,
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "Conflict: stream order-1 is at version 3, expected 2"
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` ("import line 7: ...").
  Status WithContext(std::string_view context) const;

  // Marks a deliberate decision to drop this status. Greppable on purpose.
  void IgnoreError() const {}

  friend bool operator==(const Status& a, const Status& b) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status NotFound(std::string message) { return {StatusCode::kNotFound, std::move(message)}; }
inline Status AlreadyExists(std::string message) {
  return {StatusCode::kAlreadyExists, std::move(message)};
}
inline Status Conflict(std::string message) { return {StatusCode::kConflict, std::move(message)}; }
inline Status FailedPrecondition(std::string message) {
  return {StatusCode::kFailedPrecondition, std::move(message)};
}
inline Status Unavailable(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
inline Status DataLoss(std::string message) { return {StatusCode::kDataLoss, std::move(message)}; }
inline Status Cancelled(std::string message) {
  return {StatusCode::kCancelled, std::move(message)};
}
inline Status Internal(std::string message) { return {StatusCode::kInternal, std::move(message)}; }

}  // namespace ledger

#endif  // LEDGER_ENGINE_STATUS_H_
