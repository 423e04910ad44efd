#include "adapters/query/resources.h"

#include <algorithm>

#include "adapters/auth/claims.h"
#include "projections/canary/canary_tables.h"
#include "projections/content/content_tables.h"
#include "projections/jobs/jobs_projectors.h"
#include "projections/orders/order_tables.h"

namespace ledger::query {
namespace {

using projections::ColumnType;
using projections::TableSpec;
using queries::FilterOp;

// A range over one time column: `<prefix>_from` inclusive, `<prefix>_to` exclusive, so that
// consecutive ranges ([Mon, Tue), [Tue, Wed)) never count a row twice.
std::vector<FilterParam> TimeRange(const std::string& prefix, const std::string& column) {
  return {{prefix + "_from", column, FilterOp::kAtLeast},
          {prefix + "_to", column, FilterOp::kBefore}};
}

std::vector<FilterParam> Concat(std::vector<FilterParam> a, const std::vector<FilterParam>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Orders are paged by order_id alone: created_at would read better, but it is NULL for an
// order known only from Printify, and a keyset order needs NOT NULL columns.
Resource Orders() {
  return Resource{
      .name = "orders",
      .route = "/v1/orders",
      .table = &projections::orders::OrdersTable(),
      .projector = "orders",
      .roles = {auth::kRoleAdmin, auth::kRoleOperator, auth::kRoleAuditor, auth::kRoleCustomer},
      .filters = Concat({{"status", "status"},
                         {"payment_status", "payment_status"},
                         {"fulfilment_status", "fulfilment_status"},
                         {"customer_id", "customer_id"}},
                        TimeRange("created", "created_at")),
      .order_by = {"order_id"},
      .detail = DetailRoute{.route = "/v1/orders/{id}",
                            .key_column = "order_id",
                            .embedded = {{.field = "lines",
                                          .table = &projections::orders::OrderLinesTable(),
                                          .key_column = "order_id",
                                          .order_by = {"order_id", "line_id"}}},
                            .as_of = true},
  };
}

Resource Products() {
  return Resource{
      .name = "products",
      .route = "/v1/products",
      .table = &projections::content::ProductsTable(),
      .projector = "products",
      .roles = {auth::kRoleAdmin, auth::kRoleOperator, auth::kRoleReviewer, auth::kRoleAuditor},
      .filters = Concat({{"status", "status"}}, TimeRange("updated", "updated_at")),
      .order_by = {"content_id"},
      .detail = DetailRoute{.route = "/v1/products/{id}", .key_column = "content_id"},
  };
}

// Oldest request first: the order a reviewer works through the queue.
Resource ReviewQueue() {
  return Resource{
      .name = "review-queue",
      .route = "/v1/review-queue",
      .table = &projections::content::ReviewQueueTable(),
      .projector = "products",
      .roles = {auth::kRoleAdmin, auth::kRoleOperator, auth::kRoleReviewer},
      .order_by = {"requested_at", "content_id"},
  };
}

// One row per decision or verdict, in the order they were recorded (the key columns break
// ties between rows recorded in the same microsecond).
Resource ContentAudit(std::string name, const TableSpec& table, std::string projector,
                      const std::string& outcome) {
  std::string route = "/v1/" + name;
  return Resource{
      .name = std::move(name),
      .route = std::move(route),
      .table = &table,
      .projector = std::move(projector),
      .roles = {auth::kRoleAdmin, auth::kRoleOperator, auth::kRoleReviewer, auth::kRoleAuditor},
      .filters = Concat({{"content_id", "content_id"}, {outcome, outcome}},
                        TimeRange("recorded", "recorded_at")),
      .order_by = {"recorded_at", "content_id", "stream_version"},
  };
}

Resource Canary() {
  return Resource{
      .name = "canary",
      .route = "/v1/canary",
      .table = &projections::canary::CanaryStateTable(),
      .projector = "canary",
      .roles = {auth::kRoleAdmin, auth::kRoleOperator, auth::kRoleAuditor},
      .order_by = {"route"},
  };
}

// The chart order: by time, then route, then the route's own sequence.
Resource CanaryHistory() {
  return Resource{
      .name = "canary-history",
      .route = "/v1/canary/history",
      .table = &projections::canary::TrafficSplitHistoryTable(),
      .projector = "canary",
      .roles = {auth::kRoleAdmin, auth::kRoleOperator, auth::kRoleAuditor},
      .filters = Concat({{"route", "route"}}, TimeRange("recorded", "recorded_at")),
      .order_by = {"recorded_at", "route", "stream_version"},
  };
}

// Jobs are paged by job_id alone: queued_at would read better, but it is NULL for a job whose
// stream does not start with job.queued (the projector fills what it can), and updated_at
// moves as the job runs, so a page boundary on it would skip or repeat rows.
Resource Jobs() {
  return Resource{
      .name = "jobs",
      .route = "/v1/jobs",
      .table = &projections::jobs::JobsTable(),
      .projector = "jobs",
      .roles = {auth::kRoleAdmin, auth::kRoleOperator},
      .filters =
          Concat({{"status", "status"}, {"kind", "kind"}}, TimeRange("updated", "updated_at")),
      .order_by = {"job_id"},
  };
}

std::vector<Resource> MakeStandardResources() {
  return {Orders(),
          Products(),
          ReviewQueue(),
          ContentAudit("screening-decisions", projections::content::ScreeningDecisionsTable(),
                       "screening_decisions", "decision"),
          ContentAudit("quality-verdicts", projections::content::QualityVerdictsTable(),
                       "quality_verdicts", "verdict"),
          Canary(),
          CanaryHistory(),
          Jobs()};
}

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// The checks of queries::CheckListQuery on an order, made once at startup rather than on
// every request.
std::string ValidateOrder(const TableSpec& table, const std::vector<std::string>& order_by) {
  if (order_by.empty()) return table.name + ": no order";
  for (const std::string& column : order_by) {
    std::optional<std::size_t> index = table.ColumnIndex(column);
    if (!index) return table.name + ": no column '" + column + "' to order by";
    const projections::Column& spec = table.columns[*index];
    if ((spec.nullable && !Contains(table.primary_key, column)) || spec.type == ColumnType::kJson) {
      return table.name + ": cannot order by '" + column + "' (nullable or JSON)";
    }
  }
  for (std::size_t i = 1; i < table.primary_key.size(); ++i) {
    if (!Contains(order_by, table.primary_key[i])) {
      return table.name + ": the order lacks the key column '" + table.primary_key[i] + "'";
    }
  }
  return "";
}

std::string ValidateDetail(const Resource& r) {
  const DetailRoute& detail = *r.detail;
  if (!Contains(r.table->primary_key, detail.key_column) || r.table->primary_key.size() != 2) {
    return r.name + ": the detail key '" + detail.key_column +
           "' must be the one key column after tenant_id";
  }
  for (const Embedded& e : detail.embedded) {
    if (e.table == nullptr || !e.table->ColumnIndex(e.key_column)) {
      return r.name + ": embedded '" + e.field + "' has no column '" + e.key_column + "'";
    }
    if (r.Allows(auth::kRoleCustomer) && !e.table->customer_scoped) {
      return r.name + ": embedded '" + e.field + "' would show customers other customers' rows";
    }
    if (std::string bad = ValidateOrder(*e.table, e.order_by); !bad.empty()) return bad;
  }
  return "";
}

}  // namespace

bool Resource::Allows(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::span<const Resource> StandardResources() {
  static const std::vector<Resource>* const resources =
      new std::vector<Resource>(MakeStandardResources());
  return *resources;
}

std::string ValidateResource(const Resource& r) {
  if (r.table == nullptr) return r.name + ": no table";
  if (r.name.empty() || r.route.empty() || r.projector.empty() || r.roles.empty()) {
    return r.name + ": name, route, projector and roles are required";
  }
  if (r.Allows(auth::kRoleCustomer) && !r.table->customer_scoped) {
    return r.name + ": customers may only read customer-scoped tables";
  }
  for (const FilterParam& f : r.filters) {
    std::optional<std::size_t> index = r.table->ColumnIndex(f.column);
    if (!index) return r.name + ": filter '" + f.param + "' names no column";
    if (r.table->columns[*index].type == ColumnType::kJson) {
      return r.name + ": filter '" + f.param + "' is on a JSON column";
    }
    if (std::count_if(r.filters.begin(), r.filters.end(),
                      [&](const FilterParam& g) { return g.param == f.param; }) > 1) {
      return r.name + ": filter '" + f.param + "' is declared twice";
    }
    for (std::string_view reserved : {"limit", "cursor", "min_position", "as_of"}) {
      if (f.param == reserved) return r.name + ": filter '" + f.param + "' is a reserved name";
    }
  }
  if (std::string bad = ValidateOrder(*r.table, r.order_by); !bad.empty()) return bad;
  return r.detail ? ValidateDetail(r) : "";
}

}  // namespace ledger::query
