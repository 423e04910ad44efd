#include "projections/projection_service.h"

#include <condition_variable>

#include "projections/internal/projector_set.h"

namespace ledger::projections {

namespace {

// Sleeps for `duration` or until `stop` is requested.
void SleepFor(std::stop_token stop, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace

ProjectionService::ProjectionService(EventStore& events, ReadModelStore& rows,
                                     std::vector<Projector*> projectors, RunnerOptions options,
                                     Clock& clock, ErrorFn on_error)
    : events_(events),
      rows_(rows),
      projectors_(std::move(projectors)),
      options_(options),
      clock_(clock),
      on_error_(std::move(on_error)) {}

ProjectionService::~ProjectionService() { Stop(); }

void ProjectionService::Start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { Run(stop); });
}

void ProjectionService::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

std::vector<ProjectorProgress> ProjectionService::Progress() const {
  std::lock_guard lock(mu_);
  return progress_;
}

void ProjectionService::Run(std::stop_token stop) {
  internal::ProjectorSet set(events_, rows_, projectors_, options_, clock_);
  auto publish = [&] {
    std::lock_guard lock(mu_);
    progress_ = set.Progress();
  };
  auto fail = [&](const Status& status) {
    if (on_error_) on_error_(status);
    // Whether the failed step took effect is unknown: reload every checkpoint before going on.
    set.ReleaseAll();
    publish();
    SleepFor(stop, options_.retry_wait);
  };

  std::chrono::steady_clock::time_point next_leadership_attempt{};
  while (!stop.stop_requested()) {
    auto now = std::chrono::steady_clock::now();
    std::size_t led = set.LeadingCount();
    if (led < projectors_.size() && now >= next_leadership_attempt) {
      Result<std::size_t> taken = set.TakeLeadership();
      next_leadership_attempt = now + options_.leadership_retry;
      if (!taken.ok()) {
        fail(taken.status());
        next_leadership_attempt = {};
        continue;
      }
      led = *taken;
    }
    if (led == 0) {
      publish();
      SleepFor(stop, options_.leadership_retry);
      continue;
    }
    Result<bool> progressed = set.Step();
    publish();
    if (!progressed.ok()) {
      fail(progressed.status());
      next_leadership_attempt = {};
      continue;
    }
    if (!*progressed) {
      Status waited = events_.WaitForEvents(set.LowestPosition(), options_.idle_wait);
      if (!waited.ok()) fail(waited);
    }
  }
  set.ReleaseAll();
  publish();
}

}  // namespace ledger::projections
