#include "tests/support/test_events.h"

#include <atomic>
#include <chrono>

#include "engine/canonical.h"

namespace ledger::testing {

NewEvent MakeEvent(std::string type, std::string payload) {
  NewEvent e;
  e.event_id = Uuid::V4();
  e.event_type = std::move(type);
  e.payload = std::move(payload);
  e.metadata.actor = "test";
  e.metadata.source = "tests";
  return e;
}

AppendRequest MakeAppend(std::string stream, ExpectedVersion expected,
                         std::vector<NewEvent> events) {
  return AppendRequest{StreamId(std::move(stream)), expected, std::move(events)};
}

AppendRequest MakeAppend(std::string stream, ExpectedVersion expected, int count) {
  std::vector<NewEvent> events;
  for (int i = 0; i < count; ++i) {
    events.push_back(MakeEvent("test.happened", R"({"i":)" + std::to_string(i) + "}"));
  }
  return MakeAppend(std::move(stream), expected, std::move(events));
}

std::vector<RecordedEvent> ReadWholeLog(EventStore& store) {
  Result<std::vector<RecordedEvent>> all = store.ReadAll(GlobalPosition(0), kNoLimit);
  REQUIRE_MESSAGE(all.ok(), all.status().ToString());
  return std::move(all).value();
}

std::vector<RecordedEvent> ReadWholeStream(EventStore& store, const std::string& stream) {
  Result<std::vector<RecordedEvent>> events = store.ReadStream(StreamId(stream), {});
  REQUIRE_MESSAGE(events.ok(), events.status().ToString());
  return std::move(events).value();
}

std::size_t FirstBrokenLink(std::span<const RecordedEvent> events) {
  Sha256Digest previous = kGenesisStreamHash;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].stream_hash != ChainStreamHash(previous, events[i])) return i;
    previous = events[i].stream_hash;
  }
  return events.size();
}

std::vector<RecordedEvent> ReadLogExpecting(EventStore& store, std::size_t expected) {
  std::vector<RecordedEvent> log;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto read_more = [&] {
    GlobalPosition after = log.empty() ? GlobalPosition(0) : log.back().global_position;
    Result<std::vector<RecordedEvent>> more = store.ReadAll(after, kNoLimit);
    REQUIRE_MESSAGE(more.ok(), more.status().ToString());
    for (RecordedEvent& e : *more) log.push_back(std::move(e));
    return after;
  };
  while (true) {
    GlobalPosition after = read_more();
    if (log.size() >= expected || std::chrono::steady_clock::now() >= deadline) break;
    REQUIRE(store.WaitForEvents(after, std::chrono::milliseconds(50)).ok());
  }
  read_more();
  return log;
}

ImportedEvent AsImported(const RecordedEvent& e) {
  ImportedEvent out;
  out.stream = e.stream_id;
  out.event = NewEvent{e.event_id, e.event_type, e.schema_version, e.tenant,
                       e.payload,  e.metadata,   e.raw_body};
  out.global_position = e.global_position;
  out.stream_version = e.stream_version;
  out.recorded_at = e.recorded_at;
  out.stream_hash = e.stream_hash;
  return out;
}

std::string UniqueStream(const std::string& category) {
  static std::atomic<int> counter{0};
  return category + "-" + std::to_string(++counter) + "-" + Uuid::V4().ToString().substr(0, 8);
}

}  // namespace ledger::testing
