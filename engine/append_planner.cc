#include "engine/append_planner.h"

#include <algorithm>
#include <string>

#include "engine/event_validation.h"
#include "engine/time.h"

namespace ledger {
namespace {

RecordedEvent MakeRecord(const StreamId& stream, StreamVersion version, const NewEvent& e,
                         Timestamp recorded_at) {
  RecordedEvent r;
  r.stream_id = stream;
  r.stream_version = version;
  r.event_id = e.event_id;
  r.event_type = e.event_type;
  r.schema_version = e.schema_version;
  r.tenant = e.tenant;
  r.payload = e.payload;
  r.metadata = e.metadata;
  r.raw_body = e.raw_body;
  r.recorded_at = recorded_at;
  return r;
}

Status CheckTenant(const StreamId& stream, const StreamHead& head, const TenantId& tenant) {
  if (head.version.value() > 0 && head.tenant != tenant) {
    return FailedPrecondition("stream " + stream.value() + " belongs to tenant " +
                              head.tenant.value() + ", not " + tenant.value());
  }
  return Status::Ok();
}

}  // namespace

Result<AppendRequest> NormalizeAppendRequest(const AppendRequest& request) {
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(request.stream));
  if (request.events.empty()) return InvalidArgument("an append needs at least one event");
  if (request.events.size() > kMaxEventsPerAppend) {
    return InvalidArgument("an append may carry at most " + std::to_string(kMaxEventsPerAppend) +
                           " events");
  }
  AppendRequest out = request;
  for (std::size_t i = 0; i < out.events.size(); ++i) {
    Status s = ValidateNewEvent(out.events[i]);
    if (!s.ok()) return s.WithContext("event " + std::to_string(i));
    if (out.events[i].tenant != out.events[0].tenant) {
      return InvalidArgument("event " + std::to_string(i) + ": all events of one append must "
                             "belong to one tenant");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (out.events[j].event_id == out.events[i].event_id) {
        return InvalidArgument("event " + std::to_string(i) + ": event id " +
                               out.events[i].event_id.ToString() + " appears twice");
      }
    }
  }
  return out;
}

Result<std::optional<AppendResult>> ResolveRedelivery(
    const AppendRequest& request, std::span<const std::optional<StoredEventRef>> stored) {
  std::size_t found = std::count_if(stored.begin(), stored.end(),
                                    [](const auto& ref) { return ref.has_value(); });
  if (found == 0) return std::optional<AppendResult>();
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const auto& ref = stored[i];
    bool in_place = ref && ref->stream == request.stream &&
                    ref->version.value() == stored[0]->version.value() + i;
    if (found != stored.size() || !in_place) {
      const NewEvent& e = request.events[i];
      std::string where = ref ? "is stored in " + ref->stream.value() + " at version " +
                                    std::to_string(ref->version.value())
                              : "is not stored while others of the same append are";
      return AlreadyExists("event id " + e.event_id.ToString() + " " + where +
                           "; an append is either new or a complete redelivery");
    }
  }
  return std::optional<AppendResult>(
      AppendResult{stored.back()->position, stored.back()->version, /*deduplicated=*/true});
}

Result<std::vector<RecordedEvent>> PlanAppend(const AppendRequest& request, const StreamHead& head,
                                              Timestamp now) {
  LEDGER_RETURN_IF_ERROR(request.expected.Check(request.stream, head.version));
  LEDGER_RETURN_IF_ERROR(CheckTenant(request.stream, head, request.events.front().tenant));
  Timestamp recorded_at = std::max(now, head.last_recorded_at);
  std::vector<RecordedEvent> records;
  records.reserve(request.events.size());
  Sha256Digest previous = head.hash;
  std::uint64_t version = head.version.value();
  for (const NewEvent& e : request.events) {
    RecordedEvent r = MakeRecord(request.stream, StreamVersion(++version), e, recorded_at);
    r.stream_hash = ChainStreamHash(previous, r);
    previous = r.stream_hash;
    records.push_back(std::move(r));
  }
  return records;
}

Result<ImportedEvent> NormalizeImportedEvent(const ImportedEvent& event) {
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(event.stream));
  ImportedEvent out = event;
  LEDGER_RETURN_IF_ERROR(ValidateNewEvent(out.event));
  if (out.stream_version && out.stream_version->value() == 0) {
    return InvalidArgument("stream versions start at 1");
  }
  if (out.global_position && out.global_position->value() == 0) {
    return InvalidArgument("global positions start at 1");
  }
  return out;
}

Result<RecordedEvent> PlanImport(const ImportedEvent& event, const StreamHead& head, Timestamp now) {
  const StreamId& stream = event.stream;
  LEDGER_RETURN_IF_ERROR(CheckTenant(stream, head, event.event.tenant));
  StreamVersion version(head.version.value() + 1);
  if (event.stream_version && *event.stream_version != version) {
    return InvalidArgument("stream " + stream.value() + " is at version " +
                           std::to_string(head.version.value()) + "; the imported event says " +
                           std::to_string(event.stream_version->value()) + " (a gap or reorder)");
  }
  Timestamp recorded_at = event.recorded_at.value_or(std::max(now, head.last_recorded_at));
  if (recorded_at < head.last_recorded_at) {
    return InvalidArgument("stream " + stream.value() + " version " +
                           std::to_string(version.value()) + " was recorded at " +
                           FormatRfc3339(recorded_at) + ", before its predecessor");
  }
  RecordedEvent r = MakeRecord(stream, version, event.event, recorded_at);
  r.stream_hash = ChainStreamHash(head.hash, r);
  if (event.stream_hash && *event.stream_hash != r.stream_hash) {
    return DataLoss("stream " + stream.value() + " version " + std::to_string(version.value()) +
                    ": stream_hash " + HexEncode(*event.stream_hash) +
                    " does not match the recomputed " + HexEncode(r.stream_hash) +
                    "; the log was altered");
  }
  return r;
}

Status CheckImportedDuplicate(const ImportedEvent& event, const StoredEventRef& stored) {
  bool same = stored.stream == event.stream &&
              (!event.stream_version || *event.stream_version == stored.version);
  if (same) return Status::Ok();
  return AlreadyExists("event id " + event.event.event_id.ToString() + " is already stored in " +
                       stored.stream.value() + " at version " +
                       std::to_string(stored.version.value()));
}

StreamHead AdvanceHead(const RecordedEvent& record) {
  return StreamHead{record.stream_version, record.stream_hash, record.tenant, record.recorded_at};
}

}  // namespace ledger
