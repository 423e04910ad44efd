#include "engine/memory_store.h"

#include <algorithm>

namespace ledger {

MemoryEventStore::MemoryEventStore(Clock* clock) : clock_(clock) {}

StreamHead MemoryEventStore::HeadLocked(const StreamId& stream) const {
  auto it = streams_.find(stream);
  return it == streams_.end() ? StreamHead{} : it->second.head;
}

std::optional<StoredEventRef> MemoryEventStore::FindLocked(const EventId& id) const {
  auto it = by_event_id_.find(id);
  if (it == by_event_id_.end()) return std::nullopt;
  const RecordedEvent& e = log_[it->second];
  return StoredEventRef{e.stream_id, e.stream_version, e.global_position};
}

void MemoryEventStore::WriteLocked(RecordedEvent record) {
  Stream& stream = streams_[record.stream_id];
  stream.head = AdvanceHead(record);
  stream.log_indexes.push_back(log_.size());
  by_event_id_.emplace(record.event_id, log_.size());
  log_.push_back(std::move(record));
}

Result<AppendResult> MemoryEventStore::AppendLocked(const AppendRequest& request) {
  std::vector<std::optional<StoredEventRef>> stored;
  stored.reserve(request.events.size());
  for (const NewEvent& e : request.events) stored.push_back(FindLocked(e.event_id));
  LEDGER_ASSIGN_OR_RETURN(std::optional<AppendResult> redelivery,
                          ResolveRedelivery(request, stored));
  if (redelivery) return *redelivery;

  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> records,
                          PlanAppend(request, HeadLocked(request.stream), clock_->Now()));
  std::uint64_t next = log_.empty() ? 1 : log_.back().global_position.value() + 1;
  for (RecordedEvent& r : records) {
    r.global_position = GlobalPosition(next++);
    WriteLocked(std::move(r));
  }
  return AppendResult{log_.back().global_position, log_.back().stream_version, false};
}

Result<AppendResult> MemoryEventStore::Append(const AppendRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(AppendRequest normalized, NormalizeAppendRequest(request));
  Result<AppendResult> result = [&] {
    std::lock_guard lock(mu_);
    return AppendLocked(normalized);
  }();
  if (result.ok() && !result->deduplicated) appended_.notify_all();
  return result;
}

Result<std::vector<Result<AppendResult>>> MemoryEventStore::AppendBatch(
    std::span<const AppendRequest> requests) {
  std::vector<Result<AppendResult>> outcomes;
  outcomes.reserve(requests.size());
  {
    std::lock_guard lock(mu_);
    for (const AppendRequest& request : requests) {
      Result<AppendRequest> normalized = NormalizeAppendRequest(request);
      outcomes.push_back(normalized.ok() ? AppendLocked(*normalized)
                                         : Result<AppendResult>(normalized.status()));
    }
  }
  appended_.notify_all();
  return outcomes;
}

Result<std::vector<RecordedEvent>> MemoryEventStore::ReadStream(const StreamId& stream,
                                                                const StreamReadOptions& options) {
  std::lock_guard lock(mu_);
  std::vector<RecordedEvent> out;
  auto it = streams_.find(stream);
  if (it == streams_.end()) return out;
  const std::vector<std::size_t>& indexes = it->second.log_indexes;
  // Versions are dense from 1, so version v sits at indexes[v - 1].
  std::uint64_t from = std::max<std::uint64_t>(options.from.value(), 1);
  for (std::uint64_t i = from - 1; i < indexes.size() && out.size() < options.limit; ++i) {
    const RecordedEvent& e = log_[indexes[i]];
    if (options.as_of && e.recorded_at > *options.as_of) break;  // recorded_at is monotone
    out.push_back(e);
  }
  return out;
}

Result<std::optional<GlobalPosition>> MemoryEventStore::HeadPosition() {
  std::lock_guard lock(mu_);
  return std::optional<GlobalPosition>(log_.empty() ? GlobalPosition(0)
                                                    : log_.back().global_position);
}

Result<std::vector<RecordedEvent>> MemoryEventStore::ReadAll(GlobalPosition after,
                                                             std::size_t limit) {
  return ReadAll(after, limit, ReadAllOptions{});
}

Result<std::vector<RecordedEvent>> MemoryEventStore::ReadAll(GlobalPosition after,
                                                             std::size_t limit,
                                                             const ReadAllOptions& options) {
  std::lock_guard lock(mu_);
  auto begin = std::upper_bound(
      log_.begin(), log_.end(), after,
      [](GlobalPosition p, const RecordedEvent& e) { return p < e.global_position; });
  if (after.value() != 0 && (begin == log_.begin() || std::prev(begin)->global_position != after)) {
    return InvalidArgument("position " + std::to_string(after.value()) +
                           " names no stored event");
  }
  std::vector<RecordedEvent> out;
  for (auto it = begin; it != log_.end() && out.size() < limit; ++it) {
    out.push_back(*it);
    if (!options.with_raw_body) out.back().raw_body.reset();
  }
  return out;
}

Status MemoryEventStore::WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  appended_.wait_for(lock, timeout, [&] {
    return !log_.empty() && log_.back().global_position > after;
  });
  return Status::Ok();
}

Result<ImportResult> MemoryEventStore::Import(std::span<const ImportedEvent> events) {
  std::vector<ImportedEvent> normalized;
  normalized.reserve(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    Result<ImportedEvent> n = NormalizeImportedEvent(events[i]);
    if (!n.ok()) return n.status().WithContext("event " + std::to_string(i));
    normalized.push_back(std::move(n).value());
  }

  std::lock_guard lock(mu_);
  // Plan everything against a private view first, so a failure leaves the store untouched.
  std::unordered_map<StreamId, StreamHead> heads;
  std::unordered_map<EventId, StoredEventRef> planned_ids;
  std::vector<RecordedEvent> records;
  ImportResult result;
  std::uint64_t head = log_.empty() ? 0 : log_.back().global_position.value();
  for (std::size_t i = 0; i < normalized.size(); ++i) {
    const ImportedEvent& e = normalized[i];
    auto context = "event " + std::to_string(i);
    std::optional<StoredEventRef> stored = FindLocked(e.event.event_id);
    if (!stored) {
      auto p = planned_ids.find(e.event.event_id);
      if (p != planned_ids.end()) stored = p->second;
    }
    if (stored) {
      LEDGER_RETURN_IF_ERROR(CheckImportedDuplicate(e, *stored).WithContext(context));
      ++result.already_present;
      continue;
    }
    auto h = heads.find(e.stream);
    if (h == heads.end()) h = heads.emplace(e.stream, HeadLocked(e.stream)).first;
    Result<RecordedEvent> r = PlanImport(e, h->second, clock_->Now());
    if (!r.ok()) return r.status().WithContext(context);
    if (e.global_position && e.global_position->value() <= head) {
      return InvalidArgument(context + ": position " + std::to_string(e.global_position->value()) +
                             " is not after the log's head " + std::to_string(head));
    }
    head = e.global_position ? e.global_position->value() : head + 1;
    r->global_position = GlobalPosition(head);
    h->second = AdvanceHead(*r);
    planned_ids.emplace(r->event_id, StoredEventRef{r->stream_id, r->stream_version,
                                                    r->global_position});
    records.push_back(std::move(r).value());
    ++result.imported;
  }
  for (RecordedEvent& r : records) WriteLocked(std::move(r));
  if (!records.empty()) appended_.notify_all();
  return result;
}

}  // namespace ledger
