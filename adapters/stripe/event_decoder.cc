#include "adapters/stripe/event_decoder.h"

#include <array>

namespace ledger::stripe {
namespace {

constexpr std::array<std::string_view, 7> kFields = {"id",       "object",  "type",   "api_version",
                                                     "livemode", "created", "account"};

Status NotAnEvent(std::string why) {
  return InvalidArgument("not a Stripe event: " + std::move(why));
}

}  // namespace

Result<webhook::ProviderEvent> DecodeEvent(std::string raw_body,
                                           const webhook::AdmissionScope& scope) {
  if (raw_body.empty()) return NotAnEvent("the body is empty");
  Result<webhook::InspectedJson> inspected = webhook::InspectJson(raw_body, kFields);
  if (!inspected.ok()) return NotAnEvent("the body is " + inspected.status().message());
  if (!inspected->root_is_object) return NotAnEvent("the body is not a JSON object");

  const std::string* object = inspected->FindString("object");
  if (object == nullptr || *object != "event") {
    return NotAnEvent(object == nullptr ? "it has no \"object\"" : "its object is not \"event\"");
  }
  const std::string* id = inspected->FindString("id");
  if (id == nullptr || !id->starts_with("evt_") || !webhook::IsUsableProviderId(*id)) {
    return NotAnEvent("it has no usable \"evt_\" id");
  }
  const std::string* type = inspected->FindString("type");
  if (type == nullptr || type->empty()) return NotAnEvent("it has no \"type\"");

  webhook::PayloadBuilder payload;
  payload.AddString("provider_event_id", *id);
  payload.AddString("type", *type);
  payload.AddField("api_version", inspected->Find("api_version"));
  payload.AddField("livemode", inspected->Find("livemode"));
  payload.AddField("created", inspected->Find("created"));
  if (const std::string* account = inspected->FindString("account")) {
    payload.AddString("account", *account);
  }
  if (scope.named_in_route) payload.AddString("tenant", scope.tenant.value());
  std::string payload_json = std::move(payload).Finish(raw_body, *inspected);
  return webhook::MakeProviderEvent("stripe", *id, kEventReceivedType, scope,
                                    std::move(payload_json), std::move(raw_body));
}

}  // namespace ledger::stripe
