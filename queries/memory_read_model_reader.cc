#include "queries/memory_read_model_reader.h"

#include <algorithm>

#include "projections/memory_read_model_store.h"

namespace ledger::queries {
namespace {

using projections::Key;
using projections::Row;
using projections::Value;

// -1, 0 or 1 as `a` sorts before, with or after `b` (the order of every backend's Scan).
int Compare(const Value& a, const Value& b) {
  if (projections::KeyLess({a}, {b})) return -1;
  return projections::KeyLess({b}, {a}) ? 1 : 0;
}

bool Passes(const Filter& filter, const Value& value) {
  if (std::holds_alternative<std::monostate>(value)) return false;
  int c = Compare(value, filter.value);
  switch (filter.op) {
    case FilterOp::kEqual:
      return c == 0;
    case FilterOp::kAtLeast:
      return c >= 0;
    case FilterOp::kBefore:
      return c < 0;
  }
  return false;
}

Key OrderKey(const ListQuery& query, const Row& row) {
  Key key;
  key.reserve(query.order_by.size());
  for (const std::string& column : query.order_by) key.push_back(row.Get(column));
  return key;
}

}  // namespace

bool RowMatches(const Scope& scope, const ListQuery& query, const Row& row) {
  if (row.Text("tenant_id") != scope.tenant_id) return false;
  if (scope.customer_id && query.table->customer_scoped &&
      (row.IsNull("customer_id") || row.Text("customer_id") != *scope.customer_id)) {
    return false;
  }
  return std::all_of(query.filters.begin(), query.filters.end(),
                     [&](const Filter& f) { return Passes(f, row.Get(f.column)); });
}

Result<std::vector<Row>> MemoryReadModelReader::List(const Scope& scope, const ListQuery& query) {
  LEDGER_RETURN_IF_ERROR(CheckListQuery(scope, query));
  std::vector<Row> rows;
  LEDGER_RETURN_IF_ERROR(store_.Scan(*query.table, [&](const Row& row) {
    if (RowMatches(scope, query, row)) rows.push_back(row);
    return Status::Ok();
  }));
  auto before = [&](const Key& a, const Key& b) {
    return query.descending ? projections::KeyLess(b, a) : projections::KeyLess(a, b);
  };
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
    return before(OrderKey(query, a), OrderKey(query, b));
  });
  std::vector<Row> page;
  for (Row& row : rows) {
    if (page.size() == query.limit) break;
    if (query.after && !before(*query.after, OrderKey(query, row))) continue;
    page.push_back(std::move(row));
  }
  return page;
}

Result<std::vector<Checkpoint>> MemoryReadModelReader::LoadCheckpoints() {
  return store_.LoadCheckpoints();
}

Result<ReadSet> MemoryReadModelReader::ReadTogether(const Scope& scope,
                                                    std::span<const ListQuery> queries,
                                                    bool with_checkpoints) {
  ReadSet set;
  for (const ListQuery& query : queries) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<Row> rows, List(scope, query));
    set.lists.push_back(std::move(rows));
  }
  if (with_checkpoints) {
    LEDGER_ASSIGN_OR_RETURN(set.checkpoints, LoadCheckpoints());
  }
  return set;
}

}  // namespace ledger::queries
