#include "adapters/auth/claims.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <limits>

#include "adapters/auth/token_rejection.h"
#include "engine/event_validation.h"

namespace ledger::auth {
namespace {

namespace json = boost::json;

bool IsPrintableWord(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// A NumericDate (RFC 7519 section 2): a JSON number of seconds. Fractions are dropped, toward
// the past, which only ever makes exp stricter and nbf more lenient by under a second.
Result<std::optional<std::int64_t>> ReadTime(const json::object& payload, std::string_view name) {
  const json::value* value = payload.if_contains(name);
  if (value == nullptr) return std::optional<std::int64_t>();
  if (const std::int64_t* i = value->if_int64()) return std::optional<std::int64_t>(*i);
  if (const std::uint64_t* u = value->if_uint64();
      u != nullptr && *u <= std::uint64_t{std::numeric_limits<std::int64_t>::max()}) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(*u));
  }
  // 9.2e18 rather than INT64_MAX itself: the nearest double to INT64_MAX is out of range.
  if (const double* d = value->if_double();
      d != nullptr && std::isfinite(*d) && std::fabs(*d) < 9.2e18) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(std::floor(*d)));
  }
  return Rejection(reason::kInvalidClaims,
                   std::string(name) + " must be a number of seconds since the Unix epoch");
}

Result<std::optional<std::string>> ReadString(const json::object& payload, std::string_view name) {
  const json::value* value = payload.if_contains(name);
  if (value == nullptr) return std::optional<std::string>();
  if (const json::string* s = value->if_string())
    return std::optional<std::string>(std::string(s->subview()));
  return Rejection(reason::kInvalidClaims, std::string(name) + " must be a string");
}

}  // namespace

std::int64_t NumericDate(Timestamp time) {
  std::int64_t micros = time.value();
  return micros >= 0 ? micros / 1'000'000 : -((-micros + 999'999) / 1'000'000);
}

Status ValidateClaims(const Claims& claims) {
  if (claims.subject.empty()) return Rejection(reason::kInvalidClaims, "sub is missing or empty");
  if (claims.subject.size() > kMaxClaimBytes) {
    return Rejection(reason::kInvalidClaims, "sub is longer than 256 bytes");
  }
  // The subject becomes events' metadata.actor: the same rules, checked here so that a bad
  // one is a 401 at the door rather than a 400 from whichever command runs first.
  Metadata as_actor{"", "", claims.subject, ""};
  if (Status valid = ValidateMetadata(as_actor); !valid.ok()) {
    return Rejection(reason::kInvalidClaims, "sub: " + valid.message());
  }
  if (Status valid = ValidateTenantId(claims.tenant); !valid.ok()) {
    return Rejection(reason::kInvalidClaims, "tenant: " + valid.message());
  }
  if (std::find(kTokenRoles.begin(), kTokenRoles.end(), claims.role) == kTokenRoles.end()) {
    return Rejection(
        reason::kUnknownRole,
        "role '" + claims.role + "' is not one of admin, operator, auditor, customer, reviewer");
  }
  bool is_customer = claims.role == kRoleCustomer;
  if (is_customer && !claims.customer_id.has_value()) {
    return Rejection(reason::kMissingCustomerId, "a customer token must carry customer_id");
  }
  if (!is_customer && claims.customer_id.has_value()) {
    return Rejection(
        reason::kUnexpectedCustomerId,
        "only customer tokens carry customer_id, this one is for role '" + claims.role + "'");
  }
  if (is_customer && (claims.customer_id->empty() || claims.customer_id->size() > kMaxClaimBytes ||
                      !IsPrintableWord(*claims.customer_id))) {
    return Rejection(reason::kInvalidClaims,
                     "customer_id must be 1 to 256 printable ASCII characters without spaces");
  }
  if (claims.expires_at <= 0) return Rejection(reason::kMissingExp, "exp must be positive");
  return Status::Ok();
}

std::string ClaimsToJson(const Claims& claims) {
  json::object payload;
  payload["sub"] = claims.subject;
  payload["tenant"] = claims.tenant.value();
  payload["role"] = claims.role;
  if (claims.customer_id) payload["customer_id"] = *claims.customer_id;
  payload["exp"] = claims.expires_at;
  if (claims.not_before) payload["nbf"] = *claims.not_before;
  if (claims.issued_at) payload["iat"] = *claims.issued_at;
  return json::serialize(payload);
}

Result<Claims> ClaimsFromJson(std::string_view text) {
  boost::system::error_code ec;
  json::value parsed = json::parse(text, ec);
  if (ec || !parsed.is_object()) {
    return Rejection(reason::kMalformed, "the payload is not a JSON object");
  }
  const json::object& payload = parsed.get_object();
  Claims claims;
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::int64_t> exp, ReadTime(payload, "exp"));
  if (!exp) return Rejection(reason::kMissingExp, "the token has no exp (expiry) claim");
  claims.expires_at = *exp;
  LEDGER_ASSIGN_OR_RETURN(claims.not_before, ReadTime(payload, "nbf"));
  LEDGER_ASSIGN_OR_RETURN(claims.issued_at, ReadTime(payload, "iat"));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> sub, ReadString(payload, "sub"));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> tenant, ReadString(payload, "tenant"));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> role, ReadString(payload, "role"));
  LEDGER_ASSIGN_OR_RETURN(claims.customer_id, ReadString(payload, "customer_id"));
  if (!tenant) return Rejection(reason::kInvalidClaims, "the token has no tenant claim");
  if (!role) return Rejection(reason::kUnknownRole, "the token has no role claim");
  claims.subject = sub.value_or("");
  claims.tenant = TenantId(std::move(*tenant));
  claims.role = std::move(*role);
  return claims;
}

}  // namespace ledger::auth
