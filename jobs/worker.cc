#include "jobs/worker.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <random>

namespace ledger::jobs {
namespace {

// Runs the handler, turning an exception (a handler bug: Run must not throw) into a retry so
// the worker thread survives and the failure is recorded.
JobResult RunHandler(JobHandler& handler, const Job& job) {
  try {
    return handler.Run(job);
  } catch (const std::exception& e) {
    return JobResult{Outcome::kRetry, std::string("handler threw: ") + e.what(), "{}"};
  } catch (...) {
    return JobResult{Outcome::kRetry, "handler threw a non-standard exception", "{}"};
  }
}

// Sleeps for `wait` unless `stop` is requested first.
void SleepUnlessStopped(const std::stop_token& stop, std::chrono::milliseconds wait) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait_for(lock, stop, wait, [] { return false; });
}

}  // namespace

Status HandlerRegistry::Register(std::unique_ptr<JobHandler> handler) {
  std::string kind(handler->kind());
  if (handlers_.contains(kind)) return AlreadyExists("a handler for " + kind + " is registered");
  handlers_.emplace(std::move(kind), std::move(handler));
  return Status::Ok();
}

JobHandler* HandlerRegistry::Find(std::string_view kind) const {
  auto it = handlers_.find(kind);
  return it == handlers_.end() ? nullptr : it->second.get();
}

std::vector<std::string> HandlerRegistry::kinds() const {
  std::vector<std::string> kinds;
  for (const auto& [kind, handler] : handlers_) kinds.push_back(kind);
  return kinds;
}

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, std::uint32_t attempt_in_budget,
                                     double jitter) {
  // Doubling stops once past max_delay, so the shift never overflows.
  std::chrono::milliseconds delay = policy.base_delay;
  for (std::uint32_t i = 1; i < attempt_in_budget && delay < policy.max_delay; ++i) delay *= 2;
  delay = std::min(delay, policy.max_delay);
  jitter = std::clamp(jitter, 0.5, 1.0);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(delay.count()) * jitter));
}

JitterSource RandomJitter() {
  return [] {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.5, 1.0)(engine);
  };
}

Worker::Worker(JobQueue& queue, EventStore& store, const HandlerRegistry& handlers,
               WorkerOptions options)
    : queue_(queue), store_(store), handlers_(handlers), options_(std::move(options)) {}

Worker::~Worker() { Stop(); }

Result<std::size_t> Worker::RunOnce(std::string_view consumer) {
  std::size_t batch = std::max<std::size_t>(1, options_.claim_batch);
  LEDGER_ASSIGN_OR_RETURN(std::vector<ClaimedJob> claimed,
                          queue_.ReclaimStale(consumer, options_.visibility_timeout, batch));
  if (claimed.empty()) {
    LEDGER_ASSIGN_OR_RETURN(claimed, queue_.Claim(consumer, batch, options_.block));
  }
  Status first_error;
  for (const ClaimedJob& job : claimed) {
    Status status = Process(job, consumer);
    if (!status.ok()) {
      counts_.errors.fetch_add(1);
      spdlog::warn("job {} ({}) attempt {}: {}; it will be reclaimed", job.job.job_id, job.job.kind,
                   job.job.attempt, status.ToString());
      if (first_error.ok()) first_error = status;
    }
  }
  if (!first_error.ok()) return first_error;
  return claimed.size();
}

Status Worker::Process(const ClaimedJob& claimed, std::string_view consumer) {
  const Job& job = claimed.job;
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                          store_.ReadStream(JobStream(job.job_id), StreamReadOptions{}));
  if (std::optional<Status> done = FinishRecorded(claimed, history)) return *done;
  JobHandler* handler = handlers_.Find(job.kind);
  if (handler == nullptr) {
    std::string detail = "no handler for kind \"" + job.kind + "\" in this worker";
    return DeadLetter(claimed, {JobDeadLetteredEvent(job, detail, options_.actor)}, detail);
  }
  LEDGER_RETURN_IF_ERROR(
      AppendJobEvents(store_, job.job_id, {JobStartedEvent(claimed, consumer, options_.actor)}));
  counts_.started.fetch_add(1);
  JobResult result = RunHandler(*handler, job);
  return Finish(claimed, result, handler->retry_policy());
}

Status Worker::Finish(const ClaimedJob& claimed, const JobResult& result,
                      const RetryPolicy& policy) {
  const Job& job = claimed.job;
  if (result.outcome == Outcome::kSucceeded) {
    LEDGER_RETURN_IF_ERROR(
        AppendJobEvents(store_, job.job_id, {JobSucceededEvent(job, result, options_.actor)}));
    counts_.succeeded.fetch_add(1);
    return Transition(claimed, [&] { return queue_.Complete(claimed); });
  }
  // Invariant: job.attempt >= first_attempt (the queue counts every claim).
  std::uint32_t used =
      job.attempt >= claimed.first_attempt ? job.attempt - claimed.first_attempt + 1 : 1;
  if (result.outcome == Outcome::kRetry && used < policy.max_attempts) {
    Timestamp at(options_.clock->Now().value() +
                 RetryDelay(policy, used, options_.jitter()).count() * 1000);
    LEDGER_RETURN_IF_ERROR(
        AppendJobEvents(store_, job.job_id, {JobFailedEvent(job, result, at, options_.actor)}));
    counts_.retried.fetch_add(1);
    return Transition(claimed, [&] { return queue_.Retry(claimed, at); });
  }
  std::string detail = result.outcome == Outcome::kFailed
                           ? result.detail
                           : "attempts exhausted (" + std::to_string(used) + " of " +
                                 std::to_string(policy.max_attempts) + "): " + result.detail;
  std::vector<NewEvent> events;
  events.push_back(JobFailedEvent(job, result, std::nullopt, options_.actor));
  events.push_back(JobDeadLetteredEvent(job, detail, options_.actor));
  return DeadLetter(claimed, std::move(events), detail);
}

Status Worker::DeadLetter(const ClaimedJob& claimed, std::vector<NewEvent> events,
                          std::string_view detail) {
  LEDGER_RETURN_IF_ERROR(AppendJobEvents(store_, claimed.job.job_id, std::move(events)));
  counts_.dead_lettered.fetch_add(1);
  spdlog::warn("job {} ({}) dead-lettered after attempt {}: {}", claimed.job.job_id,
               claimed.job.kind, claimed.job.attempt, detail);
  return Transition(claimed, [&] { return queue_.DeadLetter(claimed, detail); });
}

std::optional<Status> Worker::FinishRecorded(const ClaimedJob& claimed,
                                             const std::vector<RecordedEvent>& history) {
  // The last final outcome since the last requeue (a requeue starts the job afresh).
  std::string_view outcome;
  std::string detail;
  for (const RecordedEvent& e : history) {
    if (e.event_type == kJobRequeued) outcome = {};
    if (e.event_type == kJobSucceeded || e.event_type == kJobDeadLettered) {
      outcome = e.event_type == kJobSucceeded ? kJobSucceeded : kJobDeadLettered;
      detail = "dead-lettered before (see " + e.event_id.ToString() + ")";
    }
  }
  if (outcome.empty()) return std::nullopt;
  spdlog::info("job {} ({}) attempt {}: its outcome ({}) is already recorded; not run again",
               claimed.job.job_id, claimed.job.kind, claimed.job.attempt, outcome);
  if (outcome == kJobSucceeded) {
    return Transition(claimed, [&] { return queue_.Complete(claimed); });
  }
  return Transition(claimed, [&] { return queue_.DeadLetter(claimed, detail); });
}

Status Worker::Transition(const ClaimedJob& claimed,
                          const std::function<Result<TransitionOutcome>()>& move) {
  Result<TransitionOutcome> outcome = move();
  while (!outcome.ok() && outcome.status().code() == StatusCode::kUnavailable &&
         !stopping_.load()) {
    // The outcome is in the ledger and this worker still holds the claim: wait for the queue
    // rather than leave the job to be reclaimed (a reclaim would only finish it later).
    spdlog::warn("job {} attempt {}: the queue is unavailable ({}); retrying in {} ms",
                 claimed.job.job_id, claimed.job.attempt, outcome.status().ToString(),
                 options_.unavailable_wait.count());
    std::this_thread::sleep_for(options_.unavailable_wait);
    outcome = move();
  }
  LEDGER_RETURN_IF_ERROR(outcome);
  if (*outcome == TransitionOutcome::kStale) {
    // Another worker reclaimed the job while this one ran it (the run outlasted the
    // visibility timeout): that claim owns the job now and records its own attempt.
    spdlog::info("job {} attempt {}: superseded by a newer claim", claimed.job.job_id,
                 claimed.job.attempt);
  }
  return Status::Ok();
}

void Worker::Loop(const std::stop_token& stop, std::string consumer) {
  while (!stop.stop_requested()) {
    Result<std::size_t> ran = RunOnce(consumer);
    if (!ran.ok()) {
      spdlog::warn("worker {}: {}; retrying in {} ms", consumer, ran.status().ToString(),
                   options_.unavailable_wait.count());
      SleepUnlessStopped(stop, options_.unavailable_wait);
    }
  }
}

void Worker::Start() {
  if (!threads_.empty()) return;
  stopping_.store(false);
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) {
    std::string consumer = options_.name + "-" + std::to_string(i);
    threads_.emplace_back([this, consumer](const std::stop_token& stop) { Loop(stop, consumer); });
  }
}

void Worker::Stop() {
  stopping_.store(true);
  for (std::jthread& thread : threads_) thread.request_stop();
  for (std::jthread& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace ledger::jobs
