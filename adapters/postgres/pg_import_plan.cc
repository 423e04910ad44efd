#include "adapters/postgres/pg_import_plan.h"

#include <algorithm>

#include "adapters/postgres/pg_params.h"
#include "engine/append_planner.h"

namespace ledger::pg {
namespace {

void PutField(std::string_view bytes, std::string& out) {
  PutInt32(static_cast<std::int32_t>(bytes.size()), out);
  out.append(bytes);
}

// `r` as a COPY row of kImportColumns: a field count, then each field as length + bytes (-1:
// NULL).
void PutRow(const RecordedEvent& r, std::string_view commit_key, std::string_view xid,
            std::string& out) {
  PutInt16(kImportColumnCount, out);
  PutField(EncodeInt64(static_cast<std::int64_t>(r.global_position.value())), out);
  PutField(commit_key, out);
  PutField(xid, out);
  PutField(r.stream_id.value(), out);
  PutField(EncodeInt64(static_cast<std::int64_t>(r.stream_version.value())), out);
  PutField(EncodeUuid(r.event_id), out);
  PutField(r.event_type, out);
  PutField(EncodeInt64(r.schema_version), out);
  PutField(r.tenant.value(), out);
  PutField(r.payload, out);
  PutField(r.metadata.correlation_id, out);
  PutField(r.metadata.causation_id, out);
  PutField(r.metadata.actor, out);
  PutField(r.metadata.source, out);
  if (r.raw_body) {
    PutField(*r.raw_body, out);
  } else {
    PutInt32(-1, out);
  }
  PutField(EncodeTimestamp(r.recorded_at), out);
  PutField(
      std::string_view(reinterpret_cast<const char*>(r.stream_hash.data()), r.stream_hash.size()),
      out);
}

}  // namespace

ImportPlanner::ImportPlanner(ImportSnapshot snapshot, Timestamp now, std::size_t events)
    : snap_(std::move(snapshot)), now_(now), head_(snap_.max_position) {
  // At least each touched stream's last key (a stream's keys never decrease) and this
  // transaction's id.
  commit_key_ = snap_.xid;
  for (const auto& [id, locked] : snap_.heads) commit_key_ = std::max(commit_key_, locked.commit_key);
  planned_.reserve(events);
}

Result<std::optional<RecordedEvent>> ImportPlanner::Plan(const ImportedEvent& e,
                                                         std::size_t index) {
  auto context = [index] { return "event " + std::to_string(index); };
  const StoredEventRef* stored = nullptr;
  if (auto it = snap_.stored.find(e.event.event_id); it != snap_.stored.end()) {
    stored = &it->second;
  } else if (auto it = planned_.find(e.event.event_id); it != planned_.end()) {
    stored = &it->second;
  }
  if (stored != nullptr) {
    LEDGER_RETURN_IF_ERROR(CheckImportedDuplicate(e, *stored).WithContext(context()));
    ++result_.already_present;
    return std::optional<RecordedEvent>();
  }
  StreamHead current;
  if (auto it = new_heads_.find(e.stream); it != new_heads_.end()) {
    current = it->second;
  } else if (auto locked = snap_.heads.find(e.stream); locked != snap_.heads.end()) {
    current = locked->second.head;
  }
  Result<RecordedEvent> r = PlanImport(e, current, now_);
  if (!r.ok()) return r.status().WithContext(context());
  if (e.global_position && e.global_position->value() <= head_) {
    return InvalidArgument(context() + ": position " + std::to_string(e.global_position->value()) +
                           " is not after the log's head " + std::to_string(head_));
  }
  head_ = e.global_position ? e.global_position->value() : head_ + 1;
  r->global_position = GlobalPosition(head_);
  new_heads_[e.stream] = AdvanceHead(*r);
  planned_.emplace(r->event_id, StoredEventRef{r->stream_id, r->stream_version, r->global_position});
  ++result_.imported;
  return std::optional<RecordedEvent>(std::move(r).value());
}

std::unordered_map<StreamId, StreamHead> ImportPlanner::Heads(bool existing) const {
  std::unordered_map<StreamId, StreamHead> out;
  for (const auto& [id, head] : new_heads_) {
    if (snap_.heads.contains(id) == existing) out.emplace(id, head);
  }
  return out;
}

ImportRows::ImportRows(std::span<const ImportedEvent> events, ImportPlanner& planner)
    : events_(events),
      planner_(planner),
      commit_key_(EncodeInt64(static_cast<std::int64_t>(planner.commit_key()))),
      xid_(EncodeInt64(static_cast<std::int64_t>(planner.xid()))) {}

Result<std::size_t> ImportRows::Next(std::string& out) {
  std::size_t end = std::min(events_.size(), next_ + (next_ == 0 ? kFirstChunk : kChunk));
  std::size_t start_bytes = out.size();
  std::size_t rows = 0;
  while (next_ < end && out.size() - start_bytes < kChunkBytes) {
    std::size_t i = next_++;
    Result<ImportedEvent> normalized = NormalizeImportedEvent(events_[i]);
    if (!normalized.ok()) return normalized.status().WithContext("event " + std::to_string(i));
    LEDGER_ASSIGN_OR_RETURN(std::optional<RecordedEvent> record, planner_.Plan(*normalized, i));
    if (!record) continue;
    PutRow(*record, commit_key_, xid_, out);
    ++rows;
  }
  return rows;
}

void ImportRows::PutHeader(std::string& out) {
  out.append("PGCOPY\n\377\r\n\0", 11);
  PutInt32(0, out);  // flags
  PutInt32(0, out);  // header extension length
}

void ImportRows::PutTrailer(std::string& out) { PutInt16(-1, out); }

}  // namespace ledger::pg
