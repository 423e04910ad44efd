#include "adapters/stripe/signature.h"

#include <charconv>

#include "adapters/webhook/hmac.h"

namespace ledger::stripe {

using webhook::SignatureCheck;
using webhook::SignatureVerdict;

Result<SignatureHeader> ParseSignatureHeader(std::string_view header) {
  SignatureHeader parsed;
  bool have_t = false;
  std::size_t start = 0;
  while (start <= header.size()) {
    std::size_t comma = header.find(',', start);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = header.substr(start, comma - start);
    start = comma + 1;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = item.substr(0, eq);
    std::string_view value = item.substr(eq + 1);
    if (key == "t") {
      if (have_t) return InvalidArgument("Stripe-Signature has more than one t");
      std::int64_t t = 0;
      auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), t);
      if (value.empty() || error != std::errc() || end != value.data() + value.size() || t < 0) {
        return InvalidArgument("Stripe-Signature t is not a Unix time");
      }
      parsed.timestamp = t;
      have_t = true;
    } else if (key == "v1") {
      parsed.v1.emplace_back(value);
    }
  }
  if (!have_t) return InvalidArgument("Stripe-Signature has no timestamp (t=)");
  if (parsed.v1.empty()) return InvalidArgument("Stripe-Signature has no v1 signature");
  return parsed;
}

SignatureVerifier::SignatureVerifier(std::vector<std::string> secrets,
                                     std::chrono::seconds tolerance)
    : secrets_(std::move(secrets)), tolerance_(tolerance) {}

SignatureCheck SignatureVerifier::Verify(std::string_view header, std::string_view body,
                                         std::int64_t now_unix_seconds) const {
  if (secrets_.empty()) {
    return {SignatureVerdict::kNotConfigured, "no Stripe webhook secret is configured"};
  }
  if (header.empty()) return {SignatureVerdict::kMissing, "Stripe-Signature header is missing"};
  Result<SignatureHeader> parsed = ParseSignatureHeader(header);
  if (!parsed.ok()) return {SignatureVerdict::kMalformed, parsed.status().message()};

  // The signed text carries t as the SDKs print it back (decimal, no leading zeros).
  const std::string t = std::to_string(parsed->timestamp);
  bool matched = false;
  for (const std::string& secret : secrets_) {
    Result<std::string> expected = webhook::HmacSha256Hex(secret, {t, ".", body});
    if (!expected.ok()) return {SignatureVerdict::kMismatch, expected.status().message()};
    for (const std::string& candidate : parsed->v1) {
      matched = webhook::ConstantTimeEquals(*expected, candidate) || matched;
    }
  }
  if (!matched) {
    return {SignatureVerdict::kMismatch,
            "no v1 signature matches the payload with any configured secret"};
  }
  std::int64_t age = now_unix_seconds - parsed->timestamp;
  if (age > tolerance_.count()) {
    return {SignatureVerdict::kStale, "signature timestamp is " + std::to_string(age) +
                                          " s old; the tolerance is " +
                                          std::to_string(tolerance_.count()) + " s"};
  }
  if (-age > tolerance_.count()) {
    return {SignatureVerdict::kFuture, "signature timestamp is " + std::to_string(-age) +
                                           " s in the future; the tolerance is " +
                                           std::to_string(tolerance_.count()) + " s"};
  }
  return {SignatureVerdict::kValid, ""};
}

}  // namespace ledger::stripe
