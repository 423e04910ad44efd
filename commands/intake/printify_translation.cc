#include "commands/intake/printify_translation.h"

#include "commands/event_types.h"
#include "commands/intake/json_view.h"
#include "engine/time.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

const json::object& DataOf(const ProviderFact& fact) {
  static const json::object kEmpty;
  const json::object* data = ObjectAt(fact.object, "data");
  return data == nullptr ? kEmpty : *data;
}

// The resource id as text: Printify sends strings for orders (numbers only for shops).
std::string ResourceId(const json::object& resource) {
  const json::value* id = resource.if_contains("id");
  if (id == nullptr) return "";
  if (id->is_string()) return std::string(id->get_string());
  if (id->is_int64()) return std::to_string(id->get_int64());
  if (id->is_uint64()) return std::to_string(id->get_uint64());
  return "";
}

json::value TimeOrNull(const std::string& text) {
  Result<Timestamp> t = ParseRfc3339(text);
  if (!t.ok()) return nullptr;
  return json::value(FormatRfc3339(*t));
}

enum class Change { kNone, kStage, kCancel };

struct PrintifyChange {
  Change change = Change::kNone;
  Fulfilment stage = Fulfilment::kNone;
};

PrintifyChange ChangeOf(const ProviderFact& fact) {
  const std::string& t = fact.type;
  if (t == "order:created") return {Change::kStage, Fulfilment::kSubmitted};
  if (t == "order:sent-to-production") return {Change::kStage, Fulfilment::kInProduction};
  if (t == "order:shipment:created") return {Change::kStage, Fulfilment::kShipped};
  if (t == "order:shipment:delivered") return {Change::kStage, Fulfilment::kDelivered};
  if (t == "order:updated") {
    std::string status = StringAt(DataOf(fact), "status");
    if (status == "in-production") return {Change::kStage, Fulfilment::kInProduction};
    if (status == "canceled" || status == "cancelled") return {Change::kCancel, {}};
  }
  return {};
}

std::string_view StageEventType(Fulfilment stage) {
  switch (stage) {
    case Fulfilment::kSubmitted: return kOrderSubmittedToPrintify;
    case Fulfilment::kInProduction: return kOrderInProduction;
    case Fulfilment::kShipped: return kOrderShipped;
    case Fulfilment::kDelivered: return kOrderDelivered;
    case Fulfilment::kNone: break;
  }
  return "";
}

json::object BasePayload(const ProviderFact& fact, const std::string& order_id) {
  const json::object& data = DataOf(fact);
  json::object p{{"order_id", order_id}, {"printify_order_id", ResourceId(fact.object)}};
  const json::value* shop = data.if_contains("shop_id");
  p["shop_id"] = shop == nullptr ? json::value(nullptr) : *shop;
  return p;
}

json::object StagePayload(const ProviderFact& fact, const std::string& order_id,
                          Fulfilment stage) {
  json::object p = BasePayload(fact, order_id);
  const json::object& data = DataOf(fact);
  if (stage == Fulfilment::kShipped || stage == Fulfilment::kDelivered) {
    const json::object* carrier = ObjectAt(data, "carrier");
    p["carrier"] = TextOrNull(carrier == nullptr ? "" : StringAt(*carrier, "code"));
    p["tracking_number"] =
        TextOrNull(carrier == nullptr ? "" : StringAt(*carrier, "tracking_number"));
    const json::value* skus = data.if_contains("skus");
    p["skus"] = skus != nullptr && skus->is_array() ? *skus : json::value(json::array());
    if (stage == Fulfilment::kShipped) {
      p["shipped_at"] = TimeOrNull(StringAt(data, "shipped_at"));
    } else {
      p["delivered_at"] = TimeOrNull(StringAt(data, "delivered_at"));
    }
  }
  return p;
}

DomainEvent Event(std::string_view type, json::object payload, const ProviderFact& fact) {
  StampProvider(payload, fact);
  return DomainEvent{std::string(type), std::move(payload)};
}

DomainEvent Anomaly(std::string_view kind, std::string reason, const ProviderFact& fact,
                    const std::string& order_id, const OrderState& state) {
  json::object p = BasePayload(fact, order_id);
  p["kind"] = kind;
  p["reason"] = std::move(reason);
  p["current"] = state.Summary();
  p["incoming"] = json::object{{"type", fact.type},
                               {"status", TextOrNull(StringAt(DataOf(fact), "status"))}};
  return Event(kOrderAnomalyRecorded, std::move(p), fact);
}

}  // namespace

PrintifyRoute RoutePrintifyEvent(const ProviderFact& fact) {
  PrintifyRoute route;
  if (StringAt(fact.object, "type") != "order" || fact.type.rfind("order:", 0) != 0) {
    return route;
  }
  route.printify_order_id = ResourceId(fact.object);
  route.external_id = StringAt(DataOf(fact), "external_id");
  route.handled_type = ChangeOf(fact).change != Change::kNone ||
                       fact.type == "order:updated";  // other statuses: known, no change
  return route;
}

DomainEvents DecidePrintifyOrder(const ProviderFact& fact, const std::string& order_id,
                                 const OrderState& state) {
  if (state.causations.contains(fact.event_id)) return {};
  PrintifyChange change = ChangeOf(fact);
  DomainEvents out;
  if (change.change == Change::kCancel) {
    if (state.cancelled) return {};
    if (state.fulfilment >= Fulfilment::kShipped) {
      out.push_back(Anomaly("cancelled_after_shipment",
                            "Printify cancelled an order that had shipped", fact, order_id,
                            state));
      return out;
    }
    out.push_back(Event(kOrderCancelled, BasePayload(fact, order_id), fact));
    return out;
  }
  if (change.change != Change::kStage) return {};
  if (state.cancelled) {
    out.push_back(Anomaly("fulfilment_after_cancel",
                          fact.type + " for an order Printify had cancelled", fact, order_id,
                          state));
    return out;
  }
  if (change.stage <= state.fulfilment) return {};
  out.push_back(Event(StageEventType(change.stage), StagePayload(fact, order_id, change.stage),
                      fact));
  bool unpaid = state.expired || (state.placed && state.payment != OrderPayment::kPaid);
  if (unpaid) {
    out.push_back(Anomaly("fulfilment_before_payment",
                          fact.type + " for an order that is not paid", fact, order_id, state));
  }
  return out;
}

}  // namespace ledger::commands::intake
