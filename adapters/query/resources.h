// The resources of the query API (docs/api.md, "Queries"), declared as data: for each route the
// read-model table it lists, the projector whose checkpoint says how fresh that table is, who
// may read it, the filters it takes, its page order and, for a detail route, which column the
// path's {id} names. query_routes.cc serves whatever this table says; adding a resource is
// one more entry in StandardResources().
//
// Everything here is immutable after construction and lives for the whole process; routes and
// cursors keep pointers and names from it.
#ifndef LEDGER_ADAPTERS_QUERY_RESOURCES_H_
#define LEDGER_ADAPTERS_QUERY_RESOURCES_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "projections/read_model.h"
#include "queries/list_query.h"

namespace ledger::query {

// One query parameter that becomes one condition. Its value is parsed as the column's type:
// text as given (not empty), a timestamp as RFC 3339, an integer as a decimal number, a
// boolean as `true` or `false`. A NULL column matches no filter (list_query.h).
struct FilterParam {
  std::string param;   // "status", "created_from"
  std::string column;  // "status", "created_at"
  queries::FilterOp op = queries::FilterOp::kEqual;
};

// Rows of another table shown inside a detail object: the order's lines as "lines".
struct Embedded {
  std::string field;                              // the member of the detail object
  const projections::TableSpec* table = nullptr;  // same owner projector as the parent
  std::string key_column;                         // equal to the parent's {id}
  std::vector<std::string> order_by;              // keyset order, as ListQuery::order_by
};

struct DetailRoute {
  std::string route;       // "/v1/orders/{id}"
  std::string key_column;  // the column the path's {id} names: "order_id"
  std::vector<Embedded> embedded = {};
  // Whether `as_of` (a fold of the stream at a past time) is offered; QueryRouteOptions::as_of
  // answers it. Without it, as_of is 400 on this route.
  bool as_of = false;
};

struct Resource {
  std::string name;   // "orders": written into cursors, so a cursor names its resource
  std::string route;  // "/v1/orders"
  const projections::TableSpec* table = nullptr;
  // The projector that owns `table`: its live checkpoint is a page's `position` and what
  // `min_position` waits for.
  std::string projector;
  // Token roles allowed (claims.h). A resource that admits customers must have a
  // customer-scoped table (and embedded tables), so the scope limits them to their own rows.
  std::vector<std::string_view> roles;
  std::vector<FilterParam> filters = {};
  // The page order (ListQuery::order_by and descending): NOT NULL columns that together
  // include the primary key, so the order is total and a cursor is a position in it.
  std::vector<std::string> order_by;
  bool descending = false;
  std::optional<DetailRoute> detail = std::nullopt;

  bool Allows(std::string_view role) const;
};

// Every resource `ledger serve` answers: orders, products, review-queue, screening-decisions,
// quality-verdicts, canary, canary/history, jobs.
std::span<const Resource> StandardResources();

// Empty if `resource` is consistent with its tables (columns exist, filters are on scalar
// columns, order_by is a valid keyset order, customers only on customer-scoped tables, a
// detail key is in the primary key); otherwise what is wrong. Resources are code, not input:
// QueryRoutes aborts on an inconsistent one (as Row does on an undeclared column), and the
// tests check the standard ones.
std::string ValidateResource(const Resource& resource);

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_RESOURCES_H_
