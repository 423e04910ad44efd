#include "engine/leadership.h"

#include <mutex>
#include <set>
#include <string>

namespace ledger {

struct LocalLeaderElector::State {
  std::mutex mu;
  std::set<std::string, std::less<>> led;
};

namespace {

class LocalLease final : public Lease {
 public:
  LocalLease(std::shared_ptr<LocalLeaderElector::State> state, std::string name)
      : state_(std::move(state)), name_(std::move(name)) {}
  ~LocalLease() override {
    std::lock_guard lock(state_->mu);
    state_->led.erase(name_);
  }
  bool Held() override { return true; }

 private:
  std::shared_ptr<LocalLeaderElector::State> state_;
  std::string name_;
};

}  // namespace

LocalLeaderElector::LocalLeaderElector() : state_(std::make_shared<State>()) {}
LocalLeaderElector::~LocalLeaderElector() = default;

Result<std::unique_ptr<Lease>> LocalLeaderElector::TryLead(std::string_view name) {
  std::lock_guard lock(state_->mu);
  if (!state_->led.emplace(name).second) return std::unique_ptr<Lease>();
  return std::unique_ptr<Lease>(std::make_unique<LocalLease>(state_, std::string(name)));
}

}  // namespace ledger
