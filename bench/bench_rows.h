// The rows the benchmarks write, defined once so that a driver and its plain-PostgreSQL
// baseline store the same bytes (bench/README.md, "Same rows").
//
//   append row:  one "bench.appended" event on a new stream "bench-<uuid>", a fixed ~200-byte
//                payload, metadata actor/source "bench", no raw body.
//   webhook row: what POST /v1/webhooks/stripe stores for a Stripe event body: the
//                "stripe.event_received" event the Stripe decoder makes, raw body included.
//
// Thread safety: every function is thread-safe.
#ifndef LEDGER_BENCH_BENCH_ROWS_H_
#define LEDGER_BENCH_BENCH_ROWS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/event_store.h"
#include "engine/result.h"

namespace ledger::bench {

// The secret the webhook benchmark's server accepts and its client signs with.
inline constexpr std::string_view kStripeSecret = "whsec_bench_0123456789abcdef";

// One append of the append row: `id` as event id, on stream "bench-<id>" (a new stream, as a
// webhook's is), expected version no_stream.
AppendRequest AppendRowRequest(const EventId& id);

// A Stripe event body: `template_body` (a Stripe event JSON, e.g. a file of
// tests/fixtures/stripe/assembled) with its first "id" value replaced by `event_id`.
// InvalidArgument if the template has no top-level-looking "id": "evt_..." string.
Result<std::string> StripeBodyWithId(std::string_view template_body, std::string_view event_id);

// The Stripe-Signature header for `body` signed at `unix_seconds` with kStripeSecret.
std::string StripeSignatureHeader(std::string_view body, std::int64_t unix_seconds);

// The event the server stores for `body` (which must be a valid Stripe event): the row the
// webhook baseline inserts.
Result<NewEvent> WebhookRowEvent(std::string body);

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_BENCH_ROWS_H_
