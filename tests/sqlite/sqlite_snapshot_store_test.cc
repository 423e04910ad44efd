// SqliteSnapshotStore: the SnapshotStore conformance suite in memory and in a file; snapshots
// share the ledger file with the events and survive reopening it.
#include <doctest/doctest.h>

#include <fstream>
#include <memory>

#include "adapters/sqlite/sqlite_snapshot_store.h"
#include "tests/conformance/snapshot_store_conformance.h"
#include "tests/sqlite/sqlite_test_util.h"

namespace ledger::testing {
namespace {

SqliteOptions Migrating() {
  SqliteOptions options;
  options.migrate = true;
  return options;
}

std::unique_ptr<SqliteSnapshotStore> MustOpenSnapshots(const std::string& path,
                                                       const SqliteOptions& options) {
  Result<std::unique_ptr<SqliteSnapshotStore>> opened = SqliteSnapshotStore::Open(path, options);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  return std::move(opened).value();
}

struct SqliteMemorySnapshotFactory {
  static std::unique_ptr<SnapshotStore> Open() {
    return MustOpenSnapshots(":memory:", Migrating());
  }
};

// A store in a file of its own, deleted with the store.
class TempFileSnapshotStore final : public SnapshotStore {
 public:
  TempFileSnapshotStore() : store_(MustOpenSnapshots(dir_.File("ledger.db"), Migrating())) {}
  Result<std::optional<Snapshot>> Load(const StreamId& stream,
                                       std::string_view aggregate) override {
    return store_->Load(stream, aggregate);
  }
  Status Save(const Snapshot& snapshot) override { return store_->Save(snapshot); }
  Status Delete(const StreamId& stream, std::string_view aggregate) override {
    return store_->Delete(stream, aggregate);
  }

 private:
  TempDir dir_;
  std::unique_ptr<SqliteSnapshotStore> store_;
};

struct SqliteFileSnapshotFactory {
  static std::unique_ptr<SnapshotStore> Open() { return std::make_unique<TempFileSnapshotStore>(); }
};

}  // namespace

TEST_CASE("sqlite snapshots: kept in the ledger file, beside the events, across reopening") {
  TempDir dir;
  std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteEventStore> events = MustOpen(path, Migrating());
  {
    std::unique_ptr<SqliteSnapshotStore> snapshots = MustOpenSnapshots(path, SqliteOptions{});
    REQUIRE(snapshots->Save(snapshot_conformance::MakeSnapshot("canary-x", 4, "four")).ok());
  }
  std::unique_ptr<SqliteSnapshotStore> reopened = MustOpenSnapshots(path, SqliteOptions{});
  std::optional<Snapshot> loaded = snapshot_conformance::MustLoad(*reopened, "canary-x");
  REQUIRE(loaded.has_value());
  CHECK(loaded->bytes == "four");
  CHECK(RawQueryText(path, "SELECT count(*) FROM aggregate_snapshots").value() == "1");
}

TEST_CASE("sqlite snapshots: a file that does not exist or is not migrated is refused") {
  TempDir dir;
  CHECK(SqliteSnapshotStore::Open(dir.File("absent.db")).status().code() ==
        StatusCode::kFailedPrecondition);
  std::ofstream(dir.File("empty.db")).flush();  // an empty file: a database with no tables
  CHECK(SqliteSnapshotStore::Open(dir.File("empty.db")).status().code() ==
        StatusCode::kFailedPrecondition);
}

}  // namespace ledger::testing

LEDGER_SNAPSHOT_STORE_CONFORMANCE(ledger::testing::SqliteMemorySnapshotFactory,
                                  ledger::testing::SqliteFileSnapshotFactory);
