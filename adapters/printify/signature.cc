#include "adapters/printify/signature.h"

#include "adapters/webhook/hmac.h"

namespace ledger::printify {

using webhook::SignatureCheck;
using webhook::SignatureVerdict;

SignatureCheck VerifySignature(std::string_view header, std::string_view body,
                               std::string_view secret) {
  if (secret.empty()) {
    return {SignatureVerdict::kNotConfigured, "no Printify webhook secret is configured"};
  }
  if (header.empty()) return {SignatureVerdict::kMissing, "X-Pfy-Signature header is missing"};
  constexpr std::string_view kPrefix = "sha256=";
  if (!header.starts_with(kPrefix) || header.size() != kPrefix.size() + 64) {
    return {SignatureVerdict::kMalformed, "X-Pfy-Signature is not sha256=<64 hex digits>"};
  }
  Result<std::string> expected = webhook::HmacSha256Hex(secret, {body});
  if (!expected.ok()) return {SignatureVerdict::kMismatch, expected.status().message()};
  if (!webhook::ConstantTimeEquals(*expected, header.substr(kPrefix.size()))) {
    return {SignatureVerdict::kMismatch, "X-Pfy-Signature does not match the payload"};
  }
  return {SignatureVerdict::kValid, ""};
}

}  // namespace ledger::printify
