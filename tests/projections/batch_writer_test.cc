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
                                     .checkpoints = {}})
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
