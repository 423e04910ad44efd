// Lenient reading of provider JSON (module-internal). Provider objects are outside input whose
// shape changes with API versions, so a field that is absent or of another type reads as
// "not given" rather than failing: the translator decides from what is there and records
// nothing it cannot support. Never throws.
#ifndef LEDGER_COMMANDS_INTAKE_JSON_VIEW_H_
#define LEDGER_COMMANDS_INTAKE_JSON_VIEW_H_

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::commands::intake {

// The object under `key`, or nullptr.
const boost::json::object* ObjectAt(const boost::json::object& o, std::string_view key);
// The string under `key`, or "" (absent, null or not a string).
std::string StringAt(const boost::json::object& o, std::string_view key);
// The integer under `key` (a JSON integer, signed or unsigned within int64), or nullopt.
std::optional<std::int64_t> IntAt(const boost::json::object& o, std::string_view key);
// The boolean under `key`, or nullopt.
std::optional<bool> BoolAt(const boost::json::object& o, std::string_view key);
// A string field, or else the "id" of an expanded object in that field (Stripe expands
// "payment_intent": "pi_..." into {"id": "pi_...", ...} on request).
std::string IdAt(const boost::json::object& o, std::string_view key);

// `value` as JSON, or null when empty: optional text fields of domain payloads.
boost::json::value TextOrNull(const std::string& value);

// Parses a JSON object (an event payload); DataLoss naming `what` if it is not one.
Result<boost::json::object> ParseObject(std::string_view json, std::string_view what);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_JSON_VIEW_H_
