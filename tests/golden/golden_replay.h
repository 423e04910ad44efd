// Replaying a golden log: import it into an event store, project it with the runtime
// (ProjectToHead) and describe the result as a digest and as rows. What the runner tests
// (golden_replay_test.cc, golden_pg_test.cc) and the generator (generate_golden_logs.cc)
// share, so that the goldens are written by the very code that checks them.
#ifndef LEDGER_TESTS_GOLDEN_GOLDEN_REPLAY_H_
#define LEDGER_TESTS_GOLDEN_GOLDEN_REPLAY_H_

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event_store.h"
#include "projections/digest.h"
#include "projections/projector.h"
#include "projections/read_model_store.h"

namespace ledger::golden {

// Projectors owned together, handed to the runtime as a list.
class ProjectorSet {
 public:
  void Add(std::unique_ptr<projections::Projector> projector);
  void Add(std::vector<std::unique_ptr<projections::Projector>> projectors);

  std::vector<projections::Projector*> list() const;
  std::vector<std::string> names() const;
  // The table called `name` of one of the projectors, or nullptr.
  const projections::TableSpec* FindTable(std::string_view name) const;

 private:
  std::vector<std::unique_ptr<projections::Projector>> owned_;
};

// Every projector the ledger runs (StandardProjectors).
ProjectorSet StandardProjectorSet();

// Imports the whole log in one call; every event must be new to the store (an event already
// present means the store was not empty: FailedPrecondition).
Status ImportLog(EventStore& store, std::span<const ImportedEvent> log);

struct ProjectOptions {
  std::size_t batch_size = 1000;
  // Rebuild every projector from the start of the log even if its rows are current.
  bool force_rebuild = false;
};

// Brings every projector of `projectors` to the head of `events` in `rows`, then digests.
Result<projections::ReadModelDigest> ProjectAndDigest(EventStore& events,
                                                      projections::ReadModelStore& rows,
                                                      const ProjectorSet& projectors,
                                                      const ProjectOptions& options = {});

// The rows of `tables` in the .rows.json form: one JSON object per table name, each row an
// object of column -> CanonicalValue, one row per line, in primary-key order.
Result<std::string> RowsJson(projections::ReadModelStore& rows, const ProjectorSet& projectors,
                             std::span<const std::string> tables);

// Compares two .rows.json texts; empty if they hold the same rows, else the first difference
// (table, row, expected and actual) in words.
std::string DiffRowsJson(const std::string& expected, const std::string& actual);

// The digest file's text: FormatDigest, ended by one newline.
std::string DigestFileText(const projections::ReadModelDigest& digest);

// Compares a committed .digest text with a computed one. A file of one line (the hex digest
// alone) is compared on that line only; otherwise every table line must match too. Empty if
// they agree, else both texts.
std::string DiffDigest(const std::string& expected_file, const projections::ReadModelDigest& got);

// What to do when a golden no longer matches: the regenerate command, and when to use it.
std::string RegenerateHint();

}  // namespace ledger::golden

#endif  // LEDGER_TESTS_GOLDEN_GOLDEN_REPLAY_H_
