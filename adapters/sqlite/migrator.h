// Bringing a SQLite file to the schema this binary was built with (schema/sqlite/*.sql), and
// refusing to use one that is not exactly that (schema/migrations.h states the rule).
//
// Applied migrations are recorded in schema_migrations (number, name, checksum, applied_at
// in microseconds), a table this module creates before the first migration. Every migration
// runs in its own BEGIN IMMEDIATE transaction together with its record, so a crash leaves
// each one either fully applied and recorded or not at all, and two processes migrating the
// same file at once apply each migration exactly once.
//
// Thread safety: none; runs on a connection its caller holds.
#ifndef LEDGER_ADAPTERS_SQLITE_MIGRATOR_H_
#define LEDGER_ADAPTERS_SQLITE_MIGRATOR_H_

#include <span>

#include "adapters/sqlite/connection.h"
#include "engine/clock.h"
#include "schema/migrations.h"

namespace ledger::sqlite {

// The format a store of this binary's migrations records in ledger_store.
inline constexpr std::string_view kStoreFormat = "ledger.sqlite.v1";

// Applies every migration of `known` the file lacks, in order, stamped with clock.Now().
// FailedPrecondition, changing nothing, if an applied migration was edited, the file has one
// this binary does not know, or the file is a SQLite database of something else.
[[nodiscard]] Status ApplyMigrations(Connection& db, std::span<const Migration> known,
                                     Clock& clock);

// OK if the file has applied exactly `known` and holds a store of kStoreFormat. Otherwise
// FailedPrecondition saying what to do (usually: run `ledger migrate`). Changes nothing.
[[nodiscard]] Status CheckSchema(Connection& db, std::span<const Migration> known);

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_MIGRATOR_H_
