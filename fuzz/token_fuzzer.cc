// Fuzzes the access-token parser and verifier (adapters/auth/compact_jws.h,
// token_verifier.h) with a fixed HS256 secret and an Ed25519 public key configured.
//
// Input: a first byte choosing the mode, then
//   even: a raw token, as the Authorization header would carry it;
//   odd:  "<header JSON>\n<claims JSON>", which the fuzzer signs with the HS256 secret, so
//         that the claim and time checks behind the signature are reached too.
// Checked beyond "no crash": every refusal is InvalidArgument (answered 401), accepted claims
// pass ValidateClaims, and claims that parse survive ClaimsToJson/ClaimsFromJson unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/auth/claims.h"
#include "adapters/auth/compact_jws.h"
#include "adapters/auth/token_verifier.h"
#include "engine/clock.h"
#include "engine/event_json.h"
#include "engine/sha256.h"

namespace {

// Test keys, not secrets: the HMAC key is public here and the EdDSA key is only a public key.
constexpr std::string_view kHs256Secret = "fuzz-only-hs256-secret-0123456789abcdef";
constexpr std::string_view kEddsaPublicKey =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA2gvNnnnW8M9IFhYXpsjC7xjlunT+UOiRdxAxoFDi6nE=\n"
    "-----END PUBLIC KEY-----\n";
constexpr std::int64_t kNowSeconds = 1787133647;

void Require(bool condition, const char* what, const ledger::Status& status = ledger::Status::Ok()) {
  if (!condition) {
    __builtin_printf("invariant violated: %s (%s)\n", what, status.ToString().c_str());
    std::abort();
  }
}

std::string Base64Url(std::string_view bytes) {
  std::string text = ledger::Base64Encode(bytes);
  while (!text.empty() && text.back() == '=') text.pop_back();
  for (char& c : text) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return text;
}

// RFC 2104 over engine/sha256.h, for a key of at most one block (the fixed secret above).
std::string HmacSha256(std::string_view key, std::string_view message) {
  constexpr std::size_t kBlock = 64;
  Require(key.size() <= kBlock, "HMAC key longer than a block");
  std::string inner_pad(kBlock, '\x36');
  std::string outer_pad(kBlock, '\x5c');
  for (std::size_t i = 0; i < key.size(); ++i) {
    inner_pad[i] = static_cast<char>(inner_pad[i] ^ key[i]);
    outer_pad[i] = static_cast<char>(outer_pad[i] ^ key[i]);
  }
  ledger::Sha256 inner;
  inner.Update(inner_pad);
  inner.Update(message);
  ledger::Sha256Digest inner_digest = inner.Finish();
  ledger::Sha256 outer;
  outer.Update(outer_pad);
  outer.Update(inner_digest);
  ledger::Sha256Digest mac = outer.Finish();
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

// header.payload.signature with the HS256 signature over the first two segments.
std::string Hs256Token(std::string_view header_json, std::string_view claims_json) {
  std::string signing_input = Base64Url(header_json) + "." + Base64Url(claims_json);
  return signing_input + "." + Base64Url(HmacSha256(kHs256Secret, signing_input));
}

const ledger::auth::TokenVerifier& Verifier() {
  static ledger::ManualClock* const clock =
      new ledger::ManualClock(ledger::Timestamp(kNowSeconds * 1'000'000));
  static const ledger::auth::TokenVerifier* const verifier = [] {
    ledger::auth::AuthOptions options;
    options.hs256_secret = std::string(kHs256Secret);
    options.eddsa_public_keys.push_back(std::string(kEddsaPublicKey));
    options.clock = clock;
    auto created = ledger::auth::TokenVerifier::Create(std::move(options));
    Require(created.ok(), "TokenVerifier::Create failed", created.status());
    return created->release();
  }();
  return *verifier;
}

void CheckClaimsRoundTrip(const ledger::auth::Claims& claims) {
  ledger::Result<ledger::auth::Claims> again =
      ledger::auth::ClaimsFromJson(ledger::auth::ClaimsToJson(claims));
  Require(again.ok() && *again == claims, "claims do not survive ClaimsToJson", again.status());
}

void CheckToken(std::string_view token) {
  (void)ledger::auth::InspectCompactJws(token);
  ledger::Result<ledger::auth::Claims> claims = Verifier().Verify(token);
  if (!claims.ok()) {
    Require(claims.status().code() == ledger::StatusCode::kInvalidArgument,
            "a refused token is not InvalidArgument", claims.status());
    return;
  }
  Require(ledger::auth::ValidateClaims(*claims).ok(), "accepted claims fail ValidateClaims");
  CheckClaimsRoundTrip(*claims);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)ledger::auth::DecodeBase64Url(input);
  if ((data[0] & 1) == 0) {
    CheckToken(input);
    return 0;
  }
  std::size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  std::string_view header = input.substr(0, newline);
  std::string_view claims_json = input.substr(newline + 1);
  ledger::Result<ledger::auth::Claims> claims = ledger::auth::ClaimsFromJson(claims_json);
  if (claims.ok()) CheckClaimsRoundTrip(*claims);
  CheckToken(Hs256Token(header, claims_json));
  return 0;
}

