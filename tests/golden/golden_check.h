// Checking a replay against a committed golden fixture, for the runner tests on every
// backend (golden_replay_test.cc: memory and SQLite; golden_pg_test.cc: PostgreSQL). Fails
// the running doctest case, with the regenerate hint, when a golden no longer matches.
#ifndef LEDGER_TESTS_GOLDEN_GOLDEN_CHECK_H_
#define LEDGER_TESTS_GOLDEN_GOLDEN_CHECK_H_

#include <string>
#include <vector>

#include "engine/event_store.h"
#include "projections/digest.h"
#include "projections/read_model_store.h"
#include "tests/golden/golden_fixtures.h"

namespace ledger::golden {

// A committed fixture: its log parsed (ParseLog), its .digest and .rows.json read. Fails the
// test if a file is missing or the log is not in the exported form.
struct Committed {
  explicit Committed(const GoldenFixture& f);

  const GoldenFixture& fixture;
  std::vector<ImportedEvent> log;
  std::string digest;
  std::string rows;  // empty when the fixture has no row tables
};

// Projects what `events` holds into `rows` with ProjectorsFor(fixture) and checks the digest,
// and the rows file if there is one, against the golden (CHECK, so every backend and table
// is reported). Returns the digest.
projections::ReadModelDigest ProjectAndCheck(const Committed& golden, EventStore& events,
                                             projections::ReadModelStore& rows,
                                             const std::string& backend,
                                             const ProjectOptions& options);

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_GOLDEN_CHECK_H_
