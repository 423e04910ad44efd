#include "projections/read_model_store.h"

#include <algorithm>

namespace ledger::projections {

std::string PhysicalTableName(const TableSpec& table, TableSet set) {
  return set == TableSet::kLive ? table.name : table.name + "__shadow";
}

namespace {

bool InKey(const TableSpec& table, const std::string& column) {
  return std::find(table.primary_key.begin(), table.primary_key.end(), column) !=
         table.primary_key.end();
}

}  // namespace

Status CheckRowChange(const RowChange& change) {
  if (change.table == nullptr) return InvalidArgument("a row change names no table");
  const TableSpec& table = *change.table;
  if (change.key.size() != table.primary_key.size()) {
    return InvalidArgument(table.name + ": the key has " + std::to_string(change.key.size()) +
                           " parts, the primary key " + std::to_string(table.primary_key.size()));
  }
  for (std::size_t i = 0; i < change.key.size(); ++i) {
    const Column& column = table.columns[*table.ColumnIndex(table.primary_key[i])];
    if (change.key[i].index() == 0 || !ValueFits(change.key[i], column.type)) {
      return InvalidArgument(table.name + ": key part " + column.name + " is NULL or mistyped");
    }
  }
  if (!change.row) return Status::Ok();
  const Row& row = *change.row;
  if (row.spec().name != table.name || row.values().size() != table.columns.size()) {
    return InvalidArgument(table.name + ": the row belongs to table " + row.spec().name);
  }
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    const Column& column = table.columns[i];
    const Value& value = row.values()[i];
    if (!ValueFits(value, column.type)) {
      return InvalidArgument(table.name + "." + column.name + " holds a value of another type");
    }
    if (value.index() == 0 && (!column.nullable || InKey(table, column.name))) {
      return InvalidArgument(table.name + "." + column.name + " may not be NULL");
    }
  }
  // Equal values are equal keys; only JSON parts may differ in text and still be equal.
  Key row_key = row.PrimaryKey();
  if (row_key != change.key && CanonicalKey(row_key) != CanonicalKey(change.key)) {
    return InvalidArgument(table.name + ": the row's key differs from the change's key");
  }
  return Status::Ok();
}

Status CheckNewRowsShape(const CommitRequest& request) {
  if (request.new_rows.empty() || request.new_rows.size() == request.changes.size()) {
    return Status::Ok();
  }
  return InvalidArgument("new_rows has " + std::to_string(request.new_rows.size()) +
                         " entries for " + std::to_string(request.changes.size()) + " changes");
}

}  // namespace ledger::projections
