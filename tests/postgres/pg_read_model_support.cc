#include "tests/postgres/pg_read_model_support.h"

#include <doctest/doctest.h>

namespace ledger::pgtest {
namespace {

using projections::CommitRequest;
using projections::Key;
using projections::Row;
using projections::TableSet;
using projections::TableSpec;

// Forwards to a store and drops its database after it.
class OwningReadModelStore final : public projections::ReadModelStore {
 public:
  explicit OwningReadModelStore(TestReadModelStore t)
      : db_(std::move(t.db)), store_(std::move(t.store)) {}

  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) override {
    return store_->LoadCheckpoint(name);
  }
  Status SaveCheckpoint(const CheckpointMove& move) override {
    return store_->SaveCheckpoint(move);
  }
  Status CreateTables(std::span<const TableSpec> tables, TableSet set) override {
    return store_->CreateTables(tables, set);
  }
  Status DropTables(std::span<const TableSpec> tables, TableSet set) override {
    return store_->DropTables(tables, set);
  }
  Result<std::vector<std::optional<Row>>> Fetch(const TableSpec& table, TableSet set,
                                                std::span<const Key> keys) override {
    return store_->Fetch(table, set, keys);
  }
  Status Commit(const CommitRequest& request) override { return store_->Commit(request); }
  Status PromoteShadow(std::span<const TableSpec> tables, std::string_view live_checkpoint,
                       std::string_view shadow_checkpoint, GlobalPosition expected) override {
    return store_->PromoteShadow(tables, live_checkpoint, shadow_checkpoint, expected);
  }
  Status DeleteCheckpoint(std::string_view name, GlobalPosition expected) override {
    return store_->DeleteCheckpoint(name, expected);
  }
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return store_->LoadCheckpoints(); }
  Status Scan(const TableSpec& table, const std::function<Status(const Row&)>& visit) override {
    return store_->Scan(table, visit);
  }
  LeaderElector& leadership() override { return store_->leadership(); }

 private:
  std::unique_ptr<TestDatabase> db_;  // declared first: destroyed after the store
  std::unique_ptr<PgReadModelStore> store_;
};

// BEGIN, SET LOCAL ROLE, the settings; then `sql`. The caller ends the transaction.
void BeginAs(pg::PgConnection& conn, const std::string& role, const std::string& tenant,
             const std::string& customer) {
  MustExec(conn, "BEGIN");
  MustExec(conn, "SET LOCAL ROLE " + role);
  if (!tenant.empty()) {
    Result<pg::PgResult> r = conn.Query("SELECT set_config('ledger.tenant', $1::text, true)",
                                        std::move(pg::Params().Text(tenant)));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
  if (!customer.empty()) {
    Result<pg::PgResult> r = conn.Query("SELECT set_config('ledger.customer', $1::text, true)",
                                        std::move(pg::Params().Text(customer)));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  }
}

}  // namespace

TestReadModelStore::TestReadModelStore(PgReadModelOptions options)
    : db(std::make_unique<TestDatabase>()) {
  db->Migrate();
  options.lease_check_interval = std::chrono::milliseconds(0);
  Result<std::unique_ptr<PgReadModelStore>> opened = PgReadModelStore::Open(db->Url(), options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  store = std::move(opened).value();
}

std::unique_ptr<projections::ReadModelStore> OpenTestReadModelStore() {
  return std::make_unique<OwningReadModelStore>(TestReadModelStore());
}

std::vector<std::string> RowsAs(pg::PgConnection& conn, const std::string& role,
                                const std::string& tenant, const std::string& customer,
                                const std::string& sql) {
  BeginAs(conn, role, tenant, customer);
  pg::PgResult r = MustExec(conn, sql);  // simple protocol: text results
  MustExec(conn, "COMMIT");
  std::vector<std::string> rows;
  for (int i = 0; i < r.rows(); ++i) {
    std::string row;
    for (int c = 0; c < r.columns(); ++c) row += (c ? "|" : "") + std::string(r.Get(i, c));
    rows.push_back(row);
  }
  return rows;
}

std::string SqlStateAs(pg::PgConnection& conn, const std::string& role, const std::string& tenant,
                       const std::string& sql) {
  BeginAs(conn, role, tenant, "");
  conn.ClearError();
  Result<pg::PgResult> r = conn.Exec(sql);
  std::string state = r.ok() ? "" : conn.last_error().sqlstate;
  MustExec(conn, r.ok() ? "COMMIT" : "ROLLBACK");
  return state;
}

}  // namespace ledger::pgtest
