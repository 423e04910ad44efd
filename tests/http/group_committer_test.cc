#include "adapters/http/group_committer.h"

#include <doctest/doctest.h>

#include <future>

#include "adapters/http/metrics.h"
#include "engine/memory_store.h"
#include "tests/http/event_store_wrapper.h"
#include "tests/support/test_events.h"

namespace ledger::http {
namespace {

using testing::ControllableStore;
using testing::MakeAppend;
using testing::MakeEvent;

std::future<Result<AppendResult>> Submit(GroupCommitter& committer, AppendRequest request) {
  auto promise = std::make_shared<std::promise<Result<AppendResult>>>();
  committer.Submit(std::move(request),
                   [promise](Result<AppendResult> r) { promise->set_value(std::move(r)); });
  return promise->get_future();
}

TEST_CASE("requests queued during a commit go together in the next batch") {
  MemoryEventStore memory;
  ControllableStore store(&memory);
  Metrics metrics;
  GroupCommitter committer(store, {}, &metrics);
  store.Hold();
  auto first = Submit(committer, MakeAppend("a-1"));
  REQUIRE(store.WaitForBatches(1, std::chrono::seconds(5)));
  std::vector<std::future<Result<AppendResult>>> rest;
  for (int i = 0; i < 10; ++i)
    rest.push_back(Submit(committer, MakeAppend("b-" + std::to_string(i))));
  store.Release();
  CHECK(first.get().ok());
  for (auto& r : rest) CHECK(r.get().ok());
  CHECK(store.batches() == 2);
  CHECK(store.largest_batch() == 10);
  CHECK(metrics.batches() == 2);
}

TEST_CASE("each request gets its own outcome; one failure does not fail its neighbours") {
  MemoryEventStore store;
  GroupCommitter committer(store, {}, nullptr);
  NewEvent event = MakeEvent();
  auto a = Submit(committer, MakeAppend("s-1", ExpectedVersion::NoStream(), {event}));
  auto again = Submit(committer, MakeAppend("s-1", ExpectedVersion::NoStream(), {event}));
  auto conflict = Submit(committer, MakeAppend("s-2", ExpectedVersion::Exact(StreamVersion(5))));
  auto bad = Submit(committer, MakeAppend("no category"));
  Result<AppendResult> first = a.get();
  REQUIRE(first.ok());
  CHECK_FALSE(first->deduplicated);
  Result<AppendResult> second = again.get();
  REQUIRE(second.ok());
  CHECK(second->deduplicated);
  CHECK(second->position == first->position);
  CHECK(conflict.get().status().code() == StatusCode::kConflict);
  CHECK(bad.get().status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a batch that fails as a whole fails every request in it with that status") {
  MemoryEventStore memory;
  ControllableStore store(&memory);
  store.SetUnavailable(true);
  GroupCommitter committer(store, {}, nullptr);
  CHECK(Submit(committer, MakeAppend("u-1")).get().status().code() == StatusCode::kUnavailable);
}

TEST_CASE("max_batch bounds a batch") {
  MemoryEventStore memory;
  ControllableStore store(&memory);
  GroupCommitter committer(store, {.max_batch = 3}, nullptr);
  store.Hold();
  auto first = Submit(committer, MakeAppend("m-0"));
  REQUIRE(store.WaitForBatches(1, std::chrono::seconds(5)));
  std::vector<std::future<Result<AppendResult>>> rest;
  for (int i = 1; i <= 7; ++i)
    rest.push_back(Submit(committer, MakeAppend("m-" + std::to_string(i))));
  store.Release();
  CHECK(first.get().ok());
  for (auto& r : rest) CHECK(r.get().ok());
  CHECK(store.largest_batch() == 3);
  CHECK(store.batches() == 4);  // 1 + 3 + 3 + 1
}

TEST_CASE("Stop commits what is queued, then refuses new work") {
  MemoryEventStore memory;
  ControllableStore store(&memory);
  GroupCommitter committer(store, {}, nullptr);
  store.Hold();
  auto first = Submit(committer, MakeAppend("q-1"));
  REQUIRE(store.WaitForBatches(1, std::chrono::seconds(5)));
  auto queued = Submit(committer, MakeAppend("q-2"));
  std::thread stopper([&] { committer.Stop(); });
  store.Release();
  stopper.join();
  CHECK(first.get().ok());
  CHECK(queued.get().ok());
  CHECK(Submit(committer, MakeAppend("q-3")).get().status().code() == StatusCode::kCancelled);
  CHECK(testing::ReadWholeLog(memory).size() == 2);
}

TEST_CASE("linger gathers a batch when requests arrive a little apart") {
  MemoryEventStore store;
  GroupCommitter committer(store, {.linger = std::chrono::milliseconds(200)}, nullptr);
  auto a = Submit(committer, MakeAppend("l-1"));
  auto b = Submit(committer, MakeAppend("l-2"));
  CHECK(a.get().ok());
  CHECK(b.get().ok());
}

}  // namespace
}  // namespace ledger::http
