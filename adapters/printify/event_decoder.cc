#include "adapters/printify/event_decoder.h"

#include <array>

namespace ledger::printify {
namespace {

constexpr std::array<std::string_view, 5> kFields = {"id", "type", "created_at", "resource.id",
                                                     "resource.type"};

Status NotAnEvent(std::string why) {
  return InvalidArgument("not a Printify event: " + std::move(why));
}

}  // namespace

Result<webhook::ProviderEvent> DecodeEvent(std::string raw_body,
                                           const webhook::AdmissionScope& scope) {
  if (raw_body.empty()) return NotAnEvent("the body is empty");
  Result<webhook::InspectedJson> inspected = webhook::InspectJson(raw_body, kFields);
  if (!inspected.ok()) return NotAnEvent("the body is " + inspected.status().message());
  if (!inspected->root_is_object) return NotAnEvent("the body is not a JSON object");

  const std::string* id = inspected->FindString("id");
  if (id == nullptr || !webhook::IsUsableProviderId(*id)) {
    return NotAnEvent("it has no usable \"id\"");
  }
  const std::string* type = inspected->FindString("type");
  if (type == nullptr || type->empty()) return NotAnEvent("it has no \"type\"");

  webhook::PayloadBuilder payload;
  payload.AddString("provider_event_id", *id);
  payload.AddString("type", *type);
  payload.AddField("created_at", inspected->Find("created_at"));
  payload.AddField("resource_type", inspected->Find("resource.type"));
  payload.AddField("resource_id", inspected->Find("resource.id"));
  if (scope.named_in_route) payload.AddString("tenant", scope.tenant.value());
  std::string payload_json = std::move(payload).Finish(raw_body, *inspected);
  return webhook::MakeProviderEvent("printify", *id, kEventReceivedType, scope,
                                    std::move(payload_json), std::move(raw_body));
}

}  // namespace ledger::printify
