#include "projections/batch_writer.h"

#include <doctest/doctest.h>

#include "projections/memory_read_model_store.h"
#include "tests/projections/counting_projector.h"

namespace ledger::projections {
namespace {

Row CountRow(const TableSpec& t, std::string stream, std::int64_t count) {
  Row row(t);
  row.SetText("tenant_id", "t1").SetText("stream_id", std::move(stream)).SetInt("count", count)
      .SetInt("last_position", 1);
  return row;
}

TEST_CASE("BatchWriter shows a batch its own changes and commits one change per row") {
  MemoryReadModelStore store;
  testing::CountingProjector projector;
  const TableSpec& t = projector.table();
  REQUIRE(store.CreateTables(projector.tables(), TableSet::kLive).ok());
  REQUIRE(store.Commit(CommitRequest{.set = TableSet::kLive,
                                     .changes = {RowChange{&t, {std::string("t1"), std::string("a")},
                                                           CountRow(t, "a", 5)}},
                                     .checkpoints = {},
                                     .new_rows = {}})
              .ok());

  BatchWriter writer(store, TableSet::kLive);
  auto a = writer.Get(t, {std::string("t1"), std::string("a")});
  REQUIRE(a.ok());
  REQUIRE(a->has_value());
  CHECK((*a)->Int("count") == 5);
  CHECK(writer.pending() == 0);  // reads are not changes

  writer.Upsert(CountRow(t, "b", 1));
  writer.Upsert(CountRow(t, "a", 6));
  writer.Upsert(CountRow(t, "b", 2));
  CHECK(writer.Get(t, {std::string("t1"), std::string("b")})->value().Int("count") == 2);
  writer.Delete(t, {std::string("t1"), std::string("a")});
  CHECK_FALSE(writer.Get(t, {std::string("t1"), std::string("a")})->has_value());

  std::vector<RowChange> changes = writer.TakeChanges();
  REQUIRE(changes.size() == 2);
  // First-change order: b was changed before a.
  CHECK(CanonicalKey(changes[0].key) == CanonicalKey({std::string("t1"), std::string("b")}));
  CHECK(changes[0].row->Int("count") == 2);
  CHECK(CanonicalKey(changes[1].key) == CanonicalKey({std::string("t1"), std::string("a")}));
  CHECK_FALSE(changes[1].row.has_value());
  CHECK(writer.pending() == 0);
  CHECK(writer.TakeChanges().empty());
}

}  // namespace
}  // namespace ledger::projections

namespace ledger::projections {
namespace {

Row Counted(const TableSpec& t, const std::string& stream, std::int64_t count) {
  Row row(t);
  row.SetText("tenant_id", "t1").SetText("stream_id", stream).SetInt("count", count)
      .SetInt("last_position", 1);
  return row;
}

Key KeyOf(const std::string& stream) { return {std::string("t1"), stream}; }

TEST_CASE("RowCache answers what it was told, and nothing else") {
  testing::CountingProjector projector;
  const TableSpec& t = projector.table();
  RowCache cache(1 << 20);
  CHECK_FALSE(cache.Find(TableSet::kLive, t, KeyOf("a")).has_value());  // unknown: ask

  cache.Put(TableSet::kLive, t, KeyOf("a"), Counted(t, "a", 3));
  cache.Put(TableSet::kLive, t, KeyOf("gone"), std::nullopt);
  auto a = cache.Find(TableSet::kLive, t, KeyOf("a"));
  REQUIRE(a.has_value());
  REQUIRE(a->has_value());
  CHECK((*a)->Int("count") == 3);
  auto gone = cache.Find(TableSet::kLive, t, KeyOf("gone"));
  REQUIRE(gone.has_value());      // known ...
  CHECK_FALSE(gone->has_value());  // ... to be absent
  // The same key in the other table set is another row.
  CHECK_FALSE(cache.Find(TableSet::kShadow, t, KeyOf("a")).has_value());

  cache.Forget(t);
  CHECK_FALSE(cache.Find(TableSet::kLive, t, KeyOf("a")).has_value());
  CHECK(cache.bytes() == 0);
}

TEST_CASE("RowCache: a table created empty holds no row it was not told of") {
  testing::CountingProjector projector;
  const TableSpec& t = projector.table();
  RowCache cache(1 << 20);
  cache.MarkEmpty(TableSet::kShadow, t);
  auto fresh = cache.Find(TableSet::kShadow, t, KeyOf("new"));
  REQUIRE(fresh.has_value());
  CHECK_FALSE(fresh->has_value());
  // The live table was not created empty: unknown there.
  CHECK_FALSE(cache.Find(TableSet::kLive, t, KeyOf("new")).has_value());

  cache.Put(TableSet::kShadow, t, KeyOf("new"), Counted(t, "new", 1));
  CHECK(cache.Find(TableSet::kShadow, t, KeyOf("new"))->value().Int("count") == 1);

  SUBCASE("a written row pushed out of the cache is unknown again, never absent") {
    RowCache tiny(1);  // every Put evicts at once
    tiny.MarkEmpty(TableSet::kShadow, t);
    tiny.Put(TableSet::kShadow, t, KeyOf("w"), Counted(t, "w", 9));
    CHECK(tiny.bytes() <= 1);
    CHECK_FALSE(tiny.Find(TableSet::kShadow, t, KeyOf("w")).has_value());
    // A key never written is still known absent.
    CHECK(tiny.Find(TableSet::kShadow, t, KeyOf("never")).has_value());
  }
  SUBCASE("Clear forgets that the table was empty") {
    cache.Clear();
    CHECK_FALSE(cache.Find(TableSet::kShadow, t, KeyOf("other")).has_value());
  }
}

TEST_CASE("RowCache stays within its budget, dropping the least recently used") {
  testing::CountingProjector projector;
  const TableSpec& t = projector.table();
  RowCache cache(4096);
  for (int i = 0; i < 1000; ++i) {
    std::string stream = "s" + std::to_string(i);
    cache.Put(TableSet::kLive, t, KeyOf(stream), Counted(t, stream, i));
    CHECK(cache.bytes() <= 4096);
  }
  CHECK(cache.Find(TableSet::kLive, t, KeyOf("s999")).has_value());
  CHECK_FALSE(cache.Find(TableSet::kLive, t, KeyOf("s0")).has_value());
}

TEST_CASE("RowCache::NewRows hints only rows whose keys the cache knows are not stored") {
  testing::CountingProjector projector;
  testing::CountingProjector other(1, 1, "other_counts");
  const TableSpec& t = projector.table();
  RowCache cache(1 << 20);
  cache.MarkEmpty(TableSet::kShadow, t);
  cache.Put(TableSet::kShadow, t, KeyOf("read-absent"), std::nullopt);
  cache.Put(TableSet::kShadow, t, KeyOf("read-row"), Counted(t, "read-row", 1));
  cache.NoteFlushed(TableSet::kShadow, {RowChange{&t, KeyOf("flushed"), Counted(t, "flushed", 1)}});
  auto row = [&](const TableSpec& table, const std::string& stream) {
    return RowChange{&table, KeyOf(stream), Counted(table, stream, 2)};
  };
  std::vector<RowChange> changes = {
      row(t, "never-seen"),                              // the table was created empty: new
      row(t, "read-absent"),                             // read as absent: new
      row(t, "read-row"),                                // stored
      row(t, "flushed"),                                 // written by an earlier flush
      RowChange{&t, KeyOf("deleted"), std::nullopt},     // a deletion is no row
      row(other.table(), "never-seen"),                  // a table not known created empty
  };
  CHECK(cache.NewRows(TableSet::kShadow, changes) ==
        std::vector<bool>{true, true, false, false, false, false});
  // The live set of the same table was never created empty here.
  CHECK(cache.NewRows(TableSet::kLive, {row(t, "never-seen")}) == std::vector<bool>{false});
}

TEST_CASE("RowCache::NoteFlushed forgets the flushed rows and notes them as written") {
  testing::CountingProjector projector;
  const TableSpec& t = projector.table();
  RowCache cache(8192);
  cache.MarkEmpty(TableSet::kShadow, t);
  // Known before the flush: a stale version of s0, a row read from the store, and a row the
  // flush deletes.
  cache.Put(TableSet::kShadow, t, KeyOf("s0"), Counted(t, "s0", -1));
  cache.Put(TableSet::kShadow, t, KeyOf("read"), Counted(t, "read", 7));
  cache.Put(TableSet::kShadow, t, KeyOf("deleted"), Counted(t, "deleted", 3));
  std::vector<RowChange> flushed;
  for (int i = 0; i < 200; ++i) {
    std::string stream = "s" + std::to_string(i);
    flushed.push_back(RowChange{&t, KeyOf(stream), Counted(t, stream, i)});
  }
  flushed.push_back(RowChange{&t, KeyOf("deleted"), std::nullopt});
  flushed.push_back(RowChange{&t, KeyOf("never-written"), std::nullopt});
  cache.NoteFlushed(TableSet::kShadow, flushed);
  // No flushed row is kept, and the stale versions are gone: unknown, so asked of the store,
  // never answered as absent (the table was created empty, but they were written since).
  for (const char* key : {"s0", "s1", "s199", "deleted"}) {
    CAPTURE(key);
    CHECK_FALSE(cache.Find(TableSet::kShadow, t, KeyOf(key)).has_value());
  }
  // What the flush did not touch is still known; a key never written is still absent.
  CHECK(cache.Find(TableSet::kShadow, t, KeyOf("read"))->value().Int("count") == 7);
  for (const char* key : {"never", "never-written"}) {
    CAPTURE(key);
    auto absent = cache.Find(TableSet::kShadow, t, KeyOf(key));
    REQUIRE(absent.has_value());
    CHECK_FALSE(absent->has_value());
  }
}

}  // namespace
}  // namespace ledger::projections
