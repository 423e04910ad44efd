// Import (EventStore::Import): a whole exported log restored in one transaction.
//
// The import locks the streams table (EXCLUSIVE: appends wait, reads do not), reads the heads
// of the streams it touches and which ids are already stored, then goes through the events in
// chunks: each chunk is validated and planned with the engine's PlanImport, streamed with
// binary COPY into a temporary table and inserted from there (PostgreSQL refuses COPY FROM
// into a table with row-level security; the INSERT keeps the events table's policies and
// triggers in force). The next chunk is planned while the server inserts the previous one, so
// neither side waits for the other. Finally the stream heads are written and the position
// sequence is moved past the imported positions.
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
