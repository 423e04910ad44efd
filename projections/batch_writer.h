// BatchWriter: the ProjectionWriter the runtime hands projectors. It buffers a batch's row
// changes in memory (later events of the batch see earlier ones) and yields them, one final
// change per row, for a single ReadModelStore::Commit. Rows read from the store are cached
// for the batch, so a projector may Get the same row once per event at no extra cost.
//
// Not thread-safe: one batch, one thread.
#ifndef LEDGER_PROJECTIONS_BATCH_WRITER_H_
#define LEDGER_PROJECTIONS_BATCH_WRITER_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "projections/projector.h"
#include "projections/read_model_store.h"

namespace ledger::projections {

class BatchWriter final : public ProjectionWriter {
 public:
  BatchWriter(ReadModelStore& store, TableSet set) : store_(store), set_(set) {}

  Result<std::optional<Row>> Get(const TableSpec& table, const Key& key) override;
  void Upsert(Row row) override;
  void Delete(const TableSpec& table, Key key) override;

  // The batch's changes, one per touched row, in the order rows were first changed; clears
  // the writer for the next batch.
  std::vector<RowChange> TakeChanges();

  std::size_t pending() const { return changes_.size(); }

 private:
  struct Slot {
    std::optional<Row> row;  // the row as the batch leaves it; nullopt: absent
    bool changed = false;    // false: only read from the store
    std::size_t order = 0;   // first change, for a deterministic commit order
    const TableSpec* table = nullptr;
    Key key;
  };

  static std::string SlotKey(const TableSpec& table, const Key& key);
  Slot& Touch(const TableSpec& table, const Key& key);

  ReadModelStore& store_;
  TableSet set_;
  std::unordered_map<std::string, Slot> slots_;
  std::vector<std::string> changes_;  // slot keys in first-change order
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_BATCH_WRITER_H_
