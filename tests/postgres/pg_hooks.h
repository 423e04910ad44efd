// Test helpers for holding PostgreSQL append transactions at chosen points: hooks built from
// functions, and a one-shot gate two threads meet at.
#ifndef LEDGER_TESTS_POSTGRES_PG_HOOKS_H_
#define LEDGER_TESTS_POSTGRES_PG_HOOKS_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "adapters/postgres/pg_event_store.h"

namespace ledger::pgtest {

class FunctionHooks final : public PgAppendHooks {
 public:
  std::function<Status(PgTransaction&)> after_begin;
  std::function<Status(PgTransaction&)> before_commit;

  Status AfterBegin(PgTransaction& tx) override {
    return after_begin ? after_begin(tx) : Status::Ok();
  }
  Status BeforeCommit(PgTransaction& tx) override {
    return before_commit ? before_commit(tx) : Status::Ok();
  }
};

// Opens once; Wait() blocks until then (or a 30 s safety timeout, so a broken test fails
// instead of hanging).
class Gate {
 public:
  void Open() {
    {
      std::lock_guard lock(mu_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool Wait() {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

}  // namespace ledger::pgtest

#endif  // LEDGER_TESTS_POSTGRES_PG_HOOKS_H_
