// PgReadModelReader: the ReadModelReader conformance suite on PostgreSQL (rows written by
// PgReadModelStore as ledger_projector, read as ledger_reader), and what only PostgreSQL has:
// row-level security doing the scoping, scope that never outlives its transaction on a pooled
// connection, the reader role's rights, reconnection, and the plans of list queries.
#include "adapters/postgres/pg_read_model_reader.h"

#include <doctest/doctest.h>

#include "adapters/postgres/pg_read_model_sql.h"
#include "projections/orders/order_tables.h"
#include "tests/conformance/read_model_reader_conformance.h"
#include "tests/postgres/pg_read_model_support.h"

namespace ledger::reader_conformance {
namespace {

using pgtest::MustExec;
using pgtest::TestDatabase;
using pgtest::TestReadModelStore;

Result<std::unique_ptr<PgReadModelReader>> OpenReader(const TestDatabase& db,
                                                      const PgReaderOptions& options = {}) {
  return PgReadModelReader::Open(db.Url(), options);
}

// A store and a reader on one fresh migrated database, dropped after both.
ReaderBackend MakePgBackend(const PgReaderOptions& options = {}) {
  TestReadModelStore t;
  auto reader = OpenReader(*t.db, options);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  return {std::shared_ptr<TestDatabase>(std::move(t.db)), std::move(t.store),
          std::move(reader).value()};
}

}  // namespace
}  // namespace ledger::reader_conformance

LEDGER_READ_MODEL_READER_CONFORMANCE(PgReader, MakePgBackend())

namespace ledger::reader_conformance {
namespace {

// Runs `statement` as ledger_reader in a transaction whose ledger.tenant is `tenant`; how
// many rows it returned.
int CountAsReader(pg::PgConnection& conn, const pg::ListStatement& statement,
                  const std::string& tenant) {
  MustExec(conn, "BEGIN READ ONLY");
  MustExec(conn, "SET LOCAL ROLE ledger_reader");
  Result<pg::PgResult> set =
      conn.Query("SELECT set_config('ledger.tenant', $1::text, true)", pg::Params().Text(tenant));
  REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  Result<pg::PgResult> rows = conn.Query(statement.sql, statement.params);
  REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
  MustExec(conn, "COMMIT");
  return rows->rows();
}

TEST_CASE("pg reader: row-level security scopes, whatever the SELECT asks for") {
  TestReadModelStore t;
  std::vector<TableSpec> tables{Items(), Orders()};
  LEDGER_READER_REQUIRE_OK(t.store->CreateTables(tables, TableSet::kLive));
  Row a = Item("tenant_a", "a1");
  Row b = Item("tenant_b", "b1");
  Row order = Order("tenant_a", 1, "cus_1");
  CommitRequest request;
  request.changes = {RowChange{&Items(), a.PrimaryKey(), a}, RowChange{&Items(), b.PrimaryKey(), b},
                     RowChange{&Orders(), order.PrimaryKey(), order}};
  LEDGER_READER_REQUIRE_OK(t.store->Commit(request));
  std::unique_ptr<pg::PgConnection> conn = t.db->ConnectAdmin();

  // The very statement the reader sends for tenant_a's items.
  Result<pg::ListStatement> items =
      pg::ListSql(TenantScope("tenant_a"), Query(Items(), {"item_id"}), "public.rdr_items");
  REQUIRE(items.ok());
  CHECK(CountAsReader(*conn, *items, "tenant_a") == 1);
  // A transaction whose tenant setting differs sees nothing, though the WHERE names tenant_a.
  CHECK(CountAsReader(*conn, *items, "tenant_b") == 0);
  CHECK(CountAsReader(*conn, *items, "") == 0);
  // A customer's statement without its customer set is still the tenant's (the customer
  // setting narrows, it never widens).
  Result<pg::ListStatement> orders = pg::ListSql(
      CustomerScope("tenant_a", "cus_2"), Query(Orders(), {"order_no"}), "public.rdr_orders");
  REQUIRE(orders.ok());
  CHECK(CountAsReader(*conn, *orders, "tenant_a") == 0);
}

TEST_CASE("pg reader: a pooled connection's scope never reaches the next transaction") {
  // Checkpoints of a schema whose projection_checkpoints is a view of the session's settings:
  // LoadCheckpoints, which sets no scope, shows what a pooled connection carries.
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  {
    PgReadModelOptions probe;
    probe.schema = "probe";
    auto probe_store = PgReadModelStore::Open(t.db->Url(), probe);
    REQUIRE_MESSAGE(probe_store.ok(), probe_store.status().ToString());
    std::vector<TableSpec> tables{Items(), Orders()};
    LEDGER_READER_REQUIRE_OK((*probe_store)->CreateTables(tables, TableSet::kLive));
    Row a = Item("tenant_a", "a1");
    Row b = Item("tenant_b", "b1");
    Row mine = Order("tenant_a", 1, "cus_1");
    Row theirs = Order("tenant_a", 2, "cus_2");
    CommitRequest request;
    request.changes = {RowChange{&Items(), a.PrimaryKey(), a},
                       RowChange{&Items(), b.PrimaryKey(), b},
                       RowChange{&Orders(), mine.PrimaryKey(), mine},
                       RowChange{&Orders(), theirs.PrimaryKey(), theirs}};
    LEDGER_READER_REQUIRE_OK((*probe_store)->Commit(request));
  }
  MustExec(*admin,
           "DROP TABLE probe.projection_checkpoints; "
           "CREATE VIEW probe.projection_checkpoints AS SELECT "
           "coalesce(current_setting('ledger.tenant', true), '') || '/' || "
           "coalesce(current_setting('ledger.customer', true), '') AS name, 0::bigint AS version, "
           "0::bigint AS position, 0::bigint AS events, now() AS updated_at; "
           "GRANT SELECT ON probe.projection_checkpoints TO ledger_reader");
  PgReaderOptions options;
  options.pool_size = 1;  // every call on the same connection
  options.schema = "probe";
  auto reader = OpenReader(*t.db, options);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  auto settings = [&] {
    Result<std::vector<Checkpoint>> all = (*reader)->LoadCheckpoints();
    REQUIRE_MESSAGE(all.ok(), all.status().ToString());
    REQUIRE(all->size() == 1);
    return all->front().name;
  };
  auto ids = [&](const Scope& scope, const ListQuery& query) {
    Result<std::vector<Row>> rows = (*reader)->List(scope, query);
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    return Ids(*rows);
  };
  CHECK(settings() == "/");
  CHECK(ids(CustomerScope("tenant_a", "cus_1"), Query(Orders(), {"order_no"})) == "1");
  CHECK(settings() == "/");
  CHECK(ids(TenantScope("tenant_a"), Query(Orders(), {"order_no"})) == "1 2");
  CHECK(ids(TenantScope("tenant_b"), Query(Items(), {"item_id"})) == "b1");
  CHECK(settings() == "/");
  // A failed read (a bad cursor type reaches no SQL; a missing table does) ends its
  // transaction too.
  CHECK((*reader)->List(TenantScope("tenant_a"), Query(Missing(), {"item_id"})).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(settings() == "/");
}

TEST_CASE("pg reader: the connection acts as ledger_reader") {
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  // A table of the right shape that ledger_reader has no grant on.
  MustExec(*admin,
           "CREATE TABLE public.rdr_never_created (tenant_id text, item_id text, status text, "
           "rank bigint, flag boolean, at timestamptz, title text, score bigint, active boolean, "
           "due_at timestamptz, attrs jsonb); "
           "INSERT INTO public.rdr_never_created VALUES ('t1', 'a', 'new', 0, false, now())");
  auto reader = OpenReader(*t.db);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  CHECK((*reader)->List(TenantScope("t1"), Query(Missing(), {"item_id"})).status().code() ==
        StatusCode::kFailedPrecondition);  // 42501, permission denied
  MustExec(*admin, "GRANT SELECT ON public.rdr_never_created TO ledger_reader");
  Result<std::vector<Row>> granted =
      (*reader)->List(TenantScope("t1"), Query(Missing(), {"item_id"}));
  REQUIRE_MESSAGE(granted.ok(), granted.status().ToString());
  CHECK(Ids(*granted) == "a");  // no row-level security on it: the grant is all that mattered
  // The reader never writes: its transactions are READ ONLY, and the role may not anyway.
  CHECK(pgtest::SqlStateAs(*admin, "ledger_reader", "t1",
                           "INSERT INTO public.rdr_never_created (tenant_id) VALUES ('t1')") ==
        "42501");
  // A role the login may not assume is refused at Open.
  PgReaderOptions options;
  options.role = "no_such_role";
  CHECK(OpenReader(*t.db, options).status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("pg reader: a dropped connection is replaced; no server is Unavailable") {
  TestReadModelStore t;
  std::vector<TableSpec> tables{Items()};
  LEDGER_READER_REQUIRE_OK(t.store->CreateTables(tables, TableSet::kLive));
  Row a = Item("t1", "a");
  CommitRequest request;
  request.changes = {RowChange{&Items(), a.PrimaryKey(), a}};
  LEDGER_READER_REQUIRE_OK(t.store->Commit(request));
  PgReaderOptions options;
  options.pool_size = 1;
  auto reader = OpenReader(*t.db, options);
  REQUIRE_MESSAGE(reader.ok(), reader.status().ToString());
  auto ids = [&] {
    Result<std::vector<Row>> rows = (*reader)->List(TenantScope("t1"), Query(Items(), {"item_id"}));
    REQUIRE_MESSAGE(rows.ok(), rows.status().ToString());
    return Ids(*rows);
  };
  CHECK(ids() == "a");
  // The server ends every other session of the database, as a restart would: the reader's
  // idle pooled connection is dead, and the next call reads on a new one.
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  MustExec(*admin,
           "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
           "WHERE datname = current_database() AND pid <> pg_backend_pid()");
  CHECK(ids() == "a");

  auto unreachable = PgReadModelReader::Open("postgresql://ledger@127.0.0.1:1/ledger");
  CHECK(unreachable.status().code() == StatusCode::kUnavailable);
}

// The plan of `statement` as ledger_reader with the scope's settings, one line per node.
std::string PlanAsReader(pg::PgConnection& conn, const pg::ListStatement& statement,
                         const Scope& scope) {
  MustExec(conn, "BEGIN READ ONLY");
  MustExec(conn, "SET LOCAL ROLE ledger_reader");
  Result<pg::PgResult> set = conn.Query(
      "SELECT set_config('ledger.tenant', $1::text, true), "
      "set_config('ledger.customer', $2::text, true)",
      pg::Params().Text(scope.tenant_id).Text(scope.customer_id.value_or("")));
  REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  Result<pg::PgResult> plan = conn.Query("EXPLAIN " + statement.sql, statement.params);
  REQUIRE_MESSAGE(plan.ok(), plan.status().ToString());
  MustExec(conn, "COMMIT");
  std::string out;
  for (int i = 0; i < plan->rows(); ++i) out += std::string(plan->Get(i, 0)) + "\n";
  return out;
}

// The orders read model with 200k rows: four tenants of 50k orders, 5k customers each, five
// statuses; analyzed, as autovacuum would have.
struct ManyOrders {
  ManyOrders() {
    std::vector<TableSpec> tables{orders};
    LEDGER_READER_REQUIRE_OK(t.store->CreateTables(tables, TableSet::kLive));
    admin = t.db->ConnectAdmin();
    MustExec(*admin,
             "INSERT INTO public.orders (tenant_id, order_id, customer_id, status, "
             "payment_status, fulfilment_status, cancelled, anomaly_count, created_at) "
             "SELECT 'tenant_' || (i % 4), 'ord_' || lpad(i::text, 7, '0'), "
             "'cus_' || (i % 20000), (ARRAY['open', 'paid', 'submitted', 'shipped', "
             "'expired'])[1 + (i / 7) % 5], 'paid', 'none', false, 0, "
             "now() - i * interval '1 minute' FROM generate_series(1, 200000) AS i; "
             "ANALYZE public.orders");
  }
  TestReadModelStore t;
  const TableSpec& orders = projections::orders::OrdersTable();
  std::unique_ptr<pg::PgConnection> admin;
};

TEST_CASE("pg reader: pages of 200k orders are index scans") {
  ManyOrders many;
  const TableSpec& orders = many.orders;
  auto text = [](const char* s) { return Value(std::string(s)); };
  struct Page {
    const char* what;
    Scope scope;
    ListQuery query;
  };
  ListQuery by_key = Query(orders, {"order_id"}, {}, false, 50);
  by_key.after = Key{text("ord_0100001")};
  ListQuery by_key_descending = by_key;
  by_key_descending.descending = true;
  ListQuery by_status =
      Query(orders, {"order_id"}, {Filter{"status", FilterOp::kEqual, text("shipped")}}, false, 50);
  ListQuery by_status_later = by_status;
  by_status_later.after = Key{text("ord_0150000")};
  const std::vector<Page> pages{
      {"a page by key", TenantScope("tenant_1"), by_key},
      {"a page by key, descending", TenantScope("tenant_1"), by_key_descending},
      {"a status filter", TenantScope("tenant_1"), by_status},
      {"a status filter, a later page", TenantScope("tenant_1"), by_status_later},
      {"a customer's orders", CustomerScope("tenant_1", "cus_41"), Query(orders, {"order_id"})},
  };
  for (const Page& page : pages) {
    Result<pg::ListStatement> statement = pg::ListSql(page.scope, page.query, "public.orders");
    REQUIRE(statement.ok());
    std::string plan = PlanAsReader(*many.admin, *statement, page.scope);
    INFO(std::string(page.what) << ":\n" << plan);
    CHECK(plan.find("Index") != std::string::npos);
    CHECK(plan.find("Seq Scan") == std::string::npos);
  }
}

// The reader_tenant policy's customer clause is a CASE (pg_read_model_sql.cc says why): written
// as `'' = setting OR customer_id = setting` it was estimated to keep 0.5% of rows, and a
// tenant's page became a bitmap scan of the whole tenant plus a sort (~90 ms at 200k orders)
// instead of walking the primary key for 50 rows (~0.1 ms).
TEST_CASE("pg reader: a tenant's page of orders walks the primary key, no sort") {
  ManyOrders many;
  ListQuery page = Query(many.orders, {"order_id"}, {}, false, 50);
  page.after = Key{Value(std::string("ord_0100001"))};
  Result<pg::ListStatement> statement = pg::ListSql(TenantScope("tenant_1"), page, "public.orders");
  REQUIRE(statement.ok());
  std::string plan = PlanAsReader(*many.admin, *statement, TenantScope("tenant_1"));
  INFO(plan);
  CHECK(plan.find("Index Scan using orders_pkey") != std::string::npos);
  CHECK(plan.find("Sort") == std::string::npos);
}

}  // namespace
}  // namespace ledger::reader_conformance
