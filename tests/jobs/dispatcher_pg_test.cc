// The dispatcher on PostgreSQL, as several `ledger serve` processes run it: one leads
// "dispatcher" (an advisory lock) at a time, its checkpoint lives in the read-model store's
// checkpoint table, and re-reading the log from the start queues nothing twice.
#include <doctest/doctest.h>

#include <chrono>
#include <map>

#include "adapters/postgres/pg_read_model_store.h"
#include "jobs/dispatcher.h"
#include "tests/jobs/redis_test_support.h"
#include "tests/postgres/pg_test_support.h"

namespace ledger::jobs::testing {
namespace {

std::unique_ptr<PgReadModelStore> OpenRows(const std::string& url) {
  auto opened = PgReadModelStore::Open(url, PgReadModelOptions{});
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return std::move(opened).value();
}

NewEvent OrderEvent(const std::string& type, const std::string& payload) {
  NewEvent e;
  e.event_id = Uuid::V4();
  e.event_type = type;
  e.tenant = TenantId("shop1");
  e.payload = payload;
  return e;
}

TEST_CASE("on PostgreSQL one process leads the dispatcher and a paid order is queued once") {
  pgtest::TestStore ts(SystemClock::Default());
  REQUIRE(ts.store
              ->Append({StreamId("order-cs_pg_1"),
                        ExpectedVersion::NoStream(),
                        {OrderEvent("order.placed", R"({"order_id":"cs_pg_1","lines":[]})"),
                         OrderEvent("order.paid", R"({"order_id":"cs_pg_1","amount":1})")}})
              .ok());
  // Readers stop below the oldest transaction running anywhere in the cluster (another
  // test's, under ctest -j): wait until the append above is readable.
  Result<bool> readable = ts.store->WaitForCommitted(std::chrono::seconds(30));
  REQUIRE_MESSAGE(readable.ok(), readable.status().ToString());
  REQUIRE(*readable);
  std::unique_ptr<PgReadModelStore> first = OpenRows(ts.db->Url());
  std::unique_ptr<PgReadModelStore> second = OpenRows(ts.db->Url());

  auto lease = first->leadership().TryLead(kDispatcherCheckpoint);
  REQUIRE(lease.ok());
  REQUIRE(*lease != nullptr);
  auto other = second->leadership().TryLead(kDispatcherCheckpoint);
  REQUIRE(other.ok());
  CHECK(*other == nullptr);  // the second process stands by

  auto queue = FreshQueue(TestRedis());
  Dispatcher leader(*ts.store, *first, *queue, StandardDispatchRules({}));
  REQUIRE(leader.CatchUp().ok());
  CHECK(leader.stats().queued == 2);

  // The checkpoint is in the database: the standby sees it.
  auto seen = second->LoadCheckpoint(kDispatcherCheckpoint);
  REQUIRE(seen.ok());
  REQUIRE(seen->has_value());
  CHECK((*seen)->position >= GlobalPosition(2));

  // The leader goes away; the standby takes over, and from the start of the log (a restored
  // checkpoint) it finds every job a duplicate.
  lease->reset();
  auto taken = second->leadership().TryLead(kDispatcherCheckpoint);
  REQUIRE(taken.ok());
  REQUIRE(*taken != nullptr);
  CheckpointMove back{.expected = (*seen)->position, .next = **seen};
  back.next.position = GlobalPosition(0);
  REQUIRE(second->SaveCheckpoint(back).ok());
  Dispatcher standby(*ts.store, *second, *queue, StandardDispatchRules({}));
  REQUIRE(standby.CatchUp().ok());
  CHECK(standby.stats().queued == 0);
  CHECK(standby.stats().duplicates == 2);

  // The slower process, still believing it leads, cannot move the checkpoint back.
  CheckpointMove stale{.expected = GlobalPosition(0), .next = **seen};
  CHECK(first->SaveCheckpoint(stale).code() == StatusCode::kConflict);
}

}  // namespace
}  // namespace ledger::jobs::testing
