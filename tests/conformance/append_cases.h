// Conformance: appending, expected versions, idempotency and bad input.
// Included only by event_store_conformance.h.

namespace ledger::conformance {

TEST_CASE_TEMPLATE_DEFINE("conformance: append assigns versions, positions and keeps fields", F,
                          conformance_append) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("order");

  SUBCASE("versions count from 1 and positions increase") {
    AppendResult first = MustAppend(*store, MakeAppend(stream, ExpectedVersion::NoStream(), 2));
    CHECK(first.stream_version == StreamVersion(2));
    CHECK_FALSE(first.deduplicated);
    AppendResult second = MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 1));
    CHECK(second.stream_version == StreamVersion(3));
    CHECK(second.position > first.position);

    std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
    REQUIRE(events.size() == 3);
    for (std::size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i].stream_version == StreamVersion(i + 1));
      CHECK(events[i].stream_id == StreamId(stream));
      if (i > 0) CHECK(events[i].global_position > events[i - 1].global_position);
    }
    CHECK(events[2].global_position == second.position);
  }

  SUBCASE("every envelope field comes back as written, payload minified") {
    NewEvent e = MakeEvent("stripe.event_received",
                           "{ \"b\" : 1.50, \"a\": [1, 2e3, -0],\n \"s\": \"caf\\u00e9 \xe2\x82\xac\" }");
    e.schema_version = 3;
    e.tenant = TenantId("shop_2");
    e.metadata = Metadata{"corr-1", "evt_123", "stripe", "webhook.stripe"};
    e.raw_body = std::string("raw\0bytes\xff", 10);
    AppendResult r = MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), {e}));

    std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
    REQUIRE(events.size() == 1);
    const RecordedEvent& got = events[0];
    CHECK(got.global_position == r.position);
    CHECK(got.event_id == e.event_id);
    CHECK(got.event_type == "stripe.event_received");
    CHECK(got.schema_version == 3);
    CHECK(got.tenant == TenantId("shop_2"));
    CHECK(got.payload == "{\"b\":1.50,\"a\":[1,2e3,-0],\"s\":\"caf\\u00e9 \xe2\x82\xac\"}");
    CHECK(got.metadata == e.metadata);
    REQUIRE(got.raw_body.has_value());
    CHECK(*got.raw_body == std::string("raw\0bytes\xff", 10));
    CHECK(got.recorded_at == kT0);
  }

  SUBCASE("an event without raw body reads back without one") {
    MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 1));
    CHECK_FALSE(ReadWholeStream(*store, stream)[0].raw_body.has_value());
  }

  SUBCASE("a stream belongs to the tenant of its first event") {
    NewEvent a = MakeEvent();
    a.tenant = TenantId("tenant_a");
    MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), {a}));
    NewEvent b = MakeEvent();
    b.tenant = TenantId("tenant_b");
    Result<AppendResult> r = store->Append(MakeAppend(stream, ExpectedVersion::Any(), {b}));
    CHECK(r.status().code() == StatusCode::kFailedPrecondition);
    CHECK(ReadWholeStream(*store, stream).size() == 1);
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: expected version", F, conformance_expected_version) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("order");
  const std::string missing = testing::UniqueStream("order");
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::NoStream(), 2));

  auto code_of = [&](const std::string& s, ExpectedVersion expected) {
    return store->Append(MakeAppend(s, expected, 1)).status().code();
  };

  SUBCASE("mismatches are conflicts and change nothing") {
    CHECK(code_of(stream, ExpectedVersion::NoStream()) == StatusCode::kConflict);
    CHECK(code_of(stream, ExpectedVersion::Exact(StreamVersion(1))) == StatusCode::kConflict);
    CHECK(code_of(stream, ExpectedVersion::Exact(StreamVersion(3))) == StatusCode::kConflict);
    CHECK(code_of(stream, ExpectedVersion::Exact(StreamVersion(0))) == StatusCode::kConflict);
    CHECK(code_of(missing, ExpectedVersion::StreamExists()) == StatusCode::kConflict);
    CHECK(code_of(missing, ExpectedVersion::Exact(StreamVersion(1))) == StatusCode::kConflict);
    CHECK(ReadWholeStream(*store, stream).size() == 2);
    CHECK(ReadWholeStream(*store, missing).empty());
  }

  SUBCASE("the conflict message says where the stream is") {
    Status s = store->Append(MakeAppend(stream, ExpectedVersion::Exact(StreamVersion(1)), 1)).status();
    CHECK(s.message().find("version 2") != std::string::npos);
  }

  SUBCASE("matches append") {
    CHECK(code_of(stream, ExpectedVersion::Exact(StreamVersion(2))) == StatusCode::kOk);
    CHECK(code_of(stream, ExpectedVersion::StreamExists()) == StatusCode::kOk);
    CHECK(code_of(stream, ExpectedVersion::Any()) == StatusCode::kOk);
    CHECK(code_of(missing, ExpectedVersion::Exact(StreamVersion(0))) == StatusCode::kOk);
    CHECK(ReadWholeStream(*store, stream).size() == 5);
    CHECK(ReadWholeStream(*store, missing).size() == 1);
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: appends are idempotent by event id", F,
                          conformance_idempotency) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("stripe");
  AppendRequest original = MakeAppend(stream, ExpectedVersion::NoStream(), 3);
  AppendResult first = MustAppend(*store, original);

  SUBCASE("a redelivery returns the stored position and changes nothing") {
    clock.AdvanceMicros(1'000'000);
    AppendResult again = MustAppend(*store, original);  // even though no_stream no longer holds
    CHECK(again.deduplicated);
    CHECK(again.position == first.position);
    CHECK(again.stream_version == first.stream_version);
    std::vector<RecordedEvent> events = ReadWholeStream(*store, stream);
    CHECK(events.size() == 3);
    CHECK(events[2].recorded_at == kT0);
  }

  SUBCASE("a redelivery with a different payload is still the stored event") {
    AppendRequest changed = original;
    for (NewEvent& e : changed.events) e.payload = R"({"changed":true})";
    CHECK(MustAppend(*store, changed).deduplicated);
    CHECK(ReadWholeStream(*store, stream)[0].payload != R"({"changed":true})");
  }

  SUBCASE("a partial overlap is refused and appends nothing") {
    AppendRequest overlap = original;
    overlap.expected = ExpectedVersion::Any();
    overlap.events.push_back(MakeEvent());
    CHECK(store->Append(overlap).status().code() == StatusCode::kAlreadyExists);
    CHECK(ReadWholeStream(*store, stream).size() == 3);
  }

  SUBCASE("an event id stored in another stream is refused") {
    const std::string other = testing::UniqueStream("stripe");
    AppendRequest elsewhere = MakeAppend(other, ExpectedVersion::Any(), {original.events[0]});
    CHECK(store->Append(elsewhere).status().code() == StatusCode::kAlreadyExists);
    CHECK(ReadWholeStream(*store, other).empty());
  }

  SUBCASE("a single event redelivered on its own is recognised") {
    AppendRequest one = MakeAppend(stream, ExpectedVersion::Any(), {original.events[1]});
    AppendResult r = MustAppend(*store, one);
    CHECK(r.deduplicated);
    CHECK(r.stream_version == StreamVersion(2));
  }
}

TEST_CASE_TEMPLATE_DEFINE("conformance: bad input is refused and changes nothing", F,
                          conformance_bad_input) {
  ManualClock clock(kT0);
  std::unique_ptr<EventStore> store = F::Open(&clock);
  const std::string stream = testing::UniqueStream("order");
  MustAppend(*store, MakeAppend(stream, ExpectedVersion::Any(), 1));
  std::size_t before = ReadLogThroughMarker(*store).size();

  auto refused = [&](AppendRequest request) {
    Result<AppendResult> r = store->Append(request);
    CHECK_MESSAGE(r.status().code() == StatusCode::kInvalidArgument, r.status().ToString());
    CHECK_FALSE(r.status().message().empty());
  };
  auto with_event = [&](std::string s, NewEvent e) {
    return MakeAppend(std::move(s), ExpectedVersion::Any(), {std::move(e)});
  };

  SUBCASE("stream ids") {
    refused(with_event("", MakeEvent()));
    refused(with_event("nocategory", MakeEvent()));
    refused(with_event("-id", MakeEvent()));
    refused(with_event("order-", MakeEvent()));
    refused(with_event("Order-1", MakeEvent()));
    refused(with_event("order-has space", MakeEvent()));
    refused(with_event("order-" + std::string(kMaxStreamIdBytes, 'x'), MakeEvent()));
  }
  SUBCASE("payloads") {
    refused(with_event(stream, MakeEvent("test.happened", "{not json")));
    refused(with_event(stream, MakeEvent("test.happened", "")));
    refused(with_event(stream, MakeEvent("test.happened", "[1,2]")));
    refused(with_event(stream, MakeEvent("test.happened", "\"text\"")));
    refused(with_event(stream, MakeEvent("test.happened", "{\"a\":1} trailing")));
    refused(with_event(stream, MakeEvent("test.happened", "{\"bad\":\"\xff\xfe\"}")));
    std::string deep(kMaxJsonDepth + 1, '[');
    refused(with_event(stream, MakeEvent("test.happened", "{\"a\":" + deep + std::string(kMaxJsonDepth + 1, ']') + "}")));
    std::string huge = "{\"a\":\"" + std::string(kMaxPayloadBytes, 'x') + "\"}";
    refused(with_event(stream, MakeEvent("test.happened", huge)));
  }
  SUBCASE("envelope fields") {
    refused(with_event(stream, MakeEvent("NotDotted")));
    refused(with_event(stream, MakeEvent("order.")));
    refused(with_event(stream, MakeEvent("order..paid")));
    NewEvent nil = MakeEvent();
    nil.event_id = Uuid();
    refused(with_event(stream, nil));
    NewEvent schema0 = MakeEvent();
    schema0.schema_version = 0;
    refused(with_event(stream, schema0));
    NewEvent tenant = MakeEvent();
    tenant.tenant = TenantId("bad tenant");
    refused(with_event(stream, tenant));
    NewEvent meta = MakeEvent();
    meta.metadata.actor = "line\nbreak";
    refused(with_event(stream, meta));
    NewEvent raw = MakeEvent();
    raw.raw_body = std::string(kMaxRawBodyBytes + 1, 'r');
    refused(with_event(stream, raw));
  }
  SUBCASE("requests") {
    refused(MakeAppend(stream, ExpectedVersion::Any(), std::vector<NewEvent>{}));
    NewEvent e = MakeEvent();
    refused(MakeAppend(stream, ExpectedVersion::Any(), {e, e}));
    NewEvent other_tenant = MakeEvent();
    other_tenant.tenant = TenantId("elsewhere");
    refused(MakeAppend(stream, ExpectedVersion::Any(), {MakeEvent(), other_tenant}));
    // One bad event spoils the whole append: the good one before it is not stored either.
    refused(MakeAppend(stream, ExpectedVersion::Any(), {MakeEvent(), MakeEvent("test.happened", "{")}));
  }

  CHECK(ReadLogThroughMarker(*store).size() == before + 1);
  CHECK(ReadWholeStream(*store, stream).size() == 1);
}

}  // namespace ledger::conformance
