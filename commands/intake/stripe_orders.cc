// Checkout sessions to order events. A session is an order: completed means placed (and,
// when its payment_status is already "paid", paid); async_payment_succeeded / _failed settle
// a delayed payment; expired means it was never completed.
#include "commands/event_types.h"
#include "commands/intake/customer_id.h"
#include "commands/intake/json_view.h"
#include "commands/intake/stripe_translation.h"
#include "engine/time.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

json::value SecondsAsTime(std::optional<std::int64_t> seconds) {
  if (!seconds) return nullptr;
  return json::value(FormatRfc3339(Timestamp(*seconds * kMicrosPerSecond)));
}

// Lines are known only when the session was sent with line_items expanded.
json::array LinesOf(const json::object& session) {
  json::array lines;
  const json::object* items = ObjectAt(session, "line_items");
  const json::value* data = items == nullptr ? nullptr : items->if_contains("data");
  if (data == nullptr || !data->is_array()) return lines;
  for (const json::value& v : data->get_array()) {
    const json::object* item = v.if_object();
    if (item == nullptr) continue;
    const json::object* price = ObjectAt(*item, "price");
    lines.push_back(json::object{
        {"line_id", StringAt(*item, "id")},
        {"description", TextOrNull(StringAt(*item, "description"))},
        {"quantity", IntAt(*item, "quantity").value_or(1)},
        {"amount_total", IntAt(*item, "amount_total").value_or(0)},
        {"price_id", TextOrNull(price == nullptr ? "" : StringAt(*price, "id"))},
        {"product_id", TextOrNull(price == nullptr ? "" : IdAt(*price, "product"))}});
  }
  return lines;
}

json::value ShippingOf(const json::object& session) {
  const json::object* collected = ObjectAt(session, "collected_information");
  const json::object* details =
      collected == nullptr ? nullptr : ObjectAt(*collected, "shipping_details");
  if (details == nullptr) details = ObjectAt(session, "shipping_details");
  if (details == nullptr) return nullptr;
  return *details;
}

// The fields order.placed and order.expired share: what the order is.
json::object OrderFields(const ProviderFact& fact) {
  const json::object& s = fact.object;
  std::string order_id = StringAt(s, "id");
  CustomerRef customer = StripeCustomer(s, order_id);
  const json::object* details = ObjectAt(s, "customer_details");
  const json::object* totals = ObjectAt(s, "total_details");
  auto total = [&](std::string_view key) {
    return totals == nullptr ? 0 : IntAt(*totals, key).value_or(0);
  };
  json::object o{
      {"order_id", order_id},
      {"customer_id", customer.id},
      {"customer_source", CustomerSourceName(customer.source)},
      {"customer_email", TextOrNull(details == nullptr ? StringAt(s, "customer_email")
                                                       : StringAt(*details, "email"))},
      {"customer_name", TextOrNull(details == nullptr ? "" : StringAt(*details, "name"))},
      {"amount_total", IntAt(s, "amount_total").value_or(0)},
      {"amount_subtotal", IntAt(s, "amount_subtotal").value_or(0)},
      {"amount_shipping", total("amount_shipping")},
      {"amount_discount", total("amount_discount")},
      {"amount_tax", total("amount_tax")},
      {"currency", UpperCurrency(StringAt(s, "currency"))},
      {"payment_intent_id", TextOrNull(IdAt(s, "payment_intent"))},
      {"client_reference_id", TextOrNull(StringAt(s, "client_reference_id"))},
      {"session_created_at", SecondsAsTime(IntAt(s, "created"))},
      {"shipping", ShippingOf(s)},
      {"lines", LinesOf(s)}};
  if (const json::object* metadata = ObjectAt(s, "metadata")) o["metadata"] = *metadata;
  return o;
}

json::object PaymentFields(const ProviderFact& fact) {
  const json::object& s = fact.object;
  return json::object{{"order_id", StringAt(s, "id")},
                      {"payment_intent_id", TextOrNull(IdAt(s, "payment_intent"))},
                      {"amount", IntAt(s, "amount_total").value_or(0)},
                      {"currency", UpperCurrency(StringAt(s, "currency"))}};
}

DomainEvent Event(std::string_view type, json::object payload, const ProviderFact& fact) {
  StampProvider(payload, fact);
  return DomainEvent{std::string(type), std::move(payload)};
}

DomainEvent Anomaly(std::string_view kind, std::string reason, const ProviderFact& fact,
                    const OrderState& state) {
  json::object incoming{{"type", fact.type},
                        {"status", TextOrNull(StringAt(fact.object, "status"))},
                        {"payment_status", TextOrNull(StringAt(fact.object, "payment_status"))}};
  return Event(kOrderAnomalyRecorded,
               json::object{{"order_id", StringAt(fact.object, "id")},
                            {"kind", kind},
                            {"reason", std::move(reason)},
                            {"current", state.Summary()},
                            {"incoming", std::move(incoming)}},
               fact);
}

bool SessionIsPaid(const ProviderFact& fact) {
  if (fact.type == "checkout.session.async_payment_succeeded") return true;
  std::string status = StringAt(fact.object, "payment_status");
  return fact.type == "checkout.session.completed" &&
         (status == "paid" || status == "no_payment_required");
}

DomainEvents DecideExpired(const ProviderFact& fact, const OrderState& state) {
  if (state.expired) return {};
  if (state.placed) {
    return {Anomaly("expired_after_completed",
                    "the checkout session expired, but it had been completed", fact, state)};
  }
  return {Event(kOrderExpired, OrderFields(fact), fact)};
}

}  // namespace

DomainEvents DecideStripeOrder(const ProviderFact& fact, const OrderState& state) {
  if (state.causations.contains(fact.event_id)) return {};
  if (fact.type == "checkout.session.expired") return DecideExpired(fact, state);
  if (state.expired) {
    return {Anomaly("completed_after_expired",
                    fact.type + " for a checkout session that had expired", fact, state)};
  }
  DomainEvents events;
  if (!state.placed) events.push_back(Event(kOrderPlaced, OrderFields(fact), fact));
  if (SessionIsPaid(fact)) {
    if (state.payment == OrderPayment::kFailed) {
      events.push_back(Anomaly("paid_after_payment_failed",
                               "the delayed payment was reported failed, then paid", fact,
                               state));
    } else if (state.payment == OrderPayment::kUnpaid) {
      json::object paid = PaymentFields(fact);
      paid["via"] = fact.type == "checkout.session.completed" ? "checkout" : "async_payment";
      events.push_back(Event(kOrderPaid, std::move(paid), fact));
    }
  } else if (fact.type == "checkout.session.async_payment_failed") {
    if (state.payment == OrderPayment::kPaid) {
      events.push_back(Anomaly("payment_failed_after_paid",
                               "the order was paid, then its delayed payment reported failed",
                               fact, state));
    } else if (state.payment == OrderPayment::kUnpaid) {
      json::object failed = PaymentFields(fact);
      failed["reason"] = "async_payment_failed";
      events.push_back(Event(kOrderPaymentFailed, std::move(failed), fact));
    }
  }
  return events;
}

}  // namespace ledger::commands::intake
