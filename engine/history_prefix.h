// HistoryPrefix: the log as it stood at a point in the past, for point-in-time replay
// (DESIGN.md section 8, `ledger replay`). A read-only view over another store:
//
//   UpTo(position N)  the log in log order up to and including the event at position N;
//   AsOf(time T)      every event recorded at or before T (recorded_at never decreases within
//                     a stream, so no stream's version n+1 is seen without n).
//
// ReadAll (with or without ReadAllOptions) sees only that history, and so does ReadStream for
// AsOf (UpTo refuses it); appends and imports are refused
// (FailedPrecondition), so a replay can never change history. WaitForEvents returns at once:
// a finished history has nothing more to wait for.
#ifndef LEDGER_ENGINE_HISTORY_PREFIX_H_
#define LEDGER_ENGINE_HISTORY_PREFIX_H_

#include <optional>

#include "engine/event_store_wrapper.h"

namespace ledger {

class HistoryPrefix final : public EventStoreWrapper {
 public:
  static HistoryPrefix UpTo(EventStore* target, GlobalPosition last) {
    return HistoryPrefix(target, last, std::nullopt);
  }
  static HistoryPrefix AsOf(EventStore* target, Timestamp as_of) {
    return HistoryPrefix(target, std::nullopt, as_of);
  }

  // FailedPrecondition if the bound names no event (UpTo) — checked by reading the log.
  Status CheckBound();

  Result<AppendResult> Append(const AppendRequest& request) override;
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override;
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override;
  // Forwards `options` to the target, so that a replay whose projectors read no raw bodies
  // does not fetch them (EventStoreWrapper deliberately leaves this overload unforwarded).
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit,
                                             const ReadAllOptions& options) override;
  Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) override;
  Result<ImportResult> Import(std::span<const ImportedEvent> events) override;
  Result<std::optional<GlobalPosition>> HeadPosition() override;

 private:
  HistoryPrefix(EventStore* target, std::optional<GlobalPosition> last,
                std::optional<Timestamp> as_of)
      : EventStoreWrapper(target), last_(last), as_of_(as_of) {}

  std::optional<GlobalPosition> last_;
  std::optional<Timestamp> as_of_;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_HISTORY_PREFIX_H_
