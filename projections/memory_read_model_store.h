// A ReadModelStore in memory: the reference for the conformance suite and the fast store for
// tests of projectors. Nothing survives the process.
#ifndef LEDGER_PROJECTIONS_MEMORY_READ_MODEL_STORE_H_
#define LEDGER_PROJECTIONS_MEMORY_READ_MODEL_STORE_H_

#include <map>
#include <mutex>
#include <string>

#include "projections/read_model_store.h"

namespace ledger::projections {

class MemoryReadModelStore final : public ReadModelStore {
 public:
  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) override;
  Status SaveCheckpoint(const CheckpointMove& move) override;
  Status CreateTables(std::span<const TableSpec> tables, TableSet set) override;
  Status DropTables(std::span<const TableSpec> tables, TableSet set) override;
  Result<std::vector<std::optional<Row>>> Fetch(const TableSpec& table, TableSet set,
                                                std::span<const Key> keys) override;
  Status Commit(const CommitRequest& request) override;
  Status PromoteShadow(std::span<const TableSpec> tables, std::string_view live_checkpoint,
                       std::string_view shadow_checkpoint, GlobalPosition expected) override;
  Status DeleteCheckpoint(std::string_view name, GlobalPosition expected) override;
  Result<std::vector<Checkpoint>> LoadCheckpoints() override;
  Status Scan(const TableSpec& table, const std::function<Status(const Row&)>& visit) override;
  LeaderElector& leadership() override { return elector_; }

 private:
  // Rows of one physical table by canonical key. Canonical keys of text compare bytewise, but
  // integers would compare as text; Scan therefore sorts by the key values themselves.
  using Table = std::map<std::string, Row>;

  Status CheckMoveLocked(const CheckpointMove& move) const;
  // A test double's strictness: a request whose new_rows hints a stored (or earlier changed)
  // key, or a deletion, is refused (AlreadyExists), so that runtime tests catch a wrong hint.
  Status CheckNewRowsLocked(const CommitRequest& request) const;

  std::mutex mu_;
  std::map<std::string, Table> tables_;            // by physical name
  std::map<std::string, Checkpoint, std::less<>> checkpoints_;
  LocalLeaderElector elector_;
};

// Orders two keys as every backend's Scan does: NULL first, integers numerically, text
// bytewise, false before true, times chronologically, JSON by its text.
bool KeyLess(const Key& a, const Key& b);

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_MEMORY_READ_MODEL_STORE_H_
