// The SnapshotStore conformance suite on MemorySnapshotStore.
#include <memory>

#include "engine/memory_snapshot_store.h"
#include "tests/conformance/snapshot_store_conformance.h"

namespace {

struct MemorySnapshotFactory {
  static std::unique_ptr<ledger::SnapshotStore> Open() {
    return std::make_unique<ledger::MemorySnapshotStore>();
  }
};

}  // namespace

LEDGER_SNAPSHOT_STORE_CONFORMANCE(MemorySnapshotFactory);
