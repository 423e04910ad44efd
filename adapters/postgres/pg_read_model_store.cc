// PgReadModelStore: read-model tables, their rows and the projectors' checkpoints on
// PostgreSQL. One file over 800 lines on purpose: its sections (checks, connections and
// transactions, checkpoints, tables, rows, bulk loads, scans) share the anonymous helpers at
// the top (the checks, InTransaction, TableStatus, the checkpoint compare-and-set, the
// connection retry), and splitting it would move those into a header of their own for one
// class. The SQL text lives apart already, in pg_read_model_sql.{h,cc}.
#include "adapters/postgres/pg_read_model_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "adapters/postgres/pg_leadership.h"
#include "adapters/postgres/pg_migrate.h"
#include "adapters/postgres/pg_pool.h"
#include "adapters/postgres/pg_read_model_sql.h"
#include "projections/batch_writer.h"

namespace ledger {
namespace {

using pg::ArrayParam;
using pg::CreateTableSql;
using pg::UpdateReaderPolicySql;
using pg::DecodeRow;
using pg::DeleteSql;
using pg::FetchSql;
using pg::Ident;
using pg::IsSqlName;
using pg::KeyArrays;
using pg::KeyIdentity;
using pg::RowArrays;
using pg::ScanSql;
using pg::UpsertSql;
using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using projections::ColumnType;
using projections::CommitRequest;
using projections::Key;
using projections::Row;
using projections::RowChange;
using projections::TableSet;
using projections::TableSpec;
using projections::Value;

constexpr const char* kCheckpointTable = "projection_checkpoints";

// The checkpoint table's columns; migration 0002 creates it in public with the same text.
constexpr const char* kCheckpointColumns =
    "(name text NOT NULL PRIMARY KEY,"
    " version bigint NOT NULL CHECK (version BETWEEN 0 AND 4294967295),"
    " position bigint NOT NULL CHECK (position >= 0),"
    " events bigint NOT NULL CHECK (events >= 0),"
    " updated_at timestamptz NOT NULL)";

// ---------------------------------------------------------------------------------------------
// Checks before anything is sent.

// The tenant of a key (its first part), which must be a text other than '' and '*'.
Result<std::string> TenantOf(const TableSpec& table, const Key& key) {
  if (key.size() != table.primary_key.size()) {
    return InvalidArgument(table.name + ": key has the wrong number of columns");
  }
  const auto* tenant = std::get_if<std::string>(&key.front());
  if (tenant == nullptr || tenant->empty() || *tenant == "*") {
    return InvalidArgument(table.name + ": a key's tenant_id must be a text other than '' and '*'");
  }
  return *tenant;
}

// The shared checks, and PostgreSQL's own: a tenant other than '' and '*'.
Status CheckChange(const RowChange& change) {
  LEDGER_RETURN_IF_ERROR(projections::CheckRowChange(change));
  return TenantOf(*change.table, change.key).status();
}

Status CheckCheckpoint(const Checkpoint& c) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::int64_t>::max();
  if (c.position.value() > kMax || c.events > kMax) {
    return InvalidArgument("checkpoint '" + c.name + "': position or count beyond bigint");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Connections and transactions.

Status AssumeNamedRole(PgConnection& conn, const std::string& role) {
  if (!role.empty() && !IsSqlName(role)) {
    return InvalidArgument("role '" + role + "' is not [a-z0-9_]");
  }
  return pg::AssumeRole(conn, role);
}

// Ends a failed transaction so the connection can go back to the pool (the pool would close
// it otherwise). The caller's error is already in hand; last_error() is left as it was.
void Rollback(PgConnection& conn) {
  // Exec records only failures, so last_error() keeps describing the caller's error.
  if (!conn.broken() && !conn.idle()) conn.Exec("ROLLBACK").status().IgnoreError();
}

// Runs `body` between BEGIN and COMMIT, rolling back if it fails.
template <typename F>
Status InTransaction(PgConnection& conn, F body) {
  LEDGER_RETURN_IF_ERROR(conn.Exec("BEGIN").status());
  Status status = body();
  if (!status.ok()) {
    Rollback(conn);
    return status;
  }
  return conn.Exec("COMMIT").status();
}

// A missing table is the caller's mistake (CreateTables first), not a missing migration.
Status TableStatus(PgConnection& conn, Status status, const std::string& physical) {
  if (conn.last_error().sqlstate == "42P01") {
    return FailedPrecondition("no read-model table " + physical + " (CreateTables first)");
  }
  return status.WithContext(physical);
}

// Serializes DDL on one schema across processes: two CreateTables (or a PromoteShadow) that
// both see a table missing must not both create it.
Status LockDdl(PgConnection& conn, const std::string& schema) {
  return conn
      .Query("SELECT pg_advisory_xact_lock($1::bigint)",
             std::move(Params().Int64(pg::LeaderLockKey("read-model-ddl:" + schema))))
      .status();
}

Status SetTenant(PgConnection& conn, std::string_view tenant) {
  return conn
      .Query("SELECT set_config('ledger.tenant', $1::text, true)",
             std::move(Params().Text(tenant)))
      .status();
}

// Which of `names` exist as tables in `schema`.
Result<std::set<std::string>> ExistingTables(PgConnection& conn, const std::string& schema,
                                             const std::vector<std::string>& names) {
  ArrayParam array(pg::TypeOid::kText);
  for (const std::string& name : names) array.Add(name);
  LEDGER_ASSIGN_OR_RETURN(
      PgResult r,
      conn.Query("SELECT c.relname::text FROM pg_class c JOIN pg_namespace n "
                 "ON n.oid = c.relnamespace WHERE n.nspname = $1::text "
                 "AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')",
                 std::move(Params().Text(schema).Array(array))));
  std::set<std::string> existing;
  for (int i = 0; i < r.rows(); ++i) existing.emplace(r.Get(i, 0));
  return existing;
}

// A schema other than public, with its own checkpoint table, owned by the projector.
Status EnsureSchema(PgConnection& conn, const std::string& schema) {
  return InTransaction(conn, [&]() -> Status {
    LEDGER_RETURN_IF_ERROR(LockDdl(conn, schema));
    LEDGER_ASSIGN_OR_RETURN(
        PgResult r, conn.Query("SELECT count(*) FROM pg_namespace WHERE nspname = $1::text",
                               std::move(Params().Text(schema))));
    if (r.GetInt64(0, 0) == 0) {
      LEDGER_RETURN_IF_ERROR(conn.Exec("CREATE SCHEMA " + Ident(schema) +
                                       "; GRANT USAGE ON SCHEMA " + Ident(schema) +
                                       " TO ledger_reader, ledger_auditor")
                                 .status()
                                 .WithContext("creating schema " + schema));
    }
    LEDGER_ASSIGN_OR_RETURN(std::set<std::string> existing,
                            ExistingTables(conn, schema, {kCheckpointTable}));
    if (existing.empty()) {
      std::string table = Ident(schema) + "." + kCheckpointTable;
      LEDGER_RETURN_IF_ERROR(conn.Exec("CREATE TABLE " + table + " " + kCheckpointColumns +
                                       "; REVOKE ALL ON " + table +
                                       " FROM PUBLIC; GRANT SELECT ON " + table +
                                       " TO ledger_reader, ledger_auditor")
                                 .status()
                                 .WithContext("creating " + table));
    }
    return Status::Ok();
  });
}

// Runs `work` on a pooled connection; once more on a fresh one if the first was a pooled
// connection found dead (the server restarted while it sat idle) and `work` says that
// repeating is safe (nothing was committed, nothing was handed to the caller).
template <typename T, typename F>
Result<T> WithConnection(pg::PgPool& pool, F work) {
  for (int attempt = 0;; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(pg::PooledConnection conn, pool.Acquire());
    bool may_repeat = true;
    Result<T> r = work(*conn, may_repeat);
    if (r.ok() || attempt > 0 || !may_repeat || !conn.reused() || !conn->broken()) return r;
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------

Result<ReadModelTarget> SplitSchemaParameter(const std::string& url) {
  ReadModelTarget target{url, ""};
  bool is_uri = url.starts_with("postgresql://") || url.starts_with("postgres://");
  std::size_t query = url.find('?');
  if (!is_uri || query == std::string::npos) return target;
  std::string kept;
  std::size_t start = query + 1;
  while (start <= url.size()) {
    std::size_t end = std::min(url.find('&', start), url.size());
    std::string_view param = std::string_view(url).substr(start, end - start);
    if (param.starts_with("schema=")) {
      target.schema = std::string(param.substr(7));
      if (!IsSqlName(target.schema)) {
        return InvalidArgument("schema '" + target.schema + "' is not [a-z_][a-z0-9_]{0,62}");
      }
    } else if (!param.empty()) {
      kept += (kept.empty() ? "" : "&") + std::string(param);
    }
    start = end + 1;
  }
  target.url = url.substr(0, query) + (kept.empty() ? "" : "?" + kept);
  return target;
}

PgReadModelStore::PgReadModelStore(const PgReadModelOptions& options, std::string schema,
                                   std::unique_ptr<pg::PgPool> pool,
                                   std::unique_ptr<pg::PgLeaderElector> leader)
    : options_(options),
      schema_(std::move(schema)),
      pool_(std::move(pool)),
      leader_(std::move(leader)) {}

PgReadModelStore::~PgReadModelStore() = default;

LeaderElector& PgReadModelStore::leadership() { return *leader_; }

Result<std::unique_ptr<PgReadModelStore>> PgReadModelStore::Open(
    const std::string& url, const PgReadModelOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ReadModelTarget target, SplitSchemaParameter(url));
  std::string schema = target.schema.empty() ? options.schema : target.schema;
  if (!IsSqlName(schema)) {
    return InvalidArgument("schema '" + schema + "' is not [a-z_][a-z0-9_]{0,62}");
  }
  pg::ConnectSpec spec{target.url, {}};
  {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(spec));
    LEDGER_RETURN_IF_ERROR(AssumeNamedRole(*conn, options.role));
    LEDGER_RETURN_IF_ERROR(pg::CheckMigrated(*conn));
    if (schema != "public") LEDGER_RETURN_IF_ERROR(EnsureSchema(*conn, schema));
  }
  std::string role = options.role;
  auto pool = std::make_unique<pg::PgPool>(
      spec, options.pool_size, [role](PgConnection& conn) { return AssumeNamedRole(conn, role); },
      options.acquire_timeout);
  auto leader = std::make_unique<pg::PgLeaderElector>(spec, options.lease_check_interval);
  return std::unique_ptr<PgReadModelStore>(
      new PgReadModelStore(options, schema, std::move(pool), std::move(leader)));
}

// ---------------------------------------------------------------------------------------------
// Checkpoints.

Result<std::optional<Checkpoint>> PgReadModelStore::LoadCheckpoint(std::string_view name) {
  const std::string sql = "SELECT name, version, position, events, updated_at FROM " +
                          Ident(schema_) + "." + kCheckpointTable + " WHERE name = $1::text";
  return WithConnection<std::optional<Checkpoint>>(
      *pool_, [&](PgConnection& conn, bool&) -> Result<std::optional<Checkpoint>> {
        LEDGER_ASSIGN_OR_RETURN(PgResult r, conn.Query(sql, std::move(Params().Text(name))));
        if (r.rows() == 0) return std::optional<Checkpoint>();
        return std::optional<Checkpoint>(pg::DecodeCheckpoint(r, 0));
      });
}

Result<std::vector<Checkpoint>> PgReadModelStore::LoadCheckpoints() {
  const std::string sql = pg::AllCheckpointsSql(Ident(schema_) + "." + kCheckpointTable);
  return WithConnection<std::vector<Checkpoint>>(
      *pool_, [&](PgConnection& conn, bool&) -> Result<std::vector<Checkpoint>> {
        LEDGER_ASSIGN_OR_RETURN(PgResult r, conn.Query(sql));
        return pg::DecodeCheckpoints(r);
      });
}

Status PgReadModelStore::SaveCheckpoint(const CheckpointMove& move) {
  CommitRequest request;
  request.checkpoints.push_back(move);
  return Commit(request);
}

Status PgReadModelStore::DeleteCheckpoint(std::string_view name, GlobalPosition expected) {
  // An expectation beyond bigint matches no stored position: -1 never matches either.
  const std::int64_t at =
      expected.value() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
          ? -1
          : static_cast<std::int64_t>(expected.value());
  const std::string table = Ident(schema_) + "." + kCheckpointTable;
  // The second count reads the snapshot before the delete: whether the row existed at all.
  const std::string sql = "WITH gone AS (DELETE FROM " + table +
                          " WHERE name = $1::text AND position = $2::bigint RETURNING 1) "
                          "SELECT (SELECT count(*) FROM gone), (SELECT count(*) FROM " +
                          table + " WHERE name = $1::text)";
  Result<bool> deleted = WithConnection<bool>(
      *pool_, [&](PgConnection& conn, bool&) -> Result<bool> {
        LEDGER_ASSIGN_OR_RETURN(
            PgResult r, conn.Query(sql, std::move(Params().Text(name).Int64(at))));
        return r.GetInt64(0, 0) == 1 || r.GetInt64(0, 1) == 0;
      });
  LEDGER_RETURN_IF_ERROR(deleted);
  if (!*deleted) return Conflict("checkpoint '" + std::string(name) + "' moved on");
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Tables.

Status PgReadModelStore::CreateTables(std::span<const TableSpec> tables, TableSet set) {
  std::vector<std::string> names;
  for (const TableSpec& table : tables) {
    std::string invalid = projections::ValidateTableSpec(table);
    if (!invalid.empty()) return InvalidArgument(invalid);
    names.push_back(projections::PhysicalTableName(table, set));
  }
  if (tables.empty()) return Status::Ok();
  return WithConnection<bool>(*pool_, [&](PgConnection& conn, bool&) -> Result<bool> {
           LEDGER_RETURN_IF_ERROR(InTransaction(conn, [&]() -> Status {
             LEDGER_RETURN_IF_ERROR(LockDdl(conn, schema_));
             LEDGER_ASSIGN_OR_RETURN(std::set<std::string> existing,
                                     ExistingTables(conn, schema_, names));
             std::string ddl;
             for (std::size_t i = 0; i < tables.size(); ++i) {
               if (!existing.contains(names[i])) {
                 ddl += CreateTableSql(tables[i], schema_, names[i], set == TableSet::kShadow);
                 continue;
               }
               // A table made by an older version keeps its policy otherwise.
               if (tables[i].customer_scoped) {
                 ddl += UpdateReaderPolicySql(tables[i], schema_, names[i]);
               }
               // A live table promoted by a build older than the one that finishes shadow
               // tables at the swap may lack its secondary indexes (a no-op when present).
               if (set == TableSet::kLive) {
                 ddl += pg::SecondaryIndexesSql(tables[i], schema_, names[i]);
               }
             }
             if (ddl.empty()) return Status::Ok();
             return conn.Exec(ddl).status().WithContext("creating read-model tables");
           }));
           return true;
         })
      .status();
}

Status PgReadModelStore::DropTables(std::span<const TableSpec> tables, TableSet set) {
  if (tables.empty()) return Status::Ok();
  std::string ddl;
  for (const TableSpec& table : tables) {
    ddl += "DROP TABLE IF EXISTS " + Ident(schema_) + "." +
           Ident(projections::PhysicalTableName(table, set)) + ";\n";
  }
  return WithConnection<bool>(*pool_, [&](PgConnection& conn, bool&) -> Result<bool> {
           LEDGER_RETURN_IF_ERROR(InTransaction(conn, [&]() -> Status {
             LEDGER_RETURN_IF_ERROR(LockDdl(conn, schema_));
             return conn.Exec(ddl).status();
           }));
           return true;
         })
      .status();
}

Status PgReadModelStore::PromoteShadow(std::span<const TableSpec> tables,
                                       std::string_view live_checkpoint,
                                       std::string_view shadow_checkpoint,
                                       GlobalPosition expected) {
  const std::string checkpoints = Ident(schema_) + "." + kCheckpointTable;
  std::vector<std::string> shadows;
  for (const TableSpec& table : tables) {
    shadows.push_back(projections::PhysicalTableName(table, TableSet::kShadow));
  }
  // First the shadow tables are finished, in a transaction of their own: a shadow table was
  // filled with its primary key only (CreateTableSql), so its other indexes are built now, in
  // one sort each; and it has had no autovacuum, so no statistics (the planner would guess).
  // Neither needs the DDL lock or touches a live table, so queries wait only for the renames,
  // and other projectors' promotions may finish theirs meanwhile (the runtime promotes
  // several at once). If the swap below then fails, the shadow tables are merely finished
  // early: a resumed rebuild goes on writing into them. Only the rebuild's owner finishes
  // them: the shadow checkpoint must stand at `expected`, and its row stays share-locked until
  // this commits, so no other leader's flush (which moves it first) writes meanwhile.
  auto finish = [&](PgConnection& conn) -> Status {
    LEDGER_ASSIGN_OR_RETURN(
        PgResult owned,
        conn.Query("SELECT 1 FROM " + checkpoints +
                       " WHERE name = $1::text AND position = $2::bigint FOR SHARE",
                   std::move(Params().Text(shadow_checkpoint)
                                 .Int64(static_cast<std::int64_t>(expected.value())))));
    if (owned.rows() != 1) {
      return Conflict("checkpoint '" + std::string(shadow_checkpoint) + "' moved on");
    }
    LEDGER_ASSIGN_OR_RETURN(std::set<std::string> existing,
                            ExistingTables(conn, schema_, shadows));
    std::string sql;
    for (std::size_t i = 0; i < tables.size(); ++i) {
      const std::string& shadow = shadows[i];
      if (!existing.contains(shadow)) return FailedPrecondition("no table " + shadow);
      const std::string qualified = Ident(schema_) + "." + Ident(shadow);
      sql += pg::SecondaryIndexesSql(tables[i], schema_, shadow) + "ANALYZE " + qualified +
             ";\n" + pg::AutovacuumOnSql(qualified);
    }
    if (sql.empty()) return Status::Ok();
    return conn.Exec(sql).status();
  };
  auto promote = [&](PgConnection& conn) -> Status {
    LEDGER_RETURN_IF_ERROR(LockDdl(conn, schema_));
    // The shadow checkpoint's compare-and-set first: a stale rebuilder changes nothing.
    LEDGER_ASSIGN_OR_RETURN(
        PgResult moved,
        conn.Query("DELETE FROM " + checkpoints +
                       " WHERE name = $1::text AND position = $2::bigint "
                       "RETURNING name, version, position, events, updated_at",
                   std::move(Params().Text(shadow_checkpoint)
                                 .Int64(static_cast<std::int64_t>(expected.value())))));
    if (moved.rows() != 1) {
      return Conflict("checkpoint '" + std::string(shadow_checkpoint) + "' moved on");
    }
    Checkpoint promoted = pg::DecodeCheckpoint(moved, 0);
    LEDGER_ASSIGN_OR_RETURN(std::set<std::string> existing,
                            ExistingTables(conn, schema_, shadows));
    for (const std::string& shadow : shadows) {
      if (!existing.contains(shadow)) return FailedPrecondition("no table " + shadow);
    }
    for (std::size_t i = 0; i < tables.size(); ++i) {
      const std::string& live = tables[i].name;
      const std::string& shadow = shadows[i];
      LEDGER_RETURN_IF_ERROR(conn.Exec("DROP TABLE IF EXISTS " + Ident(schema_) + "." +
                                       Ident(live) + "; ALTER TABLE " + Ident(schema_) + "." +
                                       Ident(shadow) + " RENAME TO " + Ident(live))
                                 .status());
      // Indexes (the primary key's with its constraint) carry the table's name.
      LEDGER_ASSIGN_OR_RETURN(
          PgResult indexes,
          conn.Query("SELECT indexname::text FROM pg_indexes WHERE schemaname = $1::text "
                     "AND tablename = $2::text",
                     std::move(Params().Text(schema_).Text(live))));
      std::string renames;
      for (int r = 0; r < indexes.rows(); ++r) {
        std::string_view index = indexes.Get(r, 0);
        if (!index.starts_with(shadow + "_")) continue;
        renames += "ALTER INDEX " + Ident(schema_) + "." + Ident(index) + " RENAME TO " +
                   Ident(live + std::string(index.substr(shadow.size()))) + ";\n";
      }
      if (!renames.empty()) LEDGER_RETURN_IF_ERROR(conn.Exec(renames).status());
    }
    return conn
        .Query("INSERT INTO " + checkpoints +
                   " (name, version, position, events, updated_at) VALUES ($1::text, "
                   "$2::bigint, $3::bigint, $4::bigint, $5::timestamptz) ON CONFLICT (name) DO "
                   "UPDATE SET version = excluded.version, position = excluded.position, "
                   "events = excluded.events, updated_at = excluded.updated_at",
               std::move(Params()
                             .Text(live_checkpoint)
                             .Int64(promoted.version)
                             .Int64(static_cast<std::int64_t>(promoted.position.value()))
                             .Int64(static_cast<std::int64_t>(promoted.events))
                             .Time(promoted.updated_at)))
        .status();
  };
  return WithConnection<bool>(*pool_, [&](PgConnection& conn, bool&) -> Result<bool> {
           LEDGER_RETURN_IF_ERROR(InTransaction(conn, [&] { return finish(conn); }));
           LEDGER_RETURN_IF_ERROR(InTransaction(conn, [&] { return promote(conn); }));
           return true;
         })
      .status();
}

// ---------------------------------------------------------------------------------------------
// Rows.

Result<std::vector<std::optional<Row>>> PgReadModelStore::Fetch(const TableSpec& table,
                                                                TableSet set,
                                                                std::span<const Key> keys) {
  std::vector<std::optional<Row>> out(keys.size());
  if (keys.empty()) return out;
  // Keys by tenant: each tenant's are read under its own ledger.tenant.
  std::map<std::string, std::vector<const Key*>> by_tenant;
  for (const Key& key : keys) {
    LEDGER_ASSIGN_OR_RETURN(std::string tenant, TenantOf(table, key));
    by_tenant[tenant].push_back(&key);
  }
  const std::string physical = projections::PhysicalTableName(table, set);
  const std::string sql = FetchSql(table, Ident(schema_) + "." + physical);
  std::vector<Params> params;
  for (const auto& [tenant, tenant_keys] : by_tenant) {
    LEDGER_ASSIGN_OR_RETURN(Params p, KeyArrays(table, tenant_keys));
    params.push_back(std::move(p));
  }
  // Every row found, by KeyIdentity.
  std::unordered_map<std::string, Row> found;
  Result<bool> read = WithConnection<bool>(*pool_, [&](PgConnection& conn, bool&) -> Result<bool> {
    found.clear();
    pg::Pipeline pipeline(conn);
    pipeline.Sql("BEGIN READ ONLY");
    std::vector<std::size_t> selects;
    std::size_t next = 0;
    for (const auto& [tenant, tenant_keys] : by_tenant) {
      pipeline.SqlCached("SELECT set_config('ledger.tenant', $1::text, true)",
                   std::move(Params().Text(tenant)));
      selects.push_back(pipeline.SqlCached(sql, params[next++]));
    }
    pipeline.Sql("COMMIT");
    std::vector<Result<PgResult>> results = pipeline.Run();
    for (const Result<PgResult>& r : results) {
      if (!r.ok()) {
        Status status = TableStatus(conn, r.status(), physical);
        Rollback(conn);
        return status;
      }
    }
    for (std::size_t s : selects) {
      const PgResult& r = *results[s];
      for (int i = 0; i < r.rows(); ++i) {
        LEDGER_ASSIGN_OR_RETURN(Row row, DecodeRow(table, r, i));
        std::string key = KeyIdentity(row.PrimaryKey());
        found.insert_or_assign(std::move(key), std::move(row));
      }
    }
    return true;
  });
  LEDGER_RETURN_IF_ERROR(read);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto it = found.find(KeyIdentity(keys[i]));
    if (it != found.end()) out[i] = it->second;
  }
  return out;
}

namespace {

// One Commit's statements: per tenant, per table, the final state of each key (the last
// change to a key wins, so no statement touches a row twice).
struct TableChanges {
  const TableSpec* table = nullptr;
  std::vector<const Key*> deletes;
  std::vector<const Row*> upserts;
  std::vector<const Row*> inserts;  // CommitBulk: rows of keys known not to be stored
};
using CommitPlan = std::map<std::string, std::map<std::string, TableChanges>>;

Result<CommitPlan> PlanCommit(const CommitRequest& request) {
  // table '\x1e' key identity -> the last change to it
  std::unordered_map<std::string, std::size_t> last;
  last.reserve(request.changes.size());
  std::vector<std::string> identities;
  identities.reserve(request.changes.size());
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const RowChange& change = request.changes[i];
    LEDGER_RETURN_IF_ERROR(CheckChange(change));
    identities.push_back(change.table->name + '\x1e' + KeyIdentity(change.key));
    last[identities.back()] = i;
  }
  for (const CheckpointMove& move : request.checkpoints) {
    LEDGER_RETURN_IF_ERROR(CheckCheckpoint(move.next));
  }
  CommitPlan plan;
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const RowChange& change = request.changes[i];
    if (last[identities[i]] != i) continue;
    TableChanges& t = plan[std::get<std::string>(change.key.front())][change.table->name];
    t.table = change.table;
    if (change.row) {
      t.upserts.push_back(&*change.row);
    } else {
      t.deletes.push_back(&change.key);
    }
  }
  return plan;
}

// Appends the checkpoint compare-and-set of `move` to `pipeline`; its index.
std::size_t SendCheckpointMove(pg::Pipeline& pipeline, const std::string& table,
                               const CheckpointMove& move) {
  const Checkpoint& c = move.next;
  Params params;
  params.Text(c.name)
      .Int64(c.version)
      .Int64(static_cast<std::int64_t>(c.position.value()))
      .Int64(static_cast<std::int64_t>(c.events))
      .Time(c.updated_at);
  if (!move.expected) {
    return pipeline.SqlCached("INSERT INTO " + table +
                            " (name, version, position, events, updated_at) VALUES ($1::text, "
                            "$2::bigint, $3::bigint, $4::bigint, $5::timestamptz) "
                            "ON CONFLICT (name) DO NOTHING",
                        std::move(params));
  }
  // An expectation beyond bigint matches no stored position: -1 never matches either.
  std::uint64_t expected = move.expected->value();
  params.Int64(expected > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                   ? -1
                   : static_cast<std::int64_t>(expected));
  return pipeline.SqlCached("UPDATE " + table +
                          " SET version = $2::bigint, position = $3::bigint, events = $4::bigint, "
                          "updated_at = $5::timestamptz WHERE name = $1::text AND position = "
                          "$6::bigint",
                      std::move(params));
}

}  // namespace

Status PgReadModelStore::Commit(const CommitRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(CommitPlan plan, PlanCommit(request));
  if (plan.empty() && request.checkpoints.empty()) return Status::Ok();

  // Statements and their parameters, built once (a retry on a fresh connection reuses them).
  struct Step {
    std::string sql;
    Params params;
    std::string physical;  // for errors; empty for set_config
  };
  std::vector<Step> steps;
  if (request.set == TableSet::kShadow) {
    // A rebuild's batch need not wait for its WAL to reach the disk: no query reads shadow
    // tables, and a crash that loses the last batches loses their checkpoint with them (same
    // transaction), so the rebuild resumes from an earlier batch, each event still taking
    // effect once. PromoteShadow commits synchronously, and WAL is flushed in order, so once
    // the rebuilt tables are visible every batch before is durable too. Saves a WAL flush
    // (an fsync) per batch.
    steps.push_back({"SELECT set_config('synchronous_commit', 'off', true)", Params(), ""});
  }
  for (const auto& [tenant, tables] : plan) {
    steps.push_back({"SELECT set_config('ledger.tenant', $1::text, true)",
                     std::move(Params().Text(tenant)), ""});
    for (const auto& [name, changes] : tables) {
      const std::string physical = projections::PhysicalTableName(*changes.table, request.set);
      const std::string qualified = Ident(schema_) + "." + physical;
      if (!changes.deletes.empty()) {
        LEDGER_ASSIGN_OR_RETURN(Params p, KeyArrays(*changes.table, changes.deletes));
        steps.push_back({DeleteSql(*changes.table, qualified), std::move(p), physical});
      }
      if (!changes.upserts.empty()) {
        LEDGER_ASSIGN_OR_RETURN(Params p, RowArrays(*changes.table, changes.upserts));
        steps.push_back({UpsertSql(*changes.table, qualified), std::move(p), physical});
      }
    }
  }
  const std::string checkpoints = Ident(schema_) + "." + kCheckpointTable;

  return WithConnection<bool>(
             *pool_,
             [&](PgConnection& conn, bool& may_repeat) -> Result<bool> {
               // All statements in one round trip; COMMIT only after the checkpoints'
               // compare-and-set are seen to have matched.
               pg::Pipeline pipeline(conn);
               pipeline.Sql("BEGIN");
               for (const Step& step : steps) pipeline.SqlCached(step.sql, step.params);
               std::vector<std::size_t> moves;
               for (const CheckpointMove& move : request.checkpoints) {
                 moves.push_back(SendCheckpointMove(pipeline, checkpoints, move));
               }
               std::vector<Result<PgResult>> results = pipeline.Run();
               for (std::size_t i = 0; i < results.size(); ++i) {
                 if (results[i].ok()) continue;
                 Status status = results[i].status();
                 if (i >= 1 && i - 1 < steps.size() && !steps[i - 1].physical.empty()) {
                   status = TableStatus(conn, status, steps[i - 1].physical);
                 }
                 Rollback(conn);
                 return status;
               }
               for (std::size_t m = 0; m < moves.size(); ++m) {
                 if (results[moves[m]]->affected() != 1) {
                   Rollback(conn);
                   return Conflict("checkpoint '" + request.checkpoints[m].next.name +
                                   "' moved on");
                 }
               }
               // From here the outcome may be unknown: never repeated.
               may_repeat = false;
               LEDGER_RETURN_IF_ERROR(conn.Exec("COMMIT"));
               return true;
             })
      .status();
}

namespace {

// A bulk load's rows per table (not per tenant: COPY takes every tenant's rows at once).
using BulkPlan = std::map<std::string, TableChanges>;

Result<BulkPlan> PlanBulk(const CommitRequest& request) {
  // RowIdentity (table and key) -> the last change to it. Cheaper than KeyIdentity, which
  // matters at a flush's hundreds of thousands of rows.
  std::unordered_map<std::string, std::size_t> last;
  last.reserve(request.changes.size());
  std::vector<std::string> identities;
  identities.reserve(request.changes.size());
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const RowChange& change = request.changes[i];
    LEDGER_RETURN_IF_ERROR(CheckChange(change));
    identities.push_back(projections::RowIdentity(*change.table, change.key));
    last[identities.back()] = i;
  }
  for (const CheckpointMove& move : request.checkpoints) {
    LEDGER_RETURN_IF_ERROR(CheckCheckpoint(move.next));
  }
  LEDGER_RETURN_IF_ERROR(projections::CheckNewRowsShape(request));
  BulkPlan plan;
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const RowChange& change = request.changes[i];
    if (last[identities[i]] != i) continue;
    TableChanges& t = plan[change.table->name];
    t.table = change.table;
    if (change.row) {
      bool known_new = !request.new_rows.empty() && request.new_rows[i];
      (known_new ? t.inserts : t.upserts).push_back(&*change.row);
    } else {
      t.deletes.push_back(&change.key);
    }
  }
  return plan;
}

// Streams `items` through `conn` with `copy_sql`, about a MiB per part; `append` adds one.
template <typename T, typename Append>
Status CopyItems(PgConnection& conn, const std::string& copy_sql, const std::vector<T>& items,
                 Append append) {
  constexpr std::size_t kPartBytes = std::size_t{1} << 20;
  std::size_t next = 0;
  bool header_sent = false;
  return conn.CopyInStream(copy_sql, [&](std::string& part) -> Result<bool> {
    if (!header_sent) {
      part += pg::CopyHeader();
      header_sent = true;
    }
    while (next < items.size() && part.size() < kPartBytes) {
      LEDGER_RETURN_IF_ERROR(append(*items[next++], part));
    }
    if (next < items.size()) return true;
    part += pg::CopyTrailer();
    return false;
  });
}

}  // namespace

Status PgReadModelStore::CommitBulk(const CommitRequest& request) {
  // Queries read live tables: they keep Commit's statements and short locks.
  if (request.set != TableSet::kShadow) return Commit(request);
  LEDGER_ASSIGN_OR_RETURN(BulkPlan plan, PlanBulk(request));
  if (plan.empty() && request.checkpoints.empty()) return Status::Ok();
  const std::string checkpoints = Ident(schema_) + "." + kCheckpointTable;

  auto load = [&](PgConnection& conn) -> Status {
    // As for Commit's shadow batches: no query waits on this, and the checkpoint is lost
    // with the rows if the WAL is.
    LEDGER_RETURN_IF_ERROR(
        conn.Exec("SELECT set_config('synchronous_commit', 'off', true)").status());
    // The checkpoints' compare-and-set first: a stale rebuilder loads nothing.
    {
      pg::Pipeline pipeline(conn);
      std::vector<std::size_t> moves;
      for (const CheckpointMove& move : request.checkpoints) {
        moves.push_back(SendCheckpointMove(pipeline, checkpoints, move));
      }
      std::vector<Result<PgResult>> results = pipeline.Run();
      for (const Result<PgResult>& r : results) LEDGER_RETURN_IF_ERROR(r.status());
      for (std::size_t m = 0; m < moves.size(); ++m) {
        if (results[moves[m]]->affected() != 1) {
          return Conflict("checkpoint '" + request.checkpoints[m].next.name + "' moved on");
        }
      }
    }
    for (const auto& [name, changes] : plan) {
      const TableSpec& table = *changes.table;
      const std::string physical = projections::PhysicalTableName(table, TableSet::kShadow);
      const std::string qualified = Ident(schema_) + "." + Ident(physical);
      auto table_status = [&](Status status) { return TableStatus(conn, status, physical); };
      // PostgreSQL refuses COPY FROM into a table whose row-level security applies to the
      // writer. The projector owns the shadow table; NO FORCE exempts it for this transaction
      // only: the ALTER holds an exclusive lock until COMMIT, which follows FORCE again, so no
      // other session ever sees the table unforced. Each row carries its own tenant_id
      // (checked above, and by the table's CHECK); no policy is needed to pick it.
      Status unforced =
          conn.Exec("ALTER TABLE " + qualified + " NO FORCE ROW LEVEL SECURITY").status();
      if (!unforced.ok()) return table_status(unforced);
      LEDGER_ASSIGN_OR_RETURN(PgResult any,
                              conn.Exec("SELECT EXISTS (SELECT 1 FROM " + qualified + ")"));
      const bool empty = any.Get(0, 0) == "f";
      auto append_row = [](const Row& row, std::string& out) {
        return pg::AppendCopyRow(row, out);
      };
      // Rows of keys known not to be stored go straight in, as every row does while the
      // table is empty: nothing to replace or delete. (A wrong hint fails on the primary key.)
      if (!changes.inserts.empty()) {
        LEDGER_RETURN_IF_ERROR(CopyItems(conn, pg::CopyRowsSql(table, qualified),
                                         changes.inserts, append_row));
      }
      if (empty) {
        if (!changes.upserts.empty()) {
          LEDGER_RETURN_IF_ERROR(CopyItems(conn, pg::CopyRowsSql(table, qualified),
                                           changes.upserts, append_row));
        }
      } else {
        if (!changes.deletes.empty()) {
          const std::string staging = "ledger_bulk_keys_" + table.name;
          LEDGER_RETURN_IF_ERROR(conn.Exec(pg::StagingKeysSql(table, staging, qualified)));
          auto append_key = [&](const Key& key, std::string& out) {
            return pg::AppendCopyKey(table, key, out);
          };
          LEDGER_RETURN_IF_ERROR(CopyItems(conn, pg::CopyKeysSql(table, Ident(staging)),
                                           changes.deletes, append_key));
          LEDGER_RETURN_IF_ERROR(conn.Exec(pg::DeleteStagedKeysSql(table, qualified, staging)));
        }
        if (!changes.upserts.empty()) {
          const std::string staging = "ledger_bulk_rows_" + table.name;
          LEDGER_RETURN_IF_ERROR(conn.Exec(pg::StagingTableSql(staging, qualified)));
          LEDGER_RETURN_IF_ERROR(CopyItems(conn, pg::CopyRowsSql(table, Ident(staging)),
                                           changes.upserts, append_row));
          LEDGER_RETURN_IF_ERROR(conn.Exec(pg::UpsertFromStagingSql(table, qualified, staging)));
        }
      }
      LEDGER_RETURN_IF_ERROR(
          conn.Exec("ALTER TABLE " + qualified + " FORCE ROW LEVEL SECURITY").status());
    }
    return Status::Ok();
  };
  return WithConnection<bool>(*pool_,
                              [&](PgConnection& conn, bool& may_repeat) -> Result<bool> {
                                LEDGER_RETURN_IF_ERROR(conn.Exec("BEGIN"));
                                Status loaded = load(conn);
                                if (!loaded.ok()) {
                                  Rollback(conn);
                                  return loaded;
                                }
                                // From here the outcome may be unknown: never repeated.
                                may_repeat = false;
                                LEDGER_RETURN_IF_ERROR(conn.Exec("COMMIT"));
                                return true;
                              })
      .status();
}

Status PgReadModelStore::Scan(const TableSpec& table,
                              const std::function<Status(const Row&)>& visit) {
  const std::string physical = table.name;
  const std::string sql = ScanSql(table, Ident(schema_) + "." + physical);
  const std::size_t chunk_rows = std::max<std::size_t>(options_.scan_chunk_rows, 1);
  const std::string fetch = "FETCH FORWARD " + std::to_string(chunk_rows) + " FROM ledger_scan";
  return WithConnection<bool>(
             *pool_,
             [&](PgConnection& conn, bool& may_repeat) -> Result<bool> {
               // One snapshot for the whole scan (a cursor), every tenant ('*': read-only).
               Status status = [&]() -> Status {
                 LEDGER_RETURN_IF_ERROR(conn.Exec("BEGIN READ ONLY"));
                 LEDGER_RETURN_IF_ERROR(SetTenant(conn, "*"));
                 Result<PgResult> declared =
                     conn.Exec("DECLARE ledger_scan NO SCROLL CURSOR FOR " + sql);
                 if (!declared.ok()) return TableStatus(conn, declared.status(), physical);
                 while (true) {
                   LEDGER_ASSIGN_OR_RETURN(PgResult chunk, conn.Query(fetch));
                   for (int i = 0; i < chunk.rows(); ++i) {
                     LEDGER_ASSIGN_OR_RETURN(Row row, DecodeRow(table, chunk, i));
                     may_repeat = false;  // the caller has seen rows
                     LEDGER_RETURN_IF_ERROR(visit(row));
                   }
                   if (static_cast<std::size_t>(chunk.rows()) < chunk_rows) break;
                 }
                 return conn.Exec("COMMIT").status();
               }();
               if (!status.ok()) {
                 Rollback(conn);
                 return status;
               }
               return true;
             })
      .status();
}

}  // namespace ledger
