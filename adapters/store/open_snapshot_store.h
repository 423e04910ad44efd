// OpenSnapshotStore: the aggregate snapshots (engine/snapshot_store.h) that belong to a
// database URL, in OpenEventStore's forms, so that the commands of `ledger serve` and
// `ledger command` load long streams (a canary route) from a snapshot.
//
//   sqlite:PATH        the aggregate_snapshots table of the same file
//   sqlite::memory:    snapshots in memory (the event store is private to its connection too)
//   postgresql://...   the aggregate_snapshots table, as ledger_writer
//
// Snapshots are a cache, never history: a command works the same without them.
#ifndef LEDGER_ADAPTERS_STORE_OPEN_SNAPSHOT_STORE_H_
#define LEDGER_ADAPTERS_STORE_OPEN_SNAPSHOT_STORE_H_

#include <memory>
#include <string>

#include "adapters/store/open_event_store.h"
#include "engine/snapshot_store.h"

namespace ledger {

// Errors as OpenEventStore.
Result<std::unique_ptr<SnapshotStore>> OpenSnapshotStore(const std::string& url,
                                                         const StoreOpenOptions& options = {});

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_STORE_OPEN_SNAPSHOT_STORE_H_
