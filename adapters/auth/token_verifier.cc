#include "adapters/auth/token_verifier.h"

#include <algorithm>
#include <array>
#include <utility>

#include "adapters/auth/compact_jws.h"
#include "adapters/auth/token_rejection.h"

namespace ledger::auth {
namespace {

// Every signature algorithm registered for JWS (RFC 7518 section 3.1, RFC 8037, RFC 8812):
// a token naming one of these is well-formed but signed in a way this server does not accept;
// anything else is an unknown algorithm. Either way the token is refused.
constexpr std::array<std::string_view, 14> kRegisteredJwsAlgorithms = {
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "ES256",
    "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA", "ES256K"};

bool IsNone(std::string_view alg) {
  // "none" is case-sensitive in JWS, but no variant of it may ever reach the library.
  return alg.size() == 4 &&
         std::equal(alg.begin(), alg.end(), "none", [](char a, char b) { return (a | 0x20) == b; });
}

}  // namespace

TokenVerifier::TokenVerifier(AuthOptions options) : options_(std::move(options)) {}

Result<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(AuthOptions options) {
  if (options.leeway.count() < 0) return InvalidArgument("the token leeway must not be negative");
  if (options.clock == nullptr) options.clock = SystemClock::Default();
  std::unique_ptr<TokenVerifier> verifier(new TokenVerifier(std::move(options)));
  const AuthOptions& o = verifier->options_;
  if (!o.hs256_secret.empty()) {
    SigningKey key{SigningAlgorithm::kHs256, KeyRole::kVerify, o.hs256_secret};
    LEDGER_RETURN_IF_ERROR(CheckSigningKey(key).WithContext("LEDGER_JWT_SECRET"));
    verifier->hs256_keys_.push_back(std::move(key));
  }
  for (std::size_t i = 0; i < o.eddsa_public_keys.size(); ++i) {
    SigningKey key{SigningAlgorithm::kEdDsa, KeyRole::kVerify, o.eddsa_public_keys[i]};
    LEDGER_RETURN_IF_ERROR(
        CheckSigningKey(key).WithContext("EdDSA public key " + std::to_string(i + 1)));
    verifier->eddsa_keys_.push_back(std::move(key));
  }
  if (verifier->hs256_keys_.empty() && verifier->eddsa_keys_.empty()) {
    return FailedPrecondition(
        "no token keys: set LEDGER_JWT_SECRET (HS256) or EdDSA public keys, or no token could "
        "ever be accepted");
  }
  return verifier;
}

std::vector<std::string_view> TokenVerifier::algorithms() const {
  std::vector<std::string_view> names;
  if (!hs256_keys_.empty()) names.push_back(AlgorithmName(SigningAlgorithm::kHs256));
  if (!eddsa_keys_.empty()) names.push_back(AlgorithmName(SigningAlgorithm::kEdDsa));
  return names;
}

Result<const std::vector<SigningKey>*> TokenVerifier::KeysFor(std::string_view alg) const {
  // The allow-list: the keys for exactly the algorithm the header names, or none at all.
  const std::vector<SigningKey>* keys = nullptr;
  if (alg == AlgorithmName(SigningAlgorithm::kHs256)) keys = &hs256_keys_;
  if (alg == AlgorithmName(SigningAlgorithm::kEdDsa)) keys = &eddsa_keys_;
  if (keys != nullptr && !keys->empty()) return keys;
  std::string accepted;
  for (std::string_view name : algorithms()) {
    accepted += (accepted.empty() ? "" : ", ") + std::string(name);
  }
  bool registered = std::find(kRegisteredJwsAlgorithms.begin(), kRegisteredJwsAlgorithms.end(),
                              alg) != kRegisteredJwsAlgorithms.end();
  return Rejection(registered ? reason::kAlgorithmNotAllowed : reason::kUnknownAlgorithm,
                   "alg '" + std::string(alg) + "'; this server accepts " + accepted);
}

Result<std::string> TokenVerifier::VerifySignature(std::string_view token,
                                                   const std::vector<SigningKey>& keys) {
  // Several EdDSA keys are a rotation: any one may have signed. A token the library cannot
  // parse is malformed whichever key is tried; report that rather than a mismatch.
  Status last = Rejection(reason::kBadSignature, "no key");
  for (const SigningKey& key : keys) {
    Result<std::string> claims = VerifyJwt(token, key);
    if (claims.ok() || RejectionReason(claims.status()) != reason::kBadSignature) return claims;
    last = claims.status();
  }
  return last;
}

Status TokenVerifier::CheckTimes(const Claims& claims) const {
  const std::int64_t now = NumericDate(options_.clock->Now());
  const std::int64_t leeway = options_.leeway.count();
  // exp: valid while now < exp (RFC 7519 section 4.1.4), stretched by the leeway.
  if (now >= claims.expires_at + leeway) {
    return Rejection(reason::kExpired, "the token expired " +
                                           std::to_string(now - claims.expires_at) +
                                           " s ago (leeway " + std::to_string(leeway) + " s)");
  }
  if (claims.not_before && now + leeway < *claims.not_before) {
    return Rejection(reason::kNotYetValid, "the token is valid from " +
                                               std::to_string(*claims.not_before - now) +
                                               " s from now (nbf)");
  }
  if (claims.issued_at && now + leeway < *claims.issued_at) {
    return Rejection(reason::kNotYetValid, "the token was issued " +
                                               std::to_string(*claims.issued_at - now) +
                                               " s in the future (iat)");
  }
  return Status::Ok();
}

Result<Claims> TokenVerifier::Verify(std::string_view token) const {
  if (token.empty()) return Rejection(reason::kMissingToken, "no bearer token");
  LEDGER_ASSIGN_OR_RETURN(JwsHeaderView header, InspectCompactJws(token));
  if (IsNone(header.alg)) {
    return Rejection(reason::kAlgNone, "unsigned tokens (alg 'none') are never accepted");
  }
  LEDGER_ASSIGN_OR_RETURN(const std::vector<SigningKey>* keys, KeysFor(header.alg));
  // After the alg, so that an unsigned token is named as such, and before the library, so that
  // it never sees a signature-less token of an algorithm it knows.
  if (!header.has_signature) return Rejection(reason::kMalformed, "the signature is empty");
  LEDGER_ASSIGN_OR_RETURN(std::string payload, VerifySignature(token, *keys));
  // Everything below reads claims that are known to come from a key holder.
  LEDGER_ASSIGN_OR_RETURN(Claims claims, ClaimsFromJson(payload));
  LEDGER_RETURN_IF_ERROR(CheckTimes(claims));
  LEDGER_RETURN_IF_ERROR(ValidateClaims(claims));
  return claims;
}

}  // namespace ledger::auth
