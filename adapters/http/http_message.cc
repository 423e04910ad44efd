#include "adapters/http/http_message.h"

#include <algorithm>
#include <boost/json/serialize.hpp>

namespace ledger::http {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return Lower(x) == Lower(y); });
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Quote(std::string_view text) {
  return boost::json::serialize(boost::json::string_view(text.data(), text.size()));
}

}  // namespace

std::optional<std::string_view> HttpRequest::FindHeader(std::string_view name) const {
  for (const HeaderField& field : headers) {
    if (EqualsIgnoreCase(field.name, name)) return field.value;
  }
  return std::nullopt;
}

HttpResponse JsonResponse(int status, std::string json) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(json);
  return response;
}

HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message) {
  return JsonResponse(
      status, R"({"error":{"code":)" + Quote(code) + R"(,"message":)" + Quote(message) + "}}");
}

HttpResponse StatusResponse(const Status& status, int retry_after_seconds) {
  switch (status.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kCancelled: {
      HttpResponse response = ErrorResponse(
          503, status.code() == StatusCode::kCancelled ? "shutting_down" : "store_unavailable",
          status.message());
      response.headers.push_back({"Retry-After", std::to_string(retry_after_seconds)});
      return response;
    }
    case StatusCode::kInvalidArgument:
      return ErrorResponse(400, "invalid_argument", status.message());
    case StatusCode::kNotFound:
      return ErrorResponse(404, "not_found", status.message());
    case StatusCode::kConflict:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return ErrorResponse(409, "conflict", status.message());
    default:
      return ErrorResponse(500, "internal", status.message());
  }
}

bool IsJsonContentType(std::optional<std::string_view> content_type) {
  if (!content_type) return false;
  std::string_view media_type = content_type->substr(0, content_type->find(';'));
  return EqualsIgnoreCase(Trim(media_type), "application/json");
}

}  // namespace ledger::http
