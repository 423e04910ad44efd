// EventStoreWrapper: an EventStore that forwards every call to another one, so a decorator
// (fault injection, metrics, a borrowed handle, a test double) overrides only what it
// changes. leveldb's EnvWrapper is the model.
//
// The target is not owned and must outlive the wrapper. Thread safety is the target's.
#ifndef LEDGER_ENGINE_EVENT_STORE_WRAPPER_H_
#define LEDGER_ENGINE_EVENT_STORE_WRAPPER_H_

#include "engine/event_store.h"

namespace ledger {

class EventStoreWrapper : public EventStore {
 public:
  explicit EventStoreWrapper(EventStore* target) : target_(target) {}

  Result<AppendResult> Append(const AppendRequest& request) override {
    return target_->Append(request);
  }
  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override {
    return target_->AppendBatch(requests);
  }
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override {
    return target_->ReadStream(stream, options);
  }
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override {
    return target_->ReadAll(after, limit);
  }
  // ReadAll with options is deliberately not forwarded: EventStore's default calls the
  // two-argument ReadAll above, so a decorator that overrides only that one (fault injection,
  // a held-back reader) still sees every read. A decorator that wants the option to reach its
  // target overrides both, as HistoryPrefix does.
  Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) override {
    return target_->WaitForEvents(after, timeout);
  }
  Result<bool> WaitForCommitted(std::chrono::milliseconds timeout) override {
    return target_->WaitForCommitted(timeout);
  }
  Result<std::optional<GlobalPosition>> HeadPosition() override {
    return target_->HeadPosition();
  }
  Result<ImportResult> Import(std::span<const ImportedEvent> events) override {
    return target_->Import(events);
  }

 protected:
  EventStore* const target_;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_EVENT_STORE_WRAPPER_H_
