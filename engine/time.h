// RFC 3339 text for Timestamps (microseconds since the Unix epoch, UTC).
#ifndef LEDGER_ENGINE_TIME_H_
#define LEDGER_ENGINE_TIME_H_

#include <string>
#include <string_view>

#include "engine/ids.h"
#include "engine/result.h"

namespace ledger {

// "2026-11-23T08:30:00.000000Z": always UTC, always six fractional digits, so that the text
// sorts like the time and round-trips exactly.
std::string FormatRfc3339(Timestamp t);

// Accepts "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (also 't'/'z' and a space for
// 'T'). Fractions beyond microseconds are truncated toward the past.
Result<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace ledger

#endif  // LEDGER_ENGINE_TIME_H_
