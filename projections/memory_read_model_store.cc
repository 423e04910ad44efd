#include "projections/memory_read_model_store.h"

#include <algorithm>
#include <set>

namespace ledger::projections {

namespace {

// Values of one column compare within their type; NULL sorts first.
int CompareValues(const Value& a, const Value& b) {
  if (a.index() != b.index()) return a.index() < b.index() ? -1 : 1;
  return std::visit(
      [&](const auto& x) -> int {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, std::monostate>) {
          return 0;
        } else if constexpr (std::is_same_v<T, JsonText>) {
          return x.text.compare(y.text) < 0 ? -1 : (x.text == y.text ? 0 : 1);
        } else if constexpr (std::is_same_v<T, std::string>) {
          int c = x.compare(y);  // std::string compares as unsigned char: bytewise
          return c < 0 ? -1 : (c == 0 ? 0 : 1);
        } else {
          return x < y ? -1 : (y < x ? 1 : 0);
        }
      },
      a);
}

}  // namespace

bool KeyLess(const Key& a, const Key& b) {
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    int c = CompareValues(a[i], b[i]);
    if (c != 0) return c < 0;
  }
  return a.size() < b.size();
}

Result<std::optional<Checkpoint>> MemoryReadModelStore::LoadCheckpoint(std::string_view name) {
  std::lock_guard lock(mu_);
  auto it = checkpoints_.find(name);
  if (it == checkpoints_.end()) return std::optional<Checkpoint>();
  return std::optional<Checkpoint>(it->second);
}

Status MemoryReadModelStore::CheckMoveLocked(const CheckpointMove& move) const {
  auto it = checkpoints_.find(move.next.name);
  bool matches = move.expected ? (it != checkpoints_.end() && it->second.position == *move.expected)
                               : it == checkpoints_.end();
  if (!matches) return Conflict("checkpoint '" + move.next.name + "' moved on");
  return Status::Ok();
}

Status MemoryReadModelStore::SaveCheckpoint(const CheckpointMove& move) {
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(CheckMoveLocked(move));
  checkpoints_[move.next.name] = move.next;
  return Status::Ok();
}

Status MemoryReadModelStore::CreateTables(std::span<const TableSpec> tables, TableSet set) {
  std::lock_guard lock(mu_);
  for (const TableSpec& table : tables) {
    std::string invalid = ValidateTableSpec(table);
    if (!invalid.empty()) return InvalidArgument(invalid);
  }
  for (const TableSpec& table : tables) tables_.try_emplace(PhysicalTableName(table, set));
  return Status::Ok();
}

Status MemoryReadModelStore::DropTables(std::span<const TableSpec> tables, TableSet set) {
  std::lock_guard lock(mu_);
  for (const TableSpec& table : tables) tables_.erase(PhysicalTableName(table, set));
  return Status::Ok();
}

Result<std::vector<std::optional<Row>>> MemoryReadModelStore::Fetch(const TableSpec& table,
                                                                    TableSet set,
                                                                    std::span<const Key> keys) {
  std::lock_guard lock(mu_);
  auto t = tables_.find(PhysicalTableName(table, set));
  if (t == tables_.end()) return FailedPrecondition("no table " + PhysicalTableName(table, set));
  std::vector<std::optional<Row>> rows;
  rows.reserve(keys.size());
  for (const Key& key : keys) {
    auto it = t->second.find(CanonicalKey(key));
    rows.push_back(it == t->second.end() ? std::nullopt : std::optional<Row>(it->second));
  }
  return rows;
}

Status MemoryReadModelStore::Commit(const CommitRequest& request) {
  std::lock_guard lock(mu_);
  for (const RowChange& change : request.changes) {
    LEDGER_RETURN_IF_ERROR(CheckRowChange(change));
    if (!tables_.contains(PhysicalTableName(*change.table, request.set))) {
      return FailedPrecondition("no table " + PhysicalTableName(*change.table, request.set));
    }
  }
  for (const CheckpointMove& move : request.checkpoints) LEDGER_RETURN_IF_ERROR(CheckMoveLocked(move));
  LEDGER_RETURN_IF_ERROR(CheckNewRowsLocked(request));
  for (const RowChange& change : request.changes) {
    Table& t = tables_[PhysicalTableName(*change.table, request.set)];
    if (change.row) {
      t.insert_or_assign(CanonicalKey(change.key), *change.row);
    } else {
      t.erase(CanonicalKey(change.key));
    }
  }
  for (const CheckpointMove& move : request.checkpoints) checkpoints_[move.next.name] = move.next;
  return Status::Ok();
}

Status MemoryReadModelStore::CheckNewRowsLocked(const CommitRequest& request) const {
  LEDGER_RETURN_IF_ERROR(CheckNewRowsShape(request));
  if (request.new_rows.empty()) return Status::Ok();
  std::set<std::pair<std::string, std::string>> earlier;  // (table, key) changed before
  for (std::size_t i = 0; i < request.changes.size(); ++i) {
    const RowChange& change = request.changes[i];
    std::string table = PhysicalTableName(*change.table, request.set);
    std::string key = CanonicalKey(change.key);
    if (request.new_rows[i]) {
      auto t = tables_.find(table);
      bool stored = t != tables_.end() && t->second.contains(key);
      if (!change.row || stored || earlier.contains({table, key})) {
        return AlreadyExists("change " + std::to_string(i) + " to " + table +
                             " is hinted a new row, but its key " + key + " is stored");
      }
    }
    earlier.emplace(std::move(table), std::move(key));
  }
  return Status::Ok();
}

Status MemoryReadModelStore::PromoteShadow(std::span<const TableSpec> tables,
                                           std::string_view live_checkpoint,
                                           std::string_view shadow_checkpoint,
                                           GlobalPosition expected) {
  std::lock_guard lock(mu_);
  auto shadow = checkpoints_.find(shadow_checkpoint);
  if (shadow == checkpoints_.end() || shadow->second.position != expected) {
    return Conflict("checkpoint '" + std::string(shadow_checkpoint) + "' moved on");
  }
  for (const TableSpec& table : tables) {
    if (!tables_.contains(PhysicalTableName(table, TableSet::kShadow))) {
      return FailedPrecondition("no table " + PhysicalTableName(table, TableSet::kShadow));
    }
  }
  for (const TableSpec& table : tables) {
    auto node = tables_.extract(PhysicalTableName(table, TableSet::kShadow));
    tables_.insert_or_assign(table.name, std::move(node.mapped()));
  }
  Checkpoint promoted = shadow->second;
  promoted.name = std::string(live_checkpoint);
  checkpoints_.erase(shadow);
  checkpoints_.insert_or_assign(promoted.name, promoted);
  return Status::Ok();
}

Status MemoryReadModelStore::DeleteCheckpoint(std::string_view name, GlobalPosition expected) {
  std::lock_guard lock(mu_);
  auto it = checkpoints_.find(name);
  if (it == checkpoints_.end()) return Status::Ok();
  if (it->second.position != expected) {
    return Conflict("checkpoint '" + std::string(name) + "' moved on");
  }
  checkpoints_.erase(it);
  return Status::Ok();
}

Result<std::vector<Checkpoint>> MemoryReadModelStore::LoadCheckpoints() {
  std::lock_guard lock(mu_);
  std::vector<Checkpoint> all;
  for (const auto& [name, checkpoint] : checkpoints_) all.push_back(checkpoint);
  return all;
}

Status MemoryReadModelStore::Scan(const TableSpec& table,
                                  const std::function<Status(const Row&)>& visit) {
  std::vector<Row> rows;
  {
    std::lock_guard lock(mu_);
    auto t = tables_.find(table.name);
    if (t == tables_.end()) return FailedPrecondition("no table " + table.name);
    for (const auto& [key, row] : t->second) rows.push_back(row);
  }
  std::sort(rows.begin(), rows.end(),
            [](const Row& a, const Row& b) { return KeyLess(a.PrimaryKey(), b.PrimaryKey()); });
  for (const Row& row : rows) LEDGER_RETURN_IF_ERROR(visit(row));
  return Status::Ok();
}

}  // namespace ledger::projections
