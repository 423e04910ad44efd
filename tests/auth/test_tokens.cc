#include "tests/auth/test_tokens.h"

#include <doctest/doctest.h>

#include "adapters/webhook/hmac.h"

namespace ledger::testing {

const char* const kEd25519PrivateA =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIFFNQ/j9sV34Un8nhSSJ//luh3gQ58rzvmeQnMResk6i\n"
    "-----END PRIVATE KEY-----\n";
const char* const kEd25519PublicA =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAaIsLr4c1bfTAdwp6HM5U+klLz6izbduE4o3vM5QiiRs=\n"
    "-----END PUBLIC KEY-----\n";
const char* const kEd25519PrivateB =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIF/a5RAsQQ6xrdd0k3HC+VwvfqVK2hcfarEYoB3qBE5k\n"
    "-----END PRIVATE KEY-----\n";
const char* const kEd25519PublicB =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAKkm3fUFl1yhxK2lurK8cYdZh3wkpEX+itbip6RVnRug=\n"
    "-----END PUBLIC KEY-----\n";
const char* const kEd448Public =
    "-----BEGIN PUBLIC KEY-----\n"
    "MEMwBQYDK2VxAzoAlSbO1/bDhYIgy+GPnnIvR7bfP87qaZt96PxxxizqGkdwHv0N\n"
    "4BfkYjL9Nbd9tGk56N4DsT6RF8CA\n"
    "-----END PUBLIC KEY-----\n";

std::string Base64Url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t bits = 0;
  int count = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    count += 8;
    while (count >= 6) {
      count -= 6;
      out.push_back(kAlphabet[(bits >> count) & 0x3f]);
    }
  }
  if (count > 0) out.push_back(kAlphabet[(bits << (6 - count)) & 0x3f]);
  return out;
}

std::string Unsigned(std::string_view header_json, std::string_view payload_json,
                     std::string_view signature_b64url) {
  return Base64Url(header_json) + "." + Base64Url(payload_json) + "." +
         std::string(signature_b64url);
}

std::string SignHs256(std::string_view header_json, std::string_view payload_json,
                      std::string_view secret) {
  std::string signing_input = Base64Url(header_json) + "." + Base64Url(payload_json);
  Result<std::string> hex = webhook::HmacSha256Hex(secret, {signing_input});
  REQUIRE(hex.ok());
  std::string mac;
  for (std::size_t i = 0; i + 1 < hex->size(); i += 2) {
    mac.push_back(static_cast<char>(std::stoi(hex->substr(i, 2), nullptr, 16)));
  }
  return signing_input + "." + Base64Url(mac);
}

std::string AdminPayload(std::int64_t exp) {
  return R"({"sub":"user:alice","tenant":"shop_a","role":"admin","exp":)" + std::to_string(exp) +
         "}";
}

auth::Claims AdminClaims() {
  auth::Claims claims;
  claims.subject = "user:alice";
  claims.tenant = TenantId("shop_a");
  claims.role = "admin";
  return claims;
}

auth::AuthOptions Hs256Options(ManualClock* clock) {
  auth::AuthOptions options;
  options.hs256_secret = std::string(kTestSecret);
  options.clock = clock;
  return options;
}

auth::AuthOptions EdDsaOptions(ManualClock* clock) {
  auth::AuthOptions options;
  options.eddsa_public_keys = {kEd25519PublicA, kEd25519PublicB};
  options.clock = clock;
  return options;
}

}  // namespace ledger::testing
