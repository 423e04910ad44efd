#include "commands/intake/domain_event.h"

#include "engine/time.h"

namespace ledger::commands::intake {

std::vector<std::string> TypesOf(const DomainEvents& events) {
  std::vector<std::string> types;
  types.reserve(events.size());
  for (const DomainEvent& e : events) types.push_back(e.type);
  return types;
}

void StampProvider(boost::json::object& payload, const ProviderFact& fact) {
  payload["provider"] = ProviderName(fact.provider);
  payload["provider_event_id"] = fact.provider_event_id;
  payload["provider_event_type"] = fact.type;
  if (fact.created.value() == 0) {
    payload["at"] = nullptr;
  } else {
    payload["at"] = FormatRfc3339(fact.created);
  }
}

std::string UpperCurrency(std::string_view currency) {
  std::string upper(currency);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return upper;
}

}  // namespace ledger::commands::intake
