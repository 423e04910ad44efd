#include "queries/list_query.h"

#include <algorithm>

namespace ledger::queries {
namespace {

using projections::ColumnType;
using projections::TableSpec;
using projections::Value;

Status CheckColumn(const TableSpec& table, const std::string& column, std::string_view role) {
  if (!table.ColumnIndex(column)) {
    return InvalidArgument(table.name + ": no column '" + column + "' to " + std::string(role));
  }
  return Status::Ok();
}

bool IsNull(const Value& value) { return std::holds_alternative<std::monostate>(value); }

Status CheckOrder(const TableSpec& table, const ListQuery& query) {
  if (query.order_by.empty()) return InvalidArgument(table.name + ": order_by is empty");
  for (const std::string& column : query.order_by) {
    LEDGER_RETURN_IF_ERROR(CheckColumn(table, column, "order by"));
    if (std::count(query.order_by.begin(), query.order_by.end(), column) > 1) {
      return InvalidArgument(table.name + ": order_by names '" + column + "' twice");
    }
    const projections::Column& spec = table.columns[*table.ColumnIndex(column)];
    bool in_key = std::find(table.primary_key.begin(), table.primary_key.end(), column) !=
                  table.primary_key.end();
    if (spec.nullable && !in_key) {
      return InvalidArgument(table.name + ": cannot order by '" + column + "', it may be NULL");
    }
    // jsonb orders differently from JSON text, so the backends would disagree.
    if (spec.type == ColumnType::kJson) {
      return InvalidArgument(table.name + ": cannot order by the JSON column '" + column + "'");
    }
  }
  for (std::size_t i = 1; i < table.primary_key.size(); ++i) {
    const std::string& key = table.primary_key[i];
    if (std::find(query.order_by.begin(), query.order_by.end(), key) == query.order_by.end()) {
      return InvalidArgument(table.name + ": order_by must include the key column '" + key + "'");
    }
  }
  if (!query.after) return Status::Ok();
  if (query.after->size() != query.order_by.size()) {
    return InvalidArgument(table.name + ": the cursor has " + std::to_string(query.after->size()) +
                           " values for " + std::to_string(query.order_by.size()) +
                           " order_by columns");
  }
  for (std::size_t i = 0; i < query.order_by.size(); ++i) {
    const projections::Column& spec = table.columns[*table.ColumnIndex(query.order_by[i])];
    const Value& value = (*query.after)[i];
    if (IsNull(value) || !projections::ValueFits(value, spec.type)) {
      return InvalidArgument(table.name + ": the cursor's value for '" + spec.name +
                             "' is not a " + std::string(projections::ColumnTypeName(spec.type)));
    }
  }
  return Status::Ok();
}

}  // namespace

Status CheckListQuery(const Scope& scope, const ListQuery& query) {
  if (scope.tenant_id.empty() || scope.tenant_id == "*") {
    return InvalidArgument("a query's tenant must be a text other than '' and '*'");
  }
  if (scope.customer_id && scope.customer_id->empty()) {
    return InvalidArgument("a query's customer, when given, must not be empty");
  }
  if (query.table == nullptr) return InvalidArgument("a query names no table");
  const TableSpec& table = *query.table;
  for (const Filter& filter : query.filters) {
    LEDGER_RETURN_IF_ERROR(CheckColumn(table, filter.column, "filter on"));
    const projections::Column& spec = table.columns[*table.ColumnIndex(filter.column)];
    if (IsNull(filter.value) || !projections::ValueFits(filter.value, spec.type)) {
      return InvalidArgument(table.name + ": the filter on '" + filter.column + "' needs a " +
                             std::string(projections::ColumnTypeName(spec.type)));
    }
    if (spec.type == ColumnType::kJson) {
      return InvalidArgument(table.name + ": cannot filter on the JSON column '" +
                             filter.column + "'");
    }
  }
  LEDGER_RETURN_IF_ERROR(CheckOrder(table, query));
  if (query.limit < 1 || query.limit > kMaxListLimit) {
    return InvalidArgument("limit must be from 1 to " + std::to_string(kMaxListLimit));
  }
  return Status::Ok();
}

}  // namespace ledger::queries
