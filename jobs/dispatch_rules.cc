#include "jobs/dispatch_rules.h"

#include <boost/json.hpp>

#include "commands/drop/drop_list.h"
#include "jobs/job.h"

namespace ledger::jobs {
namespace {

namespace json = boost::json;

// The event types and kinds the rules name. Spelled here, not taken from commands/,
// jobs/kinds/ and the scheduler, so that the jobs library depends on the engine only; the
// dispatcher's tests check them against the producers' constants.
constexpr std::string_view kOrderPaid = "order.paid";
constexpr std::string_view kOrderPlaced = "order.placed";
constexpr std::string_view kDropDue = "drop.due";
constexpr std::string_view kPrintifySubmitOrder = "printify.submit_order";
constexpr std::string_view kOrderConfirmationEmail = "email.order_confirmation";
constexpr std::string_view kDailyDropEmail = "email.daily_drop";
constexpr std::string_view kSubscriptionConfirmationEmail = "email.drop_subscription_confirmation";

using Requests = std::vector<JobRequest>;

Requests One(std::string payload) { return Requests{JobRequest{"", std::move(payload)}}; }

json::object ParseObject(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return {};
  return std::move(v.get_object());
}

std::string StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* ObjectField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr ? nullptr : v->if_object();
}

// The shop's own mapping, if its checkout wrote one: metadata.printify_line_items, a JSON
// array in a string (Stripe metadata values are strings).
std::optional<json::array> MetadataLineItems(const json::object& placed) {
  const json::object* metadata = ObjectField(placed, "metadata");
  if (metadata == nullptr) return std::nullopt;
  std::string text = StringField(*metadata, "printify_line_items");
  if (text.empty()) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return std::nullopt;
  return std::move(v.get_array());
}

json::array LineItemsOf(const json::object& placed) {
  if (std::optional<json::array> mapped = MetadataLineItems(placed)) return std::move(*mapped);
  json::array items;
  const json::value* lines = placed.if_contains("lines");
  if (lines == nullptr || !lines->is_array()) return items;
  for (const json::value& line : lines->get_array()) {
    const json::object* l = line.if_object();
    if (l == nullptr) continue;
    std::string price_id = StringField(*l, "price_id");
    if (price_id.empty()) continue;
    const json::value* quantity = l->if_contains("quantity");
    std::int64_t q = quantity != nullptr && quantity->is_int64() ? quantity->get_int64() : 1;
    items.push_back(json::object{{"sku", price_id}, {"quantity", q}});
  }
  return items;
}

// Stripe's shipping_details {name, address{line1, line2, city, state, postal_code, country}}
// as Printify's address_to. The name is split at its last space (Printify wants first and last).
std::optional<json::object> ShippingOf(const json::object& placed) {
  const json::object* shipping = ObjectField(placed, "shipping");
  if (shipping == nullptr) return std::nullopt;
  const json::object* address = ObjectField(*shipping, "address");
  if (address == nullptr) return std::nullopt;
  std::string name = StringField(*shipping, "name");
  std::size_t space = name.find_last_of(' ');
  json::object out;
  out["first_name"] = space == std::string::npos ? name : name.substr(0, space);
  out["last_name"] = space == std::string::npos ? std::string() : name.substr(space + 1);
  out["email"] = StringField(placed, "customer_email");
  out["country"] = StringField(*address, "country");
  out["region"] = StringField(*address, "state");
  out["address1"] = StringField(*address, "line1");
  out["address2"] = StringField(*address, "line2");
  out["city"] = StringField(*address, "city");
  out["zip"] = StringField(*address, "postal_code");
  return out;
}

std::string OrderIdOf(const RecordedEvent& event) {
  return StringField(ParseObject(event.payload), "order_id");
}

// order.paid -> printify.submit_order: the order as it was placed (its order.placed event,
// which the translator appends before any order.paid of the same order).
Result<Requests> PrintifySubmission(const RecordedEvent& event, EventStore& store) {
  std::string order_id = OrderIdOf(event);
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                          store.ReadStream(event.stream_id, StreamReadOptions{}));
  for (const RecordedEvent& e : history) {
    if (e.event_type == kOrderPlaced) {
      return One(PrintifyPayloadFromPlaced(order_id, e.payload));
    }
  }
  // Not placed (an order known only from its payment): the job fails for want of lines.
  return One(json::serialize(json::object{{"order_id", order_id}, {"label", order_id}}));
}

Result<Requests> OrderConfirmation(const RecordedEvent& event, EventStore&) {
  return One(json::serialize(json::object{{"order_id", OrderIdOf(event)}}));
}

// A subscriber's own unsubscribe link: the configured URL with subscriber=<id> added.
std::string UnsubscribeLink(const std::string& base, const std::string& subscriber_id) {
  if (base.empty()) return base;
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "subscriber=" + subscriber_id;
}

// drop.due -> one email per subscriber on the tenant's list at the drop's position (the
// list's events before it, whatever came after: a re-read asks for the same recipients), and
// one to the list address if configured.
PayloadBuilder DailyDrop(DailyDropSettings settings) {
  return [settings = std::move(settings)](const RecordedEvent& event,
                                          EventStore& store) -> Result<Requests> {
    json::object due = ParseObject(event.payload);
    const json::value* products = due.if_contains("products");
    json::object common{
        {"drop_date", StringField(due, "drop_date")},
        {"products", products != nullptr && products->is_array() ? *products : json::array()},
        {"shop_url", settings.shop_url}};
    Requests requests;
    if (!settings.to.empty()) {
      json::object payload = common;
      payload["to"] = settings.to;
      payload["unsubscribe_url"] = settings.unsubscribe_url;
      requests.push_back(JobRequest{"", json::serialize(payload)});
    }
    LEDGER_ASSIGN_OR_RETURN(
        std::vector<RecordedEvent> history,
        store.ReadStream(commands::DropListStream(event.tenant), StreamReadOptions{}));
    std::erase_if(history, [&](const RecordedEvent& e) {
      return e.global_position >= event.global_position || e.tenant != event.tenant;
    });
    LEDGER_ASSIGN_OR_RETURN(auto list, commands::FoldDropList(history));
    for (const auto& [id, subscriber] : list) {  // in subscriber id order
      if (!subscriber.active) continue;
      json::object payload = common;
      payload["to"] = subscriber.email;
      payload["unsubscribe_url"] = UnsubscribeLink(settings.unsubscribe_url, id);
      requests.push_back(JobRequest{id, json::serialize(payload)});
    }
    return requests;
  };
}

// drop.subscribed -> the confirmation to the new subscriber.
PayloadBuilder SubscriptionConfirmation(DailyDropSettings settings) {
  return [settings = std::move(settings)](const RecordedEvent& event,
                                          EventStore&) -> Result<Requests> {
    json::object subscribed = ParseObject(event.payload);
    std::string id = StringField(subscribed, "subscriber_id");
    json::object payload{{"to", StringField(subscribed, "email")},
                         {"drop_name", settings.drop_name},
                         {"send_time", settings.send_time},
                         {"unsubscribe_url", UnsubscribeLink(settings.unsubscribe_url, id)}};
    std::string name = StringField(subscribed, "name");
    if (!name.empty()) payload["recipient_name"] = name;
    return One(json::serialize(payload));
  };
}

}  // namespace

std::string PrintifyPayloadFromPlaced(std::string_view order_id, std::string_view placed_payload) {
  json::object placed = ParseObject(placed_payload);
  json::object payload{
      {"order_id", order_id}, {"label", order_id}, {"line_items", LineItemsOf(placed)}};
  if (std::optional<json::object> shipping = ShippingOf(placed)) {
    payload["shipping"] = std::move(*shipping);
  }
  return json::serialize(payload);
}

std::string JobIdForRequest(std::string_view kind, std::string_view cause_event_id,
                            const JobRequest& request) {
  if (request.key.empty()) return JobIdFor(kind, cause_event_id);
  return JobIdFor(kind, std::string(cause_event_id) + "/" + request.key);
}

std::vector<DispatchRule> StandardDispatchRules(const DispatchSettings& settings) {
  std::vector<DispatchRule> rules;
  rules.push_back({std::string(kOrderPaid), std::string(kPrintifySubmitOrder), PrintifySubmission});
  rules.push_back(
      {std::string(kOrderPaid), std::string(kOrderConfirmationEmail), OrderConfirmation});
  rules.push_back(
      {std::string(kDropDue), std::string(kDailyDropEmail), DailyDrop(settings.daily_drop)});
  rules.push_back({std::string(commands::kDropSubscribed),
                   std::string(kSubscriptionConfirmationEmail),
                   SubscriptionConfirmation(settings.daily_drop)});
  return rules;
}

}  // namespace ledger::jobs
