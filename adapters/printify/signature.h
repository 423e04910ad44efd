// Printify webhook signatures: "X-Pfy-Signature: sha256=<hex>", the lowercase hex of
// HMAC-SHA256 keyed by the webhook secret (its UTF-8 bytes) over the raw body. There is no
// timestamp, so a captured request can be replayed: admission deduplicates on the event id.
#ifndef LEDGER_ADAPTERS_PRINTIFY_SIGNATURE_H_
#define LEDGER_ADAPTERS_PRINTIFY_SIGNATURE_H_

#include <string_view>

#include "adapters/webhook/signature_verdict.h"

namespace ledger::printify {

inline constexpr char kSignatureHeader[] = "X-Pfy-Signature";

// The verdict for `header` (the X-Pfy-Signature value; empty if absent) over the exact
// `body` bytes. An empty `secret` means none is configured: kNotConfigured. Thread-safe.
webhook::SignatureCheck VerifySignature(std::string_view header, std::string_view body,
                                        std::string_view secret);

}  // namespace ledger::printify

#endif  // LEDGER_ADAPTERS_PRINTIFY_SIGNATURE_H_
