// Row-level security on read-model tables (DESIGN.md section 4, docs/read-models.md): every
// assertion runs as one of the application roles (SET ROLE ledger_reader, ledger_projector,
// ledger_auditor), never as the superuser that owns the test cluster, and every query has no
// WHERE clause: the policies alone decide what is seen.
#include <doctest/doctest.h>

#include "tests/postgres/pg_read_model_support.h"

namespace ledger::pgtest {
namespace {

using projections::ColumnType;
using projections::CommitRequest;
using projections::Row;
using projections::RowChange;
using projections::TableSet;
using projections::TableSpec;

const std::vector<TableSpec>& Tables() {
  static const std::vector<TableSpec> tables{
      TableSpec{.name = "rls_orders",
                .columns = {{"tenant_id", ColumnType::kText, false},
                            {"order_id", ColumnType::kText, false},
                            {"customer_id", ColumnType::kText, false},
                            {"total_minor", ColumnType::kInteger, false}},
                .primary_key = {"tenant_id", "order_id"},
                .customer_scoped = true,
                .indexes = {{"tenant_id", "customer_id"}}},
      TableSpec{.name = "rls_products",
                .columns = {{"tenant_id", ColumnType::kText, false},
                            {"product_id", ColumnType::kText, false},
                            {"status", ColumnType::kText, true}},
                .primary_key = {"tenant_id", "product_id"},
                .customer_scoped = false,
                .indexes = {}},
  };
  return tables;
}
const TableSpec& Orders() { return Tables()[0]; }
const TableSpec& Products() { return Tables()[1]; }

Row Order(const std::string& tenant, const std::string& id, const std::string& customer) {
  Row row(Orders());
  row.SetText("tenant_id", tenant).SetText("order_id", id).SetText("customer_id", customer);
  row.SetInt("total_minor", 1000);
  return row;
}

Row Product(const std::string& tenant, const std::string& id) {
  Row row(Products());
  row.SetText("tenant_id", tenant).SetText("product_id", id).SetText("status", "published");
  return row;
}

// tenant_a: orders a1 (cus_1), a2 (cus_2), a3 (cus_1), products pa; tenant_b: order b1
// (cus_1: the same customer id in another tenant), products pb1, pb2.
struct Fixture {
  Fixture() {
    REQUIRE(t.store->CreateTables(Tables(), TableSet::kLive).ok());
    std::vector<Row> rows{Order("tenant_a", "a1", "cus_1"), Order("tenant_a", "a2", "cus_2"),
                          Order("tenant_a", "a3", "cus_1"), Order("tenant_b", "b1", "cus_1"),
                          Product("tenant_a", "pa"),        Product("tenant_b", "pb1"),
                          Product("tenant_b", "pb2")};
    CommitRequest request;
    for (const Row& row : rows) {
      request.changes.push_back(RowChange{&row.spec(), row.PrimaryKey(), row});
    }
    Status s = t.store->Commit(request);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    owner = t.db->ConnectAdmin();
  }
  TestReadModelStore t;
  std::unique_ptr<pg::PgConnection> owner;  // logs in as the owner; tests SET ROLE
};

const char* kOrders = "SELECT tenant_id, order_id FROM rls_orders ORDER BY order_id";
const char* kProducts = "SELECT product_id FROM rls_products ORDER BY product_id";

using Rows = std::vector<std::string>;

}  // namespace

TEST_CASE("read-model rls: a reader sees only its tenant's rows, with no WHERE clause") {
  Fixture f;
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "", kOrders) ==
        Rows{"tenant_a|a1", "tenant_a|a2", "tenant_a|a3"});
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_b", "", kOrders) == Rows{"tenant_b|b1"});
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "", kProducts) == Rows{"pa"});
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_b", "", kProducts) == Rows{"pb1", "pb2"});
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_c", "", kOrders).empty());

  // The same through a login that is only a member of ledger_reader (no SET ROLE at all).
  TestLogin reader({"ledger_reader"});
  std::unique_ptr<pg::PgConnection> conn = Connect(reader.Url(f.t.db->Url()));
  MustExec(*conn, "BEGIN");
  MustExec(*conn, "SELECT set_config('ledger.tenant', 'tenant_b', true)");
  CHECK(MustExec(*conn, "SELECT count(*) FROM rls_products").GetInt64(0, 0) == 2);
  MustExec(*conn, "COMMIT");
}

TEST_CASE("read-model rls: a customer sees only their own orders; the tenant's admin all") {
  Fixture f;
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "cus_1", kOrders) ==
        Rows{"tenant_a|a1", "tenant_a|a3"});
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "cus_2", kOrders) == Rows{"tenant_a|a2"});
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "cus_9", kOrders).empty());
  // The customer id is scoped by the tenant too: cus_1 of tenant_b sees only b1.
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_b", "cus_1", kOrders) == Rows{"tenant_b|b1"});
  // No customer set: the tenant's admin sees every order of the tenant.
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "", kOrders).size() == 3);
  // Tables that are not customer-scoped ignore ledger.customer.
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_b", "cus_1", kProducts) == Rows{"pb1", "pb2"});
  // A customer without a tenant sees nothing.
  CHECK(RowsAs(*f.owner, "ledger_reader", "", "cus_1", kOrders).empty());
}

TEST_CASE("read-model rls: with no tenant set nothing is visible, and '*' is not for readers") {
  Fixture f;
  CHECK(RowsAs(*f.owner, "ledger_reader", "", "", kOrders).empty());
  CHECK(RowsAs(*f.owner, "ledger_reader", "", "", kProducts).empty());
  CHECK(RowsAs(*f.owner, "ledger_reader", "*", "", kOrders).empty());
  // The projector and the auditor see every tenant only when they ask for '*'.
  for (const char* role : {"ledger_projector", "ledger_auditor"}) {
    CAPTURE(role);
    CHECK(RowsAs(*f.owner, role, "", "", kOrders).empty());
    CHECK(RowsAs(*f.owner, role, "tenant_b", "", kOrders) == Rows{"tenant_b|b1"});
    CHECK(RowsAs(*f.owner, role, "*", "", kOrders).size() == 4);
  }
}

TEST_CASE("read-model rls: a tenant setting does not outlive its transaction") {
  Fixture f;
  CHECK(RowsAs(*f.owner, "ledger_reader", "tenant_a", "cus_1", kOrders).size() == 2);
  // Next transaction on the same connection, nothing set: the old scope is gone.
  CHECK(RowsAs(*f.owner, "ledger_reader", "", "", kOrders).empty());
  CHECK(MustExec(*f.owner, "SELECT coalesce(current_setting('ledger.tenant', true), '') || '/' || "
                           "coalesce(current_setting('ledger.customer', true), '')")
            .Get(0, 0) == "/");
  // The store's own pooled connections: a commit for tenant_b leaves no scope behind, so a
  // scan (which asks for '*') and a fetch for tenant_a on the same single connection work.
  PgReadModelOptions one;
  one.pool_size = 1;
  TestReadModelStore small(one);
  REQUIRE(small.store->CreateTables(Tables(), TableSet::kLive).ok());
  Row b = Product("tenant_b", "pb");
  REQUIRE(small.store->Commit(CommitRequest{.set = TableSet::kLive,
                                            .changes = {RowChange{&Products(), b.PrimaryKey(), b}},
                                            .checkpoints = {},
                                            .new_rows = {}})
              .ok());
  projections::Key a_key{std::string("tenant_a"), std::string("pb")};
  Result<std::vector<std::optional<Row>>> fetched =
      small.store->Fetch(Products(), TableSet::kLive, std::span(&a_key, 1));
  REQUIRE(fetched.ok());
  CHECK_FALSE((*fetched)[0].has_value());  // tenant_b's row under tenant_a's key: not found
}

TEST_CASE("read-model rls: the projector cannot write another tenant's rows") {
  Fixture f;
  // WITH CHECK: a new row must belong to the tenant in scope.
  CHECK(SqlStateAs(*f.owner, "ledger_projector", "tenant_a",
                   "INSERT INTO rls_products (tenant_id, product_id) VALUES ('tenant_b', 'x')") ==
        "42501");
  // Nor may an update move a row to another tenant.
  CHECK(SqlStateAs(*f.owner, "ledger_projector", "tenant_a",
                   "UPDATE rls_products SET tenant_id = 'tenant_b'") == "42501");
  // '*' is for reading only, and no tenant set allows no write at all.
  CHECK(SqlStateAs(*f.owner, "ledger_projector", "*",
                   "INSERT INTO rls_products (tenant_id, product_id) VALUES ('tenant_b', 'x')") ==
        "42501");
  CHECK(SqlStateAs(*f.owner, "ledger_projector", "",
                   "INSERT INTO rls_products (tenant_id, product_id) VALUES ('tenant_a', 'x')") ==
        "42501");
  // Updates and deletes of other tenants' rows find nothing to change.
  CHECK(SqlStateAs(*f.owner, "ledger_projector", "tenant_a",
                   "UPDATE rls_products SET status = 'gone'; DELETE FROM rls_orders") == "");
  CHECK(RowsAs(*f.owner, "ledger_projector", "*", "",
               "SELECT product_id, status FROM rls_products ORDER BY product_id") ==
        Rows{"pa|gone", "pb1|published", "pb2|published"});
  CHECK(RowsAs(*f.owner, "ledger_projector", "*", "", kOrders) == Rows{"tenant_b|b1"});
  // The store refuses the tenants that would defeat the policies before sending anything.
  Row star = Product("*", "x");
  CHECK(f.t.store
            ->Commit(CommitRequest{.set = TableSet::kLive,
                                   .changes = {RowChange{&Products(), star.PrimaryKey(), star}},
                                   .checkpoints = {},
                                   .new_rows = {}})
            .code() == StatusCode::kInvalidArgument);
  // And the table refuses them even from the projector's own SQL.
  CHECK(SqlStateAs(*f.owner, "ledger_projector", "",
                   "SELECT set_config('ledger.tenant', '', true); "
                   "INSERT INTO rls_products (tenant_id, product_id) VALUES ('', 'x')") != "");
}

TEST_CASE("read-model rls: readers and auditors cannot change read-model rows") {
  Fixture f;
  for (const char* role : {"ledger_reader", "ledger_auditor"}) {
    CAPTURE(role);
    for (const char* sql :
         {"INSERT INTO rls_products (tenant_id, product_id) VALUES ('tenant_a', 'x')",
          "UPDATE rls_products SET status = 'gone'", "DELETE FROM rls_products",
          "TRUNCATE rls_products", "ALTER TABLE rls_products DISABLE ROW LEVEL SECURITY",
          "UPDATE projection_checkpoints SET position = 0",
          "INSERT INTO projection_checkpoints VALUES ('x', 1, 1, 1, now())"}) {
      CAPTURE(sql);
      std::string state = SqlStateAs(*f.owner, role, "tenant_a", sql);
      CHECK((state == "42501" || state == "42P01"));  // permission denied / must be owner
    }
  }
  // Lag is readable: every role may see the checkpoints.
  CHECK(RowsAs(*f.owner, "ledger_reader", "", "", "SELECT count(*) FROM projection_checkpoints") ==
        Rows{"0"});
}

TEST_CASE("read-model rls: tables are owned by the projector, with RLS forced") {
  Fixture f;
  std::vector<std::string> tables = RowsAs(
      *f.owner, "ledger_reader", "", "",
      "SELECT c.relname || ':' || pg_get_userbyid(c.relowner) || ':' || c.relrowsecurity || ':' "
      "|| c.relforcerowsecurity FROM pg_class c WHERE c.relname LIKE 'rls_%' AND c.relkind = 'r' "
      "ORDER BY 1");
  CHECK(tables == Rows{"rls_orders:ledger_projector:true:true",
                       "rls_products:ledger_projector:true:true"});
  std::vector<std::string> policies = RowsAs(
      *f.owner, "ledger_reader", "", "",
      "SELECT policyname || ':' || cmd || ':' || array_to_string(roles, ',') FROM pg_policies "
      "WHERE tablename = 'rls_orders' ORDER BY 1");
  CHECK(policies == Rows{"auditor_read:SELECT:ledger_auditor",
                         "projector_read:SELECT:ledger_projector",
                         "projector_write:ALL:ledger_projector",
                         "reader_tenant:SELECT:ledger_reader"});
}

}  // namespace ledger::pgtest
