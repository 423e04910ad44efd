// Stripe webhook signatures (https://docs.stripe.com/webhooks#verify-manually and
// tests/fixtures/README.md): the Stripe-Signature header is "t=<unix>,v1=<hex>[,v1=<hex>...]"
// possibly with v0 or other schemes, which are ignored. v1 is the lowercase hex of
// HMAC-SHA256 keyed by the whole "whsec_..." secret (its UTF-8 bytes, not base64-decoded)
// over "<t>." followed by the raw body bytes.
#ifndef LEDGER_ADAPTERS_STRIPE_SIGNATURE_H_
#define LEDGER_ADAPTERS_STRIPE_SIGNATURE_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/webhook/signature_verdict.h"
#include "engine/result.h"

namespace ledger::stripe {

inline constexpr std::chrono::seconds kDefaultTolerance{300};  // what Stripe's SDKs use

struct SignatureHeader {
  std::int64_t timestamp = 0;
  std::vector<std::string> v1;  // in header order
};

// Splits the header on ',' and each item on its first '=', as Stripe's SDKs do: items are
// not trimmed (", v1=..." names the scheme " v1", which is then ignored). Exactly one "t"
// holding a decimal integer and at least one "v1" are required; InvalidArgument otherwise.
Result<SignatureHeader> ParseSignatureHeader(std::string_view header);

// Verifies Stripe-Signature headers against one or more endpoint secrets. Immutable after
// construction; Verify is thread-safe.
class SignatureVerifier {
 public:
  // `secrets`: every secret to accept; during a rotation Stripe signs with the old and the
  // new one (two v1 values) for up to 24 hours, and either configured secret suffices.
  // `tolerance`: the largest accepted distance between the header's t and now, in either
  // direction. Stripe's SDKs check only age; a timestamp from the future is refused here too,
  // because it lets a captured request be replayed for longer than the tolerance.
  explicit SignatureVerifier(std::vector<std::string> secrets,
                             std::chrono::seconds tolerance = kDefaultTolerance);

  // The verdict for `header` over the exact `body` bytes at `now_unix_seconds`. A v1 must be
  // lowercase hex, as Stripe sends it (the Node and Python SDKs agree; Go also accepts
  // uppercase). The signature is checked before the time, so "stale" or "future" means a
  // genuine signature from a clock too far away, which is worth telling an operator.
  webhook::SignatureCheck Verify(std::string_view header, std::string_view body,
                                 std::int64_t now_unix_seconds) const;

 private:
  std::vector<std::string> secrets_;
  std::chrono::seconds tolerance_;
};

}  // namespace ledger::stripe

#endif  // LEDGER_ADAPTERS_STRIPE_SIGNATURE_H_
