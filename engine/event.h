// The event envelope (DESIGN.md section 2, docs/events.md): what a caller proposes to append
// (NewEvent) and what the store hands back (RecordedEvent).
#ifndef LEDGER_ENGINE_EVENT_H_
#define LEDGER_ENGINE_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "engine/ids.h"
#include "engine/sha256.h"
#include "engine/uuid.h"

namespace ledger {

// Who and what caused an event. Empty strings mean "not given".
struct Metadata {
  std::string correlation_id;  // ties together everything one request or job caused
  std::string causation_id;    // the event id (or provider id) that caused this one
  std::string actor;           // the verified principal: "user:alice", "stripe", "system:canary"
  std::string source;          // the component that appended: "webhook.stripe", "cli"

  friend bool operator==(const Metadata&, const Metadata&) = default;
};

// An event a caller wants appended. The store assigns position, version, time and hash.
struct NewEvent {
  EventId event_id;               // idempotency key: appending it again changes nothing
  std::string event_type;         // dotted, past tense: "order.paid"
  std::uint32_t schema_version = 1;
  TenantId tenant{kDefaultTenant};
  std::string payload = "{}";     // a JSON object; stored minified, otherwise byte-exact
  Metadata metadata;
  std::optional<std::string> raw_body;  // provider events: the bytes exactly as received

  friend bool operator==(const NewEvent&, const NewEvent&) = default;
};

// An event as stored. Immutable once written.
struct RecordedEvent {
  GlobalPosition global_position;
  StreamId stream_id;
  StreamVersion stream_version;
  EventId event_id;
  std::string event_type;
  std::uint32_t schema_version = 1;
  TenantId tenant;
  std::string payload;
  Metadata metadata;
  std::optional<std::string> raw_body;
  Timestamp recorded_at;
  // SHA-256(previous event's stream_hash || CanonicalEventBytes(this)); see canonical.h.
  Sha256Digest stream_hash{};

  friend bool operator==(const RecordedEvent&, const RecordedEvent&) = default;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_EVENT_H_
