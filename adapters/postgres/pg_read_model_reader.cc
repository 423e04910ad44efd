#include "adapters/postgres/pg_read_model_reader.h"

#include <utility>

#include "adapters/postgres/pg_migrate.h"
#include "adapters/postgres/pg_pool.h"
#include "adapters/postgres/pg_read_model_sql.h"
#include "adapters/postgres/pg_read_model_store.h"

namespace ledger {
namespace {

using pg::Ident;
using pg::Params;
using pg::PgConnection;
using pg::PgResult;
using projections::Row;

constexpr const char* kCheckpointTable = "projection_checkpoints";

// As PgReadModelStore's: a role name the policies could name, then pg::AssumeRole.
Status AssumeNamedRole(PgConnection& conn, const std::string& role) {
  if (!role.empty() && !pg::IsSqlName(role)) {
    return InvalidArgument("role '" + role + "' is not [a-z0-9_]");
  }
  return pg::AssumeRole(conn, role);
}

// A failed read's transaction is rolled back so the connection can go back to the pool (the
// pool would close it otherwise). last_error() keeps describing the read's error.
void Rollback(PgConnection& conn) {
  if (!conn.broken() && !conn.idle()) conn.Exec("ROLLBACK").status().IgnoreError();
}

// A missing table or schema is the caller's precondition (no projector has created it yet),
// not a missing migration, whatever pg_errors says of 42P01 in general.
Status ReadStatus(PgConnection& conn, const Status& status, const std::string& qualified) {
  const std::string& state = conn.last_error().sqlstate;
  if (state == "42P01" || state == "3F000") {
    return FailedPrecondition("no read-model table " + qualified +
                              " (its projector has not created it yet)");
  }
  return status.WithContext("reading " + qualified);
}

// Runs `read` on a pooled connection; once more on a fresh one if the first was a pooled
// connection found dead (the server restarted while it sat idle). Reads change nothing, so
// repeating one is always safe.
template <typename T, typename F>
Result<T> WithConnection(pg::PgPool& pool, F read) {
  for (int attempt = 0;; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(pg::PooledConnection conn, pool.Acquire());
    Result<T> r = read(*conn);
    if (r.ok() || attempt > 0 || !conn.reused() || !conn->broken()) return r;
  }
}

Checkpoint DecodeCheckpoint(const PgResult& r, int i) {
  Checkpoint c;
  c.name = std::string(r.Get(i, 0));
  c.version = static_cast<std::uint32_t>(r.GetInt64(i, 1));
  c.position = GlobalPosition(static_cast<std::uint64_t>(r.GetInt64(i, 2)));
  c.events = static_cast<std::uint64_t>(r.GetInt64(i, 3));
  c.updated_at = pg::DecodeTimestamp(r.Get(i, 4));
  return c;
}

}  // namespace

Result<std::unique_ptr<PgReadModelReader>> PgReadModelReader::Open(const std::string& url,
                                                                   const PgReaderOptions& options) {
  LEDGER_ASSIGN_OR_RETURN(ReadModelTarget target, SplitSchemaParameter(url));
  std::string schema = target.schema.empty() ? options.schema : target.schema;
  if (!pg::IsSqlName(schema)) {
    return InvalidArgument("schema '" + schema + "' is not [a-z_][a-z0-9_]{0,62}");
  }
  pg::ConnectSpec spec{target.url, {}};
  {
    // Fail at startup, not at the first query, if the server, the role or the migrations are
    // not there.
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(spec));
    LEDGER_RETURN_IF_ERROR(AssumeNamedRole(*conn, options.role));
    LEDGER_RETURN_IF_ERROR(pg::CheckMigrated(*conn));
  }
  std::string role = options.role;
  auto pool = std::make_unique<pg::PgPool>(
      spec, options.pool_size, [role](PgConnection& conn) { return AssumeNamedRole(conn, role); },
      options.acquire_timeout);
  return std::unique_ptr<PgReadModelReader>(new PgReadModelReader(schema, std::move(pool)));
}

PgReadModelReader::PgReadModelReader(std::string schema, std::unique_ptr<pg::PgPool> pool)
    : schema_(std::move(schema)), pool_(std::move(pool)) {}

PgReadModelReader::~PgReadModelReader() = default;

Result<std::vector<Row>> PgReadModelReader::List(const queries::Scope& scope,
                                                 const queries::ListQuery& query) {
  LEDGER_RETURN_IF_ERROR(queries::CheckListQuery(scope, query));
  // Always the live table: a shadow table is a rebuild in progress.
  const std::string qualified = Ident(schema_) + "." + Ident(query.table->name);
  LEDGER_ASSIGN_OR_RETURN(pg::ListStatement statement, pg::ListSql(scope, query, qualified));
  const Params settings =
      std::move(Params().Text(scope.tenant_id).Text(scope.customer_id.value_or("")));
  return WithConnection<std::vector<Row>>(
      *pool_, [&](PgConnection& conn) -> Result<std::vector<Row>> {
        // One round trip. Invariant: the settings are transaction-local (the `true` of
        // set_config), so they end with this transaction, committed or rolled back.
        pg::Pipeline pipeline(conn);
        pipeline.Sql("BEGIN READ ONLY");
        pipeline.Sql(
            "SELECT set_config('ledger.tenant', $1::text, true), "
            "set_config('ledger.customer', $2::text, true)",
            settings);
        const std::size_t select = pipeline.Sql(statement.sql, statement.params);
        pipeline.Sql("COMMIT");
        std::vector<Result<PgResult>> results = pipeline.Run();
        for (const Result<PgResult>& r : results) {
          if (r.ok()) continue;
          Status status = ReadStatus(conn, r.status(), qualified);
          Rollback(conn);
          return status;
        }
        const PgResult& r = *results[select];
        std::vector<Row> rows;
        rows.reserve(static_cast<std::size_t>(r.rows()));
        for (int i = 0; i < r.rows(); ++i) {
          LEDGER_ASSIGN_OR_RETURN(Row row, pg::DecodeRow(*query.table, r, i));
          rows.push_back(std::move(row));
        }
        return rows;
      });
}

Result<std::vector<Checkpoint>> PgReadModelReader::LoadCheckpoints() {
  const std::string table = Ident(schema_) + "." + kCheckpointTable;
  const std::string sql = "SELECT name, version, position, events, updated_at FROM " + table +
                          " ORDER BY name COLLATE \"C\"";
  return WithConnection<std::vector<Checkpoint>>(
      *pool_, [&](PgConnection& conn) -> Result<std::vector<Checkpoint>> {
        Result<PgResult> r = conn.Query(sql);
        if (!r.ok()) return ReadStatus(conn, r.status(), table);
        std::vector<Checkpoint> all;
        all.reserve(static_cast<std::size_t>(r->rows()));
        for (int i = 0; i < r->rows(); ++i) all.push_back(DecodeCheckpoint(*r, i));
        return all;
      });
}

}  // namespace ledger
