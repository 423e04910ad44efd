// Fuzzes the webhook signature headers: Stripe's "t=...,v1=..." parser and verifier, and
// Printify's "sha256=<hex>" verifier.
//
// Input: "<header>\n<body>" (no newline: all header, empty body). Every "{sig}" in the header is
// replaced by the correct v1 for the body and the header's t (or, for Printify, the correct
// hex), so that the fuzzer reaches the accepting and the time-checking paths too, which random
// bytes never would.
//
// Checked beyond "no crash": a header the verifier accepts also parses, and the parser's
// result keeps its documented shape (at least one v1).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/printify/signature.h"
#include "adapters/stripe/signature.h"
#include "adapters/webhook/hmac.h"

namespace {

using ledger::webhook::SignatureVerdict;

// The secrets of the shared test fixtures (fixtures/*/signatures.json): not real ones.
constexpr std::string_view kStripeSecret = "whsec_test_ledger_0123456789abcdef";
constexpr std::string_view kStripeOldSecret = "whsec_test_ledger_OLD_rotated_secret";
constexpr std::string_view kPrintifySecret = "0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c";
constexpr std::int64_t kNow = 1787133647;  // the fixtures' now_for_test
constexpr std::string_view kPlaceholder = "{sig}";

void Require(bool condition, const char* what) {
  if (!condition) {
    __builtin_printf("invariant violated: %s\n", what);
    std::abort();
  }
}

// The t= value of the header as the signer would have used it: the text after the first
// "t=" up to the next ','.
std::string_view TimestampText(std::string_view header) {
  std::size_t start = header.starts_with("t=") ? 0 : header.find(",t=");
  if (start == std::string_view::npos) return {};
  start += header[start] == ',' ? 3 : 2;
  std::size_t end = header.find(',', start);
  return header.substr(start, end == std::string_view::npos ? header.npos : end - start);
}

std::string ReplaceAll(std::string_view text, std::string_view with) {
  std::string out;
  std::size_t from = 0;
  for (std::size_t at; (at = text.find(kPlaceholder, from)) != std::string_view::npos;) {
    out.append(text.substr(from, at - from)).append(with);
    from = at + kPlaceholder.size();
  }
  out.append(text.substr(from));
  return out;
}

std::string SignedOrAsIs(std::string_view header, std::string_view key,
                         std::initializer_list<std::string_view> signed_parts) {
  if (header.find(kPlaceholder) == std::string_view::npos) return std::string(header);
  ledger::Result<std::string> mac = ledger::webhook::HmacSha256Hex(key, signed_parts);
  Require(mac.ok(), "HMAC-SHA256 failed");
  return ReplaceAll(header, *mac);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ledger::stripe::SignatureVerifier* const verifier =
      new ledger::stripe::SignatureVerifier(
          {std::string(kStripeSecret), std::string(kStripeOldSecret)});

  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t newline = input.find('\n');
  std::string_view raw_header = input.substr(0, newline);
  std::string_view body = newline == std::string_view::npos ? "" : input.substr(newline + 1);

  std::string_view t = TimestampText(raw_header);
  std::string stripe_header = SignedOrAsIs(raw_header, kStripeSecret, {t, ".", body});
  ledger::Result<ledger::stripe::SignatureHeader> parsed =
      ledger::stripe::ParseSignatureHeader(stripe_header);
  if (parsed.ok()) Require(!parsed->v1.empty(), "parsed header without v1");
  ledger::webhook::SignatureCheck check = verifier->Verify(stripe_header, body, kNow);
  if (check.ok() || check.verdict == SignatureVerdict::kStale ||
      check.verdict == SignatureVerdict::kFuture) {
    Require(parsed.ok(), "verifier judged a header the parser refuses");
  }

  std::string printify_header = SignedOrAsIs(raw_header, kPrintifySecret, {body});
  ledger::webhook::SignatureCheck printify =
      ledger::printify::VerifySignature(printify_header, body, kPrintifySecret);
  if (printify.ok()) Require(!printify_header.empty(), "empty Printify header accepted");
  ledger::printify::VerifySignature(printify_header, body, "");
  return 0;
}
