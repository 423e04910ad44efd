#include "adapters/auth/token_rejection.h"

#include <string>

namespace ledger::auth {

Status Rejection(std::string_view reason, std::string_view detail) {
  return InvalidArgument(std::string(reason).append(": ").append(detail));
}

std::string_view RejectionReason(const Status& status) {
  static constexpr std::string_view kReasons[] = {
      reason::kMissingToken,     reason::kMalformed,           reason::kAlgNone,
      reason::kUnknownAlgorithm, reason::kAlgorithmNotAllowed, reason::kBadSignature,
      reason::kExpired,          reason::kNotYetValid,         reason::kMissingExp,
      reason::kUnknownRole,      reason::kMissingCustomerId,   reason::kUnexpectedCustomerId,
      reason::kInvalidClaims,
  };
  if (status.code() != StatusCode::kInvalidArgument) return {};
  std::string_view message = status.message();
  for (std::string_view r : kReasons) {
    if (message.size() > r.size() + 1 && message.starts_with(r) &&
        message.substr(r.size(), 2) == ": ") {
      return r;
    }
  }
  return {};
}

}  // namespace ledger::auth
