// OpenReadModelStore: the read models that belong to a database URL (OpenEventStore's forms),
// so that the CLI and the server open the event store and its read models by one name.
//
//   sqlite:PATH                 the read-model tables in the same file as the events
//   sqlite::memory:             a private, empty in-memory database of its own (tests, demos)
//   postgresql://...            the read models as ledger_projector, in schema "public", or in
//   postgresql://...?schema=S   schema S (a replay target), created if missing
#ifndef LEDGER_ADAPTERS_STORE_OPEN_READ_MODEL_STORE_H_
#define LEDGER_ADAPTERS_STORE_OPEN_READ_MODEL_STORE_H_

#include <memory>
#include <string>

#include "adapters/store/open_event_store.h"
#include "projections/read_model_store.h"

namespace ledger {

// Errors as OpenEventStore: FailedPrecondition if migrations are pending (unless
// options.migrate), Unavailable when unreachable, InvalidArgument for an unknown URL form.
Result<std::unique_ptr<projections::ReadModelStore>> OpenReadModelStore(
    const std::string& url, const StoreOpenOptions& options = {});

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_STORE_OPEN_READ_MODEL_STORE_H_
