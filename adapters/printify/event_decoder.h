// Turns a verified Printify webhook body ({id, type, created_at, resource{id, type, data}})
// into the one event the ledger admits for it: printify.event_received on stream
// "printify-<id>", with the event id derived from Printify's id. Printify signs no
// timestamp, so this id is the only defence against replays and redeliveries.
#ifndef LEDGER_ADAPTERS_PRINTIFY_EVENT_DECODER_H_
#define LEDGER_ADAPTERS_PRINTIFY_EVENT_DECODER_H_

#include <string>

#include "adapters/webhook/provider_event.h"
#include "engine/result.h"

namespace ledger::printify {

inline constexpr char kEventReceivedType[] = "printify.event_received";

// `raw_body` is moved into the event's raw_body. The payload (schema_version 1) is
//
//   {"provider_event_id": "<id>", "type": "order:created", "created_at": "..." | null,
//    "resource_type": "order" | null, "resource_id": "<id>" | <number> | null,
//    ["tenant": "<tenant>" (named in the route),]
//    "body": <the body, minified> | null, ["parse_error": "<why body is null>"]}
//
// InvalidArgument ("not a Printify event", answered 400) when the body is empty, not one
// complete JSON object, or lacks a usable "id" ([A-Za-z0-9_-], at most 200 bytes) or a
// string "type". Unknown topics are admitted. Thread-safe.
Result<webhook::ProviderEvent> DecodeEvent(std::string raw_body,
                                           const webhook::AdmissionScope& scope);

}  // namespace ledger::printify

#endif  // LEDGER_ADAPTERS_PRINTIFY_EVENT_DECODER_H_
