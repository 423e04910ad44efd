// GET /v1/orders/{id}?as_of=<RFC 3339> (docs/api.md, "Point in time"): the order as it stood at
// that time, folded from its own stream (queries/stream_fold.h), never from the live read
// model. The answer has the live detail's shape (the order's columns and "lines") plus
// "as_of" and "position" (the global position of the last event folded), and is 404 for an
// order with no event by then or outside the caller's scope, exactly as the live detail is.
#ifndef LEDGER_ADAPTERS_QUERY_ORDER_AS_OF_H_
#define LEDGER_ADAPTERS_QUERY_ORDER_AS_OF_H_

#include "adapters/query/query_routes.h"
#include "engine/event_store.h"

namespace ledger::query {

// `events` must outlive the handler. The fold reads the order's stream through
// EventStore::ReadStream with as_of, so it costs one stream read, whatever the log's size.
AsOfHandler OrderAsOfHandler(EventStore& events);

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_ORDER_AS_OF_H_
