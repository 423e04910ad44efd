#include "engine/memory_store.h"
#include "tests/conformance/event_store_conformance.h"

namespace {

struct MemoryStoreFactory {
  static std::unique_ptr<ledger::EventStore> Open(ledger::Clock* clock) {
    return std::make_unique<ledger::MemoryEventStore>(clock);
  }
};

}  // namespace

LEDGER_EVENT_STORE_CONFORMANCE(MemoryStoreFactory);
