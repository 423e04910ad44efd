// BatchWriter: the ProjectionWriter the runtime hands projectors. It buffers a batch's row
// changes in memory (later events of the batch see earlier ones) and yields them, one final
// change per row, for a single ReadModelStore::Commit. Rows read from the store are cached
// for the batch, so a projector may Get the same row once per event at no extra cost.
//
// RowCache carries what batches learned across batches: the rows the runtime's own commits
// wrote and the rows it read. A projector that reads its row for every event (a product, a
// canary route) then pays one round trip per row instead of one per event. It is sound only
// while the cache's owner is the only writer of the tables (it leads their projectors) and
// only with committed state: the runtime puts a batch's changes in after its Commit succeeded
// and forgets everything when a commit's outcome is unknown or leadership changes
// (internal/projector_set.cc). A table the runtime has just created empty (a rebuild's shadow
// table) is also known to hold no row it has not written, so a Get of a new key needs no
// round trip either. A rebuild's flushes only tell the cache which keys they wrote
// (NoteFlushed), not the rows.
//
// Not thread-safe: one batch, one thread.
#ifndef LEDGER_PROJECTIONS_BATCH_WRITER_H_
#define LEDGER_PROJECTIONS_BATCH_WRITER_H_

#include <cstdint>
#include <list>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "projections/projector.h"
#include "projections/read_model_store.h"
#include "projections/write_back_buffer.h"

namespace ledger::projections {

// A row's identity among every table's rows: the table's name and each key part's type and
// bytes. Equal exactly when the table and CanonicalKey are, and much cheaper to make.
std::string RowIdentity(const TableSpec& table, const Key& key);

class RowCache {
 public:
  // At most about `budget_bytes` of rows are kept; the least recently used go first.
  explicit RowCache(std::size_t budget_bytes);
  RowCache(const RowCache&) = delete;
  RowCache& operator=(const RowCache&) = delete;

  // What the cache knows of the row stored under `key` of `table` in `set`: nothing
  // (nullopt), or the row or its absence.
  std::optional<std::optional<Row>> Find(TableSet set, const TableSpec& table, const Key& key);

  // For each of `changes` to `set`: whether it is a row whose key the cache knows the store
  // does not hold (Find would answer absent). For a whole flush at once; unlike Find, it
  // leaves the recency order alone.
  std::vector<bool> NewRows(TableSet set, const std::vector<RowChange>& changes);

  // The store holds `row` (or, nullopt, nothing) under `key` of `table` in `set`.
  void Put(TableSet set, const TableSpec& table, const Key& key, const std::optional<Row>& row);
  void Put(TableSet set, const TableSpec& table, const Key& key, std::optional<Row>&& row);

  // `flushed` (a rebuild's write-back buffer, just committed to `set`) is in the store: the
  // cache forgets what it held for those keys and notes which may now exist (for MarkEmpty),
  // but keeps none of the rows. A flush holds far more rows than the cache, and the rows a
  // rebuild goes on changing are in its next buffer by then: in a rebuild of the benchmark's
  // million events, keeping a flush's last rows (up to half the budget) cost a third of the
  // rebuild's CPU in cache upkeep and allocation, and saved no fetch (docs/performance.md).
  void NoteFlushed(TableSet set, const std::vector<RowChange>& flushed);

  // `table` in `set` was just created empty by the cache's owner: every key not Put since is
  // absent.
  void MarkEmpty(TableSet set, const TableSpec& table);

  // Forgets everything about `table` (both sets), or about every table.
  void Forget(const TableSpec& table);
  void Clear();

  std::size_t bytes() const { return bytes_; }

 private:
  struct Node {
    std::string key;
    std::optional<Row> row;
    std::size_t bytes = 0;
  };
  // Which keys of a table created empty may have been written: a Bloom filter, so that it
  // stays one fixed size however many rows the table gets. "No" is certain; "maybe" means
  // ask the store.
  struct Written {
    std::vector<std::uint64_t> bits;
    void Add(std::uint64_t hash);
    bool MayContain(std::uint64_t hash) const;
  };

  static std::string CacheKey(TableSet set, const TableSpec& table, const Key& key);
  // CacheKey into `out`, reusing its storage.
  static void SetCacheKey(TableSet set, const TableSpec& table, const Key& key, std::string& out);
  // The Bloom filter of `table` in `set` if it was created empty, else null; looked up once
  // per table in `memo`.
  Written* WrittenOf(TableSet set, const TableSpec& table,
                     std::vector<std::pair<const TableSpec*, Written*>>& memo);
  void Evict();

  std::size_t budget_;
  std::size_t bytes_ = 0;
  std::list<Node> lru_;  // most recently used first
  std::unordered_map<std::string_view, std::list<Node>::iterator> index_;  // views of Node::key
  std::map<std::pair<TableSet, std::string>, Written> empty_tables_;  // by table name
};

class BatchWriter final : public ProjectionWriter {
 public:
  // `cache`, if given, answers Gets the batch has not seen before asking the store, and
  // learns every row the batch reads from the store; the caller puts the batch's changes in
  // once they are committed (CommittedTo).
  BatchWriter(ReadModelStore& store, TableSet set, RowCache* cache = nullptr)
      : store_(store), set_(set), cache_(cache) {}
  // A rebuild's writer: changes go straight into `into` (the write-back buffer) as they are
  // made, not held for TakeChanges. The buffer keeps one change per row as a batch would, it
  // answers Gets first, and a failed batch drops the whole buffer anyway (projector_set.cc),
  // so nothing is lost by not holding the batch apart, and every change is handled once.
  // `behind`, if given, holds older changes being committed (a buffer written behind): it
  // answers after `into`, whose changes are newer, and before the cache.
  BatchWriter(ReadModelStore& store, TableSet set, RowCache* cache, WriteBackBuffer& into,
              const WriteBackBuffer* behind)
      : store_(store), set_(set), cache_(cache), into_(&into), behind_(behind) {}

  Result<std::optional<Row>> Get(const TableSpec& table, const Key& key) override;
  void Upsert(Row row) override;
  void Delete(const TableSpec& table, Key key) override;

  // The batch's changes, one per touched row, in the order rows were first changed; clears
  // the writer for the next batch. REQUIRES: not writing into a buffer.
  std::vector<RowChange> TakeChanges();

  std::size_t pending() const { return changes_.size(); }

  // Puts `committed` (what TakeChanges returned, now committed) into `cache`.
  static void CommittedTo(RowCache& cache, TableSet set, const std::vector<RowChange>& committed);

 private:
  struct Slot {
    std::optional<Row> row;  // the row as the batch leaves it; nullopt: absent
    bool changed = false;    // false: only read from the store
    std::size_t order = 0;   // first change, for a deterministic commit order
    const TableSpec* table = nullptr;
    Key key;
  };

  Slot& Touch(const TableSpec& table, const Key& key);

  ReadModelStore& store_;
  TableSet set_;
  RowCache* cache_;
  WriteBackBuffer* into_ = nullptr;
  const WriteBackBuffer* behind_ = nullptr;
  std::unordered_map<std::string, Slot> slots_;
  std::vector<std::string> changes_;  // slot keys in first-change order
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_BATCH_WRITER_H_
