// What a translation decides to append: a domain event's type and payload. The translator
// (translator.h) gives it a deterministic id, the provider event's tenant and metadata.
#ifndef LEDGER_COMMANDS_INTAKE_DOMAIN_EVENT_H_
#define LEDGER_COMMANDS_INTAKE_DOMAIN_EVENT_H_

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "commands/intake/provider_fact.h"

namespace ledger::commands::intake {

struct DomainEvent {
  std::string type;
  boost::json::object payload;
};

using DomainEvents = std::vector<DomainEvent>;

// Adds the fields every translated event carries: "provider" ("stripe"/"printify"),
// "provider_event_id", "provider_event_type" and "at" (the provider's time for the fact,
// RFC 3339 with microseconds; null if the provider gave none).
void StampProvider(boost::json::object& payload, const ProviderFact& fact);

// ISO 4217 upper case ("usd" → "USD"); Stripe writes currencies in lower case.
std::string UpperCurrency(std::string_view currency);

// The types of `events`, in order (for tests and counts).
std::vector<std::string> TypesOf(const DomainEvents& events);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_DOMAIN_EVENT_H_
