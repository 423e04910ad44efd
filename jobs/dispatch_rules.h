// The dispatcher's rules (DESIGN.md section 9, docs/jobs.md "Dispatcher"): which events ask for
// which jobs, and the payload each job gets. A small table: one row per (event type, job kind).
//
//   order.paid  -> printify.submit_order    order id, lines and shipping from order.placed
//   order.paid  -> email.order_confirmation order id (the handler renders from order.placed)
//   drop.due    -> email.daily_drop         drop date, list address, shop and unsubscribe URLs
//                                           (drop.due: the daily-drop scheduler's event,
//                                           jobs/scheduler_events.h)
//
// A payload is fixed when the job is enqueued (jobs/job.h), so it is built once, from the
// causing event and, where the kind needs more, from the ledger as it stands then. A payload
// that lacks what the kind needs is still enqueued: the worker fails the job with a detail
// that names the field, so the gap is visible in the jobs read model and never silent.
#ifndef LEDGER_JOBS_DISPATCH_RULES_H_
#define LEDGER_JOBS_DISPATCH_RULES_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "engine/event_store.h"
#include "engine/result.h"

namespace ledger::jobs {

// Where the daily drop email goes. The ledger holds no subscriber list: the email goes to one
// list address (a mailing list that fans out and handles unsubscribes). Without `to` the rule
// enqueues nothing (counted as skipped by the dispatcher).
struct DailyDropSettings {
  std::string to;               // LEDGER_DAILY_DROP_TO
  std::string shop_url;         // LEDGER_SHOP_URL
  std::string unsubscribe_url;  // LEDGER_DAILY_DROP_UNSUBSCRIBE_URL
};

struct DispatchSettings {
  DailyDropSettings daily_drop;
};

// Builds the payload (a JSON object) of the rule's job for `event`; nullopt when this event
// asks for no job after all. May read `store` (Unavailable: try the event again later).
using PayloadBuilder = std::function<Result<std::optional<std::string>>(const RecordedEvent& event,
                                                                        EventStore& store)>;

struct DispatchRule {
  std::string event_type;  // "order.paid"
  std::string job_kind;    // "printify.submit_order"
  PayloadBuilder payload;
};

// The rules above, in a fixed order (the order in which one event's jobs are enqueued).
std::vector<DispatchRule> StandardDispatchRules(const DispatchSettings& settings);

// The printify.submit_order payload for the order whose order.placed is `placed_payload`
// (docs/job-kinds.md): line items from the session metadata's `printify_line_items` (a JSON
// array as Printify takes it) if present, else one `{sku: price_id, quantity}` per line that
// has a Stripe price (the shop sets each Printify variant's SKU to its Stripe price id);
// shipping from `shipping` and the buyer's email. Exposed for tests.
std::string PrintifyPayloadFromPlaced(std::string_view order_id, std::string_view placed_payload);

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_DISPATCH_RULES_H_
