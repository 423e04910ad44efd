// The ReadModelStore conformance suite on the in-memory store, the reference backend.
#include "projections/memory_read_model_store.h"

#include <memory>

#include "tests/conformance/read_model_store_conformance.h"

LEDGER_READ_MODEL_STORE_CONFORMANCE(MemoryReadModelStoreFactory,
                                    std::make_unique<ledger::projections::MemoryReadModelStore>())
