// One leader per job across processes (DESIGN.md section 12): projectors, the translator, the
// sealer and the scheduler each run in exactly one `ledger serve` at a time. PostgreSQL gives
// this with a session advisory lock held on a dedicated connection; the SQLite store with a
// lock file beside the database.
//
// Leadership alone is not a fence: a leader whose connection died may not know it yet. Work
// that must happen once is also guarded by a compare-and-set (checkpoint_store.h), so a stale
// leader's write is refused rather than applied twice.
#ifndef LEDGER_ENGINE_LEADERSHIP_H_
#define LEDGER_ENGINE_LEADERSHIP_H_

#include <memory>
#include <string_view>

#include "engine/result.h"

namespace ledger {

// Held leadership; released when destroyed.
class Lease {
 public:
  virtual ~Lease() = default;
  // False once the lease is known to be lost (e.g. its connection broke): stop leading.
  virtual bool Held() = 0;
};

class LeaderElector {
 public:
  virtual ~LeaderElector() = default;
  // Takes leadership of `name` if nobody holds it: a Lease, or nullptr if another process
  // leads. Unavailable if the store is unreachable.
  virtual Result<std::unique_ptr<Lease>> TryLead(std::string_view name) = 0;
};

// Leadership within one process only (the memory store, tests): a name is led by at most one
// Lease of this elector at a time.
class LocalLeaderElector final : public LeaderElector {
 public:
  LocalLeaderElector();
  ~LocalLeaderElector() override;
  Result<std::unique_ptr<Lease>> TryLead(std::string_view name) override;

  struct State;  // shared with the leases it hands out (leadership.cc)

 private:
  std::shared_ptr<State> state_;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_LEADERSHIP_H_
