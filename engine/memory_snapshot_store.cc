#include "engine/memory_snapshot_store.h"

namespace ledger {

Result<std::optional<Snapshot>> MemorySnapshotStore::Load(const StreamId& stream,
                                                          std::string_view aggregate) {
  std::lock_guard lock(mu_);
  auto it = snapshots_.find(Key(stream.value(), aggregate));
  if (it == snapshots_.end()) return std::optional<Snapshot>();
  return std::optional<Snapshot>(it->second);
}

Status MemorySnapshotStore::Save(const Snapshot& snapshot) {
  LEDGER_RETURN_IF_ERROR(ValidateSnapshot(snapshot));
  std::lock_guard lock(mu_);
  auto [it, inserted] =
      snapshots_.try_emplace(Key(snapshot.stream.value(), snapshot.aggregate), snapshot);
  // An older snapshot never replaces a newer one: the later Save of a race may be the staler.
  if (!inserted && snapshot.stream_version.value() >= it->second.stream_version.value()) {
    it->second = snapshot;
  }
  return Status::Ok();
}

Status MemorySnapshotStore::Delete(const StreamId& stream, std::string_view aggregate) {
  std::lock_guard lock(mu_);
  snapshots_.erase(Key(stream.value(), aggregate));
  return Status::Ok();
}

}  // namespace ledger
