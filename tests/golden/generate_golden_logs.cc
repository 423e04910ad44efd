// ledger_golden_logs: rewrites every golden fixture (tests/golden/README.md) from its sources.
// Run on purpose only, after a change whose effect on the read models is intended:
//
//   cmake --build <build dir> --target regenerate_goldens
//
// which writes into tests/golden/logs of the source tree; then review `git diff` and commit.
// LEDGER_GOLDEN_DIR=<dir> writes elsewhere (to compare without touching the tree).
//
// A doctest program because the fixtures it reuses (tests/commands) report failures through
// doctest. Before writing anything it checks that every schema version of the example
// history replays to one digest; if not, no file is written.
#include <doctest/doctest.h>

#include <cstdlib>
#include <iostream>
#include <map>

#include "tests/golden/golden_files.h"
#include "tests/golden/golden_fixtures.h"

namespace ledger::golden {
namespace {

std::string OutputDirectory() {
  const char* dir = std::getenv("LEDGER_GOLDEN_DIR");
  return dir != nullptr && *dir != '\0' ? std::string(dir) : SourceLogDirectory();
}

// The table lines of a digest file ("  <table> <rows> <hex>"), by table name.
std::map<std::string, std::string> TableLines(const std::string& digest_file) {
  std::map<std::string, std::string> lines;
  std::size_t start = digest_file.find('\n');
  while (start != std::string::npos && start + 1 < digest_file.size()) {
    std::size_t end = digest_file.find('\n', start + 1);
    std::string line = digest_file.substr(start + 1, end - start - 1);
    std::size_t name_start = line.find_first_not_of(' ');
    std::size_t name_end = line.find(' ', name_start);
    if (name_start != std::string::npos && name_end != std::string::npos) {
      lines[line.substr(name_start, name_end - name_start)] = line;
    }
    start = end;
  }
  return lines;
}

TEST_CASE("regenerate the golden logs") {
  std::map<std::string, GeneratedFiles> generated;
  for (const GoldenFixture& fixture : GoldenFixtures()) {
    generated.emplace(fixture.name, Generate(fixture));
  }

  // golden_replay_test.cc asserts that the out-of-order story projects to the ordered one's
  // orders and payments; here a difference is only reported, so that the goldens can record
  // what the code does today even while that test fails.
  std::map<std::string, std::string> ordered = TableLines(generated.at("stripe_story").digest);
  std::map<std::string, std::string> shuffled = TableLines(generated.at("stripe_shuffled").digest);
  for (const std::string& table : ArrivalIndependentTables()) {
    REQUIRE(ordered.count(table) == 1);
    WARN_MESSAGE(shuffled[table] == ordered[table],
                 "table " << table
                          << ": the out-of-order Stripe story projects to other rows "
                             "than the ordered one");
  }
  const std::string& v2 = generated.at("schema_widget_v2").digest;
  for (const char* other : {"schema_widget_v1", "schema_widget_upgraded"}) {
    REQUIRE_MESSAGE(generated.at(other).digest == v2,
                    other << " does not replay to the digest of schema_widget_v2");
  }

  const std::string dir = OutputDirectory();
  for (const auto& [name, files] : generated) {
    REQUIRE(WriteFile(LogPath(dir, name), files.log).ok());
    REQUIRE(WriteFile(DigestPath(dir, name), files.digest).ok());
    if (!files.rows.empty()) REQUIRE(WriteFile(RowsPath(dir, name), files.rows).ok());
    std::cout << "wrote " << LogPath(dir, name) << " (" << files.digest.substr(0, 16) << "...)\n";
  }
}

}  // namespace
}  // namespace ledger::golden
