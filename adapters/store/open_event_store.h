// OpenEventStore: the one place that turns a database URL (LEDGER_DATABASE_URL, the CLI's
// --database-url) into an EventStore, so that the CLI, the server and tools accept the same
// forms and nothing above the adapters names a concrete store.
//
//   sqlite:PATH              the embedded SQLite store in the file PATH (relative to the
//                            working directory)
//   sqlite::memory:          a private in-memory SQLite store; always migrated on open, gone
//                            when the store is destroyed
//   postgresql://... or      PostgreSQL (libpq connection URI)
//   postgres://...
//
// A backend this binary was built without is FailedPrecondition; any other form is
// InvalidArgument naming the accepted ones. Thread-safe.
#ifndef LEDGER_ADAPTERS_STORE_OPEN_EVENT_STORE_H_
#define LEDGER_ADAPTERS_STORE_OPEN_EVENT_STORE_H_

#include <memory>
#include <string>
#include <string_view>

#include "engine/clock.h"
#include "engine/event_store.h"
#include "engine/result.h"

namespace ledger {

struct StoreOpenOptions {
  // Create or upgrade the schema before opening (what `ledger migrate` does). Off by
  // default: a store that needs migrating is refused with FailedPrecondition, so a mistyped
  // path never silently creates an empty ledger.
  bool migrate = false;
  // Where the store takes recorded_at from. Must outlive the store.
  Clock* clock = SystemClock::Default();
};

// Opens the store named by `url`. The store owns its connections and may be used from any
// thread. Errors are those of the backend's Open (FailedPrecondition "run ledger migrate",
// Unavailable when unreachable) plus InvalidArgument for an unknown URL form.
Result<std::unique_ptr<EventStore>> OpenEventStore(const std::string& url,
                                                   const StoreOpenOptions& options = {});

// Creates the store named by `url` if needed and applies pending migrations. Safe to run
// again. For PostgreSQL `url` must connect as the owner role (DESIGN.md section 4).
Status MigrateStore(const std::string& url, const StoreOpenOptions& options = {});

// OK if `url` has one of the accepted forms (whether or not this build has the backend);
// InvalidArgument naming the accepted forms otherwise. Connects to nothing.
Status ValidateStoreUrl(const std::string& url);

// The accepted URL forms, for error and help texts.
std::string_view StoreUrlForms();

}  // namespace ledger

#endif  // LEDGER_ADAPTERS_STORE_OPEN_EVENT_STORE_H_
