#include "engine/history_prefix.h"

#include <algorithm>

namespace ledger {

namespace {

Status ReadOnly() { return FailedPrecondition("a past state of the log is read-only"); }

}  // namespace

Status HistoryPrefix::CheckBound() {
  if (!last_) return Status::Ok();
  // ReadAll(after = N) fails with InvalidArgument exactly when no event has position N.
  Result<std::vector<RecordedEvent>> probe = target_->ReadAll(*last_, 1);
  if (!probe.ok() && probe.status().code() == StatusCode::kInvalidArgument) {
    return FailedPrecondition("no event has global position " + std::to_string(last_->value()));
  }
  return probe.status();
}

Result<AppendResult> HistoryPrefix::Append(const AppendRequest&) { return ReadOnly(); }

Result<std::vector<Result<AppendResult>>> HistoryPrefix::AppendBatch(
    std::span<const AppendRequest>) {
  return ReadOnly();
}

Result<ImportResult> HistoryPrefix::Import(std::span<const ImportedEvent>) { return ReadOnly(); }

Result<std::optional<GlobalPosition>> HistoryPrefix::HeadPosition() {
  LEDGER_ASSIGN_OR_RETURN(std::optional<GlobalPosition> head, target_->HeadPosition());
  if (head && last_ && *last_ < *head) head = *last_;
  return head;
}

Status HistoryPrefix::WaitForEvents(GlobalPosition, std::chrono::milliseconds) {
  return Status::Ok();
}

Result<std::vector<RecordedEvent>> HistoryPrefix::ReadStream(const StreamId& stream,
                                                             const StreamReadOptions& options) {
  // Which of a stream's events precede position N in log order is a question about the whole
  // log (on PostgreSQL log order is commit order, not position order); nothing needs it yet.
  if (last_) return FailedPrecondition("a stream can be read as of a time, not up to a position");
  StreamReadOptions bounded = options;
  if (as_of_ && (!bounded.as_of || *as_of_ < *bounded.as_of)) bounded.as_of = *as_of_;
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, target_->ReadStream(stream, bounded));
  return events;
}

Result<std::vector<RecordedEvent>> HistoryPrefix::ReadAll(GlobalPosition after, std::size_t limit) {
  return ReadAll(after, limit, ReadAllOptions{});
}

Result<std::vector<RecordedEvent>> HistoryPrefix::ReadAll(GlobalPosition after, std::size_t limit,
                                                          const ReadAllOptions& options) {
  if (last_ && after == *last_) return std::vector<RecordedEvent>();
  if (!as_of_) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                            target_->ReadAll(after, limit, options));
    if (last_) {
      auto end = std::find_if(events.begin(), events.end(),
                              [&](const RecordedEvent& e) { return e.global_position == *last_; });
      if (end != events.end()) events.erase(end + 1, events.end());
    }
    return events;
  }
  // AsOf: skip events recorded later, reading on until something is kept or the log ends.
  std::vector<RecordedEvent> kept;
  GlobalPosition cursor = after;
  while (kept.empty()) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                            target_->ReadAll(cursor, limit, options));
    if (events.empty()) break;
    cursor = events.back().global_position;
    bool short_page = events.size() < limit;
    for (RecordedEvent& event : events) {
      if (event.recorded_at <= *as_of_) kept.push_back(std::move(event));
    }
    if (short_page) break;
  }
  return kept;
}

}  // namespace ledger
