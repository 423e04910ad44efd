// What a webhook adapter hands the server: one provider event, decoded and ready to append,
// and the builder of its payload. Shared by adapters/stripe and adapters/printify so that both
// providers' events have the same shape (docs/webhooks.md, "The admitted event").
#ifndef LEDGER_ADAPTERS_HTTP_WEBHOOK_PROVIDER_EVENT_H_
#define LEDGER_ADAPTERS_HTTP_WEBHOOK_PROVIDER_EVENT_H_

#include <string>
#include <string_view>

#include "adapters/webhook/json_inspect.h"
#include "engine/event_store.h"

namespace ledger::webhook {

// Where an admitted event goes: the tenant it belongs to, and whether the request named it
// (POST /v1/webhooks/<provider>/<tenant>) or the server's default applied.
struct AdmissionScope {
  TenantId tenant{kDefaultTenant};
  bool named_in_route = false;
};

// A verified, decoded provider event: one event appended to "<provider>-<provider id>" with
// ExpectedVersion::NoStream (a provider stream holds exactly that one event; a redelivery is
// recognised by its event id before the expected version is checked).
struct ProviderEvent {
  std::string provider_event_id;
  AppendRequest request;
};

// Builds a payload object: named fields in the order added, then "body". Values given as
// text are JSON-escaped here; text that is not valid UTF-8 (possible only in a body that
// failed strict parsing) is recorded as null rather than producing an invalid payload.
class PayloadBuilder {
 public:
  void AddString(std::string_view key, std::string_view value);
  // `field` may be nullptr (absent): null is written.
  void AddField(std::string_view key, const JsonField* field);
  void AddBool(std::string_view key, bool value);

  // Appends "body": the raw body minified, when it can be stored as a JSON payload on every
  // store (strictly valid, no "\u0000" that PostgreSQL's jsonb refuses, nesting and size
  // within the payload limits); otherwise "body": null and "parse_error": why. The raw body
  // itself is kept byte-exact in the event's raw_body either way. Returns the payload.
  std::string Finish(std::string_view raw_body, const InspectedJson& inspected) &&;

 private:
  void Key(std::string_view key);
  std::string json_ = "{";
};

// The event id, stream and metadata common to both providers. `provider` is "stripe" or
// "printify"; `event_type` "stripe.event_received" etc.
ProviderEvent MakeProviderEvent(std::string_view provider, std::string provider_event_id,
                                std::string event_type, const AdmissionScope& scope,
                                std::string payload, std::string raw_body);

// A provider id usable in a stream id: 1..200 bytes of [A-Za-z0-9_-] (Stripe "evt_...",
// Printify UUIDs). Anything else is refused rather than escaped, so the stream id and the
// provider's id stay the same text.
bool IsUsableProviderId(std::string_view id);

}  // namespace ledger::webhook

#endif  // LEDGER_ADAPTERS_HTTP_WEBHOOK_PROVIDER_EVENT_H_
