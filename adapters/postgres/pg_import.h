// Import (EventStore::Import): a whole exported log restored in one transaction.
//
// The import locks the streams table (EXCLUSIVE: appends wait, reads do not), reads the heads
// of the streams it touches, then goes through the events in chunks: each chunk is validated
// and planned with the engine's PlanImport (pg_import_plan.h) and written with binary COPY,
// the next chunk planned while the server inserts the previous one. The rows are COPied
// straight into events when the login bypasses row-level security (PostgreSQL refuses COPY
// FROM into a table whose policies apply), otherwise into a temporary table and inserted from
// there. Finally the stream heads are written and the position sequence is moved past the
// imported positions. The first attempt leaves the check for stored event ids to the unique
// index; RunImport says when a second one looks them up. docs/storage.md, "Import".
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_IMPORT_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_IMPORT_H_

#include <span>

#include "adapters/postgres/pg_connection.h"
#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger::pg {

// Validates (NormalizeImportedEvent) and imports `events`. REQUIRES: conn idle. On failure
// nothing was imported (the transaction is rolled back), except that a lost connection during
// COMMIT leaves the outcome unknown (Unavailable).
Result<ImportResult> RunImport(PgConnection& conn, std::span<const ImportedEvent> events,
                               Clock& clock);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_IMPORT_H_
