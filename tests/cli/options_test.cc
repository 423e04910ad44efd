// What every command shares: environment-variable fallbacks, help, unknown commands.
#include "adapters/cli/options.h"

#include <doctest/doctest.h>

#include "adapters/cli/command.h"
#include "engine/memory_store.h"
#include "tests/cli/fake_environment.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

TEST_CASE("option names map to LEDGER_ environment variables") {
  CHECK(cli::EnvironmentVariableFor("database-url") == "LEDGER_DATABASE_URL");
  CHECK(cli::EnvironmentVariableFor("tenant") == "LEDGER_TENANT");
  CHECK(cli::EnvironmentVariableFor("expected-version") == "LEDGER_EXPECTED_VERSION");
}

TEST_CASE("every option falls back to its environment variable; the command line wins") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  env.variables = {{"LEDGER_DATABASE_URL", "sqlite:from-env.db"},
                   {"LEDGER_STREAM", "order-env"},
                   {"LEDGER_TYPE", "order.placed"},
                   {"LEDGER_DATA", R"({"from":"env"})"},
                   {"LEDGER_TENANT", "shop-env"},
                   {"LEDGER_ACTOR", "user:env"},
                   {"LEDGER_CORRELATION_ID", ""}};  // empty: unset
  CliRun run = env.Run({"append"});
  CHECK(run.exit_code == 0);
  CHECK(env.opened_urls.back() == "sqlite:from-env.db");
  std::vector<RecordedEvent> events = ReadWholeStream(store, "order-env");
  REQUIRE(events.size() == 1);
  CHECK(events[0].tenant == TenantId("shop-env"));
  CHECK(events[0].metadata.actor == "user:env");
  CHECK(events[0].metadata.correlation_id == "");

  run = env.Run({"append", "--stream", "order-cli", "--tenant", "shop-cli", "--database-url",
                 "sqlite:cli.db"});
  CHECK(run.exit_code == 0);
  CHECK(env.opened_urls.back() == "sqlite:cli.db");
  CHECK(ReadWholeStream(store, "order-cli").at(0).tenant == TenantId("shop-cli"));

  SUBCASE("the expected version too, with its exit code") {
    env.variables["LEDGER_EXPECTED_VERSION"] = "no_stream";
    CHECK(env.Run({"append"}).exit_code == 3);
  }
  SUBCASE("and the event id, so a retried script deduplicates") {
    env.variables["LEDGER_EVENT_ID"] = "6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c";
    CHECK(env.Run({"append"}).out.find("\"deduplicated\":false") != std::string::npos);
    CHECK(env.Run({"append"}).out.find("\"deduplicated\":true") != std::string::npos);
  }
}

TEST_CASE("the database URL defaults to sqlite:ledger.db") {
  MemoryEventStore store;
  FakeEnvironment env(&store);
  CHECK(env.Run({"events"}).exit_code == 0);
  CHECK(env.opened_urls.back() == "sqlite:ledger.db");
  CHECK(env.Run({"migrate"}).exit_code == 0);
  CHECK(env.migrated_urls.back() == "sqlite:ledger.db");
  env.variables["LEDGER_DATABASE_URL"] = "postgresql://ledger@db/ledger";
  CHECK(env.Run({"migrate"}).exit_code == 0);
  CHECK(env.migrated_urls.back() == "postgresql://ledger@db/ledger");
}

TEST_CASE("flags and numbers from the environment") {
  MemoryEventStore store;
  REQUIRE(store.Append(MakeAppend("order-1", ExpectedVersion::Any(), 5)).ok());
  FakeEnvironment env(&store);
  env.variables["LEDGER_LIMIT"] = "2";
  env.variables["LEDGER_AFTER"] = "1";
  CHECK(env.Run({"events"}).OutLines().size() == 2);
  CHECK(env.Run({"events", "--limit", "3"}).OutLines().size() == 3);

  env.variables["LEDGER_FOLLOW"] = "true";
  env.stop_when = [] { return true; };
  CHECK(env.Run({"events"}).exit_code == 0);
  CHECK(env.catching_signals);

  env.variables["LEDGER_FOLLOW"] = "maybe";
  CliRun run = env.Run({"events"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.starts_with("ledger events: environment variable LEDGER_FOLLOW: "));
  env.variables.erase("LEDGER_FOLLOW");
  env.variables["LEDGER_LIMIT"] = "lots";
  CHECK(env.Run({"events"}).exit_code == 2);
}

TEST_CASE("help goes to stdout and exits 0") {
  FakeEnvironment env;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, {"-h"}, {"help"}}) {
    CliRun run = env.Run(args);
    CHECK(run.exit_code == 0);
    CHECK(run.out.starts_with("Usage: ledger COMMAND"));
    for (const char* name : {"migrate", "append", "read", "events", "import", "export"}) {
      CHECK(run.out.find(std::string("  ") + name + " ") != std::string::npos);
    }
    CHECK(run.out.find("LEDGER_DATABASE_URL") != std::string::npos);
  }
  for (const char* name : {"migrate", "append", "read", "events", "import", "export"}) {
    CAPTURE(name);
    CliRun run = env.Run({name, "--help"});
    CHECK(run.exit_code == 0);
    CHECK(run.out.starts_with(std::string("Usage: ledger ") + name));
    CHECK(run.out.find("LEDGER_DATABASE_URL") != std::string::npos);
    CHECK(env.Run({"help", name}).out == run.out);
    CHECK(env.Run({name, "--bogus", "-h"}).exit_code == 0);  // help wins over mistakes
  }
  CHECK(env.Run({"append", "--help"}).out.find("--expected-version  LEDGER_EXPECTED_VERSION") !=
        std::string::npos);
  CHECK(env.opened_urls.empty());
}

TEST_CASE("no command, an unknown command, or an abbreviated option exit 2") {
  FakeEnvironment env;
  CliRun run = env.Run({});
  CHECK(run.exit_code == 2);
  CHECK(run.out == "");
  CHECK(run.err.starts_with("Usage: ledger COMMAND"));

  run = env.Run({"frobnicate"});
  CHECK(run.exit_code == 2);
  std::string names;
  for (const auto& command : cli::MakeCommands()) {
    names += (names.empty() ? "" : ", ") + std::string(command->Name());
  }
  CHECK(names.starts_with("migrate, append, read, events, import, export"));
  CHECK(run.err == "ledger: unknown command \"frobnicate\" (commands: " + names +
                       ") (see 'ledger --help')\n");
  CHECK(env.Run({"help", "frobnicate"}).exit_code == 2);

  MemoryEventStore store;
  FakeEnvironment with_store(&store);
  CHECK(with_store.Run({"read", "--str", "order-1"}).exit_code == 2);
}

TEST_CASE("migrate runs the store's migration and reports its failure") {
  FakeEnvironment env;  // real stores
  CliRun run = env.Run({"migrate", "--database-url", "sqlite:/nonexistent/dir/x.db"});
  CHECK(run.exit_code == 1);
  CHECK(run.err.starts_with("ledger migrate: "));
  CHECK(std::count(run.err.begin(), run.err.end(), '\n') == 1);
}

}  // namespace
}  // namespace ledger::testing
