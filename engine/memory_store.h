// MemoryEventStore: the EventStore in a process's memory, for unit tests of the logic above
// the store. Same contract as the durable stores (it passes the conformance suite); nothing
// survives the object.
#ifndef LEDGER_ENGINE_MEMORY_STORE_H_
#define LEDGER_ENGINE_MEMORY_STORE_H_

#include <condition_variable>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "engine/append_planner.h"
#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger {

class MemoryEventStore final : public EventStore {
 public:
  // `clock` must outlive the store.
  explicit MemoryEventStore(Clock* clock = SystemClock::Default());

  Result<AppendResult> Append(const AppendRequest& request) override;
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override;
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override;
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit,
                                             const ReadAllOptions& options) override;
  Result<std::optional<GlobalPosition>> HeadPosition() override;
  Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) override;
  Result<ImportResult> Import(std::span<const ImportedEvent> events) override;

 private:
  struct Stream {
    StreamHead head;
    std::vector<std::size_t> log_indexes;  // into log_, in version order
  };

  // REQUIRES: mu_ held. `request` is normalised.
  Result<AppendResult> AppendLocked(const AppendRequest& request);
  StreamHead HeadLocked(const StreamId& stream) const;
  std::optional<StoredEventRef> FindLocked(const EventId& id) const;
  void WriteLocked(RecordedEvent record);

  Clock* const clock_;
  mutable std::mutex mu_;
  std::condition_variable appended_;
  // Invariant: log_[i].global_position is strictly increasing in i.
  std::vector<RecordedEvent> log_;
  std::unordered_map<StreamId, Stream> streams_;
  std::unordered_map<EventId, std::size_t> by_event_id_;  // index into log_
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_MEMORY_STORE_H_
