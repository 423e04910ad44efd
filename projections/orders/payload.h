// Reading translator-event payloads (docs/events.md, "Order and payment events") inside the
// order projectors. Lenient on purpose (projections/projector.h): a missing or mistyped field
// reads as absent and the row records NULL. Internal to ledger::projections_orders.
#ifndef LEDGER_PROJECTIONS_ORDERS_PAYLOAD_H_
#define LEDGER_PROJECTIONS_ORDERS_PAYLOAD_H_

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"
#include "projections/read_model.h"

namespace ledger::projections::orders {

// The types these projectors handle, spelled out because projections never depend on the
// commands module (commands/event_types.h registers the same names; the orders projection
// tests check that every translated type is handled).
inline constexpr std::string_view kStripeReceived = "stripe.event_received";
inline constexpr std::string_view kPrintifyReceived = "printify.event_received";
inline constexpr std::string_view kPrintifyDeferred = "printify.order_event_deferred";

class Payload {
 public:
  // A payload that is not a JSON object reads as an empty object.
  static Payload Parse(std::string_view json);
  explicit Payload(boost::json::object object) : object_(std::move(object)) {}

  std::optional<std::string> String(std::string_view key) const;
  std::optional<std::int64_t> Int(std::string_view key) const;
  std::optional<bool> Bool(std::string_view key) const;
  // An RFC 3339 text member as a Timestamp.
  std::optional<Timestamp> Time(std::string_view key) const;
  // The member as minified JSON, or nullopt when absent or null.
  std::optional<std::string> Json(std::string_view key) const;
  Payload Object(std::string_view key) const;  // empty if not an object
  const boost::json::array* Array(std::string_view key) const;

 private:
  const boost::json::value* Find(std::string_view key) const;
  boost::json::object object_;
};

// Cell values: NULL for nullopt.
Value TextOrNull(const std::optional<std::string>& text);
Value IntOrNull(const std::optional<std::int64_t>& n);
Value TimeOrNull(const std::optional<Timestamp>& t);

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
