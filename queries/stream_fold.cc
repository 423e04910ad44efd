#include "queries/stream_fold.h"

#include "engine/event_validation.h"
#include "projections/batch_writer.h"
#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "queries/memory_read_model_reader.h"

namespace ledger::queries {

using projections::MemoryReadModelStore;
using projections::Row;

Result<std::unique_ptr<MemoryReadModelStore>> FoldEvents(std::span<const RecordedEvent> events,
                                                         projections::Projector& projector) {
  auto store = std::make_unique<MemoryReadModelStore>();
  LEDGER_RETURN_IF_ERROR(store->CreateTables(projector.tables(), projections::TableSet::kLive));
  projections::BatchWriter writer(*store, projections::TableSet::kLive);
  for (const RecordedEvent& event : events) {
    if (!projector.Handles(event.event_type)) continue;
    LEDGER_RETURN_IF_ERROR(projector.Apply(event, writer).WithContext(
        "folding " + event.stream_id.value() + "@" + std::to_string(event.stream_version.value())));
  }
  projections::CommitRequest commit;
  commit.changes = writer.TakeChanges();
  LEDGER_RETURN_IF_ERROR(store->Commit(commit));
  return store;
}

Result<std::optional<OrderAsOf>> FoldOrderAsOf(EventStore& events, const Scope& scope,
                                               std::string_view order_id, Timestamp as_of) {
  StreamId stream("order-" + std::string(order_id));
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(stream).WithContext("order id"));
  StreamReadOptions options;
  options.as_of = as_of;
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history, events.ReadStream(stream, options));
  // A stream belongs to one tenant (the store refuses appends from another), so the first
  // event says whose it is.
  if (history.empty() || history.front().tenant.value() != scope.tenant_id) return std::optional<OrderAsOf>();

  std::unique_ptr<projections::Projector> orders = projections::orders::MakeOrdersProjector();
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<MemoryReadModelStore> folded, FoldEvents(history, *orders));

  // Read back through the same scoping rules as every query, so a customer's as_of view is
  // limited exactly as the live one is.
  MemoryReadModelReader reader(*folded);
  ListQuery order_query;
  order_query.table = &projections::orders::OrdersTable();
  order_query.filters = {{"order_id", FilterOp::kEqual, std::string(order_id)}};
  order_query.order_by = {"order_id"};
  order_query.limit = 1;
  LEDGER_ASSIGN_OR_RETURN(std::vector<Row> order, reader.List(scope, order_query));
  if (order.empty()) return std::optional<OrderAsOf>();

  ListQuery line_query;
  line_query.table = &projections::orders::OrderLinesTable();
  line_query.filters = {{"order_id", FilterOp::kEqual, std::string(order_id)}};
  line_query.order_by = {"order_id", "line_id"};
  line_query.limit = kMaxListLimit;
  LEDGER_ASSIGN_OR_RETURN(std::vector<Row> lines, reader.List(scope, line_query));

  return std::optional<OrderAsOf>(OrderAsOf{.order = std::move(order.front()),
                   .lines = std::move(lines),
                   .position = history.back().global_position,
                   .events = history.size()});
}

}  // namespace ledger::queries
