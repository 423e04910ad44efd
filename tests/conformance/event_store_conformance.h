// The EventStore conformance suite: the contract of engine/event_store.h written once and run
// against every implementation. A test binary instantiates it for its stores with
//
//   #include "tests/conformance/event_store_conformance.h"
//   TEST_CASE_TEMPLATE_INVOKE(event_store_conformance, MyFactory, ...);
//
// where a Factory provides
//   static std::unique_ptr<ledger::EventStore> Open(ledger::Clock* clock);
// returning a fresh, empty, migrated store that records times from `clock`.
//
// Include this header in exactly one translation unit per test binary. The suite assumes no
// more than the contract: positions increase in assignment order but need not be dense or
// start at 1, and on stores with concurrent writers ReadAll sees an append only once every
// older transaction has finished, so log reads wait (bounded) for what they expect.
#ifndef LEDGER_TESTS_CONFORMANCE_EVENT_STORE_CONFORMANCE_H_
#define LEDGER_TESTS_CONFORMANCE_EVENT_STORE_CONFORMANCE_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "engine/canonical.h"
#include "engine/clock.h"
#include "engine/event_store.h"
#include "engine/event_validation.h"
#include "tests/support/test_events.h"

namespace ledger::conformance {

using testing::MakeAppend;
using testing::MakeEvent;
using testing::ReadWholeStream;

inline constexpr Timestamp kT0{1'795'000'000'000'000};  // 2026-11-18T11:06:40Z

// Reads the log after `after` until at least `count` events arrived (or 10 s passed).
inline std::vector<RecordedEvent> ReadLogAtLeast(EventStore& store, std::size_t count,
                                                 GlobalPosition after = GlobalPosition(0)) {
  std::vector<RecordedEvent> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    GlobalPosition from = out.empty() ? after : out.back().global_position;
    Result<std::vector<RecordedEvent>> batch = store.ReadAll(from, kNoLimit);
    REQUIRE_MESSAGE(batch.ok(), batch.status().ToString());
    if (batch->empty()) {
      REQUIRE(store.WaitForEvents(from, std::chrono::milliseconds(50)).ok());
      continue;
    }
    for (RecordedEvent& e : *batch) out.push_back(std::move(e));
  }
  return out;
}

inline AppendResult MustAppend(EventStore& store, const AppendRequest& request) {
  Result<AppendResult> r = store.Append(request);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return *r;
}

// Appends one marker event to its own stream and returns the whole log up to and including
// it: a read that cannot be missing anything appended before the call.
inline std::vector<RecordedEvent> ReadLogThroughMarker(EventStore& store) {
  AppendRequest marker = MakeAppend(testing::UniqueStream("marker"), ExpectedVersion::NoStream(), 1);
  EventId marker_id = marker.events[0].event_id;
  MustAppend(store, marker);
  std::vector<RecordedEvent> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    GlobalPosition from = out.empty() ? GlobalPosition(0) : out.back().global_position;
    Result<std::vector<RecordedEvent>> batch = store.ReadAll(from, kNoLimit);
    REQUIRE_MESSAGE(batch.ok(), batch.status().ToString());
    for (RecordedEvent& e : *batch) {
      bool is_marker = e.event_id == marker_id;
      out.push_back(std::move(e));
      if (is_marker) return out;
    }
    REQUIRE(store.WaitForEvents(from, std::chrono::milliseconds(50)).ok());
  }
  FAIL("the marker event never became readable");
  return out;
}

// Events of the log other than markers.
inline std::vector<RecordedEvent> WithoutMarkers(std::vector<RecordedEvent> events) {
  std::erase_if(events, [](const RecordedEvent& e) { return e.stream_id.value().starts_with("marker-"); });
  return events;
}

}  // namespace ledger::conformance

#include "tests/conformance/append_cases.h"
#include "tests/conformance/batch_cases.h"
#include "tests/conformance/concurrency_cases.h"
#include "tests/conformance/import_cases.h"
#include "tests/conformance/read_cases.h"

// Every case of the suite for each factory given.
// The cases live in namespace ledger::conformance, so they are instantiated there.
#define LEDGER_EVENT_STORE_CONFORMANCE(...)                               \
  namespace ledger::conformance {                                         \
  TEST_CASE_TEMPLATE_INVOKE(conformance_append, __VA_ARGS__);             \
  TEST_CASE_TEMPLATE_INVOKE(conformance_expected_version, __VA_ARGS__);   \
  TEST_CASE_TEMPLATE_INVOKE(conformance_idempotency, __VA_ARGS__);        \
  TEST_CASE_TEMPLATE_INVOKE(conformance_bad_input, __VA_ARGS__);          \
  TEST_CASE_TEMPLATE_INVOKE(conformance_batch, __VA_ARGS__);              \
  TEST_CASE_TEMPLATE_INVOKE(conformance_read_stream, __VA_ARGS__);        \
  TEST_CASE_TEMPLATE_INVOKE(conformance_read_all, __VA_ARGS__);           \
  TEST_CASE_TEMPLATE_INVOKE(conformance_read_all_without_bodies, __VA_ARGS__); \
  TEST_CASE_TEMPLATE_INVOKE(conformance_as_of, __VA_ARGS__);              \
  TEST_CASE_TEMPLATE_INVOKE(conformance_hash_chain, __VA_ARGS__);         \
  TEST_CASE_TEMPLATE_INVOKE(conformance_concurrency, __VA_ARGS__);        \
  TEST_CASE_TEMPLATE_INVOKE(conformance_wait, __VA_ARGS__);               \
  TEST_CASE_TEMPLATE_INVOKE(conformance_import, __VA_ARGS__);             \
  }  // namespace ledger::conformance

#endif  // LEDGER_TESTS_CONFORMANCE_EVENT_STORE_CONFORMANCE_H_
