// Why a token is refused. A rejection is an InvalidArgument Status whose message is
// "<reason>: <detail>": the reason is a stable snake_case word (tests, docs/api.md and the 401
// answer's error description use it), the detail is for people. Every rejection answers 401.
#ifndef LEDGER_ADAPTERS_AUTH_TOKEN_REJECTION_H_
#define LEDGER_ADAPTERS_AUTH_TOKEN_REJECTION_H_

#include <string_view>

#include "engine/status.h"

namespace ledger::auth {

namespace reason {
inline constexpr std::string_view kMissingToken = "missing_token";  // no Authorization: Bearer
inline constexpr std::string_view kMalformed = "malformed_token";   // not a compact JWS
inline constexpr std::string_view kAlgNone = "alg_none";            // an unsigned token
inline constexpr std::string_view kUnknownAlgorithm = "unknown_algorithm";  // not a JWS alg
// A real JWS algorithm this server does not accept (RS256; HS256 with only EdDSA keys; ...).
inline constexpr std::string_view kAlgorithmNotAllowed = "algorithm_not_allowed";
inline constexpr std::string_view kBadSignature = "bad_signature";
inline constexpr std::string_view kExpired = "expired";
inline constexpr std::string_view kNotYetValid = "not_yet_valid";  // nbf (or iat) ahead
inline constexpr std::string_view kMissingExp = "missing_exp";
inline constexpr std::string_view kUnknownRole = "unknown_role";
inline constexpr std::string_view kMissingCustomerId = "missing_customer_id";
inline constexpr std::string_view kUnexpectedCustomerId = "unexpected_customer_id";
inline constexpr std::string_view kInvalidClaims = "invalid_claims";  // wrong types, bad tenant
}  // namespace reason

// InvalidArgument "<reason>: <detail>".
Status Rejection(std::string_view reason, std::string_view detail);

// The reason of a status made by Rejection; empty for any other status.
std::string_view RejectionReason(const Status& status);

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_TOKEN_REJECTION_H_
