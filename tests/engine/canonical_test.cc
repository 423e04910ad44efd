// The stream hash is a stored format: these golden values were computed independently (a
// Python script following docs/formats.md), so a change to the canonical bytes fails here
// instead of silently invalidating every chain already stored.
#include "engine/canonical.h"

#include <doctest/doctest.h>

namespace ledger {
namespace {

RecordedEvent FirstEvent() {
  RecordedEvent e;
  e.stream_id = StreamId("order-cs_123");
  e.stream_version = StreamVersion(1);
  e.event_id = Uuid::Parse("0f8fad5b-d9cb-469f-a165-70867728950e").value();
  e.event_type = "order.placed";
  e.schema_version = 1;
  e.tenant = TenantId("default");
  e.recorded_at = Timestamp(1'795'000'000'000'000);
  e.metadata = Metadata{"corr-1", "evt_1", "stripe", "translator"};
  e.payload = R"({"amount_minor":2500,"currency":"gbp"})";
  return e;
}

RecordedEvent SecondEvent() {
  RecordedEvent e;
  e.stream_id = StreamId("order-cs_123");
  e.stream_version = StreamVersion(2);
  e.event_id = Uuid::Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").value();
  e.event_type = "order.paid";
  e.schema_version = 2;
  e.tenant = TenantId("default");
  e.recorded_at = Timestamp(1'795'000'000'000'001);
  e.payload = "{}";
  e.raw_body = "raw\n";
  return e;
}

TEST_CASE("stream hash chain matches the documented format") {
  Sha256Digest h1 = ChainStreamHash(kGenesisStreamHash, FirstEvent());
  CHECK(HexEncode(h1) == "4f37a507f7c4a34914a051c63e189a44d40062826eda2efda5d63159cfaeba1f");
  Sha256Digest h2 = ChainStreamHash(h1, SecondEvent());
  CHECK(HexEncode(h2) == "fa63b7459d9f8748c196ddb27d10fa6b40a14fe825f4e9fb5ee73d70059e6469");
}

TEST_CASE("every hashed field changes the hash; position and stored hash do not") {
  const RecordedEvent base = FirstEvent();
  const Sha256Digest h = ChainStreamHash(kGenesisStreamHash, base);
  auto differs = [&](auto mutate) {
    RecordedEvent e = base;
    mutate(e);
    return ChainStreamHash(kGenesisStreamHash, e) != h;
  };
  CHECK(differs([](RecordedEvent& e) { e.stream_id = StreamId("order-cs_124"); }));
  CHECK(differs([](RecordedEvent& e) { e.stream_version = StreamVersion(2); }));
  CHECK(differs([](RecordedEvent& e) { e.event_id = Uuid::V4(); }));
  CHECK(differs([](RecordedEvent& e) { e.event_type = "order.paid"; }));
  CHECK(differs([](RecordedEvent& e) { e.schema_version = 2; }));
  CHECK(differs([](RecordedEvent& e) { e.tenant = TenantId("other"); }));
  CHECK(differs([](RecordedEvent& e) { e.recorded_at = Timestamp(1); }));
  CHECK(differs([](RecordedEvent& e) { e.metadata.actor = "someone"; }));
  CHECK(differs([](RecordedEvent& e) { e.payload = R"({"amount_minor":2501,"currency":"gbp"})"; }));
  CHECK(differs([](RecordedEvent& e) { e.raw_body = ""; }));  // present-but-empty != absent
  // Moving bytes between adjacent fields must not collide (length prefixes).
  CHECK(differs([](RecordedEvent& e) {
    e.metadata.correlation_id = "corr-1e";
    e.metadata.causation_id = "vt_1";
  }));
  CHECK_FALSE(differs([](RecordedEvent& e) { e.global_position = GlobalPosition(99); }));
  CHECK_FALSE(differs([](RecordedEvent& e) { e.stream_hash[0] ^= 1; }));
  CHECK(ChainStreamHash(h, base) != h);  // the previous link is hashed too
}

}  // namespace
}  // namespace ledger
