#include "jobs/scheduler_service.h"

namespace ledger::jobs {

Result<std::unique_ptr<SchedulerService>> SchedulerService::Create(EventStore& events,
                                                                   LeaderElector& elector,
                                                                   SchedulerOptions options) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<DropScheduler> scheduler,
                          DropScheduler::Create(events, std::move(options)));
  return std::unique_ptr<SchedulerService>(new SchedulerService(std::move(scheduler), elector));
}

SchedulerService::~SchedulerService() { Stop(); }

void SchedulerService::Start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) { scheduler_->Lead(elector_, stop); });
}

void SchedulerService::Stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace ledger::jobs
