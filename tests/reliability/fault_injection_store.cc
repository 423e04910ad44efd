#include "tests/reliability/fault_injection_store.h"

#include <thread>

namespace ledger::testing {

void FaultInjectionStore::LoseAcknowledgements(int batches) {
  std::lock_guard lock(mu_);
  lose_acknowledgements_ = batches;
}

void FaultInjectionStore::FailNthAppend(int n, Status status) {
  std::lock_guard lock(mu_);
  fail_countdown_ = n;
  fail_status_ = std::move(status);
}

void FaultInjectionStore::SetAppendDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mu_);
  delay_ = delay;
}

std::vector<std::string> FaultInjectionStore::failed_streams() const {
  std::lock_guard lock(mu_);
  return failed_streams_;
}

std::vector<std::size_t> FaultInjectionStore::failed_batch_sizes() const {
  std::lock_guard lock(mu_);
  return failed_batch_sizes_;
}

std::vector<std::size_t> FaultInjectionStore::batch_sizes() const {
  std::lock_guard lock(mu_);
  return batch_sizes_;
}

std::optional<std::size_t> FaultInjectionStore::TakeFailureLocked(std::size_t size) {
  if (fail_countdown_ <= 0) return std::nullopt;
  if (static_cast<std::size_t>(fail_countdown_) > size) {
    fail_countdown_ -= static_cast<int>(size);
    return std::nullopt;
  }
  std::size_t index = static_cast<std::size_t>(fail_countdown_) - 1;
  fail_countdown_ = 0;
  return index;
}

Result<std::vector<Result<AppendResult>>> FaultInjectionStore::AppendBatch(
    std::span<const AppendRequest> requests) {
  std::chrono::milliseconds delay;
  std::optional<std::size_t> failing;
  Status failure;
  bool lose_acknowledgement = false;
  {
    std::lock_guard lock(mu_);
    delay = delay_;
    batch_sizes_.push_back(requests.size());
    failing = TakeFailureLocked(requests.size());
    if (failing) {
      failure = fail_status_;
      failed_streams_.push_back(requests[*failing].stream.value());
      failed_batch_sizes_.push_back(requests.size());
    }
    if (lose_acknowledgements_ > 0) {
      --lose_acknowledgements_;
      lose_acknowledgement = true;
    }
  }
  if (delay.count() > 0) std::this_thread::sleep_for(delay);

  // The failing append never reaches the target; its neighbours go in one batch, as the
  // group committer sent them.
  std::vector<AppendRequest> passed;
  passed.reserve(requests.size());
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!failing || i != *failing) passed.push_back(requests[i]);
  }
  std::vector<Result<AppendResult>> committed;
  if (!passed.empty()) {
    LEDGER_ASSIGN_OR_RETURN(committed, EventStoreWrapper::AppendBatch(passed));
  }
  if (lose_acknowledgement) {
    return Unavailable("fault injection: the connection broke after COMMIT, before its reply");
  }
  std::vector<Result<AppendResult>> outcomes;
  outcomes.reserve(requests.size());
  std::size_t next = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (failing && i == *failing) {
      outcomes.emplace_back(failure);
    } else {
      outcomes.push_back(std::move(committed[next++]));
    }
  }
  return outcomes;
}

Result<AppendResult> FaultInjectionStore::Append(const AppendRequest& request) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<Result<AppendResult>> outcomes,
                          AppendBatch(std::span<const AppendRequest>(&request, 1)));
  return std::move(outcomes[0]);
}

}  // namespace ledger::testing
