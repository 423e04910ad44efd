// Conformance: reading streams, the log, as_of, and the hash chain.
// Included only by event_store_conformance.h.

namespace ledger::conformance {

TEST_CASE_TEMPLATE_DEFINE("conformance: ReadStream", F, conformance_read_stream) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("order");
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::NoStream(), 5));
  MustAppend(*store, MakeAppend(testing::UniqueStream("order"), ExpectedVersion::NoStream(), 2));

  auto versions = [&](StreamReadOptions options) {
    Result<std::vector<RecordedEvent>> r = store->ReadStream(StreamId(stream), options);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    std::vector<std::uint64_t> out;
    for (const RecordedEvent& e : *r) out.push_back(e.stream_version.value());
    return out;
  };

  CHECK(versions({}) == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
  CHECK(versions({StreamVersion(3), kNoLimit, std::nullopt}) == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(versions({StreamVersion(2), 2, std::nullopt}) == std::vector<std::uint64_t>{2, 3});
  CHECK(versions({StreamVersion(6), kNoLimit, std::nullopt}).empty());
  CHECK(versions({StreamVersion(1), 0, std::nullopt}).empty());

  Result<std::vector<RecordedEvent>> absent =
      store->ReadStream(StreamId(testing::UniqueStream("order")), {});
  REQUIRE(absent.ok());
  CHECK(absent->empty());
}

TEST_CASE_TEMPLATE_DEFINE("conformance: ReadAll", F, conformance_read_all) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string a = testing::UniqueStream("order");
  const std::string b = testing::UniqueStream("payment");
  MustAppend(*store, MakeAppend(a, ExpectedVersion::NoStream(), 2));
  MustAppend(*store, MakeAppend(b, ExpectedVersion::NoStream(), 1));
  MustAppend(*store, MakeAppend(a, ExpectedVersion::Exact(StreamVersion(2)), 1));

  std::vector<RecordedEvent> log = ReadLogAtLeast(*store, 4);
  REQUIRE(log.size() == 4);

  SUBCASE("single writer: log order is append order") {
    std::vector<std::string> order;
    for (const RecordedEvent& e : log) {
      order.push_back(e.stream_id.value() + "@" + std::to_string(e.stream_version.value()));
    }
    CHECK(order == std::vector<std::string>{a + "@1", a + "@2", b + "@1", a + "@3"});
  }

  SUBCASE("resuming after any delivered event gives the rest, in the same order") {
    for (std::size_t i = 0; i < log.size(); ++i) {
      Result<std::vector<RecordedEvent>> rest = store->ReadAll(log[i].global_position, kNoLimit);
      REQUIRE_MESSAGE(rest.ok(), rest.status().ToString());
      REQUIRE(rest->size() == log.size() - i - 1);
      for (std::size_t j = 0; j < rest->size(); ++j) CHECK((*rest)[j] == log[i + 1 + j]);
    }
  }

  SUBCASE("limit") {
    Result<std::vector<RecordedEvent>> two = store->ReadAll(GlobalPosition(0), 2);
    REQUIRE(two.ok());
    REQUIRE(two->size() == 2);
    CHECK((*two)[1] == log[1]);
    Result<std::vector<RecordedEvent>> none = store->ReadAll(GlobalPosition(0), 0);
    REQUIRE(none.ok());
    CHECK(none->empty());
  }

  SUBCASE("a position that names no event is refused") {
    GlobalPosition beyond(log.back().global_position.value() + 1000);
    CHECK(store->ReadAll(beyond, kNoLimit).status().code() == StatusCode::kInvalidArgument);
  }

  SUBCASE("HeadPosition, where known, is the largest position stored") {
    Result<std::optional<GlobalPosition>> head = store->HeadPosition();
    REQUIRE_MESSAGE(head.ok(), head.status().ToString());
    if (head->has_value()) {
      GlobalPosition largest(0);
      for (const RecordedEvent& e : log) largest = std::max(largest, e.global_position);
      CHECK(**head == largest);
    }
  }

  SUBCASE("after WaitForCommitted, one read to the end has every event appended before it") {
    // Generous: on PostgreSQL other tests' transactions in the cluster count too.
    Result<bool> whole = store->WaitForCommitted(std::chrono::seconds(60));
    REQUIRE_MESSAGE(whole.ok(), whole.status().ToString());
    REQUIRE(*whole);
    Result<std::vector<RecordedEvent>> all = store->ReadAll(GlobalPosition(0), kNoLimit);
    REQUIRE_MESSAGE(all.ok(), all.status().ToString());
    CHECK(*all == log);
  }

  SUBCASE("reading the log equals reading the streams") {
    std::map<std::string, std::vector<RecordedEvent>> by_stream;
    for (const RecordedEvent& e : log) by_stream[e.stream_id.value()].push_back(e);
    for (const auto& [stream, events] : by_stream) CHECK(ReadWholeStream(*store, stream) == events);
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: ReadAll without raw bodies", F,
                          conformance_read_all_without_bodies) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("order");
  AppendRequest request = MakeAppend(stream, ExpectedVersion::NoStream(), 3);
  request.events[0].raw_body = std::string("{\"id\": \"evt_1\",\n \"object\": \"event\"}");
  request.events[2].raw_body = std::string("\x00\xff binary \x01", 11);
  MustAppend(*store, request);
  std::vector<RecordedEvent> log = ReadLogAtLeast(*store, 3);
  REQUIRE(log.size() == 3);
  REQUIRE(log[0].raw_body.has_value());

  auto read = [&](GlobalPosition after, std::size_t limit, bool bodies) {
    Result<std::vector<RecordedEvent>> r =
        store->ReadAll(after, limit, ReadAllOptions{.with_raw_body = bodies});
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return *std::move(r);
  };
  auto without_body = [](RecordedEvent e) {
    e.raw_body.reset();
    return e;
  };

  SUBCASE("with bodies: exactly ReadAll") {
    CHECK(read(GlobalPosition(0), kNoLimit, true) == ReadLogAtLeast(*store, 3));
  }

  SUBCASE("without: the same events and fields, bodies absent or exact") {
    std::vector<RecordedEvent> lean = read(GlobalPosition(0), kNoLimit, false);
    REQUIRE(lean.size() == log.size());
    for (std::size_t i = 0; i < log.size(); ++i) {
      CHECK(without_body(lean[i]) == without_body(log[i]));
      if (lean[i].raw_body) CHECK(lean[i].raw_body == log[i].raw_body);
    }
  }

  SUBCASE("without: resuming, limits and refusals as ReadAll") {
    std::vector<RecordedEvent> rest = read(log[0].global_position, 1, false);
    REQUIRE(rest.size() == 1);
    CHECK(without_body(rest[0]) == without_body(log[1]));
    CHECK(read(GlobalPosition(0), 0, false).empty());
    CHECK(read(log.back().global_position, kNoLimit, false).empty());
    GlobalPosition beyond(log.back().global_position.value() + 1000);
    CHECK(store->ReadAll(beyond, kNoLimit, ReadAllOptions{.with_raw_body = false})
              .status()
              .code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: as_of reads a stream as it stood then", F,
                          conformance_as_of) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("order");
  constexpr std::int64_t kSecond = 1'000'000;

  MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 1));   // t0
  clock.AdvanceMicros(10 * kSecond);
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 2));   // t0+10s
  clock.AdvanceMicros(10 * kSecond);
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 1));   // t0+20s

  auto count_as_of = [&](std::int64_t offset) {
    StreamReadOptions options;
    options.as_of = Timestamp(kT0.value() + offset);
    Result<std::vector<RecordedEvent>> r = store->ReadStream(StreamId(stream), options);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    return r->size();
  };
  CHECK(count_as_of(-1) == 0);
  CHECK(count_as_of(0) == 1);
  CHECK(count_as_of(10 * kSecond - 1) == 1);
  CHECK(count_as_of(10 * kSecond) == 3);
  CHECK(count_as_of(20 * kSecond) == 4);
  CHECK(count_as_of(1000 * kSecond) == 4);

  SUBCASE("a clock that steps back never makes a stream's times go backwards") {
    clock.Set(Timestamp(kT0.value() - 100 * kSecond));
    MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 1));
    std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
    REQUIRE(events.size() == 5);
    CHECK(events[4].recorded_at == events[3].recorded_at);
    CHECK(count_as_of(20 * kSecond) == 5);
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: stream hash chain", F, conformance_hash_chain) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("content");
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 3));
  clock.AdvanceMicros(5);
  NewEvent with_raw = MakeEvent("stripe.event_received", R"({"id":"evt_1"})");
  with_raw.raw_body = "{\"id\": \"evt_1\"}";
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), {with_raw}));

  std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
  REQUIRE(events.size() == 4);
  CHECK(testing::FirstBrokenLink(events) == events.size());
  // The hashes are not all the same (each link covers its own event).
  CHECK(events[0].stream_hash != events[1].stream_hash);
}

}  // namespace ledger::conformance
