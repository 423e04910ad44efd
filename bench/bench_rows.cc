#include "bench/bench_rows.h"

#include "adapters/stripe/event_decoder.h"
#include "adapters/webhook/hmac.h"

namespace ledger::bench {
namespace {

// About the size of an order event's payload; ASCII, no escapes, so the pgbench literal and
// the engine's bytes are trivially the same.
constexpr std::string_view kAppendPayload =
    R"({"order_id":"ord_8f3a2c91","customer_id":"cus_TqLmNp2QxYz4Ab","amount_minor":5399,)"
    R"("currency":"gbp","items":[{"sku":"TSHIRT-M-BLK","quantity":1,"unit_minor":4499},)"
    R"({"sku":"SHIP-STD","quantity":1,"unit_minor":900}],"channel":"web"})";

}  // namespace

AppendRequest AppendRowRequest(const EventId& id) {
  AppendRequest request;
  request.stream = StreamId("bench-" + id.ToString());
  request.expected = ExpectedVersion::NoStream();
  NewEvent& event = request.events.emplace_back();
  event.event_id = id;
  event.event_type = "bench.appended";
  event.payload = std::string(kAppendPayload);
  event.metadata.actor = "bench";
  event.metadata.source = "bench";
  return request;
}

Result<std::string> StripeBodyWithId(std::string_view template_body, std::string_view event_id) {
  constexpr std::string_view kKey = "\"id\"";
  std::size_t key = template_body.find(kKey);
  if (key == std::string_view::npos) return InvalidArgument("the Stripe template has no \"id\"");
  std::size_t open = template_body.find('"', key + kKey.size());
  std::size_t close = open == std::string_view::npos ? open : template_body.find('"', open + 1);
  if (close == std::string_view::npos ||
      !template_body.substr(open + 1, close - open - 1).starts_with("evt_")) {
    return InvalidArgument("the Stripe template's first \"id\" is not an evt_ id");
  }
  std::string body;
  body.reserve(template_body.size() + event_id.size());
  body.append(template_body.substr(0, open + 1));
  body.append(event_id);
  body.append(template_body.substr(close));
  return body;
}

std::string StripeSignatureHeader(std::string_view body, std::int64_t unix_seconds) {
  std::string t = std::to_string(unix_seconds);
  // HMAC cannot fail short of running out of memory; value() stops the benchmark if it does.
  return "t=" + t + ",v1=" + webhook::HmacSha256Hex(kStripeSecret, {t, ".", body}).value();
}

Result<NewEvent> WebhookRowEvent(std::string body) {
  LEDGER_ASSIGN_OR_RETURN(webhook::ProviderEvent event,
                          stripe::DecodeEvent(std::move(body), webhook::AdmissionScope{}));
  return std::move(event.request.events.front());
}

}  // namespace ledger::bench
