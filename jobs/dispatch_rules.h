// The dispatcher's rules (DESIGN.md section 9, docs/jobs.md "Dispatcher"): which events ask for
// which jobs, and the payload each job gets. A small table: one row per (event type, job kind).
//
//   order.paid  -> printify.submit_order    order id, lines and shipping from order.placed
//   order.paid  -> email.order_confirmation order id (the handler renders from order.placed)
//   drop.due    -> email.daily_drop         one per subscriber on the tenant's list when the
//                                           drop fell due (and one to the list address, if
//                                           set): drop date, products, shop and unsubscribe
//                                           URLs (drop.due: the daily-drop scheduler's event,
//                                           jobs/scheduler_events.h)
//   drop.subscribed -> email.drop_subscription_confirmation  the new subscriber's address
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

// The daily drop's emails. Recipients are the tenant's list (commands/drop/drop_list.h) as it
// stood at the drop.due event, each sent its own email; `to`, when set, also gets one (a
// mailing list of the shop's own). No recipient at all: no job (counted as skipped).
struct DailyDropSettings {
  std::string to;               // LEDGER_DAILY_DROP_TO (optional)
  std::string shop_url;         // LEDGER_SHOP_URL
  // LEDGER_DAILY_DROP_UNSUBSCRIBE_URL; a subscriber's link adds `subscriber=<id>` to it.
  std::string unsubscribe_url;
  std::string drop_name = "The daily drop";  // LEDGER_DAILY_DROP_NAME
  std::string send_time;  // as the confirmation tells it, e.g. "08:30 Europe/London"
};

struct DispatchSettings {
  DailyDropSettings daily_drop;
};

// One job of a rule's kind that an event asks for. `key` tells apart several jobs of one kind
// from one event (the drop's recipients: their subscriber ids); it is empty for the usual
// single job. The job id is JobIdFor(kind, event id) for an empty key, else
// JobIdFor(kind, event id + "/" + key): deterministic either way, so re-reading the event
// enqueues nothing twice.
struct JobRequest {
  std::string key;
  std::string payload;  // a JSON object
};

// The jobs of the rule's kind that `event` asks for (none: the event asks for none after
// all). May read `store` (Unavailable: try the event again later).
using PayloadBuilder =
    std::function<Result<std::vector<JobRequest>>(const RecordedEvent& event, EventStore& store)>;

struct DispatchRule {
  std::string event_type;  // "order.paid"
  std::string job_kind;    // "printify.submit_order"
  PayloadBuilder payload;
};

// The job id of `request` of `kind` asked for by the event `cause_event_id` (see JobRequest).
std::string JobIdForRequest(std::string_view kind, std::string_view cause_event_id,
                            const JobRequest& request);

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
