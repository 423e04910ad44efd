#include "adapters/auth/jws_signature.h"

#include <rhonabwy.h>

#include <memory>

#include "adapters/auth/token_rejection.h"

namespace ledger::auth {
namespace {

struct JwkDeleter {
  void operator()(jwk_t* jwk) const { r_jwk_free(jwk); }
};
struct JwtDeleter {
  void operator()(jwt_t* jwt) const { r_jwt_free(jwt); }
};
struct RhonabwyDeleter {
  void operator()(void* data) const { r_free(data); }
};
using JwkPtr = std::unique_ptr<jwk_t, JwkDeleter>;
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;
using RhonabwyString = std::unique_ptr<char, RhonabwyDeleter>;

// r_global_init is not thread-safe and must precede every other call: once per process, and
// never closed, since verifiers may run until exit.
Status InitLibrary() {
  static const int result = r_global_init();
  if (result != RHN_OK)
    return Internal("librhonabwy failed to initialise: " + std::to_string(result));
  return Status::Ok();
}

jwa_alg LibraryAlgorithm(SigningAlgorithm algorithm) {
  return algorithm == SigningAlgorithm::kHs256 ? R_JWA_ALG_HS256 : R_JWA_ALG_EDDSA;
}

Result<JwkPtr> ImportKey(const SigningKey& key) {
  LEDGER_RETURN_IF_ERROR(InitLibrary());
  jwk_t* raw = nullptr;
  if (r_jwk_init(&raw) != RHN_OK) return Internal("out of memory importing a key");
  JwkPtr jwk(raw);
  const auto* bytes = reinterpret_cast<const unsigned char*>(key.material.data());
  if (key.algorithm == SigningAlgorithm::kHs256) {
    if (key.material.size() < kMinHs256SecretBytes) {
      return InvalidArgument("the HS256 secret is " + std::to_string(key.material.size()) +
                             " bytes; at least 32 are required");
    }
    if (r_jwk_import_from_symmetric_key(jwk.get(), bytes, key.material.size()) != RHN_OK) {
      return InvalidArgument("the HS256 secret could not be imported");
    }
    return jwk;
  }
  int type = key.role == KeyRole::kSign ? R_X509_TYPE_PRIVKEY : R_X509_TYPE_PUBKEY;
  if (r_jwk_import_from_pem_der(jwk.get(), type, R_FORMAT_PEM, bytes, key.material.size()) !=
      RHN_OK) {
    return InvalidArgument(key.role == KeyRole::kSign
                               ? "not a PEM private key (expected -----BEGIN PRIVATE KEY-----)"
                               : "not a PEM public key (expected -----BEGIN PUBLIC KEY-----)");
  }
  unsigned int bits = 0;
  int kind = r_jwk_key_type(jwk.get(), &bits, R_FLAG_IGNORE_REMOTE);
  int wanted = key.role == KeyRole::kSign ? R_KEY_TYPE_PRIVATE : R_KEY_TYPE_PUBLIC;
  const char* curve = r_jwk_get_property_str(jwk.get(), "crv");
  if ((kind & R_KEY_TYPE_EDDSA) == 0 || (kind & wanted) == 0 || curve == nullptr ||
      std::string_view(curve) != "Ed25519") {
    return InvalidArgument(key.role == KeyRole::kSign ? "not an Ed25519 private key"
                                                      : "not an Ed25519 public key");
  }
  return jwk;
}

}  // namespace

std::string_view AlgorithmName(SigningAlgorithm algorithm) {
  return algorithm == SigningAlgorithm::kHs256 ? "HS256" : "EdDSA";
}

Status CheckSigningKey(const SigningKey& key) { return ImportKey(key).status(); }

Result<std::string> SignJwt(const SigningKey& key, std::string_view claims_json) {
  if (key.role != KeyRole::kSign) return FailedPrecondition("SignJwt needs a signing key");
  LEDGER_ASSIGN_OR_RETURN(JwkPtr jwk, ImportKey(key));
  jwt_t* raw = nullptr;
  if (r_jwt_init(&raw) != RHN_OK) return Internal("out of memory creating a token");
  JwtPtr jwt(raw);
  std::string claims(claims_json);  // the library wants a NUL-terminated string
  if (r_jwt_set_full_claims_json_str(jwt.get(), claims.c_str()) != RHN_OK) {
    return InvalidArgument("the claims are not a JSON object");
  }
  if (r_jwt_set_sign_alg(jwt.get(), LibraryAlgorithm(key.algorithm)) != RHN_OK) {
    return Internal("librhonabwy refused the signing algorithm");
  }
  RhonabwyString token(r_jwt_serialize_signed(jwt.get(), jwk.get(), R_FLAG_IGNORE_REMOTE));
  if (token == nullptr) return Internal("librhonabwy could not sign the token");
  return std::string(token.get());
}

Result<std::string> VerifyJwt(std::string_view token, const SigningKey& key) {
  if (key.role != KeyRole::kVerify) return FailedPrecondition("VerifyJwt needs a verifying key");
  LEDGER_ASSIGN_OR_RETURN(JwkPtr jwk, ImportKey(key));
  jwt_t* raw = nullptr;
  if (r_jwt_init(&raw) != RHN_OK) return Internal("out of memory parsing a token");
  JwtPtr jwt(raw);
  // R_PARSE_NONE: no keys from the header, no unsigned tokens. R_FLAG_IGNORE_REMOTE: never
  // fetch anything over the network.
  if (r_jwt_advanced_parsen(jwt.get(), token.data(), token.size(), R_PARSE_NONE,
                            R_FLAG_IGNORE_REMOTE) != RHN_OK ||
      r_jwt_get_type(jwt.get()) != R_JWT_TYPE_SIGN) {
    return Rejection(reason::kMalformed, "not a signed JWT");
  }
  // Invariant: the caller chose `key` by the header's alg; the library must have read the same.
  if (r_jwt_get_sign_alg(jwt.get()) != LibraryAlgorithm(key.algorithm)) {
    return Rejection(reason::kMalformed, "the header's alg does not match the token");
  }
  if (r_jwt_verify_signature(jwt.get(), jwk.get(), R_FLAG_IGNORE_REMOTE) != RHN_OK) {
    return Rejection(reason::kBadSignature, "the signature does not verify");
  }
  RhonabwyString claims(r_jwt_get_full_claims_str(jwt.get()));
  if (claims == nullptr) return Rejection(reason::kMalformed, "the payload is not a JSON object");
  return std::string(claims.get());
}

}  // namespace ledger::auth
