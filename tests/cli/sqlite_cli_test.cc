// The commands against a real SQLite file, as a user runs them: migrate, append, read,
// import, export.
#include <doctest/doctest.h>

#include <filesystem>

#include "tests/cli/fake_environment.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

namespace fs = std::filesystem;

struct TempDatabase {
  TempDatabase() : dir(fs::temp_directory_path() / ("ledger-cli-sqlite-" + Uuid::V4().ToString())) {
    fs::create_directories(dir);
  }
  ~TempDatabase() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string Url(const std::string& name = "ledger.db") const {
    return "sqlite:" + (dir / name).string();
  }
  fs::path dir;
};

TEST_CASE("append, read, export and import on a SQLite file") {
  TempDatabase db;
  FakeEnvironment env;
  env.variables["LEDGER_DATABASE_URL"] = db.Url();

  CliRun run = env.Run({"append", "--stream", "order-1", "--type", "order.placed", "--data", "{}"});
  CHECK(run.exit_code == 1);
  CHECK(run.err.find("ledger migrate") != std::string::npos);

  REQUIRE(env.Run({"migrate"}).exit_code == 0);
  REQUIRE(env.Run({"migrate"}).exit_code == 0);
  const std::vector<std::string> append = {"append",
                                           "--stream",
                                           "order-1",
                                           "--type",
                                           "order.placed",
                                           "--data",
                                           R"({"a": "\u00e9"})",
                                           "--event-id",
                                           "6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c"};
  CHECK(env.Run(append).out ==
        "{\"global_position\":1,\"stream_version\":1,\"deduplicated\":false}\n");
  CHECK(env.Run(append).out ==
        "{\"global_position\":1,\"stream_version\":1,\"deduplicated\":true}\n");
  run = env.Run({"append", "--stream", "order-1", "--type", "order.paid", "--data", "{}",
                 "--expected-version", "0"});
  CHECK(run.exit_code == 3);
  CHECK(run.err == "ledger append: Conflict: stream order-1 is at version 1, expected version 0\n");
  CHECK(env.Run({"append", "--stream", "order-1", "--type", "order.paid", "--data", "{}",
                 "--expected-version", "1"})
            .exit_code == 0);

  CliRun read = env.Run({"read", "--stream", "order-1"});
  REQUIRE(read.OutLines().size() == 2);
  CHECK(read.OutLines()[0].find(R"("payload":{"a":"\u00e9"})") != std::string::npos);

  CliRun exported = env.Run({"export"});
  REQUIRE(exported.exit_code == 0);
  CHECK(exported.out == env.Run({"events"}).out);

  env.variables["LEDGER_DATABASE_URL"] = db.Url("copy.db");
  REQUIRE(env.Run({"migrate"}).exit_code == 0);
  CHECK(env.Run({"import", "-"}, exported.out).out == "{\"imported\":2,\"already_present\":0}\n");
  CHECK(env.Run({"export"}).out == exported.out);
}

}  // namespace
}  // namespace ledger::testing
