// AuthOptions: which tokens `ledger serve` accepts, read from the command line or environment
// (LEDGER_JWT_SECRET, LEDGER_JWT_EDDSA_PUBLIC_KEYS). See docs/api.md, "Authentication".
#ifndef LEDGER_ADAPTERS_AUTH_AUTH_OPTIONS_H_
#define LEDGER_ADAPTERS_AUTH_AUTH_OPTIONS_H_

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/result.h"

namespace ledger::auth {

// How far exp, nbf and iat may be off, to absorb clock skew between the minting and the
// verifying machine. Small on purpose: a token is refused at most this long after it expired.
inline constexpr std::chrono::seconds kDefaultLeeway{30};

// The algorithm allow-list follows from the keys: HS256 is accepted exactly when hs256_secret
// is set, EdDSA (Ed25519) exactly when eddsa_public_keys is non-empty, nothing else ever. With
// both, each token is checked only with the keys of the algorithm its header names, so an
// HS256 token is never checked against an EdDSA key or the reverse.
struct AuthOptions {
  std::string hs256_secret;                    // at least 32 bytes; empty: HS256 refused
  std::vector<std::string> eddsa_public_keys;  // PEM "PUBLIC KEY"s; any one may have signed
  std::chrono::seconds leeway = kDefaultLeeway;
  Clock* clock = nullptr;  // not owned; null means SystemClock::Default()
};

// AuthOptions from the raw option values: the secret as given, and `eddsa_public_key_files`
// a comma-separated list of PEM file paths (empty for none), each read now. InvalidArgument
// naming the file that cannot be read. Does not check the keys (TokenVerifier::Create does).
Result<AuthOptions> LoadAuthOptions(std::string hs256_secret,
                                    std::string_view eddsa_public_key_files);

// The whole content of a (key) file; InvalidArgument naming it if it cannot be read.
Result<std::string> ReadKeyFile(const std::string& path);

}  // namespace ledger::auth

#endif  // LEDGER_ADAPTERS_AUTH_AUTH_OPTIONS_H_
