#include "commands/intake/provider_fact.h"

#include "commands/intake/json_view.h"
#include "engine/time.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

constexpr std::string_view kStripeReceived = "stripe.event_received";
constexpr std::string_view kPrintifyReceived = "printify.event_received";
constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Fills the Stripe-specific parts from the event object in `body`. False if it has no
// data.object (not something the translator can act on).
bool ReadStripeBody(const json::object& payload, const json::object& body, ProviderFact& fact) {
  const json::object* data = ObjectAt(body, "data");
  const json::object* object = data == nullptr ? nullptr : ObjectAt(*data, "object");
  if (object == nullptr) return false;
  fact.object = *object;
  if (const json::object* previous = ObjectAt(*data, "previous_attributes")) {
    fact.previous = *previous;
  }
  std::optional<std::int64_t> created = IntAt(payload, "created");
  if (!created) created = IntAt(body, "created");
  if (created) fact.created = Timestamp(*created * kMicrosPerSecond);
  return true;
}

bool ReadPrintifyBody(const json::object& payload, const json::object& body,
                      ProviderFact& fact) {
  const json::object* resource = ObjectAt(body, "resource");
  if (resource == nullptr) return false;
  fact.object = *resource;
  std::string created_at = StringAt(payload, "created_at");
  if (created_at.empty()) created_at = StringAt(body, "created_at");
  if (Result<Timestamp> t = ParseRfc3339(created_at); t.ok()) fact.created = *t;
  return true;
}

}  // namespace

std::string_view ProviderName(Provider provider) {
  return provider == Provider::kStripe ? "stripe" : "printify";
}

Result<std::optional<ProviderFact>> ReadProviderFact(const RecordedEvent& event) {
  ProviderFact fact;
  if (event.event_type == kStripeReceived) {
    fact.provider = Provider::kStripe;
  } else if (event.event_type == kPrintifyReceived) {
    fact.provider = Provider::kPrintify;
  } else {
    return std::optional<ProviderFact>();
  }
  LEDGER_ASSIGN_OR_RETURN(json::object payload,
                          ParseObject(event.payload, "payload of " + event.event_id.ToString()));
  const json::object* body = ObjectAt(payload, "body");
  if (body == nullptr) return std::optional<ProviderFact>();
  fact.event_id = event.event_id.ToString();
  fact.stream = event.stream_id;
  fact.provider_event_id = StringAt(payload, "provider_event_id");
  fact.type = StringAt(payload, "type");
  fact.tenant = event.tenant;
  bool usable = fact.provider == Provider::kStripe ? ReadStripeBody(payload, *body, fact)
                                                   : ReadPrintifyBody(payload, *body, fact);
  if (!usable || fact.provider_event_id.empty() || fact.type.empty()) {
    return std::optional<ProviderFact>();
  }
  return std::optional<ProviderFact>(std::move(fact));
}

}  // namespace ledger::commands::intake
