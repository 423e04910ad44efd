#include "projections/digest.h"

#include <doctest/doctest.h>

#include "projections/memory_read_model_store.h"
#include "tests/projections/counting_projector.h"

namespace ledger::projections {
namespace {

Status Put(ReadModelStore& store, const TableSpec& t, std::string stream, std::int64_t count) {
  Row row(t);
  row.SetText("tenant_id", "t1").SetText("stream_id", stream).SetInt("count", count)
      .SetInt("last_position", 7).SetTime("last_at", Timestamp(1'700'000'000'123'456));
  return store.Commit(CommitRequest{
      .set = TableSet::kLive,
      .changes = {RowChange{&t, {std::string("t1"), std::move(stream)}, std::move(row)}},
      .checkpoints = {},
      .new_rows = {}});
}

TEST_CASE("The digest hashes the canonical rows in key order, whatever order they were written") {
  testing::CountingProjector projector;
  Projector* list[] = {&projector};
  const TableSpec& t = projector.table();
  MemoryReadModelStore one;
  MemoryReadModelStore two;
  REQUIRE(one.CreateTables(projector.tables(), TableSet::kLive).ok());
  REQUIRE(two.CreateTables(projector.tables(), TableSet::kLive).ok());
  REQUIRE(Put(one, t, "a", 1).ok());
  REQUIRE(Put(one, t, "b", 2).ok());
  REQUIRE(Put(two, t, "b", 2).ok());
  REQUIRE(Put(two, t, "a", 1).ok());

  auto d1 = ComputeDigest(one, list);
  auto d2 = ComputeDigest(two, list);
  REQUIRE(d1.ok());
  REQUIRE(d2.ok());
  CHECK(d1->digest == d2->digest);
  // The hashed text, spelled out, so that the format in docs/read-models.md stays true.
  std::string expected =
      "table stream_counts\n"
      "\"t1\",\"a\",1,7,\"2023-11-14T22:13:20.123456Z\"\n"
      "\"t1\",\"b\",2,7,\"2023-11-14T22:13:20.123456Z\"\n";
  CHECK(HexEncode(d1->digest) == HexEncode(Sha256::Of(expected)));
  CHECK(d1->tables.at(0).rows == 2);

  REQUIRE(Put(two, t, "a", 3).ok());
  CHECK(ComputeDigest(two, list)->digest != d1->digest);
}

TEST_CASE("CanonicalValue sorts JSON object keys and keeps everything else") {
  CHECK(CanonicalValue(JsonText{R"({"b":1,"a":{"d":[2,1],"c":null}})"}) ==
        R"({"a":{"c":null,"d":[2,1]},"b":1})");
  CHECK(CanonicalValue(std::string("é\"")) == "\"é\\\"\"");
  CHECK(CanonicalValue(std::monostate{}) == "null");
  CHECK(CanonicalValue(std::int64_t{-9}) == "-9");
  CHECK(CanonicalValue(true) == "true");
}

}  // namespace
}  // namespace ledger::projections
