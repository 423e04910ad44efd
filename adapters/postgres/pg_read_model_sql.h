// The SQL text and binary values of the PostgreSQL read-model store: how a TableSpec becomes
// a table with its row-level security, how rows travel as binary arrays, and the statements
// that write, fetch and scan them, and list them for queries. Internal to adapters/postgres
// (pg_read_model_store.cc, pg_read_model_reader.cc).
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_SQL_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_SQL_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/postgres/pg_params.h"
#include "adapters/postgres/pg_result.h"
#include "engine/checkpoint_store.h"
#include "projections/read_model.h"
#include "queries/list_query.h"

namespace ledger::pg {

// Whether `name` may name a schema or table: [a-z0-9_], not starting with a digit, <= 63 bytes.
bool IsSqlName(std::string_view name);

// An identifier, quoted. Every name reaching here is [a-z0-9_] (ValidateTableSpec, IsSqlName),
// so quoting only keeps reserved words ("order", "user") usable as names.
std::string Ident(std::string_view name);

// Row `i` of a result selecting every column of `table`, in declaration order.
Result<projections::Row> DecodeRow(const projections::TableSpec& table, const PgResult& result,
                                   int i);

// A key's identity for matching rows to keys within one call: each part's type and bytes
// (JSON in canonical form, as CanonicalKey compares it). Cheaper than CanonicalKey, which
// quotes every text as JSON; for keys of one table, equal exactly when CanonicalKey is.
std::string KeyIdentity(const projections::Key& key);

// Arrays of the primary-key columns of `keys`, in primary-key order.
Result<Params> KeyArrays(const projections::TableSpec& table,
                         std::span<const projections::Key* const> keys);

// Arrays of every column of `rows`, in declaration order.
Result<Params> RowArrays(const projections::TableSpec& table,
                         std::span<const projections::Row* const> rows);

// PostgreSQL's binary COPY stream (COPY ... FROM STDIN (FORMAT binary)): the header, one
// tuple per row (every column of the row, or the primary-key columns of a key, in the order
// the COPY statement lists them: CopyRowsSql / CopyKeysSql), and the trailer. A value is
// checked as RowArrays checks it (InvalidArgument).
std::string CopyHeader();
Status AppendCopyRow(const projections::Row& row, std::string& out);
Status AppendCopyKey(const projections::TableSpec& table, const projections::Key& key,
                     std::string& out);
std::string CopyTrailer();

// The bulk load of a shadow table (PgReadModelStore::CommitBulk). `target` is a
// schema-qualified table of `table`'s columns (the shadow table, or a staging table made
// with StagingTableSql), `staging` an unqualified temporary table's name.
std::string CopyRowsSql(const projections::TableSpec& table, const std::string& target);
std::string CopyKeysSql(const projections::TableSpec& table, const std::string& target);
// A temporary table, dropped at commit, with the columns of `qualified` (all of them, or only
// its primary key's).
std::string StagingTableSql(const std::string& staging, const std::string& qualified);
std::string StagingKeysSql(const projections::TableSpec& table, const std::string& staging,
                           const std::string& qualified);
// Every staged row upserted into `qualified`; every staged key deleted from it.
std::string UpsertFromStagingSql(const projections::TableSpec& table,
                                 const std::string& qualified, const std::string& staging);
std::string DeleteStagedKeysSql(const projections::TableSpec& table,
                                const std::string& qualified, const std::string& staging);

// Statements over the schema-qualified physical table `qualified`, taking KeyArrays or
// RowArrays as parameters: upsert every row, delete by key, fetch by key, scan in key order.
// Every checkpoint of `qualified` (the checkpoint table), ordered by name bytewise; its rows as
// Checkpoints (the reader's and the store's LoadCheckpoints).
std::string AllCheckpointsSql(const std::string& qualified);
std::vector<Checkpoint> DecodeCheckpoints(const PgResult& result);
// Row `row` of a result whose columns are name, version, position, events, updated_at.
Checkpoint DecodeCheckpoint(const PgResult& result, int row);

std::string UpsertSql(const projections::TableSpec& table, const std::string& qualified);

std::string DeleteSql(const projections::TableSpec& table, const std::string& qualified);

std::string FetchSql(const projections::TableSpec& table, const std::string& qualified);

std::string ScanSql(const projections::TableSpec& table, const std::string& qualified);

// A query's page as one SELECT of every column of query.table (decode with DecodeRow), with
// its parameters: the scope's tenant (and customer, on a customer-scoped table) as equalities
// the planner can match to the indexes, each filter, the keyset condition
// `(c1, c2, ...) > ($a, $b, ...)` (`<` when descending), ORDER BY and LIMIT. Every value is a
// binary parameter, never SQL text; text compares COLLATE "C" (bytewise). The WHERE clause
// only helps the planner: row-level security scopes the rows whatever it says.
// REQUIRES: queries::CheckListQuery(scope, query) is ok.
struct ListStatement {
  std::string sql;
  Params params;
};
Result<ListStatement> ListSql(const queries::Scope& scope, const queries::ListQuery& query,
                              const std::string& qualified);

// The table, its indexes, row-level security and grants (the header lists the policies).
// Index names are "<physical name>_pkey" and "<physical name>_ix<n>": PromoteShadow renames
// them with the table, so a later shadow table can take the shadow names again.
// A shadow table (`for_bulk_load`) is created with autovacuum off and with its primary key
// only: it only grows until PromoteShadow, which builds its other indexes
// (SecondaryIndexesSql), runs ANALYZE and turns autovacuum back on (AutovacuumOnSql). Nothing
// reads a shadow table but by its primary key, and one sorted build of an index costs a
// fraction of maintaining it row by row through the whole rebuild.
std::string CreateTableSql(const projections::TableSpec& table, const std::string& schema,
                           const std::string& physical, bool for_bulk_load = false);
// CREATE INDEX IF NOT EXISTS for each of `table`'s secondary indexes, on `physical`.
std::string SecondaryIndexesSql(const projections::TableSpec& table, const std::string& schema,
                                const std::string& physical);
std::string AutovacuumOnSql(const std::string& qualified);

// ALTER POLICY reader_tenant to the current definition, for a table created by an older
// version whose policy may differ (CreateTables runs it on existing customer-scoped tables).
std::string UpdateReaderPolicySql(const projections::TableSpec& table, const std::string& schema,
                                  const std::string& physical);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_READ_MODEL_SQL_H_
