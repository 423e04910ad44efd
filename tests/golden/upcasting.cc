#include "tests/golden/upcasting.h"

namespace ledger::golden {

Status UpcasterRegistry::Register(std::string event_type, std::uint32_t from_version,
                                  Upcaster upcaster) {
  if (!upcaster) return InvalidArgument("upcaster for " + event_type + " is empty");
  auto chain = steps_.find(event_type);
  const std::size_t registered = chain == steps_.end() ? 0 : chain->second.size();
  const std::uint32_t expected = static_cast<std::uint32_t>(registered) + 1;
  if (from_version != expected) {
    return InvalidArgument("upcasters of " + event_type +
                           " must be registered in order: the next "
                           "step starts at version " +
                           std::to_string(expected) + ", not " + std::to_string(from_version));
  }
  steps_[std::move(event_type)].push_back(std::move(upcaster));
  return Status::Ok();
}

std::uint32_t UpcasterRegistry::CurrentVersion(std::string_view event_type) const {
  auto it = steps_.find(event_type);
  return it == steps_.end() ? 1 : static_cast<std::uint32_t>(it->second.size()) + 1;
}

Result<RecordedEvent> UpcasterRegistry::Upcast(RecordedEvent event) const {
  const std::uint32_t current = CurrentVersion(event.event_type);
  if (event.schema_version > current) {
    return FailedPrecondition("event " + event.event_id.ToString() + " (" + event.event_type +
                              ") is at schema version " + std::to_string(event.schema_version) +
                              ", newer than the " + std::to_string(current) +
                              " this code reads: replay it with the code that wrote it");
  }
  if (event.schema_version == current) return event;
  const std::vector<Upcaster>& chain = steps_.find(event.event_type)->second;
  // Invariant: schema_version >= 1 (the store refuses 0), so chain[version - 1] exists for
  // every version below current.
  while (event.schema_version < current) {
    const std::uint32_t from = event.schema_version;
    Result<std::string> payload = chain[from - 1](event.payload);
    if (!payload.ok()) {
      return DataLoss("event " + event.event_id.ToString() + " (" + event.event_type +
                      "): upcasting from schema version " + std::to_string(from) + " to " +
                      std::to_string(from + 1) + " failed: " + payload.status().message());
    }
    event.payload = std::move(payload).value();
    event.schema_version = from + 1;
  }
  return event;
}

UpcastingProjector::UpcastingProjector(std::unique_ptr<projections::Projector> inner,
                                       const UpcasterRegistry* registry)
    : inner_(std::move(inner)), registry_(registry) {}

Status UpcastingProjector::Apply(const RecordedEvent& event,
                                 projections::ProjectionWriter& writer) {
  LEDGER_ASSIGN_OR_RETURN(RecordedEvent current, registry_->Upcast(event));
  return inner_->Apply(current, writer);
}

}  // namespace ledger::golden
