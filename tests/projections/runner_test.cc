// The projector runtime on the memory stores: exactly-once application, incremental runs,
// failures and lost acknowledgements, shadow rebuilds on a version bump, leadership.
#include "projections/runner.h"

#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "projections/digest.h"
#include "projections/memory_read_model_store.h"
#include "tests/projections/counting_projector.h"
#include "tests/support/test_events.h"

namespace ledger::projections {
namespace {

using testing::CountingProjector;
using ledger::testing::MakeAppend;
using ledger::testing::MakeEvent;

// Appends `count` counted events to each of `streams` streams, interleaved, plus one event of
// another type per round that the projector must ignore.
void AppendCounted(EventStore& store, int streams, int count) {
  for (int i = 0; i < count; ++i) {
    for (int s = 0; s < streams; ++s) {
      REQUIRE(store.Append(MakeAppend("count-" + std::to_string(s), ExpectedVersion::Any(),
                                      {MakeEvent("test.counted")}))
                  .ok());
    }
    REQUIRE(store.Append(MakeAppend("noise-1", ExpectedVersion::Any(), {MakeEvent("test.other")}))
                .ok());
  }
}

std::map<std::string, std::int64_t> Counts(ReadModelStore& rows, const CountingProjector& p) {
  std::map<std::string, std::int64_t> counts;
  REQUIRE(rows.Scan(p.table(), [&](const Row& row) {
                counts[row.Text("stream_id")] = row.Int("count");
                return Status::Ok();
              }).ok());
  return counts;
}

// Rebuilds here commit every batch (no write-back buffer), so that a failure's effect is
// visible batch by batch; rebuild_buffer_test.cc covers the buffered rebuild.
Status Run(EventStore& events, ReadModelStore& rows, Projector& projector,
           std::size_t batch_size = 7, std::span<const std::string> force = {}) {
  Projector* list[] = {&projector};
  return ProjectToHead(events, rows, list,
                       RunnerOptions{.batch_size = batch_size, .rebuild_buffer_bytes = 0}, force);
}

// Fails the n-th Commit, either before applying it or after (the acknowledgement is lost).
class FlakyRows final : public ReadModelStore {
 public:
  enum class Mode { kBeforeApply, kAfterApply };
  FlakyRows(MemoryReadModelStore& inner, int fail_commit, Mode mode)
      : inner_(inner), fail_commit_(fail_commit), mode_(mode) {}

  Status Commit(const CommitRequest& request) override {
    if (++commits_ != fail_commit_) return inner_.Commit(request);
    if (mode_ == Mode::kAfterApply) REQUIRE(inner_.Commit(request).ok());
    return Unavailable("injected commit failure");
  }
  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view n) override {
    return inner_.LoadCheckpoint(n);
  }
  Status SaveCheckpoint(const CheckpointMove& m) override { return inner_.SaveCheckpoint(m); }
  Status CreateTables(std::span<const TableSpec> t, TableSet s) override {
    return inner_.CreateTables(t, s);
  }
  Status DropTables(std::span<const TableSpec> t, TableSet s) override {
    return inner_.DropTables(t, s);
  }
  Result<std::vector<std::optional<Row>>> Fetch(const TableSpec& t, TableSet s,
                                                std::span<const Key> k) override {
    return inner_.Fetch(t, s, k);
  }
  Status PromoteShadow(std::span<const TableSpec> t, std::string_view l, std::string_view s,
                       GlobalPosition e) override {
    return inner_.PromoteShadow(t, l, s, e);
  }
  Status DeleteCheckpoint(std::string_view n, GlobalPosition e) override {
    return inner_.DeleteCheckpoint(n, e);
  }
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return inner_.LoadCheckpoints(); }
  Status Scan(const TableSpec& t, const std::function<Status(const Row&)>& v) override {
    return inner_.Scan(t, v);
  }
  LeaderElector& leadership() override { return inner_.leadership(); }

 private:
  MemoryReadModelStore& inner_;
  int commits_ = 0;
  int fail_commit_;
  Mode mode_;
};

TEST_CASE("ProjectToHead applies every handled event exactly once and checkpoints the last") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  CountingProjector projector;
  AppendCounted(events, 3, 10);

  REQUIRE(Run(events, rows, projector).ok());
  CHECK(Counts(rows, projector) ==
        std::map<std::string, std::int64_t>{{"count-0", 10}, {"count-1", 10}, {"count-2", 10}});
  CHECK(projector.applied() == 30);
  auto checkpoint = rows.LoadCheckpoint("stream_counts");
  REQUIRE(checkpoint.ok());
  REQUIRE(checkpoint->has_value());
  CHECK((*checkpoint)->position == GlobalPosition(40));  // 30 counted + 10 others
  CHECK((*checkpoint)->version == 1);
  CHECK((*checkpoint)->events == 40);
  // The first build went through the shadow tables and was promoted: no rebuild left behind.
  CHECK_FALSE(rows.LoadCheckpoint("stream_counts#rebuild")->has_value());

  SUBCASE("a second run at the head changes nothing") {
    REQUIRE(Run(events, rows, projector).ok());
    CHECK(projector.applied() == 30);
  }
  SUBCASE("a later run applies only the new events") {
    AppendCounted(events, 2, 5);
    REQUIRE(Run(events, rows, projector, 4).ok());
    CHECK(Counts(rows, projector) ==
          std::map<std::string, std::int64_t>{{"count-0", 15}, {"count-1", 15}, {"count-2", 10}});
    CHECK(projector.applied() == 40);
    CHECK(rows.LoadCheckpoint("stream_counts")->value().position == GlobalPosition(55));
  }
}

TEST_CASE("A failed batch leaves rows and checkpoint as they were; the next run resumes") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  CountingProjector projector;
  AppendCounted(events, 2, 10);

  SUBCASE("the projector fails") {
    projector.FailAt(GlobalPosition(16));
    Status failed = Run(events, rows, projector, 5);
    CHECK(failed.code() == StatusCode::kUnavailable);
    CHECK(failed.message().find("position 16") != std::string::npos);
    // Batches (0,5], (5,10], (10,15] committed into the shadow tables; (15,20] did not.
    CHECK(rows.LoadCheckpoint("stream_counts#rebuild")->value().position == GlobalPosition(15));
    projector.FailAt(GlobalPosition(0));
  }
  SUBCASE("the commit fails before applying") {
    FlakyRows flaky(rows, 3, FlakyRows::Mode::kBeforeApply);
    CHECK(Run(events, flaky, projector, 5).code() == StatusCode::kUnavailable);
    CHECK(rows.LoadCheckpoint("stream_counts#rebuild")->value().position == GlobalPosition(10));
  }
  SUBCASE("the commit succeeds but its acknowledgement is lost") {
    FlakyRows flaky(rows, 3, FlakyRows::Mode::kAfterApply);
    CHECK(Run(events, flaky, projector, 5).code() == StatusCode::kUnavailable);
    CHECK(rows.LoadCheckpoint("stream_counts#rebuild")->value().position == GlobalPosition(15));
  }
  REQUIRE(Run(events, rows, projector, 5).ok());
  CHECK(Counts(rows, projector) ==
        std::map<std::string, std::int64_t>{{"count-0", 10}, {"count-1", 10}});
  CHECK(rows.LoadCheckpoint("stream_counts")->value().position == GlobalPosition(30));
}

TEST_CASE("A version bump rebuilds into shadow tables; the live model stays whole until the swap") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  CountingProjector v1(1, 1);
  AppendCounted(events, 2, 10);
  REQUIRE(Run(events, rows, v1).ok());

  CountingProjector v2(2, 100);
  Projector* list[] = {&v2};
  std::size_t checks = 0;
  auto progress = [&](std::span<const ProjectorProgress> all) {
    REQUIRE(all.size() == 1);
    if (!all[0].rebuilding) return;
    // Mid-rebuild, queries read the complete version-1 model.
    CHECK(Counts(rows, v1) == std::map<std::string, std::int64_t>{{"count-0", 10}, {"count-1", 10}});
    ++checks;
  };
  REQUIRE(ProjectToHead(events, rows, list,
                        RunnerOptions{.batch_size = 4, .rebuild_buffer_bytes = 0}, {}, progress)
              .ok());
  CHECK(checks > 3);
  CHECK(Counts(rows, v2) ==
        std::map<std::string, std::int64_t>{{"count-0", 1000}, {"count-1", 1000}});
  auto checkpoint = rows.LoadCheckpoint("stream_counts")->value();
  CHECK(checkpoint.version == 2);
  CHECK(checkpoint.position == GlobalPosition(30));
  CHECK_FALSE(rows.LoadCheckpoint("stream_counts#rebuild")->has_value());
}

TEST_CASE("An interrupted rebuild resumes where it stopped") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  AppendCounted(events, 1, 20);
  CountingProjector projector;
  projector.FailAt(GlobalPosition(25));
  CHECK_FALSE(Run(events, rows, projector, 5).ok());
  CHECK(rows.LoadCheckpoint("stream_counts#rebuild")->value().position == GlobalPosition(20));
  projector.FailAt(GlobalPosition(0));
  std::size_t before = projector.applied();
  REQUIRE(Run(events, rows, projector, 5).ok());
  CHECK(projector.applied() - before == 10);  // positions 21..40, half of them counted
  CHECK(Counts(rows, projector) == std::map<std::string, std::int64_t>{{"count-0", 20}});
}

TEST_CASE("A forced rebuild gives the same digest as the incremental build") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  CountingProjector projector;
  Projector* list[] = {&projector};
  AppendCounted(events, 3, 4);
  REQUIRE(Run(events, rows, projector, 3).ok());
  AppendCounted(events, 4, 3);
  REQUIRE(Run(events, rows, projector, 2).ok());
  auto incremental = ComputeDigest(rows, list);
  REQUIRE(incremental.ok());

  std::string names[] = {"stream_counts"};
  REQUIRE(Run(events, rows, projector, 1000, names).ok());
  auto rebuilt = ComputeDigest(rows, list);
  REQUIRE(rebuilt.ok());
  CHECK(HexEncode(rebuilt->digest) == HexEncode(incremental->digest));
  CHECK(rebuilt->tables.at(0).rows == 4);
}

TEST_CASE("on_live_change reports each committed live batch's rows and a promoted rebuild") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  CountingProjector projector;
  Projector* list[] = {&projector};
  std::vector<std::string> changed;  // stream ids of changed rows, in commit order
  std::vector<std::string> replaced;
  RunnerOptions options{.batch_size = 4};
  options.on_live_change = [&](const LiveTablesChanged& change) {
    for (const RowChange& row : change.rows) {
      changed.push_back(std::get<std::string>(row.key.at(1)));
    }
    for (const TableSpec& table : change.replaced) replaced.push_back(table.name);
  };

  // The first build of a projector is a rebuild: shadow batches are not reported, the swap is.
  AppendCounted(events, 2, 3);
  REQUIRE(ProjectToHead(events, rows, list, options).ok());
  CHECK(changed.empty());
  CHECK(replaced == std::vector<std::string>{"stream_counts"});

  // Incremental batches on the live tables report the rows they wrote.
  replaced.clear();
  AppendCounted(events, 1, 2);
  REQUIRE(ProjectToHead(events, rows, list, options).ok());
  CHECK_FALSE(changed.empty());
  for (const std::string& stream : changed) CHECK(stream == "count-0");
  CHECK(replaced.empty());

  // Nothing new: nothing reported.
  changed.clear();
  REQUIRE(ProjectToHead(events, rows, list, options).ok());
  CHECK(changed.empty());
  CHECK(replaced.empty());
}

TEST_CASE("ProjectToHead refuses to run a projector another process leads") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  CountingProjector projector;
  auto lease = rows.leadership().TryLead("projector.stream_counts");
  REQUIRE(lease.ok());
  REQUIRE(*lease != nullptr);
  Status refused = Run(events, rows, projector);
  CHECK(refused.code() == StatusCode::kFailedPrecondition);
  CHECK_FALSE(rows.LoadCheckpoint("stream_counts")->has_value());
  lease->reset();
  CHECK(Run(events, rows, projector).ok());
}

}  // namespace
}  // namespace ledger::projections
