// Test helpers for holding PostgreSQL append transactions at chosen points: hooks built from
// functions, a one-shot gate two threads meet at, hooks that hold every append before its
// COMMIT, and a store opened with hooks.
#ifndef LEDGER_TESTS_POSTGRES_PG_HOOKS_H_
#define LEDGER_TESTS_POSTGRES_PG_HOOKS_H_

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

#include "adapters/postgres/pg_event_store.h"
#include "engine/clock.h"
#include "tests/postgres/pg_test_support.h"

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

// Stops every append before its COMMIT: `held` opens once one is stopped there, and it
// commits once `release` opens.
class HoldBeforeCommit final : public PgAppendHooks {
 public:
  Gate held;
  Gate release;

  Status BeforeCommit(PgTransaction&) override {
    held.Open();
    release.Wait();
    return Status::Ok();
  }
};

// A second store on `db` whose appends run `hooks` (which must outlive it).
inline std::unique_ptr<PgEventStore> OpenWithHooks(const TestDatabase& db, Clock* clock,
                                                   PgAppendHooks* hooks, std::size_t pool = 8) {
  PgOptions options;
  options.clock = clock;
  options.hooks = hooks;
  options.pool_size = pool;
  Result<std::unique_ptr<PgEventStore>> s = PgEventStore::Open(db.Url(), options);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return std::move(s).value();
}

}  // namespace ledger::pgtest

#endif  // LEDGER_TESTS_POSTGRES_PG_HOOKS_H_
