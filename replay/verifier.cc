#include "replay/verifier.h"

#include <map>
#include <unordered_map>

#include "engine/canonical.h"
#include "replay/internal/claim_tracker.h"
#include "replay/seal_stream.h"

namespace ledger::replay {
namespace {

std::string EventName(const RecordedEvent& e) {
  return "stream " + e.stream_id.value() + " version " + std::to_string(e.stream_version.value()) +
         " (position " + std::to_string(e.global_position.value()) + ")";
}

VerifyProblem At(const RecordedEvent& e, ProblemKind kind, std::string message) {
  VerifyProblem problem;
  problem.kind = kind;
  problem.message = std::move(message);
  problem.position = e.global_position;
  problem.stream = e.stream_id;
  problem.version = e.stream_version;
  return problem;
}

bool InSealStream(const RecordedEvent& e) { return e.stream_id.value() == kSealStream; }

// One pass over the log; see verifier.h.
class LogVerifier {
 public:
  LogVerifier(EventStore& store, const VerifyOptions& options) : store_(store), options_(options) {
    report_.keys_trusted = !options.trusted_keys.empty();
  }

  Result<VerifyReport> Run() {
    LEDGER_RETURN_IF_ERROR(RegisterSeals());
    if (!report_.problem) LEDGER_RETURN_IF_ERROR(Walk());
    if (!report_.problem) Finish();
    report_.streams = streams_.size();
    report_.head = chain_;
    report_.sealed = sealed_;
    report_.unsealed_events = events_outside_seals_ - events_outside_seals_at_sealed_;
    return std::move(report_);
  }

 private:
  struct StreamState {
    std::uint64_t version = 0;
    Sha256Digest hash = kGenesisStreamHash;
    GlobalPosition position{0};
  };

  // What is wrong with `seal`'s signature, if anything.
  std::optional<std::string> SignatureProblem(const Seal& seal) const {
    if (options_.trusted_keys.empty()) {
      Result<SealKey> named = SealKey::FromPublicKey(seal.public_key);
      if (!named.ok() || named->id() != seal.key_id) {
        return "its public key does not match its key id " + seal.key_id;
      }
      if (!SealSignedBy(seal, *named)) return "its signature does not verify";
      return std::nullopt;
    }
    for (const SealKey& key : options_.trusted_keys) {
      if (key.id() != seal.key_id) continue;
      if (SealSignedBy(seal, key)) return std::nullopt;
      return "its signature does not verify with the trusted key " + key.id();
    }
    return "it is signed by key " + seal.key_id + ", which is not a trusted key";
  }

  // Reads the seals before the walk, so that each range can be checked the moment the walk
  // reaches its end (its seal comes later in the log). Seals that do not parse or verify are
  // left for the walk to report at their place in the log.
  Status RegisterSeals() {
    Result<std::vector<RecordedEvent>> seal_events = ReadSealEvents(store_);
    if (!seal_events.ok() && seal_events.status().code() == StatusCode::kDataLoss) {
      // A store that refuses to read a stream with a hole (SQLite): find the seals in the log.
      seal_events = ScanForSeals();
    }
    if (!seal_events.ok()) return seal_events.status();
    for (const RecordedEvent& event : *seal_events) {
      Result<Seal> seal = SealFromEvent(event);
      if (!seal.ok() || SignatureProblem(*seal)) continue;
      log_seals_.emplace(seal->number, event.payload);
      claims_.Add(*seal,
                  "seal " + std::to_string(seal->number) + " (position " +
                      std::to_string(event.global_position.value()) + ")",
                  /*in_log=*/true);
    }
    for (const ExportedSeal& exported : options_.exported_seals) {
      const Seal& seal = exported.seal;
      std::string source = "exported seal " + std::to_string(seal.number) + " (line " +
                           std::to_string(exported.line) + ")";
      if (std::optional<std::string> why = SignatureProblem(seal)) {
        VerifyProblem problem;
        problem.kind = ProblemKind::kBadSeal;
        problem.message = "bad seal: " + source + ": " + *why;
        report_.problem = std::move(problem);
        return Status::Ok();
      }
      auto in_log = log_seals_.find(seal.number);
      if (in_log != log_seals_.end() && in_log->second == exported.payload) continue;  // same claim
      claims_.Add(seal, source, /*in_log=*/false);
    }
    return Status::Ok();
  }

  Result<std::vector<RecordedEvent>> ScanForSeals() {
    std::vector<RecordedEvent> seals;
    GlobalPosition after(0);
    while (true) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> page,
                              store_.ReadAll(after, options_.page_size));
      if (page.empty()) return seals;
      after = page.back().global_position;
      for (RecordedEvent& event : page) {
        if (InSealStream(event)) seals.push_back(std::move(event));
      }
    }
  }

  Status Walk() {
    GlobalPosition after(0);
    while (true) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> page,
                              store_.ReadAll(after, options_.page_size));
      if (page.empty()) return Status::Ok();
      after = page.back().global_position;
      for (const RecordedEvent& event : page) {
        std::optional<VerifyProblem> problem = Check(event);
        if (problem) {
          // A sealed range the chain has already passed failed earlier in the log.
          std::optional<VerifyProblem> earlier = claims_.Settle(chain_, /*everything=*/false);
          report_.problem = earlier ? std::move(earlier) : std::move(problem);
          return Status::Ok();
        }
      }
      if (options_.on_progress) options_.on_progress(report_.events);
    }
  }

  std::optional<VerifyProblem> Check(const RecordedEvent& event) {
    if (std::optional<VerifyProblem> problem = CheckStream(event)) return problem;
    chain_.Extend(event);
    ++report_.events;
    if (!InSealStream(event)) {
      ++events_outside_seals_;
      if (!first_unsealed_) first_unsealed_ = event;
    }
    std::optional<std::uint64_t> verified;
    if (std::optional<VerifyProblem> problem = claims_.Observe(event, chain_, verified)) {
      return problem;
    }
    if (verified && *verified > sealed_.sequence) {
      sealed_ = chain_;
      events_outside_seals_at_sealed_ = events_outside_seals_;
      first_unsealed_.reset();
    }
    if (InSealStream(event)) return CheckSealEvent(event);
    return std::nullopt;
  }

  // The stream chain: versions in order without holes, positions increasing with versions,
  // and each stream_hash recomputed.
  std::optional<VerifyProblem> CheckStream(const RecordedEvent& e) {
    StreamState& stream = streams_[e.stream_id.value()];
    const std::uint64_t version = e.stream_version.value();
    const std::uint64_t expected = stream.version + 1;
    const std::string before = stream.version == 0
                                   ? "the stream's start"
                                   : "version " + std::to_string(stream.version) + " (position " +
                                         std::to_string(stream.position.value()) + ")";
    if (version > expected) return VersionGap(e, expected, before);
    if (version < expected) {
      return At(e, ProblemKind::kReordered,
                "reordered events: " + EventName(e) + " comes after " + before + " in the log");
    }
    if (stream.version > 0 && e.global_position.value() <= stream.position.value()) {
      return At(e, ProblemKind::kReordered,
                "reordered events: " + EventName(e) + " has a position below its predecessor's, " +
                    before);
    }
    Sha256Digest computed = ChainStreamHash(stream.hash, e);
    if (computed != e.stream_hash) {
      return At(e, ProblemKind::kAltered,
                "altered event: " + EventName(e) +
                    ": its contents do not match its stream_hash "
                    "(stored " +
                    HexEncode(e.stream_hash) + ", recomputed " + HexEncode(computed) + ")");
    }
    stream = StreamState{version, e.stream_hash, e.global_position};
    return std::nullopt;
  }

  // `e` skips version `expected` of its stream. If the store still has that version, it sits
  // later in the log (events were reordered); otherwise it is gone.
  VerifyProblem VersionGap(const RecordedEvent& e, std::uint64_t expected,
                           const std::string& before) {
    StreamReadOptions lookup;
    lookup.from = StreamVersion(expected);
    lookup.limit = 1;
    // A store may refuse to read across the hole (DataLoss): that, too, means it is gone.
    Result<std::vector<RecordedEvent>> found = store_.ReadStream(e.stream_id, lookup);
    if (found.ok() && !found->empty() && found->front().stream_version.value() == expected) {
      return At(e, ProblemKind::kReordered,
                "reordered events: " + EventName(e) + " comes before " + EventName(found->front()) +
                    " in the log");
    }
    std::string missing = std::to_string(expected);
    if (e.stream_version.value() - expected > 1) {
      missing += ".." + std::to_string(e.stream_version.value() - 1);
    }
    return At(e, ProblemKind::kDeleted,
              "deleted event: stream " + e.stream_id.value() + " version " + missing +
                  " is missing: " + EventName(e) + " follows " + before);
  }

  // A seal's own event: well-formed, signed, its copy outside the database unchanged, and
  // continuing the previous seal. Its range was checked when the chain reached its end.
  std::optional<VerifyProblem> CheckSealEvent(const RecordedEvent& event) {
    Result<Seal> parsed = SealFromEvent(event);
    if (!parsed.ok()) {
      return At(event, ProblemKind::kBadSeal,
                "bad seal: " + EventName(event) + ": " + parsed.status().message());
    }
    const Seal& seal = *parsed;
    const std::string name = "seal " + std::to_string(seal.number) + " (position " +
                             std::to_string(event.global_position.value()) + ")";
    if (std::optional<std::string> why = SignatureProblem(seal)) {
      return At(event, ProblemKind::kBadSeal, "bad seal: " + name + ": " + *why);
    }
    for (const ExportedSeal& exported : options_.exported_seals) {
      if (exported.seal.number != seal.number) continue;
      ++report_.exported_seals;
      if (exported.payload != event.payload || exported.event_id != event.event_id) {
        return At(event, ProblemKind::kBadSeal,
                  "bad seal: " + name + " differs from its exported copy (line " +
                      std::to_string(exported.line) + "): the seal in the database was rewritten");
      }
    }
    const bool continues =
        previous_seal_ ? seal.first_sequence == previous_seal_->last_sequence + 1 &&
                             seal.previous_chain_hash == previous_seal_->chain_hash
                       : seal.first_sequence == 1 && seal.previous_chain_hash == kGenesisChainHash;
    if (!continues) {
      return At(event, ProblemKind::kBadSeal,
                "bad seal: " + name + " does not continue " +
                    (previous_seal_ ? "seal " + std::to_string(previous_seal_->number)
                                    : std::string("the start of the log")));
    }
    if (std::optional<VerifyProblem> problem = claims_.SettleSeal(seal.number, chain_)) {
      return problem;
    }
    previous_seal_ = seal;
    ++report_.seals;
    return std::nullopt;
  }

  void Finish() {
    if (std::optional<VerifyProblem> problem = claims_.Settle(chain_, /*everything=*/true)) {
      report_.problem = std::move(problem);
      return;
    }
    for (const ExportedSeal& exported : options_.exported_seals) {
      if (previous_seal_ && exported.seal.number <= previous_seal_->number) continue;
      // Stored, but not readable in log order yet (a PostgreSQL reader waits for older
      // transactions): not deleted.
      auto stored = log_seals_.find(exported.seal.number);
      if (stored != log_seals_.end() && stored->second == exported.payload) continue;
      VerifyProblem problem;
      problem.kind = ProblemKind::kDeleted;
      problem.message = "deleted seal: exported seal " + std::to_string(exported.seal.number) +
                        " (line " + std::to_string(exported.line) +
                        ") is not in the log, though the events it covers still are";
      report_.problem = std::move(problem);
      return;
    }
    if (options_.require_sealed && first_unsealed_) {
      report_.problem =
          At(*first_unsealed_, ProblemKind::kUnsealed,
             "unsealed event: " + EventName(*first_unsealed_) + " and " +
                 std::to_string(events_outside_seals_ - events_outside_seals_at_sealed_ - 1) +
                 " later events are covered by no seal");
    }
  }

  EventStore& store_;
  const VerifyOptions& options_;
  VerifyReport report_;
  std::unordered_map<std::string, StreamState> streams_;
  ChainHead chain_;
  ChainHead sealed_;
  internal::ClaimTracker claims_;
  std::map<std::uint64_t, std::string> log_seals_;  // number -> payload, of seals that verify
  std::optional<Seal> previous_seal_;
  std::uint64_t events_outside_seals_ = 0;  // events not in `ledger-seals`
  std::uint64_t events_outside_seals_at_sealed_ = 0;
  std::optional<RecordedEvent> first_unsealed_;  // the first such event after sealed_
};

}  // namespace

std::string_view ProblemKindName(ProblemKind kind) {
  switch (kind) {
    case ProblemKind::kAltered:
      return "altered";
    case ProblemKind::kDeleted:
      return "deleted";
    case ProblemKind::kInserted:
      return "inserted";
    case ProblemKind::kReordered:
      return "reordered";
    case ProblemKind::kBadSeal:
      return "bad_seal";
    case ProblemKind::kUnsealed:
      return "unsealed";
  }
  return "unknown";
}

Result<VerifyReport> VerifyLog(EventStore& store, const VerifyOptions& options) {
  LogVerifier verifier(store, options);
  return verifier.Run();
}

}  // namespace ledger::replay
