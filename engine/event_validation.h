// Rules every event must satisfy before any store accepts it. Stores call ValidateAppend
// before touching storage, so bad input is refused with a clear error and changes nothing.
#ifndef LEDGER_ENGINE_EVENT_VALIDATION_H_
#define LEDGER_ENGINE_EVENT_VALIDATION_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/event.h"
#include "engine/result.h"

namespace ledger {

inline constexpr std::size_t kMaxStreamIdBytes = 256;
inline constexpr std::size_t kMaxEventTypeBytes = 128;
inline constexpr std::size_t kMaxTenantIdBytes = 64;
inline constexpr std::size_t kMaxMetadataFieldBytes = 1024;
// Large enough for Stripe's biggest events (~2 MB) with headroom; small enough that one
// event never dominates a transaction or a replay batch.
inline constexpr std::size_t kMaxPayloadBytes = 4u << 20;
inline constexpr std::size_t kMaxRawBodyBytes = 4u << 20;
inline constexpr std::size_t kMaxJsonDepth = 64;
inline constexpr std::size_t kMaxEventsPerAppend = 10'000;

// "<category>-<id>": category is [a-z0-9_]+; id is non-empty printable ASCII without spaces.
Status ValidateStreamId(const StreamId& stream);
// Dotted lowercase words, at least two: [a-z0-9_]+(\.[a-z0-9_]+)+
Status ValidateEventType(std::string_view type);
// [A-Za-z0-9_-]+
Status ValidateTenantId(const TenantId& tenant);
// Each field at most kMaxMetadataFieldBytes of valid UTF-8 without control characters.
Status ValidateMetadata(const Metadata& metadata);

// Checks that `json` is one JSON object (valid UTF-8, nesting at most kMaxJsonDepth, at most
// kMaxPayloadBytes) and returns it minified: insignificant whitespace removed, every other
// byte (key order, number spelling, escapes) kept. Thread-safe.
Result<std::string> NormalizePayload(std::string_view json);

// Validates every field of `event` and minifies its payload in place. On error `event` is
// unchanged.
Status ValidateNewEvent(NewEvent& event);

}  // namespace ledger

#endif  // LEDGER_ENGINE_EVENT_VALIDATION_H_
