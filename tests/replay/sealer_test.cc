// The sealer on the in-memory store: when it seals, what its seals say, resuming from the log,
// racing another sealer, following the log with a clock, and leading.
#include "replay/sealer.h"

#include <doctest/doctest.h>

#include <thread>

#include "engine/event_store_wrapper.h"
#include "engine/memory_store.h"
#include "replay/seal_stream.h"
#include "replay/verifier.h"
#include "tests/support/test_events.h"

namespace ledger::replay {
namespace {

using testing::MakeAppend;

std::vector<Seal> SealsIn(EventStore& store) {
  std::vector<Seal> seals;
  for (const RecordedEvent& event : ReadSealEvents(store).value()) {
    Result<Seal> seal = SealFromEvent(event);
    REQUIRE_MESSAGE(seal.ok(), seal.status().ToString());
    seals.push_back(*seal);
  }
  return seals;
}

void AppendEvents(EventStore& store, int count) {
  for (int i = 0; i < count; ++i) {
    REQUIRE(store.Append(MakeAppend(testing::UniqueStream("order"))).ok());
  }
}

void CheckVerifies(EventStore& store, const SealKey& key) {
  VerifyOptions options;
  options.trusted_keys = {key};
  Result<VerifyReport> report = VerifyLog(store, options);
  REQUIRE(report.ok());
  CHECK_MESSAGE(!report->problem, report->problem->message);
}

// Waits up to 10 s for `done`.
template <typename Predicate>
bool Eventually(Predicate done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

TEST_CASE("an empty log needs no seal; then one seal covers everything up to the head") {
  MemoryEventStore store;
  SealKey key = SealKey::Generate().value();
  Sealer sealer(store, key);
  SealerReport empty = sealer.RunOnce().value();
  CHECK(empty.written.empty());
  CHECK(empty.head.sequence == 0);

  AppendEvents(store, 5);
  SealerReport report = sealer.RunOnce().value();
  REQUIRE(report.written.size() == 1);
  const Seal& seal = report.written[0];
  std::vector<RecordedEvent> log = testing::ReadWholeLog(store);
  CHECK(seal.number == 1);
  CHECK(seal.first_sequence == 1);
  CHECK(seal.last_sequence == 5);
  CHECK(seal.first_position == log[0].global_position);
  CHECK(seal.last_position == log[4].global_position);
  ChainHead expected;
  for (int i = 0; i < 5; ++i) expected.Extend(log[static_cast<std::size_t>(i)]);
  CHECK(seal.chain_hash == expected.hash);
  CHECK(seal.previous_chain_hash == kGenesisChainHash);
  CHECK(SealSignedBy(seal, key));
  CHECK(SealsIn(store) == report.written);

  // Nothing new but the seal itself: no seal of a seal.
  CHECK(sealer.RunOnce().value().written.empty());

  // The next seal starts with the previous seal's own event and continues its chain.
  AppendEvents(store, 2);
  SealerReport next = Sealer(store, key).RunOnce().value();  // a fresh sealer resumes from the log
  REQUIRE(next.written.size() == 1);
  CHECK(next.written[0].number == 2);
  CHECK(next.written[0].first_sequence == 6);
  CHECK(next.written[0].last_sequence == 8);
  CHECK(next.written[0].previous_chain_hash == seal.chain_hash);
  CheckVerifies(store, key);
}

TEST_CASE("catching up seals every N events and the rest at the head") {
  MemoryEventStore store;
  SealKey key = SealKey::Generate().value();
  AppendEvents(store, 5);
  SealerOptions options;
  options.events_per_seal = 2;
  std::uint64_t progress = 0;
  options.on_progress = [&progress](std::uint64_t chained) { progress = chained; };
  SealerReport report = Sealer(store, key, options).RunOnce().value();
  REQUIRE(report.written.size() == 3);
  CHECK(report.written[0].last_sequence == 2);
  CHECK(report.written[1].first_sequence == 3);
  CHECK(report.written[1].last_sequence == 4);
  // Seal 3 covers event 5 and the events of seals 1 and 2, which follow it in the log.
  CHECK(report.written[2].first_sequence == 5);
  CHECK(report.written[2].last_sequence == 7);
  CHECK(report.seals == 3);
  CHECK(report.chained == 7);
  CHECK(progress == 7);
  CheckVerifies(store, key);
}

// Runs another sealer just before the first seal append it sees: the race `ledger seal`
// beside `ledger serve` can produce.
class RacingStore final : public EventStoreWrapper {
 public:
  RacingStore(EventStore* target, const SealKey& key) : EventStoreWrapper(target), key_(key) {}
  Result<AppendResult> Append(const AppendRequest& request) override {
    if (request.stream.value() == kSealStream && !raced_) {
      raced_ = true;
      AppendEvents(*target_, 1);
      Result<SealerReport> other = Sealer(*target_, key_).RunOnce();
      REQUIRE(other.ok());
      REQUIRE(other->written.size() == 1);
      AppendEvents(*target_, 1);  // something for the loser to seal after reloading
    }
    return target_->Append(request);
  }

 private:
  SealKey key_;
  bool raced_ = false;
};

TEST_CASE("two sealers racing never fork: the loser reloads and continues from the winner") {
  MemoryEventStore memory;
  SealKey key = SealKey::Generate().value();
  AppendEvents(memory, 3);
  RacingStore racing(&memory, key);
  Result<SealerReport> run = Sealer(racing, key).RunOnce();
  REQUIRE_MESSAGE(run.ok(), run.status().ToString());
  SealerReport report = *run;
  std::vector<Seal> seals = SealsIn(memory);
  REQUIRE(seals.size() == 2);
  CHECK(seals[0].last_sequence == 4);   // the other sealer's: 3 events and its own extra one
  CHECK(seals[1].first_sequence == 5);  // the winner's seal event, then the last event
  CHECK(seals[1].last_sequence == 6);
  REQUIRE(report.written.size() == 1);
  CHECK(report.written[0] == seals[1]);
  CheckVerifies(memory, key);
}

TEST_CASE("following: a seal every N events, and one when an unsealed event is old enough") {
  ManualClock clock(Timestamp(1'795'000'000'000'000));
  MemoryEventStore store(&clock);
  SealKey key = SealKey::Generate().value();
  SealerOptions options;
  options.events_per_seal = 4;
  options.max_unsealed_age = std::chrono::seconds(60);
  options.poll_interval = std::chrono::milliseconds(10);
  options.clock = &clock;
  Sealer sealer(store, key, options);
  Status followed;
  std::jthread thread([&](std::stop_token stop) { followed = sealer.Follow(stop); });

  AppendEvents(store, 4);
  CHECK(Eventually([&] { return SealsIn(store).size() == 1; }));
  AppendEvents(store, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(SealsIn(store).size() == 1);  // one young unsealed event: no seal yet
  clock.AdvanceMicros(61'000'000);
  CHECK(Eventually([&] { return SealsIn(store).size() == 2; }));
  clock.AdvanceMicros(600'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(SealsIn(store).size() == 2);  // only seal 2's own event since: nothing to seal

  thread.request_stop();
  thread.join();
  CHECK(followed.ok());
  std::vector<Seal> seals = SealsIn(store);
  CHECK(seals[0].last_sequence == 4);
  CHECK(seals[1].first_sequence == 5);
  CHECK(seals[1].last_sequence == 6);  // seal 1's event and the fifth event
  CHECK(seals[1].sealed_at == Timestamp(1'795'000'061'000'000));
  CheckVerifies(store, key);
}

TEST_CASE("leading: only the holder of the sealer lease seals; a lost lease stops Follow") {
  MemoryEventStore store;
  SealKey key = SealKey::Generate().value();
  LocalLeaderElector elector;
  AppendEvents(store, 2);
  SealerOptions options;
  options.max_unsealed_age = std::chrono::milliseconds(0);
  options.poll_interval = std::chrono::milliseconds(10);
  options.lead_retry = std::chrono::milliseconds(20);
  Sealer sealer(store, key, options);

  std::unique_ptr<Lease> held = elector.TryLead(kSealerLeaseName).value();
  REQUIRE(held != nullptr);
  std::jthread thread([&](std::stop_token stop) { sealer.Lead(elector, stop); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  CHECK(SealsIn(store).empty());  // someone else leads
  held.reset();
  CHECK(Eventually([&] { return SealsIn(store).size() == 1; }));
  thread.request_stop();
  thread.join();

  class LostLease final : public Lease {
   public:
    bool Held() override { return false; }
  } lost;
  std::stop_source never;
  CHECK(sealer.Follow(never.get_token(), &lost).code() == StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ledger::replay
