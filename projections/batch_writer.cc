#include "projections/batch_writer.h"

#include <span>

namespace ledger::projections {

std::string BatchWriter::SlotKey(const TableSpec& table, const Key& key) {
  return table.name + '\x1e' + CanonicalKey(key);
}

Result<std::optional<Row>> BatchWriter::Get(const TableSpec& table, const Key& key) {
  std::string slot_key = SlotKey(table, key);
  if (auto it = slots_.find(slot_key); it != slots_.end()) return it->second.row;
  LEDGER_ASSIGN_OR_RETURN(std::vector<std::optional<Row>> fetched,
                          store_.Fetch(table, set_, std::span<const Key>(&key, 1)));
  Slot slot{.row = std::move(fetched.at(0)), .table = &table, .key = key};
  return slots_.emplace(std::move(slot_key), std::move(slot)).first->second.row;
}

BatchWriter::Slot& BatchWriter::Touch(const TableSpec& table, const Key& key) {
  std::string slot_key = SlotKey(table, key);
  auto [it, inserted] = slots_.try_emplace(slot_key);
  Slot& slot = it->second;
  if (inserted) {
    slot.table = &table;
    slot.key = key;
  }
  if (!slot.changed) {
    slot.changed = true;
    slot.order = changes_.size();
    changes_.push_back(std::move(slot_key));
  }
  return slot;
}

void BatchWriter::Upsert(Row row) {
  Key key = row.PrimaryKey();
  Slot& slot = Touch(row.spec(), key);
  slot.row = std::move(row);
}

void BatchWriter::Delete(const TableSpec& table, Key key) {
  Slot& slot = Touch(table, key);
  slot.row.reset();
}

std::vector<RowChange> BatchWriter::TakeChanges() {
  std::vector<RowChange> out;
  out.reserve(changes_.size());
  for (const std::string& slot_key : changes_) {
    Slot& slot = slots_.at(slot_key);
    out.push_back(RowChange{slot.table, std::move(slot.key), std::move(slot.row)});
  }
  slots_.clear();
  changes_.clear();
  return out;
}

}  // namespace ledger::projections
