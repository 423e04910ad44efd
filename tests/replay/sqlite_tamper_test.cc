// Tampering with a sealed SQLite ledger the way someone holding the file could (triggers
// dropped, rows changed), and what `verify` says about each change.
//
// The fixture log, positions with gaps so that a forger has room to insert:
//
//   position  10     20     30     40         50     60     61
//   event     a v1   b v1   a v2   content v1 b v2   a v3   seal 1 (sequence 1..6)
#include <doctest/doctest.h>

#include "adapters/sqlite/sqlite_event_store.h"
#include "replay/seal_stream.h"
#include "replay/sealer.h"
#include "tests/replay/tamper_support.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

using replay::ProblemKind;

constexpr const char* kA = "order-a";
constexpr const char* kB = "order-b";
constexpr const char* kC = "content-c";

class SealedSqliteLedger {
 public:
  SealedSqliteLedger() : path_(dir_.File("ledger.db")), key_(replay::SealKey::Generate().value()) {
    store_ = MustOpen(path_);
    std::vector<ImportedEvent> log;
    const std::pair<const char*, std::uint64_t> layout[] = {{kA, 10}, {kB, 20}, {kA, 30},
                                                            {kC, 40}, {kB, 50}, {kA, 60}};
    for (const auto& [stream, position] : layout) {
      ImportedEvent e;
      e.stream = StreamId(stream);
      e.event = MakeEvent("test.happened", R"({"n":1})");
      e.global_position = GlobalPosition(position);
      log.push_back(std::move(e));
    }
    REQUIRE(store_->Import(log).ok());
    Seal();
  }

  EventStore& store() { return *store_; }
  const replay::SealKey& key() const { return key_; }

  // Seals what is unsealed with the ledger's own key.
  void Seal() {
    Result<replay::SealerReport> sealed = replay::Sealer(*store_, key_).RunOnce();
    REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
  }

  // Runs SQL on the file with the immutability triggers dropped, as a forger would.
  void Tamper(const std::string& sql) {
    Status status = RawSql(path_,
                           "DROP TRIGGER IF EXISTS events_are_immutable_update; "
                           "DROP TRIGGER IF EXISTS events_are_immutable_delete; " +
                               sql);
    REQUIRE_MESSAGE(status.ok(), status.ToString());
  }

  void InsertRow(const RecordedEvent& e) {
    Tamper(
        "INSERT INTO events (global_position, stream_id, stream_version, event_id, event_type, "
        "schema_version, tenant_id, payload, correlation_id, causation_id, actor, source, "
        "raw_body, recorded_at, stream_hash) VALUES (" +
        std::to_string(e.global_position.value()) + ", " + SqlText(e.stream_id.value()) + ", " +
        std::to_string(e.stream_version.value()) + ", X'" +
        HexEncode(std::string_view(reinterpret_cast<const char*>(e.event_id.bytes().data()), 16)) +
        "', " + SqlText(e.event_type) + ", 1, " + SqlText(e.tenant.value()) + ", " +
        SqlText(e.payload) + ", '', '', " + SqlText(e.metadata.actor) + ", '', NULL, " +
        std::to_string(e.recorded_at.value()) + ", X'" + HexEncode(e.stream_hash) + "')");
  }

  // Rewrites the payload of `stream`'s `version` and recomputes the stream hashes from there
  // on: a rewrite that every stream chain accepts.
  void RewriteWithHashes(const std::string& stream, std::uint64_t version,
                         const std::string& payload) {
    std::vector<RecordedEvent> events = ReadWholeStream(*store_, stream);
    Sha256Digest previous = version == 1 ? kGenesisStreamHash : events[version - 2].stream_hash;
    for (std::size_t i = version - 1; i < events.size(); ++i) {
      RecordedEvent& e = events[i];
      if (i == version - 1) e.payload = payload;
      e.stream_hash = ChainStreamHash(previous, e);
      previous = e.stream_hash;
      Tamper("UPDATE events SET payload = " + SqlText(e.payload) + ", stream_hash = X'" +
             HexEncode(e.stream_hash) +
             "' WHERE global_position = " + std::to_string(e.global_position.value()));
    }
  }

  replay::VerifyOptions Trusting() const {
    replay::VerifyOptions options;
    options.trusted_keys = {key_};
    return options;
  }

  // The seals as `ledger seal --export` writes them, read back as `verify --seals` does.
  std::vector<replay::ExportedSeal> ExportSeals() {
    std::vector<RecordedEvent> events = replay::ReadSealEvents(*store_).value();
    std::stringstream file;
    REQUIRE(replay::WriteSealFile(events, file).ok());
    return replay::ReadSealFile(file).value();
  }

 private:
  TempDir dir_;
  std::string path_;
  replay::SealKey key_;
  std::unique_ptr<SqliteEventStore> store_;
};

TEST_CASE("sqlite: a clean sealed ledger verifies, and says what is not sealed yet") {
  SealedSqliteLedger ledger;
  replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
  CHECK_FALSE(report.problem);
  CHECK(report.events == 7);
  CHECK(report.streams == 4);
  CHECK(report.seals == 1);
  CHECK(report.keys_trusted);
  CHECK(report.sealed.sequence == 6);
  CHECK(report.sealed.position == GlobalPosition(60));
  CHECK(report.unsealed_events == 0);

  REQUIRE(ledger.store().Append(MakeAppend(kA)).ok());
  report = Verify(ledger.store(), ledger.Trusting());
  CHECK_FALSE(report.problem);
  CHECK(report.unsealed_events == 1);
  replay::VerifyOptions strict = ledger.Trusting();
  strict.require_sealed = true;
  report = Verify(ledger.store(), strict);
  REQUIRE(report.problem);
  CHECK(report.problem->kind == ProblemKind::kUnsealed);
  CHECK(report.problem->message ==
        "unsealed event: stream order-a version 4 (position 62) and 0 later events are covered "
        "by no seal");

  ledger.Seal();
  CHECK(FirstProblem(ledger.store(), strict) == "");
}

TEST_CASE("sqlite: one changed payload byte is an altered event, named exactly") {
  SealedSqliteLedger ledger;
  ledger.Tamper("UPDATE events SET payload = '{\"n\":2}' WHERE global_position = 30");
  replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
  REQUIRE(report.problem);
  CHECK(report.problem->kind == ProblemKind::kAltered);
  CHECK(report.problem->message.starts_with(
      "altered event: stream order-a version 2 (position 30): its contents do not match its "
      "stream_hash (stored "));
  CHECK(report.problem->stream == StreamId(kA));
  CHECK(report.problem->version == StreamVersion(2));
  CHECK(report.problem->position == GlobalPosition(30));
  CHECK(report.events == 2);  // stopped at the first problem
}

TEST_CASE("sqlite: a deleted event is a version gap, or a sealed range one event short") {
  SUBCASE("inside a stream") {
    SealedSqliteLedger ledger;
    ledger.Tamper("DELETE FROM events WHERE global_position = 30");
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kDeleted);
    CHECK(report.problem->message ==
          "deleted event: stream order-a version 2 is missing: stream order-a version 3 "
          "(position 60) follows version 1 (position 10)");
  }
  SUBCASE("a stream's last event: no gap, but the seal no longer matches") {
    SealedSqliteLedger ledger;
    ledger.Tamper("DELETE FROM events WHERE global_position = 50");
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kDeleted);
    CHECK(report.problem->message ==
          "deleted events: 1 event is gone before position 60 (the log reaches it at sequence "
          "5): sealed range 1..6 (positions 10..60) of seal 1 (position 61)");
  }
}

TEST_CASE("sqlite: swapped events are reported as reordered") {
  SUBCASE("two events of one stream") {
    SealedSqliteLedger ledger;
    ledger.Tamper(
        "UPDATE events SET global_position = 1000 WHERE global_position = 10; "
        "UPDATE events SET global_position = 10 WHERE global_position = 30; "
        "UPDATE events SET global_position = 30 WHERE global_position = 1000;");
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kReordered);
    CHECK(report.problem->message ==
          "reordered events: stream order-a version 2 (position 10) comes before stream order-a "
          "version 1 (position 30) in the log");
  }
  SUBCASE("two events of different streams: every stream chain holds, the seal does not") {
    SealedSqliteLedger ledger;
    ledger.Tamper(
        "UPDATE events SET global_position = 1000 WHERE global_position = 20; "
        "UPDATE events SET global_position = 20 WHERE global_position = 40; "
        "UPDATE events SET global_position = 40 WHERE global_position = 1000;");
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kReordered);
    CHECK(report.problem->message ==
          "reordered events: the same events as when sealed, but in another order or at other "
          "positions: sealed range 1..6 (positions 10..60) of seal 1 (position 61)");
  }
}

TEST_CASE("sqlite: a forged event with a plausible stream chain") {
  SUBCASE("inserted into a sealed range") {
    SealedSqliteLedger ledger;
    ledger.InsertRow(ForgeEvent("order-forged", 1, kGenesisStreamHash, 35));
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kInserted);
    CHECK(report.problem->message ==
          "inserted events: 1 event was inserted before position 60 (the log reaches it at "
          "sequence 7): sealed range 1..6 (positions 10..60) of seal 1 (position 61)");
  }
  SUBCASE("appended after the last seal: indistinguishable until sealed, but not sealed") {
    SealedSqliteLedger ledger;
    std::vector<RecordedEvent> a = ReadWholeStream(ledger.store(), kA);
    ledger.InsertRow(ForgeEvent(kA, 4, a.back().stream_hash, 70));
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    CHECK_FALSE(report.problem);
    CHECK(report.unsealed_events == 1);
    replay::VerifyOptions strict = ledger.Trusting();
    strict.require_sealed = true;
    CHECK(FirstProblem(ledger.store(), strict) ==
          "unsealed event: stream order-a version 4 (position 70) and 0 later events are "
          "covered by no seal");
  }
  SUBCASE("a forged seal: signed by a key nobody trusts") {
    SealedSqliteLedger ledger;
    REQUIRE(ledger.store().Append(MakeAppend(kA)).ok());
    replay::SealKey mallory = replay::SealKey::Generate().value();
    REQUIRE(replay::Sealer(ledger.store(), mallory).RunOnce().ok());
    replay::VerifyReport report = Verify(ledger.store(), ledger.Trusting());
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kBadSeal);
    CHECK(report.problem->message == "bad seal: seal 2 (position 63): it is signed by key " +
                                         mallory.id() + ", which is not a trusted key");
    // Without a trusted key the seal is only self-consistent: it passes, untrusted.
    report = Verify(ledger.store());
    CHECK_FALSE(report.problem);
    CHECK_FALSE(report.keys_trusted);
  }
}

TEST_CASE("sqlite: an exported seal catches a rewrite of everything after it") {
  SealedSqliteLedger ledger;
  std::vector<replay::ExportedSeal> exported = ledger.ExportSeals();
  REQUIRE(exported.size() == 1);

  SUBCASE("history rewritten with recomputed stream hashes and the seals deleted") {
    ledger.RewriteWithHashes(kA, 2, R"({"n":1000})");
    ledger.Tamper("DELETE FROM events WHERE stream_id = 'ledger-seals'");
    CHECK(FirstProblem(ledger.store(), ledger.Trusting()) == "");  // nothing left to compare
    replay::VerifyOptions with_seals = ledger.Trusting();
    with_seals.exported_seals = exported;
    replay::VerifyReport report = Verify(ledger.store(), with_seals);
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kAltered);
    CHECK(report.problem->message ==
          "altered events: still 6 events ending at the sealed position, but not the ones "
          "sealed (an event was replaced, or altered with its stream hashes recomputed): "
          "sealed range 1..6 (positions 10..60) of exported seal 1 (line 1)");
  }
  SUBCASE("history rewritten and re-sealed with another key") {
    ledger.RewriteWithHashes(kA, 2, R"({"n":1000})");
    ledger.Tamper(
        "DELETE FROM events WHERE stream_id = 'ledger-seals'; "
        "DROP TRIGGER streams_are_never_deleted; "
        "DELETE FROM streams WHERE stream_id = 'ledger-seals'");
    replay::SealKey mallory = replay::SealKey::Generate().value();
    REQUIRE(replay::Sealer(ledger.store(), mallory).RunOnce().ok());
    CHECK(FirstProblem(ledger.store()) == "");  // self-consistent, if nobody checks the key
    CHECK(FirstProblem(ledger.store(), ledger.Trusting()).starts_with("bad seal: seal 1"));
    replay::VerifyOptions with_seals;  // the exported copy alone, no key
    with_seals.exported_seals = exported;
    CHECK(FirstProblem(ledger.store(), with_seals).starts_with("altered events: "));
  }
  SUBCASE("only the seals deleted") {
    ledger.Tamper("DELETE FROM events WHERE stream_id = 'ledger-seals'");
    replay::VerifyOptions with_seals = ledger.Trusting();
    with_seals.exported_seals = exported;
    replay::VerifyReport report = Verify(ledger.store(), with_seals);
    REQUIRE(report.problem);
    CHECK(report.problem->kind == ProblemKind::kDeleted);
    CHECK(report.problem->message ==
          "deleted seal: exported seal 1 (line 1) is not in the log, though the events it "
          "covers still are");
  }
  SUBCASE("the seal in the database edited, hash and all") {
    // A forger cannot re-sign, but can make the stored seal event self-consistent as a row.
    std::vector<RecordedEvent> seals = replay::ReadSealEvents(ledger.store()).value();
    RecordedEvent edited = seals[0];
    edited.payload.replace(edited.payload.find("\"sealed_at\":\"") + 13, 4, "2001");
    edited.stream_hash = ChainStreamHash(kGenesisStreamHash, edited);
    ledger.Tamper("UPDATE events SET payload = " + SqlText(edited.payload) + ", stream_hash = X'" +
                  HexEncode(edited.stream_hash) + "' WHERE global_position = 61");
    CHECK(FirstProblem(ledger.store()) ==
          "bad seal: seal 1 (position 61): its signature does not verify");
  }
  SUBCASE("a clean ledger matches its exported seals") {
    replay::VerifyOptions with_seals = ledger.Trusting();
    with_seals.exported_seals = exported;
    replay::VerifyReport report = Verify(ledger.store(), with_seals);
    CHECK_FALSE(report.problem);
    CHECK(report.exported_seals == 1);
  }
}

TEST_CASE("sqlite: the sealer will not extend a chain whose last seal no longer holds") {
  SUBCASE("the event that ended the last seal's range is gone") {
    SealedSqliteLedger ledger;
    ledger.Tamper("DELETE FROM events WHERE global_position = 60");
    Result<replay::SealerReport> run = replay::Sealer(ledger.store(), ledger.key()).RunOnce();
    CHECK(run.status().code() == StatusCode::kDataLoss);
    CHECK(run.status().message() ==
          "the last seal's range ends at position 60, which the log no longer holds; run "
          "`ledger verify`");
  }
  SUBCASE("the last seal was edited") {
    SealedSqliteLedger ledger;
    ledger.Tamper(
        "UPDATE events SET payload = replace(payload, '\"last_sequence\":6', "
        "'\"last_sequence\":5') WHERE stream_id = 'ledger-seals'");
    Result<replay::SealerReport> run = replay::Sealer(ledger.store(), ledger.key()).RunOnce();
    CHECK(run.status().code() == StatusCode::kDataLoss);
    CHECK(run.status().message() ==
          "the last seal (1, at position 61) is not validly signed; run `ledger verify`");
  }
}

}  // namespace
}  // namespace ledger::testing
