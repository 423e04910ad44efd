// Which order a Printify order fulfils, kept in the stream printify_order-<Printify order id>.
//
// Printify's webhooks name only Printify's order id. Whoever submits an order to Printify
// (the order-submission job, DESIGN.md section 9) appends printify.order_linked there as soon
// as Printify has answered with its id: MakePrintifyLinkRequest builds that append. If a
// Printify event arrives before the link, the translator parks it in the same stream
// (printify.order_event_deferred) and translates it when it reads the link; the expected
// version of both appends makes the two orders of arrival meet exactly once.
#ifndef LEDGER_COMMANDS_INTAKE_PRINTIFY_LINK_H_
#define LEDGER_COMMANDS_INTAKE_PRINTIFY_LINK_H_

#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event_store.h"

namespace ledger::commands::intake {

// "printify_order-<printify_order_id>".
StreamId PrintifyOrderStream(std::string_view printify_order_id);

// The append of printify.order_linked {printify_order_id, order_id (the checkout session id),
// shop_id?}. Its event id is derived from both ids, so submitting twice is harmless. The first
// link of a stream is the one that counts. InvalidArgument if an id is empty or unusable in a
// stream id.
Result<AppendRequest> MakePrintifyLinkRequest(const TenantId& tenant,
                                              std::string_view printify_order_id,
                                              std::string_view order_id,
                                              std::optional<std::int64_t> shop_id,
                                              Metadata metadata);

struct DeferredProviderEvent {
  StreamId provider_stream;  // "printify-<id>"
  std::string provider_event_id;
};

struct PrintifyLinkState {
  std::string order_id;  // empty until linked
  std::vector<DeferredProviderEvent> deferred;
  std::set<std::string> deferred_causations;  // ledger event ids already parked
};

// DataLoss if a payload of the stream is not a JSON object.
Result<PrintifyLinkState> FoldPrintifyLink(std::span<const RecordedEvent> history);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_PRINTIFY_LINK_H_
