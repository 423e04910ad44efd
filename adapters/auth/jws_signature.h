// Signing and checking JWT signatures through librhonabwy (a maintained JOSE library from
// Debian). jws_signature.cc is the only file that includes it. Only the two algorithms the
// ledger accepts exist here: HS256 and EdDSA over Ed25519.
//
// Thread safety: every function is thread-safe; keys are imported per call from their bytes,
// so nothing mutable is shared between requests.
#ifndef LEDGER_ADAPTERS_AUTH_JWS_SIGNATURE_H_
#define LEDGER_ADAPTERS_AUTH_JWS_SIGNATURE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::auth {

enum class SigningAlgorithm { kHs256, kEdDsa };

// The JWS "alg" value: "HS256", "EdDSA".
std::string_view AlgorithmName(SigningAlgorithm algorithm);

// RFC 7518 section 3.2: an HS256 key must be at least as long as the hash, 32 bytes.
inline constexpr std::size_t kMinHs256SecretBytes = 32;

enum class KeyRole { kSign, kVerify };

// Key material: for HS256 the shared secret's bytes (for both roles); for EdDSA an Ed25519 key
// in PEM, PKCS#8 "PRIVATE KEY" to sign and SubjectPublicKeyInfo "PUBLIC KEY" to verify.
struct SigningKey {
  SigningAlgorithm algorithm = SigningAlgorithm::kHs256;
  KeyRole role = KeyRole::kVerify;
  std::string material;
};

// Checks that `key` is usable for its role: a secret of at least kMinHs256SecretBytes, or a
// PEM that imports as an Ed25519 key of the right kind. InvalidArgument saying what is wrong
// (never the key itself).
Status CheckSigningKey(const SigningKey& key);

// A compact JWS with header {"typ":"JWT","alg":...} (EdDSA adds the key's "kid") over
// `claims_json`. REQUIRES: key.role == kSign and CheckSigningKey(key) passed.
Result<std::string> SignJwt(const SigningKey& key, std::string_view claims_json);

// Checks `token`'s signature with `key` and returns its claims as JSON. The library parses the
// token without honouring keys or key URLs named in its header (no "jwk", "jku", "x5u", "x5c")
// and without accepting unsigned tokens. "bad_signature: ..." if the signature does not verify
// with this key, "malformed_token: ..." if the library cannot parse the token or its alg is not
// key.algorithm. REQUIRES: key.role == kVerify.
Result<std::string> VerifyJwt(std::string_view token, const SigningKey& key);

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_JWS_SIGNATURE_H_
