// PaymentIntents, charges, refunds, disputes and early fraud warnings to payment events, and
// which stream each Stripe event belongs to.
#include <algorithm>
#include <array>

#include "commands/event_types.h"
#include "commands/intake/customer_id.h"
#include "commands/intake/json_view.h"
#include "commands/intake/stripe_translation.h"
#include "engine/time.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

bool StartsWith(std::string_view s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

bool IsSessionType(std::string_view type) {
  return type == "checkout.session.completed" ||
         type == "checkout.session.async_payment_succeeded" ||
         type == "checkout.session.async_payment_failed" || type == "checkout.session.expired";
}

bool IsPaymentType(std::string_view type) {
  return StartsWith(type, "payment_intent.") || StartsWith(type, "charge.") ||
         StartsWith(type, "refund.") || StartsWith(type, "radar.early_fraud_warning.");
}

std::string ObjectKind(const ProviderFact& fact) { return StringAt(fact.object, "object"); }

// --- status ---------------------------------------------------------------------------

struct StatusFact {
  PaymentStatus status = PaymentStatus::kNone;
  json::object payload;  // the event's fields besides the provider stamp
};

// Ties at the same provider second go to the later stage, so any arrival order agrees.
int Rank(PaymentStatus s) {
  switch (s) {
    case PaymentStatus::kNone: return 0;
    case PaymentStatus::kProcessing: return 1;
    case PaymentStatus::kFailed: return 2;
    case PaymentStatus::kSucceeded:
    case PaymentStatus::kCanceled: return 3;
  }
  return 0;
}

json::object StatusPayload(const ProviderFact& fact, std::string payment_intent_id,
                           std::string charge_id, std::string_view source) {
  const json::object& o = fact.object;
  CustomerRef customer = StripeCustomer(o, payment_intent_id);
  return json::object{{"payment_intent_id", std::move(payment_intent_id)},
                      {"charge_id", TextOrNull(charge_id)},
                      {"customer_id", customer.id},
                      {"customer_source", CustomerSourceName(customer.source)},
                      {"amount", IntAt(o, "amount").value_or(0)},
                      {"currency", UpperCurrency(StringAt(o, "currency"))},
                      {"source", source}};
}

StatusFact FromPaymentIntent(const ProviderFact& fact) {
  const json::object& pi = fact.object;
  std::string status = StringAt(pi, "status");
  StatusFact out;
  const json::object* error = ObjectAt(pi, "last_payment_error");
  if (status == "processing") {
    out.status = PaymentStatus::kProcessing;
  } else if (status == "succeeded") {
    out.status = PaymentStatus::kSucceeded;
  } else if (status == "canceled") {
    out.status = PaymentStatus::kCanceled;
  } else if (status == "requires_payment_method" && error != nullptr) {
    out.status = PaymentStatus::kFailed;  // an attempt failed; the intent awaits another
  } else {
    return out;  // created, requires_action ...: nothing settled yet
  }
  out.payload = StatusPayload(fact, StringAt(pi, "id"), IdAt(pi, "latest_charge"),
                              "payment_intent");
  out.payload["amount_received"] = IntAt(pi, "amount_received").value_or(0);
  if (out.status == PaymentStatus::kFailed) {
    out.payload["failure_code"] = TextOrNull(StringAt(*error, "code"));
    out.payload["decline_code"] = TextOrNull(StringAt(*error, "decline_code"));
    out.payload["failure_message"] = TextOrNull(StringAt(*error, "message"));
    out.payload["charge_id"] = TextOrNull(IdAt(*error, "charge").empty()
                                              ? IdAt(pi, "latest_charge")
                                              : IdAt(*error, "charge"));
  }
  if (out.status == PaymentStatus::kCanceled) {
    out.payload["cancellation_reason"] = TextOrNull(StringAt(pi, "cancellation_reason"));
  }
  return out;
}

StatusFact FromCharge(const ProviderFact& fact) {
  const json::object& ch = fact.object;
  std::string status = StringAt(ch, "status");
  StatusFact out;
  if (status == "succeeded") {
    out.status = PaymentStatus::kSucceeded;
  } else if (status == "failed") {
    out.status = PaymentStatus::kFailed;
  } else if (status == "pending") {
    out.status = PaymentStatus::kProcessing;
  } else {
    return out;
  }
  out.payload = StatusPayload(fact, IdAt(ch, "payment_intent"), StringAt(ch, "id"), "charge");
  out.payload["amount_received"] =
      out.status == PaymentStatus::kSucceeded ? IntAt(ch, "amount_captured").value_or(0) : 0;
  if (out.status == PaymentStatus::kFailed) {
    const json::object* outcome = ObjectAt(ch, "outcome");
    out.payload["failure_code"] = TextOrNull(StringAt(ch, "failure_code"));
    out.payload["decline_code"] =
        TextOrNull(outcome == nullptr ? "" : StringAt(*outcome, "reason"));
    out.payload["failure_message"] = TextOrNull(StringAt(ch, "failure_message"));
  }
  return out;
}

// A checkout session settles its PaymentIntent too: paid means succeeded, a failed delayed
// payment means failed. It says nothing about the charge.
StatusFact FromSession(const ProviderFact& fact) {
  const json::object& s = fact.object;
  StatusFact out;
  std::string payment_status = StringAt(s, "payment_status");
  bool paid = fact.type == "checkout.session.async_payment_succeeded" ||
              (fact.type == "checkout.session.completed" && payment_status == "paid");
  if (paid) {
    out.status = PaymentStatus::kSucceeded;
  } else if (fact.type == "checkout.session.async_payment_failed") {
    out.status = PaymentStatus::kFailed;
  } else {
    return out;
  }
  std::string pi = IdAt(s, "payment_intent");
  CustomerRef customer = StripeCustomer(s, pi);
  out.payload = json::object{{"payment_intent_id", pi},
                             {"charge_id", nullptr},
                             {"customer_id", customer.id},
                             {"customer_source", CustomerSourceName(customer.source)},
                             {"amount", IntAt(s, "amount_total").value_or(0)},
                             {"currency", UpperCurrency(StringAt(s, "currency"))},
                             {"source", "checkout.session"},
                             {"order_id", StringAt(s, "id")}};
  out.payload["amount_received"] = paid ? IntAt(s, "amount_total").value_or(0) : 0;
  if (!paid) {
    out.payload["failure_code"] = "async_payment_failed";
    out.payload["decline_code"] = nullptr;
    out.payload["failure_message"] = "the delayed payment failed";
  }
  return out;
}

std::string_view StatusEventType(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kProcessing: return kPaymentProcessing;
    case PaymentStatus::kFailed: return kPaymentFailed;
    case PaymentStatus::kSucceeded: return kPaymentSucceeded;
    case PaymentStatus::kCanceled: return kPaymentCanceled;
    case PaymentStatus::kNone: break;
  }
  return "";
}

DomainEvent Event(std::string_view type, json::object payload, const ProviderFact& fact) {
  StampProvider(payload, fact);
  return DomainEvent{std::string(type), std::move(payload)};
}

DomainEvent Anomaly(std::string_view kind, std::string reason, PaymentStatus incoming,
                    const std::string& payment_intent_id, const ProviderFact& fact,
                    const PaymentState& state) {
  json::object current{{"status", PaymentStatusName(state.status)},
                       {"status_at", state.status_at.value() == 0
                                         ? json::value(nullptr)
                                         : json::value(FormatRfc3339(state.status_at))},
                       {"refunded", state.refunded}};
  json::object in{{"type", fact.type},
                  {"status", PaymentStatusName(incoming)},
                  {"object_status", TextOrNull(StringAt(fact.object, "status"))}};
  return Event(kPaymentAnomalyRecorded,
               json::object{{"payment_intent_id", payment_intent_id},
                            {"kind", kind},
                            {"reason", std::move(reason)},
                            {"current", std::move(current)},
                            {"incoming", std::move(in)}},
               fact);
}

// Whether `incoming` (at the provider time of `fact`) moves the status on, is stale, or
// contradicts a final status.
//
// Arrival order must not matter, and a status is often first learnt from an event about
// something else (a refund's charge says the payment succeeded, at the refund's time). So an
// incoming fact that dates a known status earlier is recorded as a restatement (the same event
// type, its earlier `at`), and an earlier attempt's non-final news that arrives after a final
// status is recorded as history (the projector fills in its time without moving the status).
void DecideStatus(const ProviderFact& fact, StatusFact incoming, const std::string& pi,
                  const PaymentState& state, DomainEvents& out) {
  if (incoming.status == PaymentStatus::kNone) return;
  if (incoming.status == state.status) {
    if (fact.created < state.status_at) {
      out.push_back(Event(StatusEventType(incoming.status), std::move(incoming.payload), fact));
    }
    return;
  }
  if (IsFinal(state.status)) {
    bool contradicts = IsFinal(incoming.status) || fact.created > state.status_at;
    if (contradicts) {
      std::string kind = std::string(PaymentStatusName(incoming.status)) + "_after_" +
                         std::string(PaymentStatusName(state.status));
      out.push_back(Anomaly(kind, "a payment that was " +
                                      std::string(PaymentStatusName(state.status)) +
                                      " was reported " +
                                      std::string(PaymentStatusName(incoming.status)),
                            incoming.status, pi, fact, state));
      return;
    }
    // An earlier attempt's news, arriving late: history, not a change of status.
    out.push_back(Event(StatusEventType(incoming.status), std::move(incoming.payload), fact));
    return;
  }
  bool newer = fact.created > state.status_at ||
               (fact.created == state.status_at && Rank(incoming.status) > Rank(state.status));
  if (!IsFinal(incoming.status) && !newer) return;
  out.push_back(Event(StatusEventType(incoming.status), std::move(incoming.payload), fact));
}

// --- refunds, disputes, fraud warnings --------------------------------------------------

bool RefundCounts(std::string_view status) {
  return status == "pending" || status == "succeeded" || status == "requires_action";
}

void DecideRefund(const ProviderFact& fact, const std::string& pi, const PaymentState& state,
                  DomainEvents& out) {
  const json::object& o = fact.object;
  std::string kind = ObjectKind(fact);
  std::int64_t total = state.refunded;
  json::object p{{"payment_intent_id", pi}};
  if (kind == "charge") {
    total = std::max(total, IntAt(o, "amount_refunded").value_or(0));
    p["charge_id"] = StringAt(o, "id");
    p["charge_amount"] = IntAt(o, "amount_captured").value_or(IntAt(o, "amount").value_or(0));
  } else if (kind == "refund") {
    std::string id = StringAt(o, "id");
    std::int64_t amount = RefundCounts(StringAt(o, "status")) ? IntAt(o, "amount").value_or(0) : 0;
    std::map<std::string, std::int64_t> refunds = state.refunds;
    refunds[id] = std::max(refunds[id], amount);
    std::int64_t sum = 0;
    for (const auto& [_, a] : refunds) sum += a;
    total = std::max(total, sum);
    p["charge_id"] = TextOrNull(IdAt(o, "charge"));
    p["refund_id"] = id;
    p["refund_amount"] = refunds[id];
    p["refund_status"] = TextOrNull(StringAt(o, "status"));
    p["refund_reason"] = TextOrNull(StringAt(o, "reason"));
  } else {
    return;
  }
  if (total <= state.refunded) return;
  p["amount_refunded"] = total;
  p["amount_delta"] = total - state.refunded;
  p["currency"] = UpperCurrency(StringAt(o, "currency"));
  out.push_back(Event(kPaymentRefunded, std::move(p), fact));
}

void DecideDispute(const ProviderFact& fact, const std::string& pi, const PaymentState& state,
                   DomainEvents& out) {
  const json::object& d = fact.object;
  std::string id = StringAt(d, "id");
  std::string status = StringAt(d, "status");
  int rank = DisputeRank(status);
  json::object p{{"payment_intent_id", pi},
                 {"charge_id", TextOrNull(IdAt(d, "charge"))},
                 {"dispute_id", id},
                 {"status", status},
                 {"amount", IntAt(d, "amount").value_or(0)},
                 {"currency", UpperCurrency(StringAt(d, "currency"))},
                 {"reason", TextOrNull(StringAt(d, "reason"))}};
  auto known = state.disputes.find(id);
  int current = known == state.disputes.end() ? -1 : known->second;
  if (known == state.disputes.end()) {
    json::object opened = p;
    std::optional<std::int64_t> created = IntAt(d, "created");
    opened["disputed_at"] = created ? json::value(FormatRfc3339(Timestamp(*created * kMicrosPerSecond)))
                                    : json::value(nullptr);
    out.push_back(Event(kPaymentDisputed, std::move(opened), fact));
    if (rank < 3) return;  // else it is already closed: record the outcome too
  } else if (rank == 3 && current == 3) {
    // Closed already; a closing fact dated earlier (closed arriving after funds_reinstated)
    // restates when it closed.
    auto closed = state.dispute_closed_at.find(id);
    if (closed == state.dispute_closed_at.end() || fact.created >= closed->second) return;
  } else if (rank <= current) {
    return;  // no news, or older news
  }
  if (rank == 3) {
    bool lost = status == "lost";
    out.push_back(Event(lost ? kPaymentDisputeLost : kPaymentDisputeWon, std::move(p), fact));
  } else if (rank > 0) {
    out.push_back(Event(kPaymentDisputeUpdated, std::move(p), fact));
  }
}

void DecideFraudWarning(const ProviderFact& fact, const std::string& pi,
                        const PaymentState& state, DomainEvents& out) {
  const json::object& w = fact.object;
  std::string id = StringAt(w, "id");
  if (state.fraud_warnings.contains(id)) return;
  std::optional<std::int64_t> created = IntAt(w, "created");
  out.push_back(Event(
      kPaymentEarlyFraudWarning,
      json::object{{"payment_intent_id", pi},
                   {"charge_id", TextOrNull(IdAt(w, "charge"))},
                   {"warning_id", id},
                   {"fraud_type", TextOrNull(StringAt(w, "fraud_type"))},
                   {"actionable", BoolAt(w, "actionable").value_or(false)},
                   {"warned_at", created ? json::value(FormatRfc3339(
                                               Timestamp(*created * kMicrosPerSecond)))
                                         : json::value(nullptr)}},
      fact));
}

}  // namespace

StripeRoute RouteStripeEvent(const ProviderFact& fact) {
  StripeRoute route;
  if (IsSessionType(fact.type)) {
    route.handled_type = true;
    route.order_id = StringAt(fact.object, "id");
    if (fact.type != "checkout.session.expired") {
      route.payment_intent_id = IdAt(fact.object, "payment_intent");
    }
  } else if (IsPaymentType(fact.type)) {
    route.handled_type = true;
    route.payment_intent_id = ObjectKind(fact) == "payment_intent"
                                  ? StringAt(fact.object, "id")
                                  : IdAt(fact.object, "payment_intent");
  }
  return route;
}

DomainEvents DecideStripePayment(const ProviderFact& fact, const PaymentState& state) {
  if (state.causations.contains(fact.event_id)) return {};
  std::string pi = RouteStripeEvent(fact).payment_intent_id;
  std::string kind = ObjectKind(fact);
  DomainEvents out;
  if (kind == "checkout.session") {
    DecideStatus(fact, FromSession(fact), pi, state, out);
  } else if (kind == "payment_intent") {
    DecideStatus(fact, FromPaymentIntent(fact), pi, state, out);
  } else if (kind == "charge") {
    DecideStatus(fact, FromCharge(fact), pi, state, out);
    DecideRefund(fact, pi, state, out);
  } else if (kind == "refund") {
    DecideRefund(fact, pi, state, out);
  } else if (kind == "dispute") {
    DecideDispute(fact, pi, state, out);
  } else if (kind == "radar.early_fraud_warning") {
    DecideFraudWarning(fact, pi, state, out);
  }
  return out;
}

}  // namespace ledger::commands::intake
