#include "adapters/cli/background_services.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

#include "adapters/http/projection_metrics.h"
#include "commands/intake/translator.h"
#include "replay/sealer.h"

namespace ledger::cli {

namespace {

constexpr std::chrono::seconds kTranslatorRetry{5};
constexpr std::chrono::seconds kDispatcherRetry{5};

void SleepFor(const std::stop_token& stop, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, duration, [] { return false; });
}

void Counter(std::string& out, std::string_view name, std::string_view help, std::uint64_t value) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n# TYPE ");
  out.append(name).append(" counter\n").append(name).append(" ");
  out.append(std::to_string(value)).append("\n");
}

}  // namespace

BackgroundServices::BackgroundServices(EventStore& events, projections::ReadModelStore& rows,
                                       Clock& clock)
    : events_(events), rows_(rows), clock_(clock) {}

BackgroundServices::~BackgroundServices() { Stop(); }

void BackgroundServices::EnableSealer(replay::SealKey key) { seal_key_ = std::move(key); }

Status BackgroundServices::EnableScheduler(jobs::SchedulerOptions options) {
  options.clock = &clock_;
  options.on_error = [](const Status& status) { spdlog::warn("scheduler: {}", status.ToString()); };
  LEDGER_ASSIGN_OR_RETURN(scheduler_,
                          jobs::SchedulerService::Create(events_, rows_.leadership(), options));
  return Status::Ok();
}

void BackgroundServices::OnLiveChange(
    std::function<void(const projections::LiveTablesChanged&)> hook) {
  runner_options_.on_live_change = std::move(hook);
}

void BackgroundServices::EnableJobs(std::unique_ptr<jobs::JobQueue> queue,
                                    std::unique_ptr<JobHandlerSet> handlers,
                                    jobs::WorkerOptions worker, jobs::DispatchSettings dispatch) {
  for (const std::string& kind : handlers->not_configured) {
    spdlog::warn("jobs: not configured, its jobs are dead-lettered: {}", kind);
  }
  job_queue_ = std::move(queue);
  job_handlers_ = std::move(handlers);
  jobs::DispatcherOptions options;
  options.clock = &clock_;
  dispatcher_service_ = std::make_unique<jobs::Dispatcher>(
      events_, rows_, *job_queue_, jobs::StandardDispatchRules(dispatch), options);
  worker.clock = &clock_;
  worker_ = std::make_unique<jobs::Worker>(*job_queue_, events_, job_handlers_->registry,
                                           std::move(worker));
}

void BackgroundServices::Start() {
  if (!projections_) {
    std::vector<projections::Projector*> all(catalog_.pointers().begin(),
                                             catalog_.pointers().end());
    projections_ = std::make_unique<projections::ProjectionService>(
        events_, rows_, std::move(all), runner_options_, clock_,
        [](const Status& status) { spdlog::warn("projections: {}", status.ToString()); });
  }
  projections_->Start();
  if (scheduler_) scheduler_->Start();
  if (worker_ && !dispatcher_.joinable()) {
    dispatcher_ = std::jthread([this](std::stop_token stop) { RunDispatcher(stop); });
    worker_->Start();
  }
  if (seal_key_ && !sealer_.joinable()) {
    sealer_ = std::jthread([this](std::stop_token stop) {
      replay::SealerOptions options;
      options.clock = &clock_;
      options.on_error = [](const Status& status) {
        spdlog::warn("sealer: {}", status.ToString());
      };
      replay::Sealer sealer(events_, *seal_key_, options);
      sealer.Lead(rows_.leadership(), stop);
    });
  }
  if (!translator_.joinable()) {
    translator_ = std::jthread([this](std::stop_token stop) { RunTranslator(stop); });
  }
}

void BackgroundServices::Stop() {
  if (dispatcher_.joinable()) {
    dispatcher_.request_stop();
    dispatcher_.join();
  }
  if (worker_) worker_->Stop();
  if (sealer_.joinable()) {
    sealer_.request_stop();
    sealer_.join();
  }
  if (translator_.joinable()) {
    translator_.request_stop();
    translator_.join();
  }
  if (scheduler_) scheduler_->Stop();
  if (projections_) projections_->Stop();
}

void BackgroundServices::RenderMetrics(std::string& out) const {
  if (projections_) {
    http::RenderProjectionMetrics(projections_->Progress(), clock_.Now(), out);
  }
  if (!worker_) return;
  jobs::DispatcherStats d = dispatcher_service_->stats();
  const jobs::WorkerCounts& w = worker_->counts();
  Counter(out, "ledger_dispatcher_events_total", "Events the dispatcher read and checkpointed.",
          d.events);
  Counter(out, "ledger_dispatcher_jobs_queued_total", "Jobs the dispatcher queued as new.",
          d.queued);
  Counter(out, "ledger_dispatcher_jobs_duplicate_total",
          "Jobs the queue already had when the dispatcher enqueued them (events read again).",
          d.duplicates);
  Counter(out, "ledger_dispatcher_unavailable_total",
          "Dispatcher batches stopped because Redis or the store was unavailable.", d.unavailable);
  Counter(out, "ledger_worker_jobs_started_total", "Job attempts this process's worker began.",
          w.started.load());
  Counter(out, "ledger_worker_jobs_succeeded_total", "Jobs this process's worker finished.",
          w.succeeded.load());
  Counter(out, "ledger_worker_jobs_retried_total", "Attempts that failed and will be retried.",
          w.retried.load());
  Counter(out, "ledger_worker_jobs_dead_lettered_total", "Jobs this process dead-lettered.",
          w.dead_lettered.load());
  Counter(out, "ledger_worker_errors_total",
          "Worker rounds that failed on Redis or the store (the job is reclaimed later).",
          w.errors.load());
}

void BackgroundServices::RunTranslator(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Result<std::unique_ptr<Lease>> lease = rows_.leadership().TryLead("translator");
    if (!lease.ok()) {
      spdlog::warn("translator: {}", lease.status().ToString());
    } else if (*lease != nullptr) {
      commands::intake::TranslatorOptions options;
      options.clock = &clock_;
      commands::intake::Translator translator(events_, rows_, options);
      Status followed = translator.Follow(stop);
      // Conflict: another process moved the checkpoint (it leads now); anything else is an
      // error worth a line. Either way, give up the lease and try again later.
      if (!followed.ok()) spdlog::warn("translator stopped: {}", followed.ToString());
    }
    SleepFor(stop, kTranslatorRetry);
  }
}

// The same shape as the translator: one leader across processes, and a follower that rides
// out Redis and database outages by itself (Follow retries Unavailable without returning).
void BackgroundServices::RunDispatcher(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Result<std::unique_ptr<Lease>> lease = rows_.leadership().TryLead(jobs::kDispatcherCheckpoint);
    if (!lease.ok()) {
      spdlog::warn("dispatcher: {}", lease.status().ToString());
    } else if (*lease != nullptr) {
      Status followed = dispatcher_service_->Follow(stop);
      if (!followed.ok()) spdlog::warn("dispatcher stopped: {}", followed.ToString());
    }
    SleepFor(stop, kDispatcherRetry);
  }
}

}  // namespace ledger::cli
