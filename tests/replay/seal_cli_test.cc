// `ledger seal` and `ledger verify` end to end on a SQLite file, in-process.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/cli/fake_environment.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("ledger seal and ledger verify on a SQLite file") {
  TempDir dir;
  const std::string db = dir.File("ledger.db");
  const std::string key = dir.File("seal.pem");
  const std::string seals = dir.File("seals.jsonl");
  FakeEnvironment env;
  env.variables["LEDGER_DATABASE_URL"] = "sqlite:" + db;
  REQUIRE(env.Run({"migrate"}).exit_code == 0);
  for (int i = 0; i < 3; ++i) {
    REQUIRE(env.Run({"append", "--stream", "order-1", "--type", "order.placed", "--data",
                     R"({"i":)" + std::to_string(i) + "}"})
                .exit_code == 0);
  }

  CliRun run = env.Run({"seal"});
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("LEDGER_SEAL_KEY_FILE") != std::string::npos);

  run = env.Run({"seal", "--generate-key", key});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.starts_with("{\"key_id\":\"ed25519:"));
  CHECK(std::filesystem::exists(key + ".pub"));
  CHECK(env.Run({"seal", "--generate-key", key}).exit_code == 1);  // never replaced

  env.variables["LEDGER_SEAL_KEY_FILE"] = key;
  run = env.Run({"seal"});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  REQUIRE(run.OutLines().size() == 1);
  CHECK(run.out.find(R"("stream_id":"ledger-seals","stream_version":1,)") != std::string::npos);
  CHECK(run.out.find(R"("event_type":"ledger.sealed")") != std::string::npos);
  CHECK(run.out.find(R"("last_sequence":3,)") != std::string::npos);

  run = env.Run({"seal", "--export", seals});
  REQUIRE(run.exit_code == 0);
  CHECK(run.out.empty());
  CHECK(run.err.find("nothing new to seal: seal 1 covers the log through sequence 3") !=
        std::string::npos);
  CHECK(ReadFile(seals) == env.Run({"read", "--stream", "ledger-seals"}).out);

  // The auditor's check: the public key and the exported seals.
  env.variables.erase("LEDGER_SEAL_KEY_FILE");
  run = env.Run({"verify", "--seals", seals, "--seal-key-file", key + ".pub"});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with(R"({"ok":true,"events":4,"streams":2,"seals":1,"exported_seals":1,)"));
  CHECK(run.out.find(R"("keys":"trusted")") != std::string::npos);
  CHECK(run.err.empty());
  run = env.Run({"verify"});
  CHECK(run.exit_code == 0);
  CHECK(run.err.find("not against a key you trust") != std::string::npos);

  REQUIRE(RawSql(db,
                 "DROP TRIGGER events_are_immutable_update; "
                 "UPDATE events SET payload = '{\"i\":7}' WHERE stream_version = 2 AND "
                 "stream_id = 'order-1'")
              .ok());
  run = env.Run({"verify", "--seals", seals, "--seal-key-file", key + ".pub"});
  CHECK(run.exit_code == 1);
  CHECK(run.out.starts_with(R"({"ok":false,"events":1,)"));
  CHECK(run.out.find(R"("problem":{"kind":"altered",)") != std::string::npos);
  CHECK(run.out.find(R"("stream_id":"order-1","stream_version":2,"global_position":2})") !=
        std::string::npos);
  CHECK(run.err.starts_with(
      "ledger verify: DataLoss: altered event: stream order-1 version 2 (position 2): its "
      "contents do not match its stream_hash"));

  CHECK(env.Run({"verify", "--seals", dir.File("missing.jsonl")}).exit_code == 1);
}

TEST_CASE("ledger seal --no-seal --export needs no key; the seals file survives deletion") {
  TempDir dir;
  const std::string db = dir.File("ledger.db");
  const std::string key = dir.File("seal.pem");
  const std::string seals = dir.File("seals.jsonl");
  FakeEnvironment env;
  env.variables["LEDGER_DATABASE_URL"] = "sqlite:" + db;
  REQUIRE(env.Run({"migrate"}).exit_code == 0);
  REQUIRE(env.Run({"append", "--stream", "order-1", "--type", "order.placed", "--data", "{}"})
              .exit_code == 0);
  REQUIRE(env.Run({"seal", "--generate-key", key}).exit_code == 0);
  REQUIRE(env.Run({"seal", "--seal-key-file", key, "--events-per-seal", "1"}).exit_code == 0);
  CHECK(env.Run({"seal", "--no-seal"}).exit_code == 2);
  CliRun run = env.Run({"seal", "--no-seal", "--export", seals});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.err == "ledger seal: exported 1 seal to " + seals + "\n");

  REQUIRE(RawSql(db,
                 "DROP TRIGGER events_are_immutable_delete; "
                 "DELETE FROM events WHERE stream_id = 'ledger-seals'")
              .ok());
  CHECK(env.Run({"verify"}).exit_code == 0);  // nothing in the database to contradict
  run = env.Run({"verify", "--seals", seals});
  CHECK(run.exit_code == 1);
  CHECK(run.err ==
        "ledger verify: DataLoss: deleted seal: exported seal 1 (line 1) is not in the log, "
        "though the events it covers still are\n");
}

}  // namespace
}  // namespace ledger::testing
