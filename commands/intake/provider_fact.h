// A recorded provider event (stripe.event_received, printify.event_received; docs/webhooks.md,
// "The admitted event") read back into what the translator decides from: who sent it, its
// type, when the provider says it happened, and the object it is about. Module-internal.
#ifndef LEDGER_COMMANDS_INTAKE_PROVIDER_FACT_H_
#define LEDGER_COMMANDS_INTAKE_PROVIDER_FACT_H_

#include <boost/json/object.hpp>
#include <optional>
#include <string>

#include "engine/event.h"
#include "engine/result.h"

namespace ledger::commands::intake {

enum class Provider { kStripe, kPrintify };
std::string_view ProviderName(Provider provider);  // "stripe", "printify"

struct ProviderFact {
  Provider provider = Provider::kStripe;
  std::string event_id;           // the ledger event id of the provider event (causation)
  StreamId stream;                // "stripe-evt_..." / "printify-<id>"
  std::string provider_event_id;  // "evt_..." / Printify's id
  std::string type;               // the provider's type: "charge.refunded", "order:created"
  // When the provider says the event happened: Stripe's `created` (whole seconds), Printify's
  // `created_at`. 0 if the event carried none. Decisions order by this, never by arrival.
  Timestamp created{0};
  TenantId tenant;
  // Stripe: data.object (a charge, a checkout session ...). Printify: the resource
  // {id, type, data}.
  boost::json::object object;
  // Stripe: data.previous_attributes, if any.
  boost::json::object previous;
};

// Reads `event`. nullopt when it is not a provider event, or when its body could not be kept
// as JSON at admission (payload "body": null with "parse_error"): such an event is stored but
// there is nothing to translate. DataLoss if the payload itself is not a JSON object.
Result<std::optional<ProviderFact>> ReadProviderFact(const RecordedEvent& event);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_PROVIDER_FACT_H_
