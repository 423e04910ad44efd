// Tampering with a sealed PostgreSQL ledger as a superuser (triggers off with
// session_replication_role = replica), and what `verify` says about each change.
//
// The fixture log, one append per transaction, so log order is position order:
//
//   position  1      2      3      4          5      6      7
//   event     a v1   b v1   a v2   content v1 b v2   a v3   seal 1 (sequence 1..6)
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "replay/seal_stream.h"
#include "replay/sealer.h"
#include "tests/cli/fake_environment.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/replay/tamper_support.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

using replay::ProblemKind;

constexpr const char* kA = "order-a";
constexpr const char* kB = "order-b";
constexpr const char* kC = "content-c";

class SealedPgLedger {
 public:
  SealedPgLedger() : t_(SystemClock::Default()), key_(replay::SealKey::Generate().value()) {
    for (const char* stream : {kA, kB, kA, kC, kB, kA}) {
      REQUIRE(t_.store->Append(MakeAppend(stream, ExpectedVersion::Any(), {MakeEvent()})).ok());
    }
    Seal(6);
    admin_ = t_.db->ConnectAdmin();
    pgtest::MustExec(*admin_, "SET session_replication_role = replica");  // triggers off
  }

  EventStore& store() { return *t_.store; }
  // Seals once the log's `events` events are readable (an older transaction anywhere in the
  // cluster holds readers back; see docs/storage.md, "Ordering").
  void Seal(std::size_t events) {
    REQUIRE(ReadLogExpecting(*t_.store, events).size() == events);
    Result<replay::SealerReport> sealed = replay::Sealer(*t_.store, key_).RunOnce();
    REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
    // The seal itself, too, before anything verifies.
    REQUIRE(ReadLogExpecting(*t_.store, events + sealed->written.size()).size() ==
            events + sealed->written.size());
  }

  void Tamper(const std::string& sql) { pgtest::MustExec(*admin_, sql); }

  void SwapPositions(std::uint64_t a, std::uint64_t b) {
    Tamper("UPDATE events SET global_position = 1000000 WHERE global_position = " +
           std::to_string(a));
    Tamper("UPDATE events SET global_position = " + std::to_string(a) +
           " WHERE global_position = " + std::to_string(b));
    Tamper("UPDATE events SET global_position = " + std::to_string(b) +
           " WHERE global_position = 1000000");
  }

  // Rewrites the payload of `stream`'s `version` and recomputes the stream hashes after it.
  void RewriteWithHashes(const std::string& stream, std::uint64_t version,
                         const std::string& payload) {
    std::vector<RecordedEvent> events = ReadWholeStream(*t_.store, stream);
    Sha256Digest previous = version == 1 ? kGenesisStreamHash : events[version - 2].stream_hash;
    for (std::size_t i = version - 1; i < events.size(); ++i) {
      RecordedEvent& e = events[i];
      if (i == version - 1) e.payload = payload;
      e.stream_hash = ChainStreamHash(previous, e);
      previous = e.stream_hash;
      Tamper("UPDATE events SET payload = " + SqlText(e.payload) +
             "::json, stream_hash = decode('" + HexEncode(e.stream_hash) +
             "', 'hex') WHERE global_position = " + std::to_string(e.global_position.value()));
    }
  }

  replay::VerifyOptions Trusting() const {
    replay::VerifyOptions options;
    options.trusted_keys = {key_};
    return options;
  }

  replay::VerifyReport MustVerify(replay::VerifyOptions options) {
    return Verify(*t_.store, std::move(options));
  }

  const replay::SealKey& key() const { return key_; }

 private:
  pgtest::TestStore t_;
  replay::SealKey key_;
  std::unique_ptr<pg::PgConnection> admin_;
};

TEST_CASE("postgres: a clean sealed ledger verifies") {
  SealedPgLedger ledger;
  replay::VerifyReport report = ledger.MustVerify(ledger.Trusting());
  CHECK_MESSAGE(!report.problem, report.problem->message);
  CHECK(report.events == 7);
  CHECK(report.streams == 4);
  CHECK(report.seals == 1);
  CHECK(report.sealed.sequence == 6);
  CHECK(report.sealed.position == GlobalPosition(6));
}

TEST_CASE("postgres: one changed payload byte is an altered event") {
  SealedPgLedger ledger;
  ledger.Tamper("UPDATE events SET payload = '{\"n\":2}' WHERE global_position = 3");
  replay::VerifyReport report = ledger.MustVerify(ledger.Trusting());
  REQUIRE(report.problem);
  CHECK(report.problem->kind == ProblemKind::kAltered);
  CHECK(report.problem->message.starts_with(
      "altered event: stream order-a version 2 (position 3): its contents do not match"));
}

TEST_CASE("postgres: deleted events") {
  SealedPgLedger ledger;
  SUBCASE("inside a stream: a version gap") {
    ledger.Tamper("DELETE FROM events WHERE global_position = 3");
    CHECK(FirstProblem(ledger.store(), ledger.Trusting()) ==
          "deleted event: stream order-a version 2 is missing: stream order-a version 3 "
          "(position 6) follows version 1 (position 1)");
  }
  SUBCASE("a stream's last event: the sealed range is one short") {
    ledger.Tamper("DELETE FROM events WHERE global_position = 5");
    replay::VerifyReport report = ledger.MustVerify(ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kDeleted);
    CHECK(report.problem->message ==
          "deleted events: 1 event is gone before position 6 (the log reaches it at sequence "
          "5): sealed range 1..6 (positions 1..6) of seal 1 (position 7)");
  }
}

TEST_CASE("postgres: swapped positions are reordered events") {
  SealedPgLedger ledger;
  SUBCASE("within a stream: log order stays (commit order), positions go backwards") {
    ledger.SwapPositions(1, 3);
    replay::VerifyReport report = ledger.MustVerify(ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kReordered);
    CHECK(report.problem->message ==
          "reordered events: stream order-a version 2 (position 1) has a position below its "
          "predecessor's, version 1 (position 3)");
  }
  SUBCASE("across streams: every stream chain holds, the seal does not") {
    ledger.SwapPositions(2, 4);
    replay::VerifyReport report = ledger.MustVerify(ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kReordered);
    CHECK(report.problem->message ==
          "reordered events: the same events as when sealed, but in another order or at other "
          "positions: sealed range 1..6 (positions 1..6) of seal 1 (position 7)");
  }
}

TEST_CASE("postgres: a forged event with a plausible stream chain, placed inside the sealed log") {
  SealedPgLedger ledger;
  // Same commit key as position 3 and a larger position: log order puts it right after it.
  RecordedEvent forged = ForgeEvent("order-forged", 1, kGenesisStreamHash, 1000);
  ledger.Tamper(
      "INSERT INTO events (global_position, commit_key, writer_xid, stream_id, stream_version, "
      "event_id, event_type, schema_version, tenant_id, payload, actor, recorded_at, "
      "stream_hash) SELECT 1000, commit_key, commit_key, 'order-forged', 1, '" +
      forged.event_id.ToString() + "', " + SqlText(forged.event_type) + ", 1, 'default', " +
      SqlText(forged.payload) + "::json, " + SqlText(forged.metadata.actor) +
      ", to_timestamp(1795000000), decode('" + HexEncode(forged.stream_hash) +
      "', 'hex') FROM events WHERE global_position = 3");
  replay::VerifyReport report = ledger.MustVerify(ledger.Trusting());
  REQUIRE(report.problem);
  CHECK(report.problem->kind == ProblemKind::kInserted);
  CHECK(report.problem->message ==
        "inserted events: 1 event was inserted before position 6 (the log reaches it at "
        "sequence 7): sealed range 1..6 (positions 1..6) of seal 1 (position 7)");
}

TEST_CASE("postgres: exported seals catch a superuser's rewrite of history and the seals") {
  SealedPgLedger ledger;
  std::vector<RecordedEvent> seal_events = replay::ReadSealEvents(ledger.store()).value();
  std::stringstream file;
  REQUIRE(replay::WriteSealFile(seal_events, file).ok());
  std::vector<replay::ExportedSeal> exported = replay::ReadSealFile(file).value();

  ledger.RewriteWithHashes(kA, 2, R"({"n":1000})");
  ledger.Tamper("DELETE FROM events WHERE stream_id = 'ledger-seals'");
  CHECK(FirstProblem(ledger.store(), ledger.Trusting()) == "");  // nothing left to compare
  replay::VerifyOptions with_seals = ledger.Trusting();
  with_seals.exported_seals = exported;
  replay::VerifyReport report = ledger.MustVerify(with_seals);
  REQUIRE(report.problem);
  CHECK(report.problem->kind == ProblemKind::kAltered);
  CHECK(report.problem->message ==
        "altered events: still 6 events ending at the sealed position, but not the ones "
        "sealed (an event was replaced, or altered with its stream hashes recomputed): "
        "sealed range 1..6 (positions 1..6) of exported seal 1 (line 1)");
}

TEST_CASE("postgres: ledger seal and ledger verify end to end") {
  SealedPgLedger ledger;
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ledger-pg-seal-" + Uuid::V4().ToString());
  fs::create_directories(dir);
  const std::string key = (dir / "seal.pem").string();
  const std::string seals = (dir / "seals.jsonl").string();
  FakeEnvironment env(&ledger.store());
  REQUIRE(env.Run({"seal", "--generate-key", key}).exit_code == 0);
  REQUIRE(ledger.store().Append(MakeAppend(kC)).ok());
  REQUIRE(ReadLogExpecting(ledger.store(), 8).size() == 8);

  // A second key takes over (rotation): the auditor trusts both.
  CliRun run = env.Run({"seal", "--seal-key-file", key, "--export", seals});
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.find(R"("stream_version":2,)") != std::string::npos);
  const std::string trusted = (dir / "trusted.pem").string();
  {
    std::ofstream out(trusted);
    out << ledger.key().PublicPem().value();
    std::ifstream pub(key + ".pub");
    out << pub.rdbuf();
  }
  run = env.Run({"verify", "--seals", seals, "--seal-key-file", trusted});
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(run.out.starts_with(R"({"ok":true,"events":9,"streams":4,"seals":2,"exported_seals":2,)"));

  ledger.Tamper("UPDATE events SET actor = 'mallory' WHERE global_position = 4");
  run = env.Run({"verify", "--seals", seals, "--seal-key-file", trusted});
  CHECK(run.exit_code == 1);
  CHECK(run.err.starts_with(
      "ledger verify: DataLoss: altered event: stream content-c version 1 (position 4)"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ledger::testing
