// Applying schema/postgres migrations (schema/migrations.h) and checking that a database
// has them all. Applied migrations are recorded in schema_migrations (number, name,
// checksum, applied_at); each runs in its own transaction, and runs are serialized by an
// advisory lock so that several `ledger migrate` at once are safe.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_MIGRATE_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_MIGRATE_H_

#include "adapters/postgres/pg_connection.h"

namespace ledger::pg {

// REQUIRES: conn is idle and logged in as the owner (no SET ROLE).
Status ApplyMigrations(PgConnection& conn);

// OK if every migration this binary knows is applied and none was changed or is unknown;
// FailedPrecondition otherwise, saying what to do.
Status CheckMigrated(PgConnection& conn);

// FailedPrecondition unless the database encoding is UTF8 (payloads must round-trip).
Status CheckEncoding(PgConnection& conn);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_MIGRATE_H_
