// The golden fixtures (README.md in this folder) replayed in memory and in a SQLite file:
// every log projects to its committed digest and rows, whatever the batch size, and again
// after a forced rebuild; the out-of-order story equals the ordered one; the generator is
// deterministic.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "adapters/sqlite/sqlite_read_model_store.h"
#include "engine/memory_store.h"
#include "projections/memory_read_model_store.h"
#include "tests/golden/golden_check.h"
#include "tests/golden/golden_files.h"
#include "tests/golden/golden_fixtures.h"
#include "tests/sqlite/sqlite_test_util.h"

namespace ledger::golden {
namespace {

using projections::CommitRequest;
using projections::Key;
using projections::ReadModelDigest;
using projections::ReadModelStore;
using projections::Row;
using projections::TableSet;
using projections::TableSpec;

// Replays every fixture into a fresh memory store.
void ReplayInMemory(const Committed& golden, const ProjectOptions& first,
                    const ProjectOptions& second) {
  MemoryEventStore events;
  projections::MemoryReadModelStore rows;
  Status imported = ImportLog(events, golden.log);
  REQUIRE_MESSAGE(imported.ok(), imported.ToString());
  ProjectAndCheck(golden, events, rows, "memory", first);
  ProjectAndCheck(golden, events, rows, "memory", second);
}

TEST_CASE("the logs directory holds exactly the catalog's fixtures") {
  Result<std::vector<std::string>> on_disk = ListLogs(SourceLogDirectory());
  REQUIRE_MESSAGE(on_disk.ok(), on_disk.status().ToString());
  std::set<std::string> catalog;
  for (const GoldenFixture& f : GoldenFixtures()) catalog.insert(f.name);
  // A log nobody replays would rot; a fixture without a log was never generated.
  CHECK(std::set<std::string>(on_disk->begin(), on_disk->end()) == catalog);
  CHECK(catalog.size() == GoldenFixtures().size());
}

TEST_CASE("every golden log replays in memory to its digest, at batch sizes 1000 and 1") {
  for (const GoldenFixture& fixture : GoldenFixtures()) {
    Committed golden(fixture);
    ReplayInMemory(golden, ProjectOptions{.batch_size = 1000},
                   ProjectOptions{.batch_size = 1, .force_rebuild = true});
    ReplayInMemory(golden, ProjectOptions{.batch_size = 1},
                   ProjectOptions{.batch_size = 1000, .force_rebuild = true});
  }
}

TEST_CASE("every golden log replays in a SQLite file to its digest, and again when rebuilt") {
  ledger::testing::TempDir dir;
  for (const GoldenFixture& fixture : GoldenFixtures()) {
    Committed golden(fixture);
    const std::string path = dir.File(fixture.name + ".db");
    auto events = SqliteEventStore::Open(path, SqliteOptions{.migrate = true});
    REQUIRE_MESSAGE(events.ok(), events.status().ToString());
    auto sqlite_rows = SqliteReadModelStore::Open(path);
    REQUIRE_MESSAGE(sqlite_rows.ok(), sqlite_rows.status().ToString());
    ReadModelStore& rows = **sqlite_rows;
    Status imported = ImportLog(**events, golden.log);
    REQUIRE_MESSAGE(imported.ok(), imported.ToString());
    ProjectAndCheck(golden, **events, rows, "SQLite", ProjectOptions{.batch_size = 1});
    ProjectAndCheck(golden, **events, rows, "SQLite",
                    ProjectOptions{.batch_size = 1000, .force_rebuild = true});
    // Nothing new: a second run changes nothing.
    ProjectAndCheck(golden, **events, rows, "SQLite", ProjectOptions{.batch_size = 7});
  }
}

TEST_CASE("ProjectToHead leads projectors on a SQLite file") {
  ledger::testing::TempDir dir;
  const std::string path = dir.File("lease.db");
  auto events = SqliteEventStore::Open(path, SqliteOptions{.migrate = true});
  REQUIRE(events.ok());
  auto rows = SqliteReadModelStore::Open(path);
  REQUIRE(rows.ok());
  ProjectorSet projectors = StandardProjectorSet();
  Result<ReadModelDigest> digest = ProjectAndDigest(**events, **rows, projectors);
  CHECK_MESSAGE(digest.ok(), digest.status().ToString());
}

// The rows of `tables` after replaying `c` in memory, in the .rows.json form.
std::string ReplayedRows(const Committed& c, const std::vector<std::string>& tables) {
  MemoryEventStore events;
  projections::MemoryReadModelStore rows;
  REQUIRE(ImportLog(events, c.log).ok());
  ProjectorSet projectors = ProjectorsFor(c.fixture);
  Result<ReadModelDigest> digest = ProjectAndDigest(events, rows, projectors);
  REQUIRE_MESSAGE(digest.ok(), digest.status().ToString());
  Result<std::string> spelled = RowsJson(rows, projectors, tables);
  REQUIRE_MESSAGE(spelled.ok(), spelled.status().ToString());
  return std::move(spelled).value();
}

// The provider event streams of a log, in log order.
std::vector<std::string> ProviderStreams(const Committed& c) {
  std::vector<std::string> streams;
  for (const ImportedEvent& e : c.log) {
    if (e.stream.value().starts_with("stripe-")) streams.push_back(e.stream.value());
  }
  return streams;
}

void CheckSameRowsAsOrderedStory(const std::vector<std::string>& tables) {
  Committed ordered(FixtureNamed("stripe_story"));
  Committed shuffled(FixtureNamed("stripe_shuffled"));
  std::string in_order = ReplayedRows(ordered, tables);
  std::string out_of_order = ReplayedRows(shuffled, tables);
  std::string diff = DiffRowsJson(in_order, out_of_order);
  CHECK_MESSAGE(diff.empty(), "stripe_shuffled differs from stripe_story: " << diff);
}

TEST_CASE("stripe_shuffled is another arrival order of the same provider events") {
  std::vector<std::string> ordered = ProviderStreams(Committed(FixtureNamed("stripe_story")));
  std::vector<std::string> shuffled = ProviderStreams(Committed(FixtureNamed("stripe_shuffled")));
  CHECK(ordered.size() == 25);
  CHECK(ordered != shuffled);
  CHECK(std::multiset<std::string>(ordered.begin(), ordered.end()) ==
        std::multiset<std::string>(shuffled.begin(), shuffled.end()));
}

TEST_CASE("out of order and redelivered, the Stripe story has the ordered story's orders") {
  CheckSameRowsAsOrderedStory({"order_lines", "orders"});
}

// The payments rows keep when a fact happened, not when it was first seen: out of order, the
// card payment is first known as succeeded from charge.refunded (at the refund's time) and the
// dispute as closed from funds_reinstated; the translator restates both times when the earlier
// facts arrive, and records the async payment's late payment_intent.processing as history.
TEST_CASE("out of order and redelivered, the Stripe story has the ordered story's payments") {
  CheckSameRowsAsOrderedStory({"payments"});
}

TEST_CASE("every schema version of the example history replays to the same digest") {
  const std::string dir = SourceLogDirectory();
  Result<std::string> v2 = ReadFile(DigestPath(dir, "schema_widget_v2"));
  REQUIRE(v2.ok());
  for (const char* other : {"schema_widget_v1", "schema_widget_upgraded"}) {
    Result<std::string> digest = ReadFile(DigestPath(dir, other));
    REQUIRE(digest.ok());
    CHECK_MESSAGE(*digest == *v2, other << " and schema_widget_v2 describe the same history");
  }
  // And the logs really are of different versions.
  Committed upgraded(FixtureNamed("schema_widget_upgraded"));
  std::multiset<std::uint32_t> versions;
  for (const ImportedEvent& e : upgraded.log) {
    versions.insert(e.event.schema_version);
  }
  CHECK(versions.count(1) > 0);
  CHECK(versions.count(2) > 0);
}

TEST_CASE("the generator writes the same bytes on every run") {
  for (const GoldenFixture& fixture : GoldenFixtures()) {
    INFO("fixture " << fixture.name);
    GeneratedFiles first = Generate(fixture);
    GeneratedFiles second = Generate(fixture);
    CHECK(first.log == second.log);
    CHECK(first.digest == second.digest);
    CHECK(first.rows == second.rows);
  }
}

}  // namespace
}  // namespace ledger::golden
