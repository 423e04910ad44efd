// The ReadModelStore conformance suite on the SQLite store: in memory, and in a fresh file.
#include "adapters/sqlite/sqlite_read_model_store.h"

#include <memory>

#include "tests/conformance/read_model_store_conformance.h"
#include "tests/sqlite/sqlite_test_util.h"

namespace ledger::testing {
namespace {

std::unique_ptr<SqliteReadModelStore> MustOpenReadModels(const std::string& path) {
  SqliteOptions options;
  options.migrate = true;
  Result<std::unique_ptr<SqliteReadModelStore>> store = SqliteReadModelStore::Open(path, options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  return std::move(store).value();
}

// A store in a file of its own, deleted with the store (and its lock files with the directory).
class TempFileReadModelStore final : public projections::ReadModelStore {
 public:
  TempFileReadModelStore() : store_(MustOpenReadModels(dir_.File("ledger.db"))) {}

  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) override {
    return store_->LoadCheckpoint(name);
  }
  Status SaveCheckpoint(const CheckpointMove& move) override {
    return store_->SaveCheckpoint(move);
  }
  Status CreateTables(std::span<const projections::TableSpec> tables,
                      projections::TableSet set) override {
    return store_->CreateTables(tables, set);
  }
  Status DropTables(std::span<const projections::TableSpec> tables,
                    projections::TableSet set) override {
    return store_->DropTables(tables, set);
  }
  Result<std::vector<std::optional<projections::Row>>> Fetch(
      const projections::TableSpec& table, projections::TableSet set,
      std::span<const projections::Key> keys) override {
    return store_->Fetch(table, set, keys);
  }
  Status Commit(const projections::CommitRequest& request) override {
    return store_->Commit(request);
  }
  Status PromoteShadow(std::span<const projections::TableSpec> tables,
                       std::string_view live_checkpoint, std::string_view shadow_checkpoint,
                       GlobalPosition expected) override {
    return store_->PromoteShadow(tables, live_checkpoint, shadow_checkpoint, expected);
  }
  Status DeleteCheckpoint(std::string_view name, GlobalPosition expected) override {
    return store_->DeleteCheckpoint(name, expected);
  }
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return store_->LoadCheckpoints(); }
  Status Scan(const projections::TableSpec& table,
              const std::function<Status(const projections::Row&)>& visit) override {
    return store_->Scan(table, visit);
  }
  LeaderElector& leadership() override { return store_->leadership(); }

 private:
  TempDir dir_;  // declared first: outlives the store
  std::unique_ptr<SqliteReadModelStore> store_;
};

}  // namespace
}  // namespace ledger::testing

LEDGER_READ_MODEL_STORE_CONFORMANCE(SqliteMemoryReadModels,
                                    ledger::testing::MustOpenReadModels(":memory:"))
LEDGER_READ_MODEL_STORE_CONFORMANCE(SqliteFileReadModels,
                                    std::make_unique<ledger::testing::TempFileReadModelStore>())
