#include "adapters/sqlite/sqlite_read_model_reader.h"

#include <filesystem>
#include <span>
#include <utility>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrator.h"
#include "adapters/sqlite/read_model_values.h"
#include "adapters/sqlite/reader_pool.h"
#include "schema/migrations.h"

namespace ledger {
namespace {

using projections::Row;
using projections::TableSpec;
using projections::Value;
using sqlite::Connection;
using sqlite::Statement;

// Every name reaching SQL text is [a-z0-9_] (CheckListQuery checks columns against a valid
// declaration), so quoting only keeps reserved words usable.
std::string Quoted(std::string_view name) { return "\"" + std::string(name) + "\""; }

std::string_view FilterOperator(queries::FilterOp op) {
  switch (op) {
    case queries::FilterOp::kEqual:
      return " = ";
    case queries::FilterOp::kAtLeast:
      return " >= ";
    case queries::FilterOp::kBefore:
      return " < ";
  }
  return " = ";
}

// The SELECT of a page and the values of its parameters, numbered ?1, ?2, ... in order.
// REQUIRES: CheckListQuery(scope, query) is ok.
struct ListStatement {
  std::string sql;
  std::vector<Value> values;
};

ListStatement ListSql(const queries::Scope& scope, const queries::ListQuery& query) {
  const TableSpec& table = *query.table;
  ListStatement out;
  auto param = [&](Value value) {
    out.values.push_back(std::move(value));
    return "?" + std::to_string(out.values.size());
  };
  // No row-level security here: the scope is this WHERE clause, on every query.
  std::string where = Quoted("tenant_id") + " = " + param(scope.tenant_id);
  if (scope.customer_id && table.customer_scoped) {
    where += " AND " + Quoted("customer_id") + " = " + param(*scope.customer_id);
  }
  for (const queries::Filter& filter : query.filters) {
    // A NULL column makes the comparison NULL: it matches no filter.
    where += " AND " + Quoted(filter.column) + std::string(FilterOperator(filter.op)) +
             param(filter.value);
  }
  std::string columns;
  std::string order;
  for (const std::string& column : query.order_by) {
    columns += (columns.empty() ? "" : ", ") + Quoted(column);
    order += (order.empty() ? "" : ", ") + Quoted(column) + (query.descending ? " DESC" : "");
  }
  if (query.after) {
    std::string cursor;
    for (const Value& value : *query.after) cursor += (cursor.empty() ? "" : ", ") + param(value);
    where += " AND (" + columns + ")" + (query.descending ? " < (" : " > (") + cursor + ")";
  }
  std::string select;
  for (const projections::Column& column : table.columns) {
    select += (select.empty() ? "" : ", ") + Quoted(column.name);
  }
  out.sql = "SELECT " + select + " FROM " + Quoted(table.name) + " WHERE " + where + " ORDER BY " +
            order + " LIMIT " + param(static_cast<std::int64_t>(query.limit));
  return out;
}

// `failure` of a read of `table`, unless the table is simply missing: then the contract's
// FailedPrecondition (SQLite says only "no such table", an Internal error).
Status ExplainFailure(Connection& db, const std::string& table, Status failure) {
  Result<Statement> s =
      db.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
  if (!s.ok()) return failure;
  s->BindText(1, table);
  Result<bool> exists = s->Step();
  if (exists.ok() && !*exists) {
    return FailedPrecondition("there is no read-model table " + table +
                              " (its projector has not created it yet)");
  }
  return failure;
}

}  // namespace

Result<std::unique_ptr<SqliteReadModelReader>> SqliteReadModelReader::Open(
    const std::string& path, const SqliteReaderOptions& options) {
  if (path.empty()) return InvalidArgument("the SQLite reader needs the ledger file's path");
  if (path == sqlite::kMemoryPath) {
    return InvalidArgument(
        "a reader cannot share a :memory: database; use MemoryReadModelReader over the store");
  }
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) {
    return FailedPrecondition("there is no ledger store at " + path +
                              "; run `ledger migrate` to create it");
  }
  sqlite::ConnectionOptions connection_options{
      .create = false, .read_only = true, .busy_timeout = options.busy_timeout};
  auto readers = std::make_unique<sqlite::ReaderPool>(path, connection_options);
  {
    // Fail at startup, not at the first query, if the file is not a migrated ledger store.
    LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers->Acquire());
    LEDGER_RETURN_IF_ERROR(sqlite::CheckSchema(*reader, SqliteMigrations()));
  }
  return std::unique_ptr<SqliteReadModelReader>(new SqliteReadModelReader(std::move(readers)));
}

SqliteReadModelReader::SqliteReadModelReader(std::unique_ptr<sqlite::ReaderPool> readers)
    : readers_(std::move(readers)) {}

SqliteReadModelReader::~SqliteReadModelReader() = default;

namespace {

// The rows of `query` on `db` (in the caller's transaction, if any).
Result<std::vector<Row>> ReadList(Connection& db, const queries::Scope& scope,
                                  const queries::ListQuery& query) {
  const TableSpec& table = *query.table;
  ListStatement statement = ListSql(scope, query);
  Result<Statement> prepared = db.Prepare(statement.sql);
  if (!prepared.ok()) return ExplainFailure(db, table.name, prepared.status());
  Statement& s = *prepared;
  for (std::size_t i = 0; i < statement.values.size(); ++i) {
    sqlite::BindValue(s, static_cast<int>(i + 1), statement.values[i]);
  }
  std::vector<Row> rows;
  while (true) {
    Result<bool> row = s.Step();
    if (!row.ok()) return ExplainFailure(db, table.name, row.status());
    if (!*row) return rows;
    rows.push_back(sqlite::ReadRow(s, table));
  }
}

Result<std::vector<Checkpoint>> ReadCheckpoints(Connection& db) {
  LEDGER_ASSIGN_OR_RETURN(Statement s, db.Prepare("SELECT name, version, position, events, "
                                                  "updated_at FROM projection_checkpoints "
                                                  "ORDER BY name"));
  std::vector<Checkpoint> all;
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return all;
    all.push_back(
        Checkpoint{.name = s.ColumnText(0),
                   .version = static_cast<std::uint32_t>(s.ColumnInt64(1)),
                   .position = GlobalPosition(static_cast<std::uint64_t>(s.ColumnInt64(2))),
                   .events = static_cast<std::uint64_t>(s.ColumnInt64(3)),
                   .updated_at = Timestamp(s.ColumnInt64(4))});
  }
}

// Every read of ReadTogether, inside the read transaction the caller opened.
Result<queries::ReadSet> ReadAll(Connection& db, const queries::Scope& scope,
                                 std::span<const queries::ListQuery> queries,
                                 bool with_checkpoints) {
  queries::ReadSet set;
  for (const queries::ListQuery& query : queries) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<Row> rows, ReadList(db, scope, query));
    set.lists.push_back(std::move(rows));
  }
  if (with_checkpoints) {
    LEDGER_ASSIGN_OR_RETURN(set.checkpoints, ReadCheckpoints(db));
  }
  return set;
}

}  // namespace

Result<std::vector<Row>> SqliteReadModelReader::List(const queries::Scope& scope,
                                                     const queries::ListQuery& query) {
  LEDGER_RETURN_IF_ERROR(queries::CheckListQuery(scope, query));
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  // One statement is one read transaction: the page is of a single commit.
  return ReadList(*reader, scope, query);
}

Result<std::vector<Checkpoint>> SqliteReadModelReader::LoadCheckpoints() {
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  return ReadCheckpoints(*reader);
}

Result<queries::ReadSet> SqliteReadModelReader::ReadTogether(
    const queries::Scope& scope, std::span<const queries::ListQuery> queries,
    bool with_checkpoints) {
  for (const queries::ListQuery& query : queries) {
    LEDGER_RETURN_IF_ERROR(queries::CheckListQuery(scope, query));
  }
  LEDGER_ASSIGN_OR_RETURN(sqlite::ReaderPool::Lease reader, readers_->Acquire());
  // Under WAL a read transaction sees one snapshot, taken at its first read, until it ends.
  LEDGER_RETURN_IF_ERROR(reader->Run("BEGIN"));
  Result<queries::ReadSet> set = ReadAll(*reader, scope, queries, with_checkpoints);
  Status ended = reader->Run(set.ok() ? "COMMIT" : "ROLLBACK");
  if (!set.ok()) return set.status();
  LEDGER_RETURN_IF_ERROR(ended);
  return set;
}

}  // namespace ledger
