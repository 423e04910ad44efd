// The content and canary read models over real command output: a CommandFixture
// (tests/commands/command_fixture.h: the dispatcher over a MemoryEventStore and a
// ManualClock) whose log is projected with ProjectToHead into a MemoryReadModelStore.
#ifndef LEDGER_TESTS_PROJECTIONS_CONTENT_PROJECTION_SUPPORT_H_
#define LEDGER_TESTS_PROJECTIONS_CONTENT_PROJECTION_SUPPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "projections/memory_read_model_store.h"
#include "projections/projector.h"
#include "tests/commands/command_fixture.h"

namespace ledger::projections::testing {

using commands::testing::kAdmin;
using commands::testing::kOperator;
using commands::testing::kReviewer;
using commands::testing::kStartMicros;
using commands::testing::kSystem;

class ProjectedCommands {
 public:
  ProjectedCommands();

  // Brings every content and canary projector up to the head of the log; fails the test if
  // the runtime reports an error.
  void Project(std::size_t batch_size = 5);

  // Every row of `table`, in primary-key order.
  std::vector<Row> Rows(const TableSpec& table);
  // The row under `key`, or nullopt.
  std::optional<Row> Find(const TableSpec& table, const Key& key);

  std::vector<Projector*> projectors() const;

  commands::testing::CommandFixture commands;
  MemoryReadModelStore rows;

 private:
  std::vector<std::unique_ptr<Projector>> owned_;
};

// A log touching every content and canary table: items screened, escalated, reviewed and
// published, one still waiting for review, and a canary route raised by probes.
void RunStory(commands::testing::CommandFixture& c);

// A time `seconds` after the fixture's start.
Timestamp At(std::int64_t seconds);

}  // namespace ledger::projections::testing

#endif  // LEDGER_TESTS_PROJECTIONS_CONTENT_PROJECTION_SUPPORT_H_
