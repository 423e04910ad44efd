// Keys and hand-made tokens for the auth tests. Bad tokens are built here without the JWT
// library, with OpenSSL's HMAC (adapters/webhook/hmac.h), so that the verifier is checked
// against an independent encoder and every bad case is exactly what it says.
#ifndef LEDGER_TESTS_AUTH_TEST_TOKENS_H_
#define LEDGER_TESTS_AUTH_TEST_TOKENS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "adapters/auth/auth_options.h"
#include "adapters/auth/claims.h"
#include "engine/clock.h"

namespace ledger::testing {

inline constexpr std::string_view kTestSecret = "test-secret-0123456789-abcdefghijkl";  // 35 bytes
inline constexpr std::string_view kOtherSecret = "another-secret-0123456789-abcdefghi";

// Two Ed25519 key pairs (made with `openssl genpkey -algorithm ed25519`; test use only) and
// an Ed448 public key, which the verifier must refuse as an EdDSA key.
extern const char* const kEd25519PrivateA;
extern const char* const kEd25519PublicA;
extern const char* const kEd25519PrivateB;
extern const char* const kEd25519PublicB;
extern const char* const kEd448Public;

// Unix seconds the tests' clocks start at (2026-01-01T00:00:00Z).
inline constexpr std::int64_t kNow = 1'767'225'600;
inline Timestamp AtUnix(std::int64_t seconds) { return Timestamp(seconds * 1'000'000); }

std::string Base64Url(std::string_view bytes);

// header.payload.signature with the first two base64url-encoded as given and the signature
// HMAC-SHA256 under `secret`.
std::string SignHs256(std::string_view header_json, std::string_view payload_json,
                      std::string_view secret = kTestSecret);
// header.payload.<signature_b64url> with any signature.
std::string Unsigned(std::string_view header_json, std::string_view payload_json,
                     std::string_view signature_b64url = "");

// {"sub":"user:alice","tenant":"shop_a","role":"admin","exp":kNow+600} and friends.
std::string AdminPayload(std::int64_t exp = kNow + 600);

auth::Claims AdminClaims();
auth::AuthOptions Hs256Options(ManualClock* clock);
auth::AuthOptions EdDsaOptions(ManualClock* clock);

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_AUTH_TEST_TOKENS_H_
