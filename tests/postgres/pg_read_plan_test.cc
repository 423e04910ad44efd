// The plan of ReadAll's page query under the store's row-level security: an ordered scan of
// the events_log_order index that stops at the page's LIMIT. With a constant LIMIT the planner,
// misjudging how many rows the policy keeps, sorted every event after the checkpoint for each
// page, so a page cost more the longer the log (pg_statements.cc, LEDGER_READ_ALL_AFTER).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "adapters/postgres/pg_statements.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using testing::MakeAppend;
using testing::UniqueStream;

constexpr Timestamp kT0{1'795'000'000'000'000};
constexpr std::size_t kEvents = 20'000;
constexpr std::size_t kPage = 1'000;

// EXPLAIN of `statement` run with `arguments`, as the store runs it: as ledger_writer, with the
// store's planner settings (pg_event_store.cc), planned with its arguments (as the first five
// executions are) or generically (as every later one may be).
std::string PlanAsStore(pg::PgConnection& conn, const pg::Statement& statement,
                        const std::string& arguments, const std::string& tenant, bool generic) {
  MustExec(conn, "RESET ROLE");
  MustExec(conn, "DEALLOCATE ALL");
  MustExec(conn, "SET ROLE ledger_writer");
  MustExec(conn, "SET ledger.tenant = '" + tenant + "'");
  MustExec(conn, pg::kIndexPlansOnly);
  MustExec(conn, std::string("SET plan_cache_mode = ") +
                     (generic ? "force_generic_plan" : "force_custom_plan"));
  MustExec(conn, std::string("PREPARE page AS ") + statement.sql);
  pg::PgResult result = MustExec(conn, "EXPLAIN EXECUTE page(" + arguments + ")");
  std::string plan;
  for (int row = 0; row < result.rows(); ++row) plan += std::string(result.Get(row, 0)) + "\n";
  return plan;
}

}  // namespace

TEST_CASE("ReadAll's page is an ordered index scan that stops at the limit, however long the log") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  // Tenants split the log three ways, as in the benchmark's domain log.
  for (std::size_t i = 0; i < kEvents / kPage; ++i) {
    AppendRequest request =
        MakeAppend(UniqueStream("order"), ExpectedVersion::NoStream(), static_cast<int>(kPage));
    const char* tenant = i % 3 == 0 ? "default" : (i % 3 == 1 ? "shop-eu" : "shop-us");
    for (NewEvent& e : request.events) e.tenant = TenantId(tenant);
    Result<AppendResult> appended = t.store->Append(request);
    REQUIRE_MESSAGE(appended.ok(), appended.status().ToString());
  }
  std::unique_ptr<pg::PgConnection> conn = Connect(t.db->Url());
  MustExec(*conn, "ANALYZE events");
  pg::PgResult early = MustExec(*conn, "SELECT global_position FROM events "
                                       "ORDER BY commit_key, global_position OFFSET 999 LIMIT 1");
  const std::string after = std::string(early.Get(0, 0));
  const std::string limit = std::to_string(kPage);

  struct Case {
    const char* what;
    const pg::Statement* statement;
    std::string arguments;
  };
  const std::vector<Case> cases = {
      {"after a checkpoint", &pg::kReadAllAfter, after + ", " + limit},
      {"after a checkpoint, no bodies", &pg::kReadAllAfterNoBody, after + ", " + limit},
      {"from the start", &pg::kReadAllFromStart, limit},
      {"from the start, no bodies", &pg::kReadAllFromStartNoBody, limit},
  };
  for (const Case& c : cases) {
    for (const char* tenant : {"*", "shop-eu"}) {
      for (bool generic : {false, true}) {
        CAPTURE(c.what);
        CAPTURE(tenant);
        CAPTURE(generic);
        std::string plan = PlanAsStore(*conn, *c.statement, c.arguments, tenant, generic);
        CAPTURE(plan);
        CHECK(plan.find("Index Scan using events_log_order") != std::string::npos);
        CHECK(plan.find("Sort") == std::string::npos);
        CHECK(plan.find("Bitmap") == std::string::npos);
      }
    }
  }
}

}  // namespace ledger::pgtest
