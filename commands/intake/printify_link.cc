#include "commands/intake/printify_link.h"

#include <boost/json/serialize.hpp>

#include "commands/event_types.h"
#include "commands/intake/json_view.h"
#include "engine/event_validation.h"

namespace ledger::commands::intake {

namespace json = boost::json;

StreamId PrintifyOrderStream(std::string_view printify_order_id) {
  return StreamId("printify_order-" + std::string(printify_order_id));
}

Result<AppendRequest> MakePrintifyLinkRequest(const TenantId& tenant,
                                              std::string_view printify_order_id,
                                              std::string_view order_id,
                                              std::optional<std::int64_t> shop_id,
                                              Metadata metadata) {
  if (printify_order_id.empty() || order_id.empty()) {
    return InvalidArgument("a Printify link needs both the Printify order id and the order id");
  }
  StreamId stream = PrintifyOrderStream(printify_order_id);
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(stream));
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(StreamId("order-" + std::string(order_id))));
  json::object payload{{"printify_order_id", printify_order_id}, {"order_id", order_id}};
  payload["shop_id"] = shop_id ? json::value(*shop_id) : json::value(nullptr);
  NewEvent e;
  e.event_id = Uuid::V5(LedgerNamespace(), "printify_link:" + std::string(printify_order_id) +
                                               ":" + std::string(order_id));
  e.event_type = std::string(kPrintifyOrderLinked);
  e.tenant = tenant;
  e.payload = json::serialize(payload);
  e.metadata = std::move(metadata);
  return AppendRequest{stream, ExpectedVersion::Any(), {std::move(e)}};
}

Result<PrintifyLinkState> FoldPrintifyLink(std::span<const RecordedEvent> history) {
  PrintifyLinkState state;
  for (const RecordedEvent& e : history) {
    if (e.event_type == kPrintifyOrderLinked) {
      if (!state.order_id.empty()) continue;  // the first link counts
      LEDGER_ASSIGN_OR_RETURN(json::object p, ParseObject(e.payload, e.event_type));
      state.order_id = StringAt(p, "order_id");
    } else if (e.event_type == kPrintifyOrderEventDeferred) {
      LEDGER_ASSIGN_OR_RETURN(json::object p, ParseObject(e.payload, e.event_type));
      state.deferred.push_back({StreamId(StringAt(p, "provider_stream")),
                                StringAt(p, "provider_event_id")});
      state.deferred_causations.insert(e.metadata.causation_id);
    }
  }
  return state;
}

}  // namespace ledger::commands::intake
