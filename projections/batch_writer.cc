#include "projections/batch_writer.h"

#include <cassert>
#include <cstring>
#include <functional>
#include <span>

namespace ledger::projections {

namespace {

// A key's identity among the keys of one table: each part's type and bytes, length-prefixed.
// Equal exactly when CanonicalKey is (a table's key columns have fixed types), and much
// cheaper: no JSON quoting, no number formatting.
void AppendKeyIdentity(const Key& key, std::string& out) {
  for (const Value& part : key) {
    out += static_cast<char>('0' + part.index());
    char fixed[8];
    std::string_view bytes;
    std::string canonical;
    if (const auto* s = std::get_if<std::string>(&part)) {
      bytes = *s;
    } else if (const auto* i = std::get_if<std::int64_t>(&part)) {
      std::memcpy(fixed, i, sizeof(fixed));
      bytes = std::string_view(fixed, sizeof(fixed));
    } else if (const auto* b = std::get_if<bool>(&part)) {
      bytes = *b ? "1" : "0";
    } else if (const auto* t = std::get_if<Timestamp>(&part)) {
      std::int64_t micros = t->value();
      std::memcpy(fixed, &micros, sizeof(fixed));
      bytes = std::string_view(fixed, sizeof(fixed));
    } else if (part.index() != 0) {
      canonical = CanonicalValue(part);  // JSON: compared in canonical form
      bytes = canonical;
    }
    std::uint32_t length = static_cast<std::uint32_t>(bytes.size());
    out.append(reinterpret_cast<const char*>(&length), sizeof(length));
    out.append(bytes);
  }
}

// Rough heap bytes of a cached row, for the cache's budget.
std::size_t RowBytes(const std::optional<Row>& row) {
  std::size_t bytes = 96;  // node, index entry, row object
  if (!row) return bytes;
  for (const Value& v : row->values()) {
    bytes += sizeof(Value);
    if (const auto* s = std::get_if<std::string>(&v)) bytes += s->capacity();
    if (const auto* j = std::get_if<JsonText>(&v)) bytes += j->text.capacity();
  }
  return bytes;
}

constexpr std::size_t kWrittenBits = std::size_t{1} << 23;  // 1 MiB per table created empty

}  // namespace

std::string RowIdentity(const TableSpec& table, const Key& key) {
  std::string out;
  out.reserve(table.name.size() + 48);
  out += table.name;  // [a-z0-9_]: never the separator
  out += '\x1e';
  AppendKeyIdentity(key, out);
  return out;
}

// --- RowCache ---------------------------------------------------------------------------------

RowCache::RowCache(std::size_t budget_bytes) : budget_(budget_bytes) {}

std::string RowCache::CacheKey(TableSet set, const TableSpec& table, const Key& key) {
  std::string out;
  out.reserve(64);
  SetCacheKey(set, table, key, out);
  return out;
}

void RowCache::SetCacheKey(TableSet set, const TableSpec& table, const Key& key,
                           std::string& out) {
  out.clear();
  out += static_cast<char>('0' + static_cast<int>(set));
  out += table.name;  // [a-z0-9_]: never the separator
  out += '\x1e';
  AppendKeyIdentity(key, out);
}

RowCache::Written* RowCache::WrittenOf(TableSet set, const TableSpec& table,
                                       std::vector<std::pair<const TableSpec*, Written*>>& memo) {
  for (const auto& [t, w] : memo) {
    if (t == &table) return w;
  }
  auto empty = empty_tables_.find({set, table.name});
  memo.emplace_back(&table, empty != empty_tables_.end() ? &empty->second : nullptr);
  return memo.back().second;
}

void RowCache::Written::Add(std::uint64_t hash) {
  if (bits.empty()) bits.assign(kWrittenBits / 64, 0);
  std::uint64_t h1 = hash, h2 = (hash >> 29) | 1;
  for (int i = 0; i < 3; ++i) {
    std::uint64_t bit = (h1 + static_cast<std::uint64_t>(i) * h2) % kWrittenBits;
    bits[bit / 64] |= std::uint64_t{1} << (bit % 64);
  }
}

bool RowCache::Written::MayContain(std::uint64_t hash) const {
  if (bits.empty()) return false;
  std::uint64_t h1 = hash, h2 = (hash >> 29) | 1;
  for (int i = 0; i < 3; ++i) {
    std::uint64_t bit = (h1 + static_cast<std::uint64_t>(i) * h2) % kWrittenBits;
    if ((bits[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) return false;
  }
  return true;
}

std::optional<std::optional<Row>> RowCache::Find(TableSet set, const TableSpec& table,
                                                 const Key& key) {
  std::string cache_key = CacheKey(set, table, key);
  if (auto it = index_.find(cache_key); it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->row;
  }
  auto empty = empty_tables_.find({set, table.name});
  if (empty != empty_tables_.end() &&
      !empty->second.MayContain(std::hash<std::string>{}(cache_key))) {
    return std::optional<Row>();  // never written since the table was created empty
  }
  return std::nullopt;
}

std::vector<bool> RowCache::NewRows(TableSet set, const std::vector<RowChange>& changes) {
  std::vector<bool> out(changes.size());
  std::vector<std::pair<const TableSpec*, Written*>> memo;
  std::string cache_key;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const RowChange& change = changes[i];
    if (!change.row) continue;
    SetCacheKey(set, *change.table, change.key, cache_key);
    // A rebuild's cache seldom holds a row (its flushes keep none): skip the lookup then.
    if (!index_.empty()) {
      if (auto it = index_.find(cache_key); it != index_.end()) {
        out[i] = !it->second->row.has_value();
        continue;
      }
    }
    const Written* written = WrittenOf(set, *change.table, memo);
    out[i] = written != nullptr && !written->MayContain(std::hash<std::string>{}(cache_key));
  }
  return out;
}

void RowCache::Put(TableSet set, const TableSpec& table, const Key& key,
                   const std::optional<Row>& row) {
  std::optional<Row> copy = row;
  Put(set, table, key, std::move(copy));
}

void RowCache::Put(TableSet set, const TableSpec& table, const Key& key,
                   std::optional<Row>&& row) {
  std::string cache_key = CacheKey(set, table, key);
  if (row) {
    auto empty = empty_tables_.find({set, table.name});
    if (empty != empty_tables_.end()) empty->second.Add(std::hash<std::string>{}(cache_key));
  }
  if (auto it = index_.find(cache_key); it != index_.end()) {
    Node& node = *it->second;
    bytes_ -= node.bytes;
    node.row = std::move(row);
    node.bytes = cache_key.size() + RowBytes(node.row);
    bytes_ += node.bytes;
    lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    lru_.push_front(Node{std::move(cache_key), std::move(row), 0});
    Node& node = lru_.front();
    node.bytes = node.key.size() + RowBytes(node.row);
    bytes_ += node.bytes;
    index_.emplace(node.key, lru_.begin());
  }
  Evict();
}

void RowCache::NoteFlushed(TableSet set, const std::vector<RowChange>& flushed) {
  std::vector<std::pair<const TableSpec*, Written*>> memo;
  std::string cache_key;
  for (const RowChange& change : flushed) {
    SetCacheKey(set, *change.table, change.key, cache_key);
    if (change.row) {
      if (Written* w = WrittenOf(set, *change.table, memo)) {
        w->Add(std::hash<std::string>{}(cache_key));
      }
    }
    if (index_.empty()) continue;
    if (auto it = index_.find(cache_key); it != index_.end()) {
      bytes_ -= it->second->bytes;
      auto node = it->second;
      index_.erase(it);
      lru_.erase(node);
    }
  }
}

void RowCache::Evict() {
  while (bytes_ > budget_ && !lru_.empty()) {
    Node& last = lru_.back();
    bytes_ -= last.bytes;
    index_.erase(last.key);
    lru_.pop_back();
  }
}

void RowCache::MarkEmpty(TableSet set, const TableSpec& table) {
  Forget(table);
  empty_tables_[{set, table.name}];
}

void RowCache::Forget(const TableSpec& table) {
  for (TableSet set : {TableSet::kLive, TableSet::kShadow}) empty_tables_.erase({set, table.name});
  // Keys start with the set and the table's name (CacheKey).
  const std::string prefix = table.name + '\x1e';
  for (auto it = lru_.begin(); it != lru_.end();) {
    if (std::string_view(it->key).substr(1, prefix.size()) != prefix) {
      ++it;
      continue;
    }
    bytes_ -= it->bytes;
    index_.erase(it->key);
    it = lru_.erase(it);
  }
}

void RowCache::Clear() {
  index_.clear();
  lru_.clear();
  empty_tables_.clear();
  bytes_ = 0;
}

// --- BatchWriter ------------------------------------------------------------------------------

Result<std::optional<Row>> BatchWriter::Get(const TableSpec& table, const Key& key) {
  std::string slot_key = RowIdentity(table, key);
  if (auto it = slots_.find(slot_key); it != slots_.end()) return it->second.row;
  std::optional<std::optional<Row>> known;
  for (const WriteBackBuffer* uncommitted : {static_cast<const WriteBackBuffer*>(into_), behind_}) {
    if (known || uncommitted == nullptr) continue;
    if (const std::optional<Row>* held = uncommitted->Find(slot_key)) known = *held;
  }
  if (!known && cache_ != nullptr) known = cache_->Find(set_, table, key);
  if (!known) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<std::optional<Row>> fetched,
                            store_.Fetch(table, set_, std::span<const Key>(&key, 1)));
    known = std::move(fetched.at(0));
    // Read from the store: committed, so the cache may keep it.
    if (cache_ != nullptr) cache_->Put(set_, table, key, *known);
  }
  // Writing into a buffer, the rows read need no slot: a change goes to the buffer, and a row
  // only read is answered by the cache next time.
  if (into_ != nullptr) return std::move(*known);
  Slot slot{.row = std::move(*known), .table = &table, .key = key};
  return slots_.emplace(std::move(slot_key), std::move(slot)).first->second.row;
}

BatchWriter::Slot& BatchWriter::Touch(const TableSpec& table, const Key& key) {
  std::string slot_key = RowIdentity(table, key);
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
  if (into_ != nullptr) {
    const TableSpec& table = row.spec();
    std::string identity = RowIdentity(table, key);
    into_->Put(std::move(identity), RowChange{&table, std::move(key), std::move(row)});
    return;
  }
  Slot& slot = Touch(row.spec(), key);
  slot.row = std::move(row);
}

void BatchWriter::Delete(const TableSpec& table, Key key) {
  if (into_ != nullptr) {
    std::string identity = RowIdentity(table, key);
    into_->Put(std::move(identity), RowChange{&table, std::move(key), std::nullopt});
    return;
  }
  Slot& slot = Touch(table, key);
  slot.row.reset();
}

std::vector<RowChange> BatchWriter::TakeChanges() {
  assert(into_ == nullptr);
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

void BatchWriter::CommittedTo(RowCache& cache, TableSet set,
                              const std::vector<RowChange>& committed) {
  for (const RowChange& change : committed) cache.Put(set, *change.table, change.key, change.row);
}

}  // namespace ledger::projections
