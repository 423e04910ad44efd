// MemorySnapshotStore: the SnapshotStore (engine/snapshot_store.h) in a process's memory, for
// tests and for a process that wants snapshots without a table. Nothing survives the object.
//
// Thread safety: every method may be called concurrently.
#ifndef LEDGER_ENGINE_MEMORY_SNAPSHOT_STORE_H_
#define LEDGER_ENGINE_MEMORY_SNAPSHOT_STORE_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "engine/snapshot_store.h"

namespace ledger {

class MemorySnapshotStore final : public SnapshotStore {
 public:
  MemorySnapshotStore() = default;
  MemorySnapshotStore(const MemorySnapshotStore&) = delete;
  MemorySnapshotStore& operator=(const MemorySnapshotStore&) = delete;

  Result<std::optional<Snapshot>> Load(const StreamId& stream,
                                       std::string_view aggregate) override;
  Status Save(const Snapshot& snapshot) override;
  Status Delete(const StreamId& stream, std::string_view aggregate) override;

 private:
  using Key = std::pair<std::string, std::string>;  // (stream, aggregate)

  std::mutex mu_;
  std::map<Key, Snapshot, std::less<>> snapshots_;  // guarded by mu_
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_MEMORY_SNAPSHOT_STORE_H_
