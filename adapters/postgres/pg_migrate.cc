#include "adapters/postgres/pg_migrate.h"

#include <vector>

#include "schema/migrations.h"

namespace ledger::pg {
namespace {

// Any fixed key: ('l','e','d','g','e','r') as a number. Per database, like the schema.
constexpr const char* kLockKey = "119165682755954";

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "number integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, "
    "applied_at timestamptz NOT NULL DEFAULT now())";

Result<std::vector<AppliedMigration>> ReadApplied(PgConnection& conn) {
  LEDGER_ASSIGN_OR_RETURN(
      PgResult r,
      conn.Exec("SELECT number, name, checksum FROM schema_migrations ORDER BY number"));
  std::vector<AppliedMigration> applied;
  for (int i = 0; i < r.rows(); ++i) {
    applied.push_back(AppliedMigration{static_cast<int>(r.GetInt64(i, 0)), std::string(r.Get(i, 1)),
                                       std::string(r.Get(i, 2))});
  }
  return applied;
}

Status Apply(PgConnection& conn, const Migration& m) {
  std::string context = "migration " + std::to_string(m.number) + " (" + std::string(m.name) + ")";
  LEDGER_RETURN_IF_ERROR(conn.Exec("BEGIN").status());
  Status status = conn.Exec(m.sql).status();
  if (status.ok()) {
    status = conn.Query(
                     "INSERT INTO schema_migrations (number, name, checksum) "
                     "VALUES ($1::bigint, $2::text, $3::text)",
                     std::move(Params().Int64(m.number).Text(m.name).Text(m.Checksum())))
                 .status();
  }
  if (status.ok()) status = conn.Exec("COMMIT").status();
  if (!status.ok()) {
    if (!conn.broken()) conn.Exec("ROLLBACK").status().IgnoreError();
    return status.WithContext(context);
  }
  return Status::Ok();
}

}  // namespace

Status CheckEncoding(PgConnection& conn) {
  LEDGER_ASSIGN_OR_RETURN(PgResult r, conn.Exec("SHOW server_encoding"));
  if (r.Get(0, 0) != "UTF8") {
    return FailedPrecondition("the database encoding is " + std::string(r.Get(0, 0)) +
                              "; the ledger needs UTF8 (CREATE DATABASE ... ENCODING 'UTF8')");
  }
  return Status::Ok();
}

Status ApplyMigrations(PgConnection& conn) {
  LEDGER_RETURN_IF_ERROR(CheckEncoding(conn));
  LEDGER_RETURN_IF_ERROR(
      conn.Exec(std::string("SELECT pg_advisory_lock(") + kLockKey + ")").status());
  Status status = [&]() -> Status {
    LEDGER_RETURN_IF_ERROR(conn.Exec(kCreateMigrationsTable).status());
    LEDGER_ASSIGN_OR_RETURN(std::vector<AppliedMigration> applied, ReadApplied(conn));
    LEDGER_ASSIGN_OR_RETURN(std::vector<const Migration*> pending,
                            PendingMigrations(PostgresMigrations(), applied));
    for (const Migration* m : pending) LEDGER_RETURN_IF_ERROR(Apply(conn, *m));
    return Status::Ok();
  }();
  // Closing the connection would release the lock too; unlock so a pooled caller could reuse it.
  if (!conn.broken()) {
    conn.Exec(std::string("SELECT pg_advisory_unlock(") + kLockKey + ")").status().IgnoreError();
  }
  return status;
}

Status CheckMigrated(PgConnection& conn) {
  LEDGER_RETURN_IF_ERROR(CheckEncoding(conn));
  Result<std::vector<AppliedMigration>> applied = ReadApplied(conn);
  if (!applied.ok()) {
    if (conn.last_error().sqlstate == "42P01") {
      return FailedPrecondition("the database has no ledger schema; run `ledger migrate`");
    }
    return applied.status();
  }
  LEDGER_ASSIGN_OR_RETURN(std::vector<const Migration*> pending,
                          PendingMigrations(PostgresMigrations(), *applied));
  if (!pending.empty()) {
    std::string names;
    for (const Migration* m : pending) {
      names += (names.empty() ? "" : ", ") + std::to_string(m->number) + " (" +
               std::string(m->name) + ")";
    }
    return FailedPrecondition("the database lacks migrations " + names + "; run `ledger migrate`");
  }
  return Status::Ok();
}

}  // namespace ledger::pg
