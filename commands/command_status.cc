#include "commands/command_status.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace ledger::commands {
namespace {

constexpr std::string_view kPermissionDeniedPrefix = "permission denied: ";

std::string_view CodeName(const Status& status) {
  if (IsPermissionDenied(status)) return "permission_denied";
  switch (status.code()) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kInvalidArgument:
      return "invalid_argument";
    case StatusCode::kNotFound:
      return "not_found";
    case StatusCode::kAlreadyExists:
      return "already_exists";
    case StatusCode::kConflict:
      return "conflict";
    case StatusCode::kFailedPrecondition:
      return "failed_precondition";
    case StatusCode::kUnavailable:
      return "unavailable";
    case StatusCode::kDataLoss:
      return "data_loss";
    case StatusCode::kCancelled:
      return "cancelled";
    case StatusCode::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace

Status PermissionDenied(std::string_view message) {
  return FailedPrecondition(std::string(kPermissionDeniedPrefix).append(message));
}

bool IsPermissionDenied(const Status& status) {
  return status.code() == StatusCode::kFailedPrecondition &&
         status.message().starts_with(kPermissionDeniedPrefix);
}

int HttpStatusFor(const Status& status) {
  if (IsPermissionDenied(status)) return 403;
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kConflict:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::string ErrorBodyJson(const Status& status) {
  boost::json::object error{{"code", CodeName(status)}, {"message", status.message()}};
  return boost::json::serialize(boost::json::object{{"error", std::move(error)}});
}

int CliExitCodeFor(const Status& status) {
  if (status.ok()) return 0;
  return status.code() == StatusCode::kConflict ? 3 : 1;
}

}  // namespace ledger::commands
