// Point-in-time reads of one stream (DESIGN.md section 8): the rows a projector would write
// from one stream's events alone, up to a time, computed in memory and never stored.
//
// `GET /v1/orders/{id}?as_of=T` answers with OrderAsOf: the orders projector run over the
// events of `order-<id>` recorded at or before T. That is the order exactly as the live read
// model showed it at T, because every event the orders projector handles lives on the order's
// own stream (projections/orders/order_projectors.h); a projector that read other streams could
// not be folded this way.
#ifndef LEDGER_QUERIES_STREAM_FOLD_H_
#define LEDGER_QUERIES_STREAM_FOLD_H_

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "engine/event_store.h"
#include "projections/memory_read_model_store.h"
#include "projections/projector.h"
#include "queries/list_query.h"

namespace ledger::queries {

// Applies `events` (one stream's, in version order) to `projector` in a fresh memory store
// and returns it (holding the projector's tables). The projector sees only events it handles.
Result<std::unique_ptr<projections::MemoryReadModelStore>> FoldEvents(
    std::span<const RecordedEvent> events, projections::Projector& projector);

struct OrderAsOf {
  projections::Row order;
  std::vector<projections::Row> lines;  // by line_id
  GlobalPosition position{0};           // of the last event folded
  std::size_t events = 0;               // how many events were folded
};

// The order `order_id` as it stood at `as_of`, seen by `scope`: nullopt if its stream has no
// event by then, belongs to another tenant, or (for a customer) to another customer, so that
// the answer never reveals that someone else's order exists. InvalidArgument if `order_id`
// cannot name a stream.
Result<std::optional<OrderAsOf>> FoldOrderAsOf(EventStore& events, const Scope& scope,
                                               std::string_view order_id, Timestamp as_of);

}  // namespace ledger::queries

#endif  // LEDGER_QUERIES_STREAM_FOLD_H_
