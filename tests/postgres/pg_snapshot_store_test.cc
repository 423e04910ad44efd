// PgSnapshotStore: the SnapshotStore conformance suite on a fresh migrated database per case;
// the table's row-level security and grants (migration 0003, docs/storage.md): the writer
// reads and writes snapshots only in its tenant scope, no other role touches them.
#include <doctest/doctest.h>

#include "adapters/postgres/pg_snapshot_store.h"
#include "tests/conformance/snapshot_store_conformance.h"
#include "tests/postgres/pg_test_support.h"

namespace ledger::pgtest {
namespace {

// A store that owns the database it was opened on.
class OwningSnapshotStore final : public SnapshotStore {
 public:
  OwningSnapshotStore(std::unique_ptr<TestDatabase> db, std::unique_ptr<PgSnapshotStore> store)
      : db_(std::move(db)), store_(std::move(store)) {}
  ~OwningSnapshotStore() override { store_.reset(); }  // connections close before the drop

  Result<std::optional<Snapshot>> Load(const StreamId& stream,
                                       std::string_view aggregate) override {
    return store_->Load(stream, aggregate);
  }
  Status Save(const Snapshot& snapshot) override { return store_->Save(snapshot); }
  Status Delete(const StreamId& stream, std::string_view aggregate) override {
    return store_->Delete(stream, aggregate);
  }

 private:
  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<PgSnapshotStore> store_;
};

std::unique_ptr<PgSnapshotStore> MustOpen(const std::string& url) {
  Result<std::unique_ptr<PgSnapshotStore>> opened = PgSnapshotStore::Open(url);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return std::move(opened).value();
}

struct PgSnapshotFactory {
  static std::unique_ptr<SnapshotStore> Open() {
    auto db = std::make_unique<TestDatabase>();
    db->Migrate();
    std::unique_ptr<PgSnapshotStore> store = MustOpen(db->Url());
    return std::make_unique<OwningSnapshotStore>(std::move(db), std::move(store));
  }
};

Snapshot ForTenant(const std::string& stream, const std::string& tenant) {
  Snapshot s = snapshot_conformance::MakeSnapshot(stream, 3);
  s.tenant = TenantId(tenant);
  return s;
}

// How many snapshot rows `conn` sees under `scope` ('' for none).
std::int64_t RowsSeen(pg::PgConnection& conn, const std::string& scope) {
  MustExec(conn, "BEGIN");
  if (!scope.empty()) MustExec(conn, "SELECT set_config('ledger.tenant', '" + scope + "', true)");
  std::int64_t n = MustExec(conn, "SELECT count(*) FROM aggregate_snapshots").GetInt64(0, 0);
  MustExec(conn, "COMMIT");
  return n;
}

}  // namespace

TEST_CASE("pg snapshots: Open refuses a database that lacks migration 0003") {
  TestDatabase db;
  Result<std::unique_ptr<PgSnapshotStore>> opened = PgSnapshotStore::Open(db.Url());
  CHECK(opened.status().code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("pg snapshots: the writer sees snapshots by tenant scope; other roles none") {
  TestDatabase db;
  db.Migrate();
  std::unique_ptr<PgSnapshotStore> store = MustOpen(db.Url());
  REQUIRE(store->Save(ForTenant("canary-a", "tenant_a")).ok());
  REQUIRE(store->Save(ForTenant("canary-b", "tenant_b")).ok());
  REQUIRE(store->Save(ForTenant("canary-c", "tenant_b")).ok());

  TestLogin writer({"ledger_writer"});
  std::unique_ptr<pg::PgConnection> conn = Connect(writer.Url(db.Url()));
  CHECK(RowsSeen(*conn, "") == 0);
  CHECK(RowsSeen(*conn, "tenant_a") == 1);
  CHECK(RowsSeen(*conn, "tenant_b") == 2);
  CHECK(RowsSeen(*conn, "*") == 3);

  SUBCASE("a writer scoped to one tenant cannot write another's snapshot") {
    MustExec(*conn, "SET ledger.tenant = 'tenant_a'");
    conn->ClearError();
    Result<pg::PgResult> r = conn->Exec(
        "INSERT INTO aggregate_snapshots VALUES "
        "('tenant_b', 'canary-z', 'canary', 1, 1, '\\x00', now())");
    CHECK_FALSE(r.ok());
    CHECK(conn->last_error().sqlstate == "42501");
    // Nor delete it: the row is invisible to the scope.
    CHECK(MustExec(*conn, "DELETE FROM aggregate_snapshots WHERE stream_id = 'canary-b'")
              .affected() == 0);
    REQUIRE(store->Load(StreamId("canary-b"), "canary").ok());
    CHECK(store->Load(StreamId("canary-b"), "canary")->has_value());
  }

  SUBCASE("readers, projectors and auditors have no right to the table") {
    for (const char* role : {"ledger_reader", "ledger_projector", "ledger_auditor"}) {
      CAPTURE(role);
      TestLogin login({role});
      std::unique_ptr<pg::PgConnection> other = Connect(login.Url(db.Url()));
      MustExec(*other, "SET ROLE " + std::string(role));
      MustExec(*other, "SET ledger.tenant = '*'");
      other->ClearError();
      CHECK_FALSE(other->Exec("SELECT count(*) FROM aggregate_snapshots").ok());
      CHECK(other->last_error().sqlstate == "42501");
    }
  }
}

}  // namespace ledger::pgtest

LEDGER_SNAPSHOT_STORE_CONFORMANCE(ledger::pgtest::PgSnapshotFactory);
