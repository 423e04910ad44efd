// What `ledger serve` runs beside the HTTP server (DESIGN.md sections 5, 7 and 8): the
// translator (provider events -> order and payment events), the projectors and, given a key,
// the sealer; each on its own thread and each led by one server process at a time. Given a job
// queue, also the job dispatcher (led like the translator) and job workers (every process).
#ifndef LEDGER_ADAPTERS_CLI_BACKGROUND_SERVICES_H_
#define LEDGER_ADAPTERS_CLI_BACKGROUND_SERVICES_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "adapters/cli/job_handlers.h"
#include "engine/clock.h"
#include "engine/event_store.h"
#include "jobs/dispatch_rules.h"
#include "jobs/dispatcher.h"
#include "jobs/job_queue.h"
#include "jobs/scheduler_service.h"
#include "jobs/worker.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/projection_service.h"
#include "projections/read_model_store.h"
#include "replay/seal_key.h"

namespace ledger::cli {

class BackgroundServices {
 public:
  // `events` and `rows` must outlive the services. Errors are logged, never fatal: each
  // service retries after a pause, so a database outage delays it and nothing else.
  BackgroundServices(EventStore& events, projections::ReadModelStore& rows, Clock& clock);
  ~BackgroundServices();  // Stop()

  // Also runs the sealer (replay/sealer.h), led by one server at a time, signing with `key`.
  void EnableSealer(replay::SealKey key);

  // Also runs the job dispatcher (jobs/dispatcher.h) with the standard rules, led by one
  // server at a time, and a worker (jobs/worker.h) with `handlers` on this process. Without
  // it, events that ask for jobs wait in the log (the dispatcher's checkpoint stays behind
  // them) until a server with a queue runs. Call before Start.
  void EnableJobs(std::unique_ptr<jobs::JobQueue> queue, std::unique_ptr<JobHandlerSet> handlers,
                  jobs::WorkerOptions worker, jobs::DispatchSettings dispatch);

  // Also runs the daily-drop scheduler (jobs/scheduler_service.h), led by one server at a
  // time. InvalidArgument for an unknown time zone. Call before Start.
  Status EnableScheduler(jobs::SchedulerOptions options);

  // Tells `hook` which live read-model rows each projection batch changed
  // (RunnerOptions::on_live_change): the catalog cache's invalidation. Call before Start.
  void OnLiveChange(std::function<void(const projections::LiveTablesChanged&)> hook);

  void Start();
  void Stop();

  // Appends the projection lag gauges (docs/read-models.md, "Lag") and, with jobs enabled,
  // the dispatcher's and worker's counters (docs/jobs.md, "Metrics") to Prometheus text.
  void RenderMetrics(std::string& out) const;

 private:
  void RunTranslator(std::stop_token stop);
  void RunDispatcher(std::stop_token stop);

  EventStore& events_;
  projections::ReadModelStore& rows_;
  Clock& clock_;
  projections::StandardProjectors catalog_;
  projections::RunnerOptions runner_options_;
  std::unique_ptr<projections::ProjectionService> projections_;  // made by Start
  std::unique_ptr<jobs::SchedulerService> scheduler_;
  std::jthread translator_;
  std::optional<replay::SealKey> seal_key_;
  std::jthread sealer_;
  // The jobs part (EnableJobs); the worker runs on the queue and the handlers, so it is
  // declared after them and destroyed first.
  std::unique_ptr<jobs::JobQueue> job_queue_;
  std::unique_ptr<JobHandlerSet> job_handlers_;
  // One for the process's lifetime (it keeps no state between leases, only counters); it
  // follows the log while this process leads "dispatcher".
  std::unique_ptr<jobs::Dispatcher> dispatcher_service_;
  std::unique_ptr<jobs::Worker> worker_;
  std::jthread dispatcher_;
};

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_BACKGROUND_SERVICES_H_
