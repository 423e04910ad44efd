// ControllableStore (an engine/event_store_wrapper.h decorator) makes the store fail,
// slow down or hold appends on demand, and counts group commits.
#ifndef LEDGER_TESTS_HTTP_EVENT_STORE_WRAPPER_H_
#define LEDGER_TESTS_HTTP_EVENT_STORE_WRAPPER_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/event_store_wrapper.h"

namespace ledger::testing {

using ledger::EventStoreWrapper;

class ControllableStore final : public EventStoreWrapper {
 public:
  using EventStoreWrapper::EventStoreWrapper;

  // While set, appends and reads fail with Unavailable (a database that went away).
  void SetUnavailable(bool unavailable) { unavailable_ = unavailable; }
  // Every AppendBatch sleeps this long first (a slow commit, so that batches form).
  void SetAppendDelay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  // While held, AppendBatch blocks before reaching the store.
  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    changed_.notify_all();
  }
  // Blocks until `n` AppendBatch calls have started (true) or `timeout` passes (false).
  bool WaitForBatches(int n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, timeout, [&] { return batches_started_ >= n; });
  }

  int batches() const { return batches_.load(); }
  std::size_t largest_batch() const { return largest_batch_.load(); }

  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override {
    {
      std::unique_lock lock(mu_);
      ++batches_started_;
      changed_.notify_all();
      changed_.wait(lock, [&] { return !held_; });
    }
    if (delay_ms_ > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_.load()));
    ++batches_;
    if (requests.size() > largest_batch_) largest_batch_ = requests.size();
    if (unavailable_) return Unavailable("test store: database unreachable");
    return EventStoreWrapper::AppendBatch(requests);
  }
  Result<AppendResult> Append(const AppendRequest& request) override {
    if (unavailable_) return Unavailable("test store: database unreachable");
    return EventStoreWrapper::Append(request);
  }
  Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) override {
    if (unavailable_) return Unavailable("test store: database unreachable");
    return EventStoreWrapper::ReadAll(after, limit);
  }

 private:
  std::atomic<bool> unavailable_{false};
  std::atomic<long long> delay_ms_{0};
  std::atomic<int> batches_{0};
  std::atomic<std::size_t> largest_batch_{0};
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;
  int batches_started_ = 0;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_HTTP_EVENT_STORE_WRAPPER_H_
