// What a query asks of one read-model table (DESIGN.md section 10, docs/api.md "Queries").
//
// Every list in the API is a keyset page: rows in a stable order given by `order_by`, starting
// after the row whose order_by values are `after` (the page cursor), at most `limit` of them.
// The order_by columns are never NULL and include every primary-key column, so the order is
// total and a page never repeats or skips a row, however rows change between pages (a row
// whose order_by values change may move, as in any keyset scheme).
//
// Who asks is a Scope: the tenant and, for a customer, the customer from the verified token.
// Backends must return nothing outside it; on PostgreSQL that is row-level security on the
// reader role, so the scope holds even if a query forgets its WHERE clause.
#ifndef LEDGER_QUERIES_LIST_QUERY_H_
#define LEDGER_QUERIES_LIST_QUERY_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/result.h"
#include "projections/read_model.h"

namespace ledger::queries {

// Whose rows a request may see.
struct Scope {
  std::string tenant_id;                   // never empty, never "*"
  std::optional<std::string> customer_id;  // a customer's own rows of customer-scoped tables
};

enum class FilterOp {
  kEqual,    // column = value
  kAtLeast,  // column >= value (a range's inclusive start)
  kBefore,   // column < value  (a range's exclusive end)
};

// One condition on one column. A NULL column matches no filter.
struct Filter {
  std::string column;
  FilterOp op = FilterOp::kEqual;
  projections::Value value;  // not NULL; of the column's type
};

struct ListQuery {
  const projections::TableSpec* table = nullptr;
  std::vector<Filter> filters;  // all must hold
  // The page order: not-NULL columns, together a superset of the primary key minus tenant_id
  // (so within a tenant no two rows tie). Compared as the backends' Scan does (text
  // bytewise, integers and times numerically, false before true). Never a JSON column.
  std::vector<std::string> order_by;
  bool descending = false;  // the whole order reversed
  // The order_by values of the last row of the previous page; rows strictly after it come next.
  std::optional<projections::Key> after = std::nullopt;
  std::size_t limit = 100;  // 1..kMaxListLimit
};

inline constexpr std::size_t kMaxListLimit = 10'000;

// The checks every backend makes before running a query (InvalidArgument naming the
// problem): a table is named; every filter and order_by column exists; filter values are not
// NULL and fit their column; order_by is as described above; `after`, if given, has one
// non-NULL value of the right type per order_by column; limit is in range. The scope's tenant
// is neither empty nor "*", and a customer, if given, is not empty.
Status CheckListQuery(const Scope& scope, const ListQuery& query);

}  // namespace ledger::queries

#endif  // LEDGER_QUERIES_LIST_QUERY_H_
