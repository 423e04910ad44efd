// The rebuild's write-back buffer (runner.h, write_back_buffer.h) on the memory stores: rows
// held across batches and written with the checkpoint by CommitBulk when the buffer passes its
// budget or the rebuild catches up; failed flushes and failed batches lose only the buffer,
// and the rebuild resumes to the same rows as one never interrupted.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "engine/memory_store.h"
#include "projections/batch_writer.h"
#include "engine/clock.h"
#include "engine/leadership.h"
#include "projections/digest.h"
#include "projections/internal/projector_set.h"
#include "projections/memory_read_model_store.h"
#include "projections/runner.h"
#include "projections/write_back_buffer.h"
#include "tests/projections/counting_projector.h"
#include "tests/support/test_events.h"

namespace ledger::projections {
namespace {

using ledger::testing::MakeAppend;
using ledger::testing::MakeEvent;
using testing::CountingProjector;

constexpr char kRebuild[] = "stream_counts#rebuild";

// Appends one event of `type` to `stream`.
void Append(EventStore& store, const std::string& stream, const std::string& type) {
  REQUIRE(store.Append(MakeAppend(stream, ExpectedVersion::Any(), {MakeEvent(type)})).ok());
}

// `rounds` rounds of one counted event on each of `streams` streams and one ignored event.
void AppendCounted(EventStore& store, int streams, int rounds) {
  for (int i = 0; i < rounds; ++i) {
    for (int s = 0; s < streams; ++s) Append(store, "count-" + std::to_string(s), "test.counted");
    Append(store, "noise-1", "test.other");
  }
}

// Counts Commit and CommitBulk calls; fails the n-th CommitBulk before applying it, or after
// (its acknowledgement is lost).
class CountingRows final : public ReadModelStore {
 public:
  enum class Mode { kBeforeApply, kAfterApply };
  explicit CountingRows(MemoryReadModelStore& inner) : inner_(inner) {}
  void FailBulk(int nth, Mode mode) {
    fail_bulk_ = nth;
    mode_ = mode;
  }

  Status Commit(const CommitRequest& request) override {
    ++commits;
    return inner_.Commit(request);
  }
  Status CommitBulk(const CommitRequest& request) override {
    ++bulks;
    bulk_rows += request.changes.size();
    hinted_new += static_cast<int>(
        std::count(request.new_rows.begin(), request.new_rows.end(), true));
    if (bulks != fail_bulk_) return inner_.CommitBulk(request);
    if (mode_ == Mode::kAfterApply) REQUIRE(inner_.CommitBulk(request).ok());
    return Unavailable("injected bulk failure");
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
    ++fetches;
    return inner_.Fetch(t, s, k);
  }
  Status PromoteShadow(std::span<const TableSpec> t, std::string_view l, std::string_view s,
                       GlobalPosition e) override {
    {
      // The first `promotions_together` calls wait (boundedly) for one another, so that a test
      // sees them overlap when they can; later calls go straight on.
      std::unique_lock lock(promotion_mu_);
      ++promoting_;
      ++arrived_;
      most_promoting = std::max(most_promoting, promoting_);
      promotion_cv_.notify_all();
      promotion_cv_.wait_for(lock, std::chrono::seconds(10),
                             [&] { return arrived_ >= promotions_together; });
    }
    Status promoted = l == fail_promotion_of ? Unavailable("injected promotion failure")
                                             : inner_.PromoteShadow(t, l, s, e);
    std::lock_guard lock(promotion_mu_);
    --promoting_;
    return promoted;
  }
  Status DeleteCheckpoint(std::string_view n, GlobalPosition e) override {
    return inner_.DeleteCheckpoint(n, e);
  }
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return inner_.LoadCheckpoints(); }
  Status Scan(const TableSpec& t, const std::function<Status(const Row&)>& v) override {
    return inner_.Scan(t, v);
  }
  LeaderElector& leadership() override { return elector != nullptr ? *elector : inner_.leadership(); }

  LeaderElector* elector = nullptr;  // instead of the inner store's, if set
  std::string fail_promotion_of;      // the live checkpoint whose promotion fails
  int promotions_together = 1;
  int most_promoting = 0;  // the most PromoteShadow calls seen running at once
  int commits = 0;
  int bulks = 0;
  int fetches = 0;
  std::size_t bulk_rows = 0;
  int hinted_new = 0;  // rows CommitBulk was told are new (the inner store checks the hints)

 private:
  MemoryReadModelStore& inner_;
  std::mutex promotion_mu_;
  std::condition_variable promotion_cv_;
  int promoting_ = 0;  // PromoteShadow calls running
  int arrived_ = 0;    // PromoteShadow calls made
  int fail_bulk_ = 0;
  Mode mode_ = Mode::kBeforeApply;
};

// The stores and the projector each rebuild case below runs on.
struct RebuildFixture {
  MemoryEventStore events;
  MemoryReadModelStore inner;
  CountingRows rows{inner};
  CountingProjector projector;
};

// The two ways a rebuild writes its buffer: a case that calls this runs once with each.
// Written behind (true, the default): on another thread once half full; else in place when
// full.
bool WrittenBehind() {
  bool behind = true;
  SUBCASE("written behind") {}
  SUBCASE("written in place") { behind = false; }
  return behind;
}

// Leadership that the test takes away and gives back: every lease it handed out reads as lost
// while `held` is false, and nobody can lead then.
class SwitchableElector final : public LeaderElector {
 public:
  Result<std::unique_ptr<Lease>> TryLead(std::string_view) override {
    if (!*held) return std::unique_ptr<Lease>();
    return std::unique_ptr<Lease>(std::make_unique<SwitchableLease>(held));
  }
  std::shared_ptr<std::atomic<bool>> held = std::make_shared<std::atomic<bool>>(true);

 private:
  class SwitchableLease final : public Lease {
   public:
    explicit SwitchableLease(std::shared_ptr<std::atomic<bool>> held) : held_(std::move(held)) {}
    bool Held() override { return *held_; }

   private:
    std::shared_ptr<std::atomic<bool>> held_;
  };
};

// `behind`: see WrittenBehind.
RunnerOptions Buffered(std::size_t batch_size, std::size_t budget, bool behind = true) {
  return RunnerOptions{
      .batch_size = batch_size, .rebuild_buffer_bytes = budget, .rebuild_flush_behind = behind};
}

Status Run(EventStore& events, ReadModelStore& rows, Projector& projector,
           const RunnerOptions& options, const ProgressFn& progress = nullptr) {
  Projector* list[] = {&projector};
  return ProjectToHead(events, rows, list, options, {}, progress);
}

std::string Digest(ReadModelStore& rows, Projector& projector) {
  Projector* list[] = {&projector};
  Result<ReadModelDigest> digest = ComputeDigest(rows, list);
  REQUIRE_MESSAGE(digest.ok(), digest.status().ToString());
  return HexEncode(digest->digest);
}

// The digest of `events` projected by a fresh projector into a fresh store, one commit per
// batch: what every buffered rebuild must end with.
std::string ReferenceDigest(EventStore& events) {
  MemoryReadModelStore rows;
  CountingProjector projector;
  REQUIRE(Run(events, rows, projector, Buffered(5, 0)).ok());
  return Digest(rows, projector);
}

std::uint64_t StoredPosition(ReadModelStore& rows, const std::string& name) {
  auto checkpoint = rows.LoadCheckpoint(name);
  REQUIRE(checkpoint.ok());
  REQUIRE(checkpoint->has_value());
  return (*checkpoint)->position.value();
}

TEST_CASE("WriteBackBuffer keeps the last change per row, deletions included") {
  CountingProjector projector;
  const TableSpec& table = projector.table();
  auto row = [&](const std::string& stream, std::int64_t count) {
    Row r(table);
    r.SetText("tenant_id", "t1").SetText("stream_id", stream).SetInt("count", count).SetInt(
        "last_position", count);
    return r;
  };
  WriteBackBuffer buffer;
  CHECK(buffer.empty());
  Key a{std::string("t1"), std::string("a")};
  Key b{std::string("t1"), std::string("b")};
  buffer.Put(RowIdentity(table, a), RowChange{&table, a, row("a", 1)});
  buffer.Put(RowIdentity(table, b), RowChange{&table, b, row("b", 1)});
  std::size_t two_rows = buffer.bytes();
  buffer.Put(RowIdentity(table, a), RowChange{&table, a, row("a", 2)});
  buffer.Put(RowIdentity(table, b), RowChange{&table, b, std::nullopt});
  CHECK(buffer.rows() == 2);
  CHECK(buffer.bytes() < two_rows);  // a deletion holds no row
  REQUIRE(buffer.Find(RowIdentity(table, a)) != nullptr);
  CHECK(buffer.Find(RowIdentity(table, a))->value().Int("count") == 2);
  REQUIRE(buffer.Find(RowIdentity(table, b)) != nullptr);
  CHECK_FALSE(buffer.Find(RowIdentity(table, b))->has_value());
  CHECK(buffer.Find(RowIdentity(table, Key{std::string("t1"), std::string("c")})) == nullptr);

  std::vector<RowChange> taken = buffer.Take();
  REQUIRE(taken.size() == 2);  // in first-change order
  CHECK(taken[0].key == a);
  CHECK(taken[0].row->Int("count") == 2);
  CHECK(taken[1].key == b);
  CHECK_FALSE(taken[1].row.has_value());
  CHECK(buffer.empty());
  CHECK(buffer.bytes() == 0);
}

TEST_CASE_FIXTURE(RebuildFixture, "A rebuild holds its rows until it catches up, then writes them once with its checkpoint") {
  const bool behind = WrittenBehind();
  AppendCounted(events, 3, 10);  // 40 events

  std::size_t steps_mid_rebuild = 0;
  auto progress = [&](std::span<const ProjectorProgress> all) {
    if (!all[0].rebuilding) return;
    ++steps_mid_rebuild;
    CHECK(StoredPosition(inner, kRebuild) == 0);  // nothing written yet
  };
  REQUIRE(Run(events, rows, projector, Buffered(4, std::size_t{1} << 20, behind), progress).ok());
  CHECK(steps_mid_rebuild >= 9);
  CHECK(rows.bulks == 1);
  CHECK(rows.commits == 0);
  CHECK(rows.bulk_rows == 3);  // one change per row, however many events changed it
  // A new rebuild's table starts empty, and the buffer answers for what the batches wrote:
  // no read of the store at all.
  CHECK(rows.fetches == 0);
  CHECK(projector.applied() == 30);
  CHECK(StoredPosition(inner, "stream_counts") == 40);
  CHECK(Digest(inner, projector) == ReferenceDigest(events));

  SUBCASE("following after the rebuild commits each batch again") {
    AppendCounted(events, 1, 3);
    REQUIRE(Run(events, rows, projector, Buffered(4, std::size_t{1} << 20, behind)).ok());
    CHECK(rows.bulks == 1);
    CHECK(rows.commits == 2);  // 6 events in batches of 4
    CHECK(StoredPosition(inner, "stream_counts") == 46);
  }
}

TEST_CASE_FIXTURE(RebuildFixture, "A rebuild whose buffer passes its budget flushes it, checkpoint with it, and goes on") {
  const bool behind = WrittenBehind();
  AppendCounted(events, 40, 6);  // 246 events, 40 rows

  std::uint64_t stored_mid_rebuild = 0;
  auto progress = [&](std::span<const ProjectorProgress> all) {
    if (!all[0].rebuilding) return;
    std::uint64_t stored = StoredPosition(inner, kRebuild);
    CHECK(stored <= all[0].position.value());  // never ahead of what was applied
    stored_mid_rebuild = std::max(stored_mid_rebuild, stored);
  };
  // A budget of a few rows: every few batches.
  REQUIRE(Run(events, rows, projector, Buffered(10, 12000, behind), progress).ok());
  CHECK(rows.bulks > 3);
  CHECK(rows.bulks < 25);  // fewer flushes than batches
  CHECK(stored_mid_rebuild > 0);
  CHECK(stored_mid_rebuild < 246);
  CHECK(projector.applied() == 240);
  CHECK(Digest(inner, projector) == ReferenceDigest(events));
}

// Written behind, a batch's rows are in no store until the next flush starts; the batches
// applied meanwhile, which change the same rows, must read them from the buffer in flight (a
// new rebuild's table is known to be empty, so anything else would read them as absent).
TEST_CASE_FIXTURE(RebuildFixture, "Rows being written behind are read from the buffer in flight") {
  AppendCounted(events, 3, 20);  // 80 events: every batch changes the same three rows twice
  // A budget of one byte: each batch is written behind while the next is applied. A row's
  // second change in a batch must read its first, in the new buffer, not the older version
  // in flight.
  REQUIRE(Run(events, rows, projector, Buffered(8, 1, /*behind=*/true)).ok());
  CHECK(rows.bulks == 10);
  CHECK(rows.fetches == 0);
  CHECK(projector.applied() == 60);
  CHECK(Digest(inner, projector) == ReferenceDigest(events));
}

// A lease lost mid-rebuild (LeadingCount drops it) and taken again: the projector is prepared
// from its stored checkpoint, so the rows it had applied past it, still in the buffers, must
// be dropped rather than applied a second time.
TEST_CASE_FIXTURE(RebuildFixture, "A rebuild that loses its lease and leads again applies every event once") {
  const bool behind = WrittenBehind();
  SwitchableElector elector;
  rows.elector = &elector;
  AppendCounted(events, 3, 20);  // 80 events
  SystemClock clock;
  Projector* list[] = {&projector};
  // A budget no batch here fills: the rows of the first 24 events are all still held when
  // the lease is lost.
  internal::ProjectorSet set(events, rows, list, Buffered(8, std::size_t{1} << 20, behind), clock);
  REQUIRE(set.TakeLeadership().value() == 1);
  for (int i = 0; i < 3; ++i) REQUIRE(set.Step().value());
  *elector.held = false;
  CHECK(set.LeadingCount() == 0);
  *elector.held = true;
  REQUIRE(set.TakeLeadership().value() == 1);
  for (;;) {
    Result<bool> stepped = set.Step();
    REQUIRE_MESSAGE(stepped.ok(), stepped.status().ToString());
    if (!*stepped) break;
  }
  CHECK(StoredPosition(inner, "stream_counts") == 80);
  CHECK(Digest(inner, projector) == ReferenceDigest(events));
}

TEST_CASE_FIXTURE(RebuildFixture, "A delete of a row flushed earlier is applied by a later flush") {
  const bool behind = WrittenBehind();
  AppendCounted(events, 2, 5);
  Append(events, "count-0", "test.forget");  // count-0 was flushed by then
  Append(events, "count-1", "test.forget");
  Append(events, "count-1", "test.counted");  // and counted again from zero
  // A budget of one byte: every batch is flushed.
  REQUIRE(Run(events, rows, projector, Buffered(5, 1, behind)).ok());
  CHECK(rows.bulks == 4);  // 18 events
  std::vector<std::string> left;
  REQUIRE(inner.Scan(projector.table(), [&](const Row& row) {
                 left.push_back(row.Text("stream_id") + "=" + std::to_string(row.Int("count")));
                 return Status::Ok();
               }).ok());
  CHECK(left == std::vector<std::string>{"count-1=1"});
  CHECK(Digest(inner, projector) == ReferenceDigest(events));
}

TEST_CASE_FIXTURE(RebuildFixture, "A flush hints as new exactly the rows of keys never flushed before") {
  const bool behind = WrittenBehind();
  AppendCounted(events, 2, 5);                // count-0 and count-1 from the first batch on
  Append(events, "count-0", "test.forget");  // deleted after its flush,
  Append(events, "count-0", "test.counted");  // then written again: not new to the store
  Append(events, "count-2", "test.counted");  // a key first seen in a later flush
  // A budget of one byte: every batch of 5 is flushed.
  REQUIRE(Run(events, rows, projector, Buffered(5, 1, behind)).ok());
  CHECK(rows.bulks == 4);  // 18 events
  // The memory store refuses a wrong hint, so every flush above had only sound ones; these
  // are all the rows that could be hinted: count-0 and count-1 in the first flush, count-2.
  CHECK(rows.hinted_new == 3);
  CHECK(Digest(inner, projector) == ReferenceDigest(events));
}

TEST_CASE_FIXTURE(RebuildFixture, "A failure mid-rebuild loses only the buffer; the rebuild resumes to the same rows") {
  const bool behind = WrittenBehind();
  AppendCounted(events, 40, 6);  // 246 events
  const RunnerOptions options = Buffered(10, 12000, behind);
  const std::string reference = ReferenceDigest(events);

  std::uint64_t before_failure = 0;  // the rebuild's checkpoint as the failure left it
  SUBCASE("a flush fails before it applies anything") {
    rows.FailBulk(3, CountingRows::Mode::kBeforeApply);
    CHECK(Run(events, rows, projector, options).code() == StatusCode::kUnavailable);
    before_failure = StoredPosition(inner, kRebuild);
    CHECK(before_failure > 0);  // the first two flushes
  }
  SUBCASE("a flush applies but its acknowledgement is lost") {
    rows.FailBulk(3, CountingRows::Mode::kAfterApply);
    CHECK(Run(events, rows, projector, options).code() == StatusCode::kUnavailable);
    before_failure = StoredPosition(inner, kRebuild);
  }
  SUBCASE("the projector fails between flushes") {
    projector.FailAt(GlobalPosition(200));
    CHECK(Run(events, rows, projector, options).code() == StatusCode::kUnavailable);
    before_failure = StoredPosition(inner, kRebuild);
    CHECK(before_failure < 200);
    projector.FailAt(GlobalPosition(0));
  }
  CHECK(before_failure < 246);
  // What the rebuild wrote before the failure is there with its checkpoint, nothing more:
  // the next run resumes from it to the same rows as an uninterrupted rebuild.
  rows.FailBulk(0, CountingRows::Mode::kBeforeApply);
  REQUIRE(Run(events, rows, projector, options).ok());
  CHECK_FALSE(inner.LoadCheckpoint(kRebuild)->has_value());
  CHECK(StoredPosition(inner, "stream_counts") == 246);
  CHECK(Digest(inner, projector) == reference);
}

TEST_CASE("Rebuilds that catch up together are promoted at once; one refused holds back no other") {
  MemoryEventStore events;
  MemoryReadModelStore inner;
  CountingRows rows{inner};
  AppendCounted(events, 3, 5);  // 20 events
  CountingProjector a(1, 1, "counts_a"), b(1, 1, "counts_b"), c(1, 1, "counts_c");
  Projector* list[] = {&a, &b, &c};
  RunnerOptions options = Buffered(7, std::size_t{1} << 20);
  SUBCASE("two at a time") {
    options.promote_parallelism = 2;
    rows.promotions_together = 2;
  }
  SUBCASE("one at a time") { options.promote_parallelism = 1; }
  rows.fail_promotion_of = "counts_b";

  CHECK(ProjectToHead(events, rows, list, options).code() == StatusCode::kUnavailable);
  CHECK(rows.most_promoting == static_cast<int>(options.promote_parallelism));
  for (const char* promoted : {"counts_a", "counts_c"}) {
    CAPTURE(promoted);
    CHECK(StoredPosition(inner, promoted) == 20);
    CHECK_FALSE(inner.LoadCheckpoint(std::string(promoted) + "#rebuild")->has_value());
  }
  // b's rebuild stands caught up, unpromoted; the next run promotes it and leaves the others.
  CHECK_FALSE(inner.LoadCheckpoint("counts_b")->has_value());
  CHECK(StoredPosition(inner, "counts_b#rebuild") == 20);
  rows.fail_promotion_of.clear();
  rows.promotions_together = 1;
  REQUIRE(ProjectToHead(events, rows, list, options).ok());
  CHECK(StoredPosition(inner, "counts_b") == 20);
  for (Projector* projector : list) {
    CAPTURE(projector->name());
    MemoryReadModelStore reference_rows;
    CountingProjector reference(1, 1, std::string(projector->name()));
    REQUIRE(Run(events, reference_rows, reference, Buffered(5, 0)).ok());
    CHECK(Digest(inner, *projector) == Digest(reference_rows, reference));
  }
}

}  // namespace
}  // namespace ledger::projections
