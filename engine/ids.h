// Strong types for the identifiers and counters of the event envelope (docs/events.md).
//
//   StreamId        "<category>-<id>", e.g. "order-cs_123"; validated by ValidateStreamId.
//   TenantId        the store a row belongs to; one database serves several.
//   StreamVersion   1, 2, 3 ... within a stream; 0 means "the stream has no events".
//   GlobalPosition  assigned by the store, unique, increasing in assignment order; 0 means
//                   "before the first event".
//   Timestamp       microseconds since the Unix epoch, UTC.
#ifndef LEDGER_ENGINE_IDS_H_
#define LEDGER_ENGINE_IDS_H_

#include <cstdint>
#include <string>

#include "engine/named_type.h"

namespace ledger {

using StreamId = NamedType<std::string, struct StreamIdTag>;
using TenantId = NamedType<std::string, struct TenantIdTag>;
using StreamVersion = NamedType<std::uint64_t, struct StreamVersionTag>;
using GlobalPosition = NamedType<std::uint64_t, struct GlobalPositionTag>;
using Timestamp = NamedType<std::int64_t, struct TimestampTag>;

// The tenant used when a caller names none (LEDGER_TENANT overrides it in the CLI and server).
inline constexpr const char* kDefaultTenant = "default";

}  // namespace ledger

#endif  // LEDGER_ENGINE_IDS_H_
