// ProjectionService: keeps the read models following the log inside `ledger serve`
// (DESIGN.md section 7). One thread; it leads whichever projectors no other process leads
// (retrying the others every few seconds, so a standby server takes over when the leader
// stops), rebuilds those whose version changed, and waits on the store's notifications when
// caught up. Errors never stop it: it reports them, gives up its leases so that checkpoints
// are reloaded, waits, and starts again.
#ifndef LEDGER_PROJECTIONS_PROJECTION_SERVICE_H_
#define LEDGER_PROJECTIONS_PROJECTION_SERVICE_H_

#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "projections/runner.h"

namespace ledger::projections {

class ProjectionService {
 public:
  using ErrorFn = std::function<void(const Status&)>;

  // Everything given must outlive the service.
  ProjectionService(EventStore& events, ReadModelStore& rows, std::vector<Projector*> projectors,
                    RunnerOptions options, Clock& clock, ErrorFn on_error = nullptr);
  ~ProjectionService();  // stops

  void Start();
  // Stops the thread and gives up leadership; returns once it has.
  void Stop();

  // A snapshot of every projector, as of its last step.
  std::vector<ProjectorProgress> Progress() const;

 private:
  void Run(std::stop_token stop);

  EventStore& events_;
  ReadModelStore& rows_;
  std::vector<Projector*> projectors_;
  RunnerOptions options_;
  Clock& clock_;
  ErrorFn on_error_;

  mutable std::mutex mu_;
  std::vector<ProjectorProgress> progress_;
  std::jthread thread_;
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_PROJECTION_SERVICE_H_
