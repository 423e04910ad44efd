#include "tests/golden/golden_check.h"

#include <doctest/doctest.h>

#include "tests/golden/golden_files.h"

namespace ledger::golden {

using projections::ReadModelDigest;
using projections::ReadModelStore;

Committed::Committed(const GoldenFixture& f) : fixture(f) {
  const std::string dir = SourceLogDirectory();
  Result<std::string> text = ReadFile(LogPath(dir, f.name));
  REQUIRE_MESSAGE(text.ok(), text.status().ToString());
  Result<std::vector<ImportedEvent>> parsed = ParseLog(*text);
  REQUIRE_MESSAGE(parsed.ok(), f.name << ".jsonl: " << parsed.status().ToString());
  log = std::move(parsed).value();
  Result<std::string> d = ReadFile(DigestPath(dir, f.name));
  REQUIRE_MESSAGE(d.ok(), d.status().ToString() << "\n" << RegenerateHint());
  digest = std::move(d).value();
  if (!f.row_tables.empty()) {
    Result<std::string> r = ReadFile(RowsPath(dir, f.name));
    REQUIRE_MESSAGE(r.ok(), r.status().ToString() << "\n" << RegenerateHint());
    rows = std::move(r).value();
  }
}

ReadModelDigest ProjectAndCheck(const Committed& golden, EventStore& events, ReadModelStore& rows,
                                const std::string& backend, const ProjectOptions& options) {
  const std::string where = "fixture " + golden.fixture.name + " on " + backend + ", batch size " +
                            std::to_string(options.batch_size) +
                            (options.force_rebuild ? ", forced rebuild" : "");
  INFO(where);
  ProjectorSet projectors = ProjectorsFor(golden.fixture);
  Result<ReadModelDigest> digest = ProjectAndDigest(events, rows, projectors, options);
  REQUIRE_MESSAGE(digest.ok(), digest.status().ToString());
  std::string diff = DiffDigest(golden.digest, *digest);
  CHECK_MESSAGE(diff.empty(), "the read models of " << golden.fixture.name
                                                    << ".jsonl no longer match the golden digest\n"
                                                    << diff << "\n"
                                                    << RegenerateHint());
  if (!golden.rows.empty()) {
    Result<std::string> actual = RowsJson(rows, projectors, golden.fixture.row_tables);
    REQUIRE_MESSAGE(actual.ok(), actual.status().ToString());
    std::string rows_diff = DiffRowsJson(golden.rows, *actual);
    CHECK_MESSAGE(rows_diff.empty(), golden.fixture.name << ".rows.json: " << rows_diff << "\n"
                                                         << RegenerateHint());
  }
  return std::move(digest).value();
}

}  // namespace ledger::golden
