// Row-level security on events by tenant (DESIGN.md section 4): a query with no WHERE
// clause, run as ledger_reader, sees only its tenant; the setting is transaction-local.
#include <doctest/doctest.h>

#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using testing::MakeAppend;
using testing::MakeEvent;
using testing::UniqueStream;

void AppendForTenant(EventStore& store, const std::string& tenant, int count) {
  std::vector<NewEvent> events;
  for (int i = 0; i < count; ++i) {
    events.push_back(MakeEvent());
    events.back().tenant = TenantId(tenant);
  }
  Result<AppendResult> r =
      store.Append(MakeAppend(UniqueStream("order"), ExpectedVersion::Any(), events));
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
}

std::vector<std::string> TenantsSeen(pg::PgConnection& conn, const std::string& scope) {
  MustExec(conn, "BEGIN");
  if (!scope.empty()) MustExec(conn, "SELECT set_config('ledger.tenant', '" + scope + "', true)");
  pg::PgResult r = MustExec(conn, "SELECT tenant_id FROM events");  // no WHERE clause
  MustExec(conn, "COMMIT");
  std::vector<std::string> out;
  for (int i = 0; i < r.rows(); ++i) out.emplace_back(r.Get(i, 0));
  return out;
}

}  // namespace

TEST_CASE("rls: ledger_reader sees only its own tenant's events") {
  TestStore t(SystemClock::Default());
  AppendForTenant(*t.store, "tenant_a", 2);
  AppendForTenant(*t.store, "tenant_b", 3);
  TestLogin reader({"ledger_reader"});
  std::unique_ptr<pg::PgConnection> conn = Connect(reader.Url(t.db->Url()));

  CHECK(TenantsSeen(*conn, "tenant_a") == std::vector<std::string>{"tenant_a", "tenant_a"});
  CHECK(TenantsSeen(*conn, "tenant_b").size() == 3);
  CHECK(TenantsSeen(*conn, "").empty());   // no scope, no rows
  CHECK(TenantsSeen(*conn, "*").empty());  // '*' is not for readers
  // set_config(..., true) ended with its transaction: a pooled connection leaks no scope.
  CHECK(MustExec(*conn, "SELECT count(*) FROM events").GetInt64(0, 0) == 0);
}

TEST_CASE("rls: the store's roles see every tenant only when they ask for '*'") {
  TestStore t(SystemClock::Default());
  AppendForTenant(*t.store, "tenant_a", 2);
  AppendForTenant(*t.store, "tenant_b", 3);
  for (const char* role : {"ledger_writer", "ledger_projector", "ledger_auditor"}) {
    CAPTURE(role);
    TestLogin login({role});
    std::unique_ptr<pg::PgConnection> conn = Connect(login.Url(t.db->Url()));
    CHECK(TenantsSeen(*conn, "").empty());
    CHECK(TenantsSeen(*conn, "tenant_a").size() == 2);
    CHECK(TenantsSeen(*conn, "*").size() == 5);
  }
}

TEST_CASE("rls: a writer scoped to one tenant cannot insert another's event") {
  TestStore t(SystemClock::Default());
  TestLogin writer({"ledger_writer"});
  std::unique_ptr<pg::PgConnection> conn = Connect(writer.Url(t.db->Url()));
  MustExec(*conn, "SET ledger.tenant = 'tenant_a'");
  conn->ClearError();
  Result<pg::PgResult> r = conn->Exec(
      "INSERT INTO events (commit_key, stream_id, stream_version, event_id, event_type, "
      "schema_version, tenant_id, payload, recorded_at, stream_hash) VALUES "
      "(pg_current_xact_id(), 'order-1', 1, gen_random_uuid(), 'order.placed', 1, 'tenant_b', "
      "'{}', now(), decode(repeat('00', 32), 'hex'))");
  CHECK_FALSE(r.ok());
  CHECK(conn->last_error().sqlstate == "42501");  // new row violates row-level security
}

}  // namespace ledger::pgtest
