// Reading translator-event payloads (docs/events.md, "Order and payment events") inside the
// order projectors. Lenient on purpose (projections/projector.h): a missing or mistyped field
// reads as absent and the row records NULL. Internal to ledger::projections_orders.
#ifndef LEDGER_PROJECTIONS_ORDERS_PAYLOAD_H_
#define LEDGER_PROJECTIONS_ORDERS_PAYLOAD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"
#include "projections/payload_reader.h"

namespace ledger::projections::orders {

// The types these projectors handle, spelled out because projections never depend on the
// commands module (commands/event_types.h registers the same names; the orders projection
// tests check that every translated type is handled).
inline constexpr std::string_view kStripeReceived = "stripe.event_received";
inline constexpr std::string_view kPrintifyReceived = "printify.event_received";
inline constexpr std::string_view kPrintifyDeferred = "printify.order_event_deferred";

// Payloads are read with the shared lenient reader (projections/payload_reader.h).
using Payload = PayloadReader;


// Sets `column` only when `value` is given: a later event that lacks a field never erases
// what an earlier one recorded.
void SetIfGiven(Row& row, std::string_view column, const std::optional<std::string>& value);
void SetIfGiven(Row& row, std::string_view column, const std::optional<std::int64_t>& value);
void SetIfGiven(Row& row, std::string_view column, const std::optional<Timestamp>& value);

// Rank of a customer_source ("object" 1, "email" 2, "stripe_customer" 3; 0 unknown): the
// customer_id of the highest source seen is kept.
int CustomerSourceRank(std::string_view source);

// Keeps the better of the row's customer and the payload's (customer_id, customer_source).
void MergeCustomer(Row& row, const Payload& p);

}  // namespace ledger::projections::orders

#endif  // LEDGER_PROJECTIONS_ORDERS_PAYLOAD_H_
