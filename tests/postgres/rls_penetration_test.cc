// Row-level security from an attacker's seat (issue 11, "Isolation and tamper resistance"):
// raw SQL through libpq as real login roles that are members of ledger_reader,
// ledger_projector, ledger_auditor or ledger_writer, never as the superuser. The tables under test are not
// a list written here: they are every relation of the migrated schema plus every read-model
// table the standard projectors declare, found in pg_catalog by their tenant_id column. A new
// read model is covered the day it is added, and a fixture that forgets to fill one fails.
//
// Related cases that already exist and are not repeated: events are never updated, deleted
// or truncated by an application role, and triggers refuse the owner (pg_immutability_test);
// a superuser's tamper with triggers off is caught by verify and `ledger verify`
// (tests/replay/pg_tamper_test.cc); the store's pooled connections leave no scope behind
// (pg_read_model_rls_test, pg_read_model_reader_test).
#include <doctest/doctest.h>

#include <set>

#include "adapters/postgres/pg_read_model_store.h"
#include "projections/catalog/standard_projectors.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using projections::ColumnType;
using projections::CommitRequest;
using projections::Row;
using projections::RowChange;
using projections::TableSet;
using projections::TableSpec;

constexpr const char* kTenantA = "tenant_a";
constexpr const char* kTenantB = "tenant_b";
const std::vector<std::string> kCustomers = {"cus_1", "cus_2"};

// Relations every role may read although they have no tenant_id: migration bookkeeping and
// projection checkpoints (names and positions, no tenant data). Anything else readable
// without a tenant column is a leak.
const std::set<std::string> kTenantlessReadable = {"schema_migrations", "projection_checkpoints"};

// A relation that holds tenant rows, as the catalog describes it.
struct TenantRelation {
  std::string name;
  char kind = 'r';  // pg_class.relkind
  bool rls = false;
  bool force_rls = false;
  bool has_customer = false;
};

// What one statement showed a role: the rows (each row's fields joined by '|'), or the
// SQLSTATE it failed with.
struct Seen {
  std::string sqlstate;
  std::vector<std::string> rows;
  bool denied() const { return sqlstate == "42501"; }
};

// Runs `sql` in its own transaction with ledger.tenant / ledger.customer set the way the
// server sets them (set_config(..., true)), unless empty.
Seen RunScoped(pg::PgConnection& conn, const std::string& tenant, const std::string& customer,
               const std::string& sql) {
  MustExec(conn, "BEGIN");
  for (const auto& [name, value] : {std::pair{"ledger.tenant", tenant}, {"ledger.customer", customer}}) {
    if (value.empty()) continue;
    Result<pg::PgResult> set = conn.Query("SELECT set_config($1::text, $2::text, true)",
                                          std::move(pg::Params().Text(name).Text(value)));
    REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  }
  conn.ClearError();
  Result<pg::PgResult> r = conn.Exec(sql);
  Seen seen;
  if (!r.ok()) {
    seen.sqlstate = conn.last_error().sqlstate;
    MustExec(conn, "ROLLBACK");
    return seen;
  }
  for (int i = 0; i < r->rows(); ++i) {
    std::string row;
    for (int c = 0; c < r->columns(); ++c) row += (c ? "|" : "") + std::string(r->Get(i, c));
    seen.rows.push_back(row);
  }
  MustExec(conn, "COMMIT");
  return seen;
}

// Runs `sql` outside any explicit transaction; returns the SQLSTATE ("" on success).
std::string FailureOf(pg::PgConnection& conn, const std::string& sql) {
  conn.ClearError();
  Result<pg::PgResult> r = conn.Exec(sql);
  return r.ok() ? "" : conn.last_error().sqlstate;
}

// What a change did: the rows it affected, or the SQLSTATE it failed with.
struct Changed {
  std::string sqlstate;
  std::int64_t affected = 0;
};

// Runs the change `sql` in a transaction scoped to `tenant` (none if empty) and rolls it back
// whatever happened, so that one attempt never prepares the ground for the next.
Changed TryScoped(pg::PgConnection& conn, const std::string& tenant, const std::string& sql) {
  MustExec(conn, "BEGIN");
  if (!tenant.empty()) {
    Result<pg::PgResult> set = conn.Query("SELECT set_config('ledger.tenant', $1::text, true)",
                                          std::move(pg::Params().Text(tenant)));
    REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  }
  conn.ClearError();
  Result<pg::PgResult> r = conn.Exec(sql);
  Changed changed;
  if (r.ok()) {
    changed.affected = r->affected();
  } else {
    changed.sqlstate = conn.last_error().sqlstate;
  }
  MustExec(conn, "ROLLBACK");
  return changed;
}

// A value for every column of a read-model row, distinct per tenant and row.
Row FilledRow(const TableSpec& spec, const std::string& tenant, const std::string& customer,
              int n) {
  Row row(spec);
  for (const projections::Column& column : spec.columns) {
    switch (column.type) {
      case ColumnType::kText:
        row.SetText(column.name, column.name + "-" + tenant + "-" + std::to_string(n));
        break;
      case ColumnType::kInteger:
        row.SetInt(column.name, n);
        break;
      case ColumnType::kBoolean:
        row.SetBool(column.name, false);
        break;
      case ColumnType::kTimestamp:
        row.SetTime(column.name, Timestamp(1'800'000'000'000'000 + n));
        break;
      case ColumnType::kJson:
        row.SetJson(column.name, "{}");
        break;
    }
  }
  row.SetText("tenant_id", tenant);
  if (spec.customer_scoped) row.SetText("customer_id", customer);
  return row;
}

// Two tenants' data in every tenant table: events and streams through the event store, an
// aggregate snapshot each, and rows of two customers in every standard read-model table.
class TwoTenants {
 public:
  TwoTenants() : t_(SystemClock::Default()) {
    for (const char* tenant : {kTenantA, kTenantB}) {
      NewEvent event = testing::MakeEvent();
      event.tenant = TenantId(tenant);
      REQUIRE(t_.store
                  ->Append(testing::MakeAppend(std::string("order-") + tenant,
                                               ExpectedVersion::Any(), {event}))
                  .ok());
    }
    admin_ = t_.db->ConnectAdmin();
    for (const char* tenant : {kTenantA, kTenantB}) {
      MustExec(*admin_,
               std::string("INSERT INTO aggregate_snapshots VALUES ('") + tenant + "', 'order-" +
                   tenant + "', 'order', 1, 1, '\\x00', now())");
    }
    FillReadModels();
  }

  pg::PgConnection& admin() { return *admin_; }
  const TestDatabase& db() const { return *t_.db; }
  EventStore& store() { return *t_.store; }

  // Every relation in schema public with a tenant_id column.
  std::vector<TenantRelation> TenantRelations() {
    pg::PgResult r = MustExec(*admin_, R"(
        SELECT c.relname, c.relkind, c.relrowsecurity, c.relforcerowsecurity,
               EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                         AND a.attname = 'customer_id' AND NOT a.attisdropped)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                        AND a.attname = 'tenant_id' AND NOT a.attisdropped)
        ORDER BY c.relname)");
    std::vector<TenantRelation> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({std::string(r.Get(i, 0)), r.Get(i, 1)[0], r.Get(i, 2) == "t",
                     r.Get(i, 3) == "t", r.Get(i, 4) == "t"});
    }
    return out;
  }

  // Relations in schema public without tenant_id that `role` may SELECT.
  std::vector<std::string> TenantlessReadableBy(const std::string& role) {
    Result<pg::PgResult> r = admin_->Query(R"(
        SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                            AND a.attname = 'tenant_id' AND NOT a.attisdropped)
          AND has_table_privilege($1::text, c.oid, 'SELECT')
        ORDER BY c.relname)",
                                           std::move(pg::Params().Text(role)));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.emplace_back(r->Get(i, 0));
    return out;
  }

  bool CanSelect(const std::string& role, const std::string& relation) {
    Result<pg::PgResult> r =
        admin_->Query("SELECT has_table_privilege($1::text, $2::text, 'SELECT')::text",
                      std::move(pg::Params().Text(role).Text(relation)));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return r->Get(0, 0) == "true";
  }

 private:
  void FillReadModels() {
    PgReadModelOptions options;
    options.lease_check_interval = std::chrono::milliseconds(0);
    Result<std::unique_ptr<PgReadModelStore>> opened = PgReadModelStore::Open(db().Url(), options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    std::unique_ptr<PgReadModelStore> store = std::move(opened).value();
    projections::StandardProjectors projectors;
    std::vector<TableSpec> specs;
    for (projections::Projector* p : projectors.pointers()) {
      for (const TableSpec& spec : p->tables()) specs.push_back(spec);
    }
    Status created = store->CreateTables(specs, TableSet::kLive);
    REQUIRE_MESSAGE(created.ok(), created.ToString());
    std::vector<Row> rows;
    for (const TableSpec& spec : specs) {
      int n = 0;
      for (const char* tenant : {kTenantA, kTenantB}) {
        for (const std::string& customer : kCustomers) rows.push_back(FilledRow(spec, tenant, customer, ++n));
      }
    }
    CommitRequest request;
    for (const Row& row : rows) request.changes.push_back(RowChange{&row.spec(), row.PrimaryKey(), row});
    Status committed = store->Commit(request);
    REQUIRE_MESSAGE(committed.ok(), committed.ToString());
  }

  TestStore t_;
  std::unique_ptr<pg::PgConnection> admin_;
};

std::string DistinctTenants(const std::string& relation) {
  return "SELECT DISTINCT tenant_id FROM " + relation + " ORDER BY 1";  // no WHERE clause
}

using Rows = std::vector<std::string>;

// A stream head row for `tenant`, in the column order of `streams`.
std::string InsertHead(const std::string& stream, const std::string& tenant) {
  return "INSERT INTO streams VALUES ('" + stream + "', '" + tenant +
         "', 0, decode(repeat('00', 32), 'hex'), now(), '0')";
}

}  // namespace

TEST_CASE("rls penetration: the fixture holds both tenants in every tenant table of the catalog") {
  TwoTenants f;
  std::vector<TenantRelation> relations = f.TenantRelations();
  std::set<std::string> names;
  for (const TenantRelation& r : relations) names.insert(r.name);
  // The catalog query finds what the brief names, so an empty result cannot pass vacuously.
  for (const char* expected :
       {"events", "orders", "order_lines", "payments", "products", "review_queue",
        "screening_decisions", "quality_verdicts", "canary_state", "traffic_split_history",
        "jobs", "aggregate_snapshots"}) {
    CHECK_MESSAGE(names.count(expected) == 1, expected);
  }
  for (const TenantRelation& r : relations) {
    CAPTURE(r.name);
    // As the superuser (who bypasses RLS): the data to hide is really there.
    CHECK(RunScoped(f.admin(), "", "", DistinctTenants(r.name)).rows == Rows{kTenantA, kTenantB});
  }
}

TEST_CASE("rls penetration: every tenant table has forced row-level security") {
  TwoTenants f;
  for (const TenantRelation& r : f.TenantRelations()) {
    CAPTURE(r.name);
    // A view or materialized view would be read with its owner's rights, around the policies.
    CHECK(r.kind == 'r');
    CHECK(r.rls);
    CHECK(r.force_rls);
  }
}

TEST_CASE("rls penetration: with tenant A set, no row of tenant B in any table, for any role") {
  TwoTenants f;
  for (const std::string role :
       {"ledger_reader", "ledger_projector", "ledger_auditor", "ledger_writer"}) {
    TestLogin login({role});
    std::unique_ptr<pg::PgConnection> conn = Connect(login.Url(f.db().Url()));
    int readable = 0;
    for (const TenantRelation& r : f.TenantRelations()) {
      CAPTURE(role);
      CAPTURE(r.name);
      if (!f.CanSelect(role, r.name)) {
        CHECK(RunScoped(*conn, kTenantA, "", DistinctTenants(r.name)).denied());
        continue;
      }
      ++readable;
      CHECK(RunScoped(*conn, kTenantA, "", DistinctTenants(r.name)).rows == Rows{kTenantA});
      CHECK(RunScoped(*conn, kTenantB, "", DistinctTenants(r.name)).rows == Rows{kTenantB});
      // A tenant that does not exist, and no tenant at all: nothing.
      CHECK(RunScoped(*conn, "tenant_c", "", DistinctTenants(r.name)).rows.empty());
      CHECK(RunScoped(*conn, "", "", DistinctTenants(r.name)).rows.empty());
      // Values that would match more than one tenant if a policy used LIKE or a list.
      for (const std::string trick : {"%", "tenant_%", "tenant_a,tenant_b", "' OR 1=1 --"}) {
        CAPTURE(trick);
        CHECK(RunScoped(*conn, trick, "", DistinctTenants(r.name)).rows.empty());
      }
      if (role == "ledger_reader") {
        // '*' means "every tenant" only for the store's own roles.
        CHECK(RunScoped(*conn, "*", "", DistinctTenants(r.name)).rows.empty());
      }
    }
    CHECK(readable > 0);
  }
}

TEST_CASE("rls penetration: what a role may read without a tenant column is only bookkeeping") {
  TwoTenants f;
  for (const std::string role :
       {"ledger_reader", "ledger_projector", "ledger_auditor", "ledger_writer"}) {
    CAPTURE(role);
    for (const std::string& relation : f.TenantlessReadableBy(role)) {
      CAPTURE(relation);
      CHECK(kTenantlessReadable.count(relation) == 1);
    }
  }
}

TEST_CASE("rls penetration: stream heads are scoped by tenant for the writer and the auditor") {
  TwoTenants f;
  const std::string heads = "SELECT stream_id, tenant_id, version FROM streams ORDER BY 1";
  // An append's placeholder (tenant '', version 0), as if committed: no tenant's row.
  MustExec(f.admin(), InsertHead("order-pending", ""));
  const Rows all = {"order-pending||0", "order-tenant_a|tenant_a|1", "order-tenant_b|tenant_b|1"};
  for (const std::string role : {"ledger_writer", "ledger_auditor"}) {
    CAPTURE(role);
    TestLogin login({role});
    std::unique_ptr<pg::PgConnection> conn = Connect(login.Url(f.db().Url()));
    // A fresh connection has no ledger.tenant at all: nothing.
    CHECK(RunScoped(*conn, "", "", heads).rows.empty());
    CHECK(RunScoped(*conn, kTenantA, "", heads).rows == Rows{"order-tenant_a|tenant_a|1"});
    CHECK(RunScoped(*conn, kTenantB, "", heads).rows == Rows{"order-tenant_b|tenant_b|1"});
    // After transactions that set it, the setting reads '' rather than absent: still nothing
    // (the placeholder's tenant '' is not a tenant).
    CHECK(MustExec(*conn, "SELECT current_setting('ledger.tenant', true)").Get(0, 0) == "");
    CHECK(RunScoped(*conn, "", "", heads).rows.empty());
    CHECK(RunScoped(*conn, "tenant_c", "", heads).rows.empty());
    // The store's scope: the rows are there for the roles that serve every tenant.
    CHECK(RunScoped(*conn, "*", "", heads).rows == all);
  }
  // Nobody else may read the table at all.
  for (const std::string role : {"ledger_reader", "ledger_projector"}) {
    CAPTURE(role);
    CHECK_FALSE(f.CanSelect(role, "streams"));
  }
}

TEST_CASE("rls penetration: a writer scoped to one tenant cannot write another's stream heads") {
  TwoTenants f;
  TestLogin writer({"ledger_writer"});
  std::unique_ptr<pg::PgConnection> conn = Connect(writer.Url(f.db().Url()));
  const std::string b = "'order-tenant_b'";

  // Inserting a head for tenant B, or an ownerless placeholder, is refused by WITH CHECK;
  // a head of its own tenant is not (the policy is not simply closed).
  CHECK(TryScoped(*conn, kTenantA, InsertHead("order-new", kTenantB)).sqlstate == "42501");
  CHECK(TryScoped(*conn, kTenantA, InsertHead("order-new", "")).sqlstate == "42501");
  CHECK(TryScoped(*conn, kTenantA, InsertHead("order-new", kTenantA)).affected == 1);
  // Without a tenant (here the '' an earlier transaction's setting leaves behind) nothing may
  // be inserted, not even a placeholder whose tenant is ''.
  CHECK(TryScoped(*conn, "", InsertHead("order-new", kTenantA)).sqlstate == "42501");
  CHECK(TryScoped(*conn, "", InsertHead("order-new", "")).sqlstate == "42501");

  // B's head is invisible to updates, row locks and deletes (the delete trigger would have
  // refused a visible row with events, so no error means the row was never reached).
  CHECK(TryScoped(*conn, kTenantA, "UPDATE streams SET version = version + 1 WHERE stream_id = " + b)
            .affected == 0);
  CHECK(TryScoped(*conn, kTenantA, "UPDATE streams SET version = version").affected == 1);
  CHECK(TryScoped(*conn, "", "UPDATE streams SET version = version").affected == 0);
  CHECK(RunScoped(*conn, kTenantA, "", "SELECT stream_id FROM streams WHERE stream_id = " + b +
                                           " FOR UPDATE")
            .rows.empty());
  Changed deleted = TryScoped(*conn, kTenantA, "DELETE FROM streams WHERE stream_id = " + b);
  CHECK(deleted.sqlstate == "");
  CHECK(deleted.affected == 0);
  // Its own head cannot be handed to tenant B.
  CHECK(TryScoped(*conn, kTenantA,
                  "UPDATE streams SET tenant_id = 'tenant_b' WHERE stream_id = 'order-tenant_a'")
            .sqlstate == "42501");
  // What stays visible is existence: stream ids are unique over all tenants, so A's insert
  // of an id B holds collides (docs/reliability.md, "Isolation"). Nothing of B's row shows.
  CHECK(TryScoped(*conn, kTenantA, InsertHead("order-tenant_b", kTenantA)).sqlstate == "23505");
  // The import's upsert on B's existing head: the existing row fails the policies, and
  // ON CONFLICT DO UPDATE then fails rather than skipping it.
  CHECK(TryScoped(*conn, kTenantA,
                  InsertHead("order-tenant_b", kTenantA) +
                      " ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version")
            .sqlstate == "42501");

  // The auditor reads heads but may change none.
  TestLogin auditor({"ledger_auditor"});
  std::unique_ptr<pg::PgConnection> audit = Connect(auditor.Url(f.db().Url()));
  CHECK(TryScoped(*audit, "*", InsertHead("order-new", kTenantA)).sqlstate == "42501");
  CHECK(TryScoped(*audit, "*", "UPDATE streams SET version = version").sqlstate == "42501");

  // As the superuser: both heads as the store left them.
  CHECK(RunScoped(f.admin(), "", "", "SELECT stream_id, tenant_id, version FROM streams ORDER BY 1")
            .rows == Rows{"order-tenant_a|tenant_a|1", "order-tenant_b|tenant_b|1"});
  // And the store, under '*', still appends to both with expected-version checks.
  for (const char* tenant : {kTenantA, kTenantB}) {
    NewEvent event = testing::MakeEvent();
    event.tenant = TenantId(tenant);
    Result<AppendResult> appended = f.store().Append(testing::MakeAppend(
        std::string("order-") + tenant, ExpectedVersion::Exact(StreamVersion(1)), {event}));
    CHECK_MESSAGE(appended.ok(), appended.status().ToString());
  }
}

TEST_CASE("rls penetration: a customer sees only their own rows of customer tables") {
  TwoTenants f;
  TestLogin reader({"ledger_reader"});
  std::unique_ptr<pg::PgConnection> conn = Connect(reader.Url(f.db().Url()));
  int customer_tables = 0;
  for (const TenantRelation& r : f.TenantRelations()) {
    if (!r.has_customer || !f.CanSelect("ledger_reader", r.name)) continue;
    ++customer_tables;
    CAPTURE(r.name);
    const std::string sql =
        "SELECT DISTINCT tenant_id, customer_id FROM " + r.name + " ORDER BY 1, 2";
    CHECK(RunScoped(*conn, kTenantA, "cus_1", sql).rows == Rows{"tenant_a|cus_1"});
    CHECK(RunScoped(*conn, kTenantA, "cus_2", sql).rows == Rows{"tenant_a|cus_2"});
    // The same customer id in another tenant is another customer.
    CHECK(RunScoped(*conn, kTenantB, "cus_1", sql).rows == Rows{"tenant_b|cus_1"});
    CHECK(RunScoped(*conn, kTenantA, "cus_9", sql).rows.empty());
    // A customer with no tenant sees nothing, and the admin of tenant A (no customer) both.
    CHECK(RunScoped(*conn, "", "cus_1", sql).rows.empty());
    CHECK(RunScoped(*conn, kTenantA, "", sql).rows == Rows{"tenant_a|cus_1", "tenant_a|cus_2"});
  }
  // orders, order_lines, payments at least.
  CHECK(customer_tables >= 3);
}

TEST_CASE("rls penetration: a reader cannot switch roles or turn row security off") {
  TwoTenants f;
  TestLogin reader({"ledger_reader"});
  std::unique_ptr<pg::PgConnection> conn = Connect(reader.Url(f.db().Url()));
  const std::string owner =
      std::string(MustExec(f.admin(), "SELECT pg_get_userbyid(datdba) FROM pg_database "
                                      "WHERE datname = current_database()")
                      .Get(0, 0));
  const std::string superuser = std::string(MustExec(f.admin(), "SELECT current_user").Get(0, 0));

  for (const std::string& sql :
       {"SET ROLE \"" + owner + "\"", "SET ROLE \"" + superuser + "\"",
        std::string("SET ROLE ledger_projector"), std::string("SET ROLE ledger_auditor"),
        std::string("SET ROLE ledger_writer"),
        "SET SESSION AUTHORIZATION \"" + superuser + "\"",
        std::string("SET session_replication_role = replica"),
        std::string("ALTER TABLE orders DISABLE ROW LEVEL SECURITY"),
        std::string("ALTER TABLE orders NO FORCE ROW LEVEL SECURITY"),
        std::string("DROP POLICY reader_tenant ON orders"),
        std::string("CREATE TABLE orders_copy AS SELECT 1"),
        std::string("UPDATE orders SET status = 'x'"),
        std::string("DELETE FROM orders"), std::string("TRUNCATE orders")}) {
    CAPTURE(sql);
    CHECK(FailureOf(*conn, sql) != "");
  }

  // row_security = off does not show everything: a query that policies would filter fails.
  MustExec(*conn, "SET row_security = off");
  CHECK(RunScoped(*conn, kTenantA, "", DistinctTenants("orders")).denied());
  MustExec(*conn, "RESET row_security");
  // RESET ROLE and SET ROLE NONE go back to the login role, which is still only a reader.
  for (const char* sql : {"RESET ROLE", "SET ROLE NONE", "RESET SESSION AUTHORIZATION"}) {
    CAPTURE(sql);
    MustExec(*conn, sql);
    CHECK(RunScoped(*conn, kTenantA, "", DistinctTenants("orders")).rows == Rows{kTenantA});
    CHECK(RunScoped(*conn, "", "", DistinctTenants("orders")).rows.empty());
  }
  // Nor does a security-definer trick help: the reader may not create functions in public.
  CHECK(FailureOf(*conn, "CREATE FUNCTION public.peek() RETURNS bigint LANGUAGE sql "
                         "SECURITY DEFINER AS 'SELECT count(*) FROM orders'") == "42501");
}

TEST_CASE("rls penetration: transaction-local settings never reach the next transaction") {
  TwoTenants f;
  TestLogin reader({"ledger_reader"});
  std::unique_ptr<pg::PgConnection> conn = Connect(reader.Url(f.db().Url()));
  const std::string count = "SELECT count(*) FROM orders";
  const std::string settings =
      "SELECT coalesce(current_setting('ledger.tenant', true), '') || '/' || "
      "coalesce(current_setting('ledger.customer', true), '')";
  auto scope_left = [&] {
    // Outside a transaction block, and in the next explicit one: nothing is in scope.
    CHECK(MustExec(*conn, settings).Get(0, 0) == "/");
    CHECK(RunScoped(*conn, "", "", count).rows == Rows{"0"});
  };

  SUBCASE("after COMMIT") {
    CHECK(RunScoped(*conn, kTenantA, "cus_1", count).rows == Rows{"1"});
    scope_left();
  }
  SUBCASE("after ROLLBACK") {
    MustExec(*conn, "BEGIN");
    MustExec(*conn, "SELECT set_config('ledger.tenant', 'tenant_a', true)");
    CHECK(MustExec(*conn, count).GetInt64(0, 0) == 2);
    MustExec(*conn, "ROLLBACK");
    scope_left();
  }
  SUBCASE("after a failed statement and ROLLBACK") {
    MustExec(*conn, "BEGIN");
    MustExec(*conn, "SELECT set_config('ledger.tenant', 'tenant_a', true)");
    CHECK(FailureOf(*conn, "SELECT 1/0") == "22012");
    MustExec(*conn, "ROLLBACK");
    scope_left();
  }
  SUBCASE("after SET LOCAL") {
    MustExec(*conn, "BEGIN");
    MustExec(*conn, "SET LOCAL ledger.tenant = 'tenant_b'");
    CHECK(MustExec(*conn, count).GetInt64(0, 0) == 2);
    MustExec(*conn, "COMMIT");
    scope_left();
  }
  SUBCASE("after a savepoint released inside the transaction") {
    MustExec(*conn, "BEGIN");
    MustExec(*conn, "SAVEPOINT s");
    MustExec(*conn, "SELECT set_config('ledger.tenant', 'tenant_a', true)");
    MustExec(*conn, "RELEASE SAVEPOINT s");
    CHECK(MustExec(*conn, count).GetInt64(0, 0) == 2);
    MustExec(*conn, "COMMIT");
    scope_left();
  }
  SUBCASE("an implicit transaction: a set_config statement scopes only itself") {
    // Without BEGIN each statement is its own transaction: the setting is gone by the next.
    CHECK(MustExec(*conn, "SELECT set_config('ledger.tenant', 'tenant_a', true)").Get(0, 0) ==
          "tenant_a");
    scope_left();
  }
}

}  // namespace ledger::pgtest
