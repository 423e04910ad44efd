// Conformance: importing an exported log.
// Included only by event_store_conformance.h.

namespace ledger::conformance {

using testing::AsImported;

TEST_CASE_TEMPLATE_DEFINE("conformance: import restores an exported log", F, conformance_import) {
  ManualClock source_clock(kT0);
  std::unique_ptr<EventStore> source = F::Open(&source_clock);
  const std::string a = testing::UniqueStream("order");
  const std::string b = testing::UniqueStream("content");
  MustAppend(*source, MakeAppend(a, ExpectedVersion::NoStream(), 3));
  source_clock.AdvanceMicros(7);
  NewEvent raw = MakeEvent("stripe.event_received", R"({"id":"evt_9"})");
  raw.raw_body = "{\"id\":\"evt_9\"}\n";
  raw.tenant = TenantId("shop_9");
  MustAppend(*source, MakeAppend(b, ExpectedVersion::NoStream(), {raw}));
  MustAppend(*source, MakeAppend(a, ExpectedVersion::Any(), 1));
  std::vector<RecordedEvent> exported = ReadLogAtLeast(*source, 5);
  REQUIRE(exported.size() == 5);
  std::vector<ImportedEvent> lines;
  for (const RecordedEvent& e : exported) lines.push_back(AsImported(e));

  ManualClock target_clock(Timestamp(kT0.value() + 1'000'000'000));
  std::unique_ptr<EventStore> target = F::Open(&target_clock);

  SUBCASE("every field, position and hash is kept") {
    Result<ImportResult> r = target->Import(lines);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->imported == 5);
    CHECK(r->already_present == 0);
    CHECK(ReadLogAtLeast(*target, 5) == exported);

    SUBCASE("importing again skips what is there") {
      Result<ImportResult> again = target->Import(lines);
      REQUIRE_MESSAGE(again.ok(), again.status().ToString());
      CHECK(again->imported == 0);
      CHECK(again->already_present == 5);
    }
    SUBCASE("appends continue the imported streams and chains") {
      AppendResult next = MustAppend(*target, MakeAppend(a, ExpectedVersion::Exact(StreamVersion(4)), 1));
      CHECK(next.position > exported.back().global_position);
      std::vector<RecordedEvent> events = ReadWholeStream(*target, a);
      REQUIRE(events.size() == 5);
      CHECK(events[4].stream_hash == ChainStreamHash(events[3].stream_hash, events[4]));
    }
  }

  SUBCASE("absent envelope fields are assigned") {
    for (ImportedEvent& line : lines) {
      line.global_position.reset();
      line.stream_version.reset();
      line.recorded_at.reset();
      line.stream_hash.reset();
    }
    Result<ImportResult> r = target->Import(lines);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    std::vector<RecordedEvent> events = ReadWholeStream(*target, a);
    REQUIRE(events.size() == 4);
    CHECK(events[3].stream_version == StreamVersion(4));
    CHECK(events[0].recorded_at == target_clock.Now());
  }

  auto refused_with = [&](StatusCode code) {
    Result<ImportResult> r = target->Import(lines);
    CHECK_MESSAGE(r.status().code() == code, r.status().ToString());
    std::vector<RecordedEvent> after = WithoutMarkers(ReadLogThroughMarker(*target));
    CHECK(after.empty());  // all or nothing
  };

  SUBCASE("an altered payload breaks the chain: DataLoss, nothing imported") {
    lines[1].event.payload = R"({"i":99})";
    refused_with(StatusCode::kDataLoss);
  }
  SUBCASE("a version gap is refused") {
    lines.erase(lines.begin() + 1);
    refused_with(StatusCode::kInvalidArgument);
  }
  SUBCASE("positions must increase") {
    std::swap(lines[3].global_position, lines[4].global_position);
    refused_with(StatusCode::kInvalidArgument);
  }
  SUBCASE("an invalid event is refused") {
    lines[4].event.payload = "{broken";
    refused_with(StatusCode::kInvalidArgument);
  }
  SUBCASE("an event id stored elsewhere is refused") {
    lines[4].stream = StreamId(b);
    lines[4].stream_version = StreamVersion(2);
    lines[4].stream_hash.reset();
    lines[4].event.tenant = TenantId("shop_9");
    lines.push_back(lines[4]);  // the same id again, now at version 3 of b
    lines.back().stream_version = StreamVersion(3);
    lines.back().global_position = GlobalPosition(lines.back().global_position->value() + 1);
    refused_with(StatusCode::kAlreadyExists);
  }
}

}  // namespace ledger::conformance
