#include "adapters/http/group_committer.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "adapters/http/metrics.h"

namespace ledger::http {
namespace {

std::size_t RequestBytes(const AppendRequest& request) {
  std::size_t bytes = 0;
  for (const NewEvent& e : request.events) {
    bytes += e.payload.size() + (e.raw_body ? e.raw_body->size() : 0);
  }
  return bytes;
}

// The store's contract is to return errors, but a bad_alloc or a driver bug must not take
// the committer thread (and with it every waiting request) down.
Result<std::vector<Result<AppendResult>>> AppendBatchNoThrow(
    EventStore& store, std::span<const AppendRequest> requests) {
  try {
    return store.AppendBatch(requests);
  } catch (const std::exception& e) {
    return Internal(std::string("AppendBatch threw: ") + e.what());
  } catch (...) {
    return Internal("AppendBatch threw");
  }
}

}  // namespace

GroupCommitter::GroupCommitter(EventStore& store, Options options, Metrics* metrics)
    : store_(store), options_(options), metrics_(metrics), thread_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() { Stop(); }

void GroupCommitter::Submit(AppendRequest request, Callback done) {
  std::size_t bytes = RequestBytes(request);
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(request), std::move(done), bytes});
      wake_.notify_one();
      return;
    }
  }
  done(Cancelled("the server is shutting down"));
}

void GroupCommitter::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

std::size_t GroupCommitter::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void GroupCommitter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything queued has been answered
    if (options_.linger.count() > 0 && queue_.size() < options_.max_batch && !stopping_) {
      wake_.wait_for(lock, options_.linger,
                     [&] { return stopping_ || queue_.size() >= options_.max_batch; });
    }
    std::vector<Item> batch = TakeBatchLocked();
    lock.unlock();
    Commit(batch);
    lock.lock();
  }
}

std::vector<GroupCommitter::Item> GroupCommitter::TakeBatchLocked() {
  std::vector<Item> batch;
  std::size_t bytes = 0;
  // Invariant: a batch holds at least one item, however large, so nothing waits forever.
  while (!queue_.empty() && batch.size() < options_.max_batch &&
         (batch.empty() || bytes + queue_.front().bytes <= options_.max_batch_bytes)) {
    bytes += queue_.front().bytes;
    batch.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  return batch;
}

void GroupCommitter::Commit(std::vector<Item>& batch) {
  std::vector<AppendRequest> requests;
  requests.reserve(batch.size());
  for (Item& item : batch) requests.push_back(std::move(item.request));

  auto start = std::chrono::steady_clock::now();
  Result<std::vector<Result<AppendResult>>> outcomes = AppendBatchNoThrow(store_, requests);
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (outcomes.ok() && outcomes->size() != batch.size()) {
    outcomes = Internal("AppendBatch returned " + std::to_string(outcomes->size()) +
                        " outcomes for " + std::to_string(batch.size()) + " requests");
  }
  if (metrics_ != nullptr) metrics_->RecordBatch(batch.size(), took.count(), outcomes.ok());
  if (!outcomes.ok()) {
    spdlog::warn("group commit of {} appends failed: {}", batch.size(),
                 outcomes.status().ToString());
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Result<AppendResult> outcome =
        outcomes.ok() ? std::move((*outcomes)[i]) : Result<AppendResult>(outcomes.status());
    try {
      batch[i].done(std::move(outcome));
    } catch (const std::exception& e) {
      spdlog::error("group commit callback threw: {}", e.what());
    }
  }
}

}  // namespace ledger::http
