#include "adapters/postgres/pg_read_model_reader.h"

#include <algorithm>
#include <optional>
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
  LEDGER_ASSIGN_OR_RETURN(queries::ReadSet set,
                          Read(scope, std::span<const queries::ListQuery>(&query, 1), false));
  return std::move(set.lists.front());
}

Result<queries::ReadSet> PgReadModelReader::ReadTogether(
    const queries::Scope& scope, std::span<const queries::ListQuery> queries,
    bool with_checkpoints) {
  return Read(scope, queries, with_checkpoints);
}

Result<queries::ReadSet> PgReadModelReader::Read(const queries::Scope& scope,
                                                 std::span<const queries::ListQuery> queries,
                                                 bool with_checkpoints) {
  std::vector<std::string> tables;
  std::vector<pg::ListStatement> statements;
  for (const queries::ListQuery& query : queries) {
    LEDGER_RETURN_IF_ERROR(queries::CheckListQuery(scope, query));
    // Always the live table: a shadow table is a rebuild in progress.
    tables.push_back(Ident(schema_) + "." + Ident(query.table->name));
    LEDGER_ASSIGN_OR_RETURN(pg::ListStatement statement, pg::ListSql(scope, query, tables.back()));
    statements.push_back(std::move(statement));
  }
  const std::string checkpoint_table = Ident(schema_) + "." + kCheckpointTable;
  const Params settings =
      std::move(Params().Text(scope.tenant_id).Text(scope.customer_id.value_or("")));
  return WithConnection<queries::ReadSet>(
      *pool_, [&](PgConnection& conn) -> Result<queries::ReadSet> {
        // One round trip. Invariant: the settings are transaction-local (the `true` of
        // set_config), so they end with this transaction, committed or rolled back. Several
        // statements need REPEATABLE READ to share one snapshot; read-only, it costs nothing
        // more and can never fail to serialize.
        pg::Pipeline pipeline(conn);
        pipeline.Sql(statements.size() + (with_checkpoints ? 1 : 0) > 1
                         ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                         : "BEGIN READ ONLY");
        pipeline.SqlCached(
            "SELECT set_config('ledger.tenant', $1::text, true), "
            "set_config('ledger.customer', $2::text, true)",
            settings);
        std::vector<std::size_t> selects;
        for (const pg::ListStatement& statement : statements) {
          selects.push_back(pipeline.SqlCached(statement.sql, statement.params));
        }
        std::optional<std::size_t> checkpoints;
        if (with_checkpoints) checkpoints = pipeline.SqlCached(pg::AllCheckpointsSql(checkpoint_table));
        pipeline.Sql("COMMIT");
        std::vector<Result<PgResult>> results = pipeline.Run();
        for (std::size_t i = 0; i < results.size(); ++i) {
          if (results[i].ok()) continue;
          auto select = std::find(selects.begin(), selects.end(), i);
          const std::string& what = select != selects.end()
                                        ? tables[static_cast<std::size_t>(select - selects.begin())]
                                        : checkpoint_table;
          Status status = ReadStatus(conn, results[i].status(), what);
          Rollback(conn);
          return status;
        }
        queries::ReadSet set;
        set.lists.reserve(queries.size());
        for (std::size_t q = 0; q < queries.size(); ++q) {
          const PgResult& r = *results[selects[q]];
          std::vector<Row> rows;
          rows.reserve(static_cast<std::size_t>(r.rows()));
          for (int i = 0; i < r.rows(); ++i) {
            LEDGER_ASSIGN_OR_RETURN(Row row, pg::DecodeRow(*queries[q].table, r, i));
            rows.push_back(std::move(row));
          }
          set.lists.push_back(std::move(rows));
        }
        if (checkpoints) set.checkpoints = pg::DecodeCheckpoints(*results[*checkpoints]);
        return set;
      });
}

Result<std::vector<Checkpoint>> PgReadModelReader::LoadCheckpoints() {
  const std::string table = Ident(schema_) + "." + kCheckpointTable;
  return WithConnection<std::vector<Checkpoint>>(
      *pool_, [&](PgConnection& conn) -> Result<std::vector<Checkpoint>> {
        pg::Pipeline pipeline(conn);
        pipeline.SqlCached(pg::AllCheckpointsSql(table));
        std::vector<Result<PgResult>> results = pipeline.Run();
        if (!results.front().ok()) return ReadStatus(conn, results.front().status(), table);
        return pg::DecodeCheckpoints(*results.front());
      });
}

}  // namespace ledger
