// SchedulerService: the daily-drop scheduler on a thread of its own, for `ledger serve`
// (adapters/cli/background_services.cc): Start() after the store is open, Stop() before it
// closes. Every server process runs one; the "scheduler" lease lets one of them tick.
#ifndef LEDGER_JOBS_SCHEDULER_SERVICE_H_
#define LEDGER_JOBS_SCHEDULER_SERVICE_H_

#include <memory>
#include <thread>

#include "jobs/scheduler.h"

namespace ledger::jobs {

class SchedulerService {
 public:
  // `events` and `elector` (ReadModelStore::leadership() in the server) must outlive the
  // service. InvalidArgument as DropScheduler::Create.
  static Result<std::unique_ptr<SchedulerService>> Create(EventStore& events,
                                                          LeaderElector& elector,
                                                          SchedulerOptions options);
  ~SchedulerService();  // Stop()

  void Start();  // no-op when running
  void Stop();   // waits for the thread; releases the lease; no-op when stopped

 private:
  SchedulerService(std::unique_ptr<DropScheduler> scheduler, LeaderElector& elector)
      : scheduler_(std::move(scheduler)), elector_(elector) {}

  std::unique_ptr<DropScheduler> scheduler_;
  LeaderElector& elector_;
  std::jthread thread_;
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_SCHEDULER_SERVICE_H_
