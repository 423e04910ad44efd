// TokenVerifier: checks an access token (a JWT) and returns its claims, or the reason it is
// refused (token_rejection.h). docs/api.md, "Authentication", describes the format.
//
//   auto verifier = TokenVerifier::Create(options);          // once, at startup
//   Result<Claims> claims = (*verifier)->Verify(token);      // per request
//   if (!claims.ok()) -> 401 with RejectionReason(claims.status())
//
// What is checked, in order: the compact shape; the header's alg against the allow-list the
// configured keys imply (alg "none", an unknown alg and a real but unconfigured one are each
// refused by name); the signature, with only the keys of that algorithm; the claims' types
// (exp required); the time (exp, nbf, iat, each with AuthOptions::leeway); the claims'
// values (tenant, role, customer id exactly for customers, subject).
//
// Thread safety: immutable after Create; Verify may be called concurrently.
#ifndef LEDGER_ADAPTERS_AUTH_TOKEN_VERIFIER_H_
#define LEDGER_ADAPTERS_AUTH_TOKEN_VERIFIER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/auth/auth_options.h"
#include "adapters/auth/claims.h"
#include "adapters/auth/jws_signature.h"
#include "engine/result.h"

namespace ledger::auth {

class TokenVerifier {
 public:
  // Checks every key. InvalidArgument if a key is unusable (a short secret, a PEM that is not
  // an Ed25519 public key, a negative leeway); FailedPrecondition if no key is configured at
  // all (the server would refuse every token).
  static Result<std::unique_ptr<TokenVerifier>> Create(AuthOptions options);

  // The verified claims, or a rejection: InvalidArgument "<reason>: <detail>".
  Result<Claims> Verify(std::string_view token) const;

  // The accepted algorithms, "HS256" and/or "EdDSA".
  std::vector<std::string_view> algorithms() const;

 private:
  explicit TokenVerifier(AuthOptions options);
  // The keys of `alg` if it is accepted; else the rejection (unknown or not allowed).
  Result<const std::vector<SigningKey>*> KeysFor(std::string_view alg) const;
  // The claims JSON if one of `keys` verifies the signature.
  static Result<std::string> VerifySignature(std::string_view token,
                                             const std::vector<SigningKey>& keys);
  Status CheckTimes(const Claims& claims) const;

  AuthOptions options_;
  std::vector<SigningKey> hs256_keys_;  // zero or one
  std::vector<SigningKey> eddsa_keys_;
};

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_TOKEN_VERIFIER_H_
