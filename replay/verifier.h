// Verifier: recomputes every stream chain and the global chain from the log and checks every
// seal against them (`ledger verify`; DESIGN.md section 8; docs/audit.md). It reads the log
// once, in log order, and stops at the first problem, which it names precisely:
//
//   altered    an event whose contents no longer match its stream_hash (stream, version,
//              position); or a sealed range holding other events than when it was sealed
//   deleted    a stream missing a version; a sealed range with fewer events; an exported
//              seal the log no longer has
//   inserted   a sealed range with more events than when it was sealed
//   reordered  a stream's versions out of log or position order; a sealed range with the same
//              events in another order or at other positions
//   bad_seal   a seal that does not parse, is not signed by a trusted key, does not continue
//              the previous seal, or differs from its exported copy
//   unsealed   (only with require_sealed) an event no seal covers yet
//
// Errors (the Result) are reserved for not being able to read the log (Unavailable); a log
// that does not verify is a report with a problem.
//
// Memory: one entry per stream (its last version, hash and position), and the seals.
#ifndef LEDGER_REPLAY_VERIFIER_H_
#define LEDGER_REPLAY_VERIFIER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event_store.h"
#include "replay/global_chain.h"
#include "replay/seal_file.h"
#include "replay/seal_key.h"

namespace ledger::replay {

enum class ProblemKind { kAltered, kDeleted, kInserted, kReordered, kBadSeal, kUnsealed };

// "altered", "deleted", "inserted", "reordered", "bad_seal", "unsealed".
std::string_view ProblemKindName(ProblemKind kind);

struct VerifyProblem {
  ProblemKind kind = ProblemKind::kAltered;
  // One line that starts with what happened and names the event: "altered event: stream
  // order-1 version 2 (position 7): ...".
  std::string message;
  // The event the problem was found at, when there is one.
  std::optional<GlobalPosition> position;
  std::optional<StreamId> stream;
  std::optional<StreamVersion> version;
};

struct VerifyOptions {
  // The keys seals must be signed with. Empty: each seal is checked against the public key it
  // carries, which shows it was not edited but not who made it (VerifyReport::keys_trusted).
  std::vector<SealKey> trusted_keys;
  // Seals kept outside the database (ReadSealFile): each must still be in the log,
  // unchanged, and match the chain recomputed now.
  std::vector<ExportedSeal> exported_seals;
  // An event (other than a seal) that no seal covers yet is a problem.
  bool require_sealed = false;
  std::size_t page_size = 5000;
  // Called with the number of events checked so far.
  std::function<void(std::uint64_t)> on_progress;
};

struct VerifyReport {
  std::uint64_t events = 0;  // events checked (all of them, unless a problem stopped it)
  std::uint64_t streams = 0;
  std::uint64_t seals = 0;               // seals in the log, checked
  std::uint64_t exported_seals = 0;      // exported seals matched against the log
  ChainHead head;                        // the global chain at the last event checked
  ChainHead sealed;                      // the end of the last seal's range (sequence 0: none)
  std::uint64_t unsealed_events = 0;     // events other than seals after `sealed`
  bool keys_trusted = false;             // seals were checked against trusted_keys
  std::optional<VerifyProblem> problem;  // the first problem; nullopt: the log verifies
};

Result<VerifyReport> VerifyLog(EventStore& store, const VerifyOptions& options);

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_VERIFIER_H_
