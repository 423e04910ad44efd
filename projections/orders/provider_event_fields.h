// The few fields the provider_events projector reads from a stripe.event_received or
// printify.event_received payload (docs/events.md), read with simdjson's on-demand parser:
// the payload is walked once and nothing is built but the fields. PayloadReader would parse
// it all into a tree first, and these payloads carry the provider's whole event under "body"
// (2 KB on average for Stripe): that parse was a seventh of a rebuild's CPU in the process.
//
// Reads as PayloadReader does (tests/projections/provider_event_fields_test.cc compares
// them): a missing, null or mistyped field is absent, the last of duplicate keys counts, and
// a payload that is not a JSON object reads as empty. Two differences, both why the projector
// is at version 2: PayloadReader's Boost.JSON stops at 32 levels of nesting and read a deeper
// payload as empty, while the store admits 64 (engine/event_validation.h) and this reads it;
// and a Stripe "created" too large for microseconds, which PayloadReader's caller multiplied
// into an overflow, is absent here. Internal to ledger::projections_orders.
#ifndef LEDGER_PROJECTIONS_ORDERS_PROVIDER_EVENT_FIELDS_H_
#define LEDGER_PROJECTIONS_ORDERS_PROVIDER_EVENT_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"

namespace ledger::projections::orders {

enum class Provider { kStripe, kPrintify };

struct ProviderEventFields {
  std::optional<std::string> provider_event_id;  // "provider_event_id"
  std::optional<std::string> type;               // "type"
  std::optional<std::string> parse_error;        // "parse_error"
  // Stripe: body.data.object.id. Printify: body.resource.id (a string, or an integer for
  // shops), else "resource_id".
  std::optional<std::string> object_id;
  // Stripe: "created" (Unix seconds). Printify: "created_at" (RFC 3339).
  std::optional<Timestamp> created_at;

  bool operator==(const ProviderEventFields&) const = default;
};

ProviderEventFields ReadProviderEventFields(Provider provider, std::string_view payload);

}  // namespace ledger::projections::orders

#endif  // LEDGER_PROJECTIONS_ORDERS_PROVIDER_EVENT_FIELDS_H_
