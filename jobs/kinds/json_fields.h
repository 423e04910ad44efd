// Strict readers for job payloads. Unlike a projector, a job must not guess: a payload the
// dispatcher got wrong fails the job (permanently) with the field named, instead of sending a
// half-empty order or email. Internal to ledger::job_kinds.
#ifndef LEDGER_JOBS_KINDS_JSON_FIELDS_H_
#define LEDGER_JOBS_KINDS_JSON_FIELDS_H_

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::jobs::kinds {

// `where` names the object in errors: "payload", "line_items[2]".
// A required field must be present and of the type; an optional one may be absent or null
// (an empty string or nullopt) but not of another type. Strings must not be empty when
// required.
Result<std::string> RequiredString(const boost::json::object& o, std::string_view key,
                                   std::string_view where);
Result<std::string> OptionalString(const boost::json::object& o, std::string_view key,
                                   std::string_view where);
Result<std::int64_t> RequiredInt(const boost::json::object& o, std::string_view key,
                                 std::string_view where);
Result<std::optional<std::int64_t>> OptionalInt(const boost::json::object& o, std::string_view key,
                                                std::string_view where);

// At most `max_bytes` of `text` as valid UTF-8: invalid bytes become '?', and a character is
// never cut in half. For recording a far side's error text in an event, whose payload must be
// valid JSON.
std::string Utf8Excerpt(std::string_view text, std::size_t max_bytes);

}  // namespace ledger::jobs::kinds

#endif  // LEDGER_JOBS_KINDS_JSON_FIELDS_H_
