// Several SqliteEventStore objects on one file: what separate processes sharing a store do.
// SQLite locks per connection, so two objects in one process contend exactly as two
// processes would.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_event_store.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::MakeAppend;
using testing::ReadWholeLog;
using testing::ReadWholeStream;

TEST_CASE("sqlite multi-connection: two stores on one file, one stream, every version once") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteEventStore> stores[2] = {testing::MustOpen(path), testing::MustOpen(path)};
  const std::string stream = testing::UniqueStream("canary");
  constexpr int kThreadsPerStore = 3;
  constexpr int kThreads = 2 * kThreadsPerStore;
  constexpr int kAppendsPerThread = 20;

  std::mutex ids_mu;
  std::set<EventId> written_ids;
  std::atomic<int> conflicts{0};
  std::atomic<int> unavailable{0};
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      EventStore& store = *stores[t % 2];
      for (int i = 0; i < kAppendsPerThread; ++i) {
        AppendRequest request = MakeAppend(stream, ExpectedVersion::Any(), 1);
        while (true) {  // read, decide, append with what was read; retry on Conflict
          Result<std::vector<RecordedEvent>> events = store.ReadStream(StreamId(stream), {});
          REQUIRE_MESSAGE(events.ok(), events.status().ToString());
          request.expected = ExpectedVersion::Exact(StreamVersion(events->size()));
          Result<AppendResult> r = store.Append(request);
          if (r.ok()) break;
          // Unavailable (the other store held the lock past the busy timeout; SQLite's lock
          // is not fair) means "retry the call", which the loop does with the same event id.
          REQUIRE_MESSAGE((r.status().code() == StatusCode::kConflict ||
                           r.status().code() == StatusCode::kUnavailable),
                          r.status().ToString());
          (r.status().code() == StatusCode::kConflict ? conflicts : unavailable).fetch_add(1);
        }
        std::lock_guard lock(ids_mu);
        written_ids.insert(request.events[0].event_id);
      }
    });
  }
  for (std::thread& t : threads) t.join();

  constexpr std::size_t kTotal = std::size_t{kThreads} * kAppendsPerThread;
  for (std::unique_ptr<SqliteEventStore>& store : stores) {
    std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
    REQUIRE(events.size() == kTotal);
    std::set<EventId> stored_ids;
    for (std::size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i].stream_version == StreamVersion(i + 1));
      CHECK(events[i].global_position == GlobalPosition(i + 1));  // dense, no holes
      stored_ids.insert(events[i].event_id);
    }
    CHECK(stored_ids == written_ids);
    CHECK(ReadWholeLog(*store) == events);
  }
  MESSAGE("retried: " << conflicts.load() << " conflicts, " << unavailable.load() << " busy");
}

TEST_CASE("sqlite multi-connection: WaitForEvents sees another store's append") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteEventStore> follower = testing::MustOpen(path);
  std::unique_ptr<SqliteEventStore> writer = testing::MustOpen(path);

  std::thread append([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    REQUIRE(writer->Append(MakeAppend(testing::UniqueStream("order"))).ok());
  });
  auto start = std::chrono::steady_clock::now();
  CHECK(follower->WaitForEvents(GlobalPosition(0), std::chrono::seconds(10)).ok());
  auto waited = std::chrono::steady_clock::now() - start;
  append.join();
  CHECK(waited < std::chrono::seconds(2));
  CHECK(ReadWholeLog(*follower).size() == 1);
}

// A raw connection holding SQLite's write lock, as another process mid-transaction would.
class HeldWriteLock {
 public:
  explicit HeldWriteLock(const std::string& path) {
    REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~HeldWriteLock() { sqlite3_close_v2(db_); }  // closing rolls the transaction back
  void Release() { REQUIRE(sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK); }

 private:
  sqlite3* db_ = nullptr;
};

TEST_CASE("sqlite multi-connection: a writer blocked past the busy timeout is Unavailable") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  SqliteOptions options;
  options.busy_timeout = std::chrono::milliseconds(100);
  std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path, options);
  const std::string stream = testing::UniqueStream("order");
  REQUIRE(store->Append(MakeAppend(stream)).ok());

  HeldWriteLock lock(path);
  Result<AppendResult> blocked = store->Append(MakeAppend(stream));
  CHECK_MESSAGE(blocked.status().code() == StatusCode::kUnavailable, blocked.status().ToString());
  // Readers are not blocked by a writer (WAL).
  CHECK(ReadWholeStream(*store, stream).size() == 1);

  lock.Release();
  CHECK(store->Append(MakeAppend(stream)).ok());
  CHECK(ReadWholeStream(*store, stream).size() == 2);
}

}  // namespace
}  // namespace ledger
