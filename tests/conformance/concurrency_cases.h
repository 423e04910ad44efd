// Conformance: concurrent writers and readers, and waiting for new events.
// Included only by event_store_conformance.h.
//
// Worker threads use CHECK and stop, never REQUIRE: a REQUIRE throws, and an exception
// escaping a std::thread terminates the whole test binary instead of failing one case.

namespace ledger::conformance {

TEST_CASE_TEMPLATE_DEFINE("conformance: concurrent writers", F, conformance_concurrency) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  constexpr int kThreads = 8;
  constexpr int kAppendsPerThread = 25;

  SUBCASE("optimistic concurrency on one stream: every version exactly once") {
    const std::string stream = testing::UniqueStream("canary");
    std::atomic<int> conflicts{0};
    std::vector<std::thread> threads;
    std::set<EventId> written_ids;
    std::mutex ids_mu;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kAppendsPerThread; ++i) {
          AppendRequest request = MakeAppend(stream, ExpectedVersion::Any(), 1);
          while (true) {  // a command: read the stream, decide, append with what was read
            Result<std::vector<RecordedEvent>> events = store->ReadStream(StreamId(stream), {});
            CHECK_MESSAGE(events.ok(), events.status().ToString());
            if (!events.ok()) return;
            request.expected = ExpectedVersion::Exact(StreamVersion(events->size()));
            Result<AppendResult> r = store->Append(request);
            if (r.ok()) break;
            CHECK_MESSAGE(r.status().code() == StatusCode::kConflict, r.status().ToString());
            if (r.status().code() != StatusCode::kConflict) return;
            conflicts.fetch_add(1);
          }
          std::lock_guard lock(ids_mu);
          written_ids.insert(request.events[0].event_id);
        }
      });
    }
    for (std::thread& t : threads) t.join();

    std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
    REQUIRE(events.size() == kThreads * kAppendsPerThread);
    std::set<EventId> stored_ids;
    for (std::size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i].stream_version == StreamVersion(i + 1));
      stored_ids.insert(events[i].event_id);
    }
    CHECK(stored_ids == written_ids);
    MESSAGE("conflicts retried: " << conflicts.load());
  }

  SUBCASE("independent streams: nothing lost, positions unique, log agrees with streams") {
    std::vector<std::thread> threads;
    std::vector<std::string> streams;
    for (int t = 0; t < kThreads; ++t) streams.push_back(testing::UniqueStream("order"));
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kAppendsPerThread; ++i) {
          Result<AppendResult> r = store->Append(MakeAppend(streams[t], ExpectedVersion::Any(), 2));
          CHECK_MESSAGE(r.ok(), r.status().ToString());
          if (!r.ok()) return;
        }
      });
    }
    for (std::thread& t : threads) t.join();

    std::vector<RecordedEvent> log = WithoutMarkers(ReadLogThroughMarker(*store));
    REQUIRE(log.size() == kThreads * kAppendsPerThread * 2);
    std::set<GlobalPosition> positions;
    std::map<std::string, std::uint64_t> last_version;
    for (const RecordedEvent& e : log) {
      CHECK(positions.insert(e.global_position).second);
      std::uint64_t& last = last_version[e.stream_id.value()];
      CHECK(e.stream_version.value() == last + 1);  // never n+1 before n
      last = e.stream_version.value();
    }
    for (const std::string& s : streams) CHECK(last_version[s] == kAppendsPerThread * 2);
  }

  SUBCASE("concurrent batches and appends to shared streams") {
    std::vector<std::string> streams;
    for (int s = 0; s < 3; ++s) streams.push_back(testing::UniqueStream("payment"));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 10; ++i) {
          std::vector<AppendRequest> batch;
          for (const std::string& s : streams) batch.push_back(MakeAppend(s, ExpectedVersion::Any(), 1));
          if (t % 2 == 0) {
            Result<std::vector<Result<AppendResult>>> r = store->AppendBatch(batch);
            CHECK_MESSAGE(r.ok(), r.status().ToString());
            if (!r.ok()) return;
            for (const auto& one : *r) CHECK_MESSAGE(one.ok(), one.status().ToString());
          } else {
            for (const AppendRequest& request : batch) {
              Result<AppendResult> one = store->Append(request);
              CHECK_MESSAGE(one.ok(), one.status().ToString());
            }
          }
        }
      });
    }
    for (std::thread& t : threads) t.join();
    for (const std::string& s : streams) {
      std::vector<RecordedEvent> events = ReadWholeStream(*store, s);
      REQUIRE(events.size() == kThreads * 10);
      for (std::size_t i = 0; i < events.size(); ++i) CHECK(events[i].stream_version == StreamVersion(i + 1));
    }
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: WaitForEvents", F, conformance_wait) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  AppendResult first = MustAppend(*store, MakeAppend(testing::UniqueStream("order"),
                                                     ExpectedVersion::Any(), 1));
  ReadLogAtLeast(*store, 1);

  SUBCASE("a follower sees an append made by another thread") {
    std::thread writer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      Result<AppendResult> r =
          store->Append(MakeAppend(testing::UniqueStream("order"), ExpectedVersion::Any(), 1));
      CHECK_MESSAGE(r.ok(), r.status().ToString());
    });
    std::vector<RecordedEvent> more = ReadLogAtLeast(*store, 1, first.position);
    writer.join();
    CHECK(more.size() == 1);
  }

  SUBCASE("with nothing new it returns by the timeout") {
    auto start = std::chrono::steady_clock::now();
    CHECK(store->WaitForEvents(first.position, std::chrono::milliseconds(100)).ok());
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  }
}

}  // namespace ledger::conformance
