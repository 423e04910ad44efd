// Builders for events and requests in tests, so each test states only what it is about.
#ifndef LEDGER_TESTS_SUPPORT_TEST_EVENTS_H_
#define LEDGER_TESTS_SUPPORT_TEST_EVENTS_H_

#include <doctest/doctest.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "engine/event_store.h"

namespace ledger::testing {

// A valid event of `type` with a fresh random id and `payload`.
NewEvent MakeEvent(std::string type = "test.happened", std::string payload = R"({"n":1})");

AppendRequest MakeAppend(std::string stream, ExpectedVersion expected,
                         std::vector<NewEvent> events);
AppendRequest MakeAppend(std::string stream, ExpectedVersion expected = ExpectedVersion::Any(),
                         int count = 1);

// Reads the whole log (positions after 0) or the whole stream; fails the test on error.
std::vector<RecordedEvent> ReadWholeLog(EventStore& store);
std::vector<RecordedEvent> ReadWholeStream(EventStore& store, const std::string& stream);

// The index of the first of a whole stream's `events` (in version order) whose stream_hash
// does not chain from its predecessor's (the first's from the genesis hash); events.size()
// when every link holds.
std::size_t FirstBrokenLink(std::span<const RecordedEvent> events);

// Reads the log from the start until it holds at least `expected` events or 10 s pass, then
// once more to catch any beyond. On stores with concurrent writers (PostgreSQL) an append
// becomes readable only once every older transaction in the cluster has ended, so a test
// that checks "what was stored" right after appending must wait for it.
std::vector<RecordedEvent> ReadLogExpecting(EventStore& store, std::size_t expected);

// `e` as a line of an exported log gives it to Import: every envelope field kept.
ImportedEvent AsImported(const RecordedEvent& e);

// A stream id no other test in this process uses: "<category>-<n>-<random>".
std::string UniqueStream(const std::string& category = "test");

}  // namespace ledger::testing

// Lets doctest print Status values in failed CHECKs.
namespace ledger {
inline doctest::String toString(const Status& s) { return s.ToString().c_str(); }
}  // namespace ledger

#endif  // LEDGER_TESTS_SUPPORT_TEST_EVENTS_H_
