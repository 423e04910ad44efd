#include "adapters/sqlite/migrator.h"

#include <string>
#include <vector>

#include "adapters/sqlite/transaction.h"

namespace ledger::sqlite {
namespace {

// Created by the migrator, not by a migration: it must exist before the first one runs.
constexpr std::string_view kCreateSchemaMigrations =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "  number     INTEGER PRIMARY KEY,"
    "  name       TEXT    NOT NULL,"
    "  checksum   TEXT    NOT NULL,"
    "  applied_at INTEGER NOT NULL"
    ") STRICT";

Result<bool> HasSchemaMigrations(Connection& db) {
  LEDGER_ASSIGN_OR_RETURN(Statement find,
                          db.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND "
                                     "name = 'schema_migrations'"));
  return find.Step();
}

// A database with tables but no schema_migrations belongs to something else: migrating it
// would mix the ledger's tables into it.
Status CheckNotForeign(Connection& db) {
  LEDGER_ASSIGN_OR_RETURN(Statement any,
                          db.Prepare("SELECT name FROM sqlite_schema WHERE name NOT LIKE "
                                     "'sqlite\\_%' ESCAPE '\\' LIMIT 1"));
  LEDGER_ASSIGN_OR_RETURN(bool found, any.Step());
  if (found) {
    return FailedPrecondition(db.path() + " is a SQLite database but not a ledger store (it has " +
                              any.ColumnText(0) + " and no schema_migrations); refusing to use it");
  }
  return Status::Ok();
}

// What the file has applied. An empty file has applied nothing.
Result<std::vector<AppliedMigration>> ReadApplied(Connection& db) {
  std::vector<AppliedMigration> applied;
  LEDGER_ASSIGN_OR_RETURN(bool has_table, HasSchemaMigrations(db));
  if (!has_table) {
    LEDGER_RETURN_IF_ERROR(CheckNotForeign(db));
    return applied;
  }
  LEDGER_ASSIGN_OR_RETURN(
      Statement read,
      db.Prepare("SELECT number, name, checksum FROM schema_migrations ORDER BY number"));
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(bool row, read.Step());
    if (!row) return applied;
    applied.push_back(AppliedMigration{static_cast<int>(read.ColumnInt64(0)), read.ColumnText(1),
                                       read.ColumnText(2)});
  }
}

Status CheckStoreFormat(Connection& db) {
  LEDGER_ASSIGN_OR_RETURN(Statement read,
                          db.Prepare("SELECT format FROM ledger_store WHERE singleton = 1"));
  LEDGER_ASSIGN_OR_RETURN(bool row, read.Step());
  std::string format = row ? read.ColumnText(0) : "(none)";
  if (format != kStoreFormat) {
    return FailedPrecondition(db.path() + " holds a store of format " + format +
                              ", which this ledger binary does not know (it reads " +
                              std::string(kStoreFormat) + ")");
  }
  return Status::Ok();
}

// Applies the first pending migration, if any, in its own transaction. Sets *done when
// nothing was pending. Re-reading what is applied under the write lock is what makes two
// concurrent migrators safe.
Status ApplyNext(Connection& db, std::span<const Migration> known, Clock& clock, bool* done) {
  LEDGER_ASSIGN_OR_RETURN(WriteTransaction txn, WriteTransaction::Begin(db));
  LEDGER_ASSIGN_OR_RETURN(std::vector<AppliedMigration> applied, ReadApplied(db));
  LEDGER_ASSIGN_OR_RETURN(std::vector<const Migration*> pending, PendingMigrations(known, applied));
  *done = pending.empty();
  if (*done) return Status::Ok();  // the transaction wrote nothing; rolling it back is fine
  const Migration& m = *pending.front();
  auto context = "migration " + std::to_string(m.number) + " (" + std::string(m.name) + ")";
  LEDGER_RETURN_IF_ERROR(db.Run(kCreateSchemaMigrations));
  LEDGER_RETURN_IF_ERROR(db.ExecScript(std::string(m.sql)).WithContext(context));
  LEDGER_ASSIGN_OR_RETURN(
      Statement record,
      db.Prepare("INSERT INTO schema_migrations (number, name, checksum, applied_at) "
                 "VALUES (?1, ?2, ?3, ?4)"));
  record.BindInt64(1, m.number);
  record.BindText(2, m.name);
  record.BindText(3, m.Checksum());
  record.BindInt64(4, clock.Now().value());
  LEDGER_RETURN_IF_ERROR(record.Run());
  return txn.Commit().WithContext(context);
}

}  // namespace

Status ApplyMigrations(Connection& db, std::span<const Migration> known, Clock& clock) {
  bool done = false;
  while (!done) LEDGER_RETURN_IF_ERROR(ApplyNext(db, known, clock, &done));
  return CheckStoreFormat(db);
}

Status CheckSchema(Connection& db, std::span<const Migration> known) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<AppliedMigration> applied, ReadApplied(db));
  LEDGER_ASSIGN_OR_RETURN(std::vector<const Migration*> pending, PendingMigrations(known, applied));
  if (!pending.empty()) {
    std::string names;
    for (const Migration* m : pending) {
      if (!names.empty()) names += ", ";
      names += std::to_string(m->number) + " (" + std::string(m->name) + ")";
    }
    return FailedPrecondition(db.path() + " needs " + std::to_string(pending.size()) +
                              " migration(s) before use: " + names + "; run `ledger migrate`");
  }
  return CheckStoreFormat(db);
}

}  // namespace ledger::sqlite
