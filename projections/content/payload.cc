#include "projections/content/payload.h"

namespace ledger::projections::content {

std::string ContentIdOf(const RecordedEvent& event, const Payload& payload) {
  if (std::optional<std::string> id = payload.String("content_id"); id && !id->empty()) return *id;
  constexpr std::string_view kPrefix = "content-";
  std::string_view stream = event.stream_id.value();
  if (stream.starts_with(kPrefix)) stream.remove_prefix(kPrefix.size());
  return std::string(stream);
}

Value ActorOrNull(const RecordedEvent& event) {
  if (event.metadata.actor.empty()) return std::monostate{};
  return event.metadata.actor;
}

}  // namespace ledger::projections::content
