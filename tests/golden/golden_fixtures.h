// The catalog of golden fixtures (tests/golden/README.md): each one's name, what it covers,
// how its log is made from the sources (provider fixture files admitted exactly as the
// webhook server admits them, the translator, domain commands through the dispatcher, all on
// a ManualClock with seeded event ids), which tables its .rows.json spells out, and which
// projectors replay it.
//
// The builders use the doctest fixtures of tests/commands (IntakeFixture, CommandFixture),
// which fail the running test case on any error: call them inside a test case (the generator
// is one, too).
#ifndef LEDGER_TESTS_GOLDEN_GOLDEN_FIXTURES_H_
#define LEDGER_TESTS_GOLDEN_GOLDEN_FIXTURES_H_

#include <functional>
#include <string>
#include <vector>

#include "engine/event.h"
#include "tests/golden/golden_replay.h"

namespace ledger::golden {

struct GoldenFixture {
  std::string name;   // logs/<name>.jsonl, [a-z0-9_]+
  std::string story;  // one line: what the log holds
  // Builds the log; the same bytes on every run.
  std::function<std::vector<RecordedEvent>()> build;
  // Tables spelled out in logs/<name>.rows.json; none: no such file.
  std::vector<std::string> row_tables;
  // Also replayed with the schema-evolution example's projector (widget_prices.h).
  bool schema_example = false;
};

// Every fixture, in a fixed order.
const std::vector<GoldenFixture>& GoldenFixtures();
// The fixture called `name`; fails the test if there is none.
const GoldenFixture& FixtureNamed(const std::string& name);

// The projectors that replay `fixture`: StandardProjectorSet(), plus widget_prices for the
// schema-evolution fixtures.
ProjectorSet ProjectorsFor(const GoldenFixture& fixture);

// The tables in which an out-of-order, redelivered story must equal the ordered one: what an
// order and its payments are does not depend on arrival order. (provider_events does: it
// records when each event was admitted.)
const std::vector<std::string>& ArrivalIndependentTables();

// The files of one fixture as the generator writes them.
struct GeneratedFiles {
  std::string log;
  std::string digest;
  std::string rows;  // empty when the fixture has no row tables
};

// Builds the fixture's log, replays it into memory stores and formats its files (REQUIRE on
// any failure).
GeneratedFiles Generate(const GoldenFixture& fixture);

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_GOLDEN_FIXTURES_H_
