#include "engine/snapshot_store.h"

#include <limits>

#include "engine/event_validation.h"

namespace ledger {

Status ValidateAggregateName(std::string_view aggregate) {
  if (aggregate.empty() || aggregate.size() > kMaxAggregateNameBytes) {
    return InvalidArgument("aggregate name must be 1.." + std::to_string(kMaxAggregateNameBytes) +
                           " bytes");
  }
  for (char c : aggregate) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!ok) return InvalidArgument("aggregate name may use only a-z 0-9 _ . -");
  }
  return Status::Ok();
}

Status ValidateSnapshot(const Snapshot& snapshot) {
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(snapshot.stream));
  LEDGER_RETURN_IF_ERROR(ValidateAggregateName(snapshot.aggregate));
  LEDGER_RETURN_IF_ERROR(ValidateTenantId(snapshot.tenant));
  // Both SQL stores keep versions as signed 64-bit integers.
  constexpr auto kMaxVersion = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (snapshot.stream_version.value() == 0 || snapshot.stream_version.value() > kMaxVersion) {
    return InvalidArgument("a snapshot's stream_version must be in 1..2^63-1 (the last event "
                           "folded into it)");
  }
  if (snapshot.bytes.size() > kMaxSnapshotBytes) {
    return InvalidArgument("a snapshot is " + std::to_string(snapshot.bytes.size()) +
                           " bytes; the limit is " + std::to_string(kMaxSnapshotBytes));
  }
  return Status::Ok();
}

}  // namespace ledger
