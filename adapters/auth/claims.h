// Claims: what a verified access token says about its bearer (docs/api.md, "Authentication").
// The JSON names are the token's: sub, tenant, role, customer_id, exp, nbf, iat.
#ifndef LEDGER_ADAPTERS_AUTH_CLAIMS_H_
#define LEDGER_ADAPTERS_AUTH_CLAIMS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/command.h"
#include "engine/ids.h"
#include "engine/result.h"

namespace ledger::auth {

// The roles a token may carry. Admin, operator and reviewer are the command roles of
// commands/command.h (the same constants, so the dispatcher's permission table stays the one
// place that decides who may run which command). Auditors read the event log; customers read
// their own orders; neither may run any command. The commands' "system" role is for in-process
// callers and is never granted by a token.
inline constexpr std::string_view kRoleAdmin = commands::kRoleAdmin;
inline constexpr std::string_view kRoleOperator = commands::kRoleOperator;
inline constexpr std::string_view kRoleReviewer = commands::kRoleReviewer;
inline constexpr std::string_view kRoleAuditor = "auditor";
inline constexpr std::string_view kRoleCustomer = "customer";
inline constexpr std::array<std::string_view, 5> kTokenRoles = {
    kRoleAdmin, kRoleOperator, kRoleAuditor, kRoleCustomer, kRoleReviewer};

// Longest subject and customer id accepted, in bytes.
inline constexpr std::size_t kMaxClaimBytes = 256;

struct Claims {
  std::string subject;  // sub: who; becomes a command's metadata.actor
  TenantId tenant{kDefaultTenant};
  std::string role;                        // one of kTokenRoles
  std::optional<std::string> customer_id;  // required for customers, refused for other roles
  std::int64_t expires_at = 0;             // exp, Unix seconds; required
  std::optional<std::int64_t> not_before;  // nbf, Unix seconds
  std::optional<std::int64_t> issued_at;   // iat, Unix seconds

  friend bool operator==(const Claims&, const Claims&) = default;
};

// A time as a JWT NumericDate: whole seconds since the Unix epoch, floored (also before 1970).
std::int64_t NumericDate(Timestamp time);

// Checks everything about `claims` that does not depend on the time: a subject the event
// metadata accepts, a valid tenant id, a known role, a customer id exactly for customers
// (printable ASCII without spaces, at most kMaxClaimBytes), exp > 0. InvalidArgument whose
// message starts with the rejection reason (token_verifier.h): "unknown_role: ...",
// "missing_customer_id: ...", "invalid_claims: ...".
Status ValidateClaims(const Claims& claims);

// The claims as the token's JSON payload (only the fields that are set).
std::string ClaimsToJson(const Claims& claims);

// Reads a payload: every claim above with its JSON type (numbers for the times, strings for the
// rest); other claims (iss, aud, jti, ...) are ignored. Does not call ValidateClaims. A missing
// exp is "missing_exp: ..."; any other shape problem "invalid_claims: ...".
Result<Claims> ClaimsFromJson(std::string_view json);

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_CLAIMS_H_
