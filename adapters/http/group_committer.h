// GroupCommitter: turns many concurrent appends into few store transactions. Requests are
// queued; one dedicated thread takes everything queued (up to a batch limit) and commits it
// with one EventStore::AppendBatch, then answers each request with its own outcome. While a
// commit runs, new requests gather for the next one, so under load a batch holds about as
// many requests as arrived during one commit, and an idle server commits a lone request at
// once (no fixed delay unless `linger` asks for one).
//
// Thread safety: Submit may be called from any thread. Callbacks run on the committer
// thread, one after another: they must be quick and must not call Submit synchronously
// waiting for its outcome.
#ifndef LEDGER_ADAPTERS_HTTP_GROUP_COMMITTER_H_
#define LEDGER_ADAPTERS_HTTP_GROUP_COMMITTER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "engine/event_store.h"

namespace ledger::http {

class Metrics;

class GroupCommitter {
 public:
  struct Options {
    std::size_t max_batch = 256;              // requests per AppendBatch
    std::size_t max_batch_bytes = 32u << 20;  // payload + raw body bytes per AppendBatch
    // How long to wait for more requests before committing a batch smaller than max_batch.
    // 0 (default): commit at once; batches still form while the previous commit runs.
    std::chrono::microseconds linger{0};
  };
  using Callback = std::function<void(Result<AppendResult>)>;

  // `store` and `metrics` (may be null) must outlive this object. Starts the thread.
  GroupCommitter(EventStore& store, Options options, Metrics* metrics);
  ~GroupCommitter();  // Stop()
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `request`; `done` later receives exactly its outcome: the AppendResult (with
  // deduplicated = true for a redelivery), the request's own error, or the batch's error if
  // the batch as a whole failed (Unavailable: nothing of it was committed, or its fate is
  // unknown; retrying is safe). After Stop, `done` gets Cancelled at once.
  void Submit(AppendRequest request, Callback done);

  // Refuses new requests, commits everything already queued, answers it, and joins the
  // thread. Idempotent.
  void Stop();

  std::size_t queued() const;

 private:
  struct Item {
    AppendRequest request;
    Callback done;
    std::size_t bytes = 0;
  };

  void Run();
  // REQUIRES: mu_ held, queue_ not empty. Removes and returns the next batch.
  std::vector<Item> TakeBatchLocked();
  void Commit(std::vector<Item>& batch);

  EventStore& store_;
  const Options options_;
  Metrics* const metrics_;

  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above exists
};

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_GROUP_COMMITTER_H_
