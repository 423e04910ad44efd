// Turns a verified Stripe webhook body into the one event the ledger admits for it
// (DESIGN.md section 5): stripe.event_received on stream "stripe-<evt id>", with the event id
// derived from the Stripe id so that redeliveries deduplicate.
#ifndef LEDGER_ADAPTERS_STRIPE_EVENT_DECODER_H_
#define LEDGER_ADAPTERS_STRIPE_EVENT_DECODER_H_

#include <string>

#include "adapters/webhook/provider_event.h"
#include "engine/result.h"

namespace ledger::stripe {

inline constexpr char kEventReceivedType[] = "stripe.event_received";

// `raw_body` is the request body exactly as received (and verified); it is moved into the
// event's raw_body. The payload (schema_version 1) is
//
//   {"provider_event_id": "evt_...", "type": "...", "api_version": "..." | null,
//    "livemode": true | false | null, "created": <unix seconds as sent> | null,
//    ["account": "acct_..." (Connect events),] ["tenant": "<tenant>" (named in the route),]
//    "body": <the body, minified> | null, ["parse_error": "<why body is null>"]}
//
// InvalidArgument ("not a Stripe event", answered 400) when the body is empty, is not one
// complete JSON document (truncated, trailing bytes), is not an object, has an "object" other
// than "event" (e.g. a v2 "thin" event notification, which carries no data and needs another
// API call), or has no usable "id" ("evt_" followed by [A-Za-z0-9_-]) or no string "type".
// Unknown types, API versions and fields are admitted as they are. Thread-safe.
Result<webhook::ProviderEvent> DecodeEvent(std::string raw_body,
                                           const webhook::AdmissionScope& scope);

}  // namespace ledger::stripe

#endif  // LEDGER_ADAPTERS_STRIPE_EVENT_DECODER_H_
