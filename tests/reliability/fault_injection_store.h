// FaultInjectionStore: an EventStoreWrapper that injects the store faults a crash or an
// outage produces, a few lines each (leveldb's fault_injection_test is the model):
//
//   - a lost acknowledgement: the batch commits in the target store, then the call reports
//     Unavailable, as when the connection breaks between COMMIT and its reply;
//   - one failed append: the n-th append from now (counting the requests of every batch, in
//     order) gets `status` as its own outcome and is not passed on; its neighbours are;
//   - a slow store: every AppendBatch sleeps first.
//
// Thread-safe (the server calls it from its group-commit thread; tests arm it from theirs).
#ifndef LEDGER_TESTS_RELIABILITY_FAULT_INJECTION_STORE_H_
#define LEDGER_TESTS_RELIABILITY_FAULT_INJECTION_STORE_H_

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/event_store_wrapper.h"

namespace ledger::testing {

class FaultInjectionStore final : public EventStoreWrapper {
 public:
  using EventStoreWrapper::EventStoreWrapper;

  // The next `batches` AppendBatch (or Append) calls commit, then answer Unavailable.
  void LoseAcknowledgements(int batches);
  // The n-th append from now (1-based) fails with `status` (not OK); the others go through.
  void FailNthAppend(int n, Status status);
  // Every AppendBatch (and Append) sleeps this long before reaching the target.
  void SetAppendDelay(std::chrono::milliseconds delay);

  // Streams of the appends FailNthAppend failed, in order, and the sizes of their batches.
  std::vector<std::string> failed_streams() const;
  std::vector<std::size_t> failed_batch_sizes() const;
  // Sizes of every AppendBatch call so far.
  std::vector<std::size_t> batch_sizes() const;

  Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) override;
  Result<AppendResult> Append(const AppendRequest& request) override;

 private:
  // REQUIRES: mu_ held. The index in a batch of `size` of the append armed to fail, if it is
  // in this batch; advances the countdown by `size`.
  std::optional<std::size_t> TakeFailureLocked(std::size_t size);

  mutable std::mutex mu_;
  int lose_acknowledgements_ = 0;
  int fail_countdown_ = 0;  // 0: disarmed; else the failing append's 1-based rank from now
  Status fail_status_;
  std::chrono::milliseconds delay_{0};
  std::vector<std::string> failed_streams_;
  std::vector<std::size_t> failed_batch_sizes_;
  std::vector<std::size_t> batch_sizes_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_RELIABILITY_FAULT_INJECTION_STORE_H_
