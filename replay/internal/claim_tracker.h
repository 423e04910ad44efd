// ClaimTracker: the verifier's bookkeeping for seals. Each seal (from the log or a seals
// file) claims "the events with sequence numbers first..last chain to H, and the last one is
// at position P". The tracker follows the recomputed chain event by event, checks each claim
// when the chain reaches its last sequence number, and when a claim fails, works out from
// what it saw whether events were deleted, inserted, reordered or altered.
//
// Not thread-safe.
#ifndef LEDGER_REPLAY_INTERNAL_CLAIM_TRACKER_H_
#define LEDGER_REPLAY_INTERNAL_CLAIM_TRACKER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/event.h"
#include "replay/global_chain.h"
#include "replay/seal.h"
#include "replay/verifier.h"

namespace ledger::replay::internal {

class ClaimTracker {
 public:
  // `source` names the seal in messages: "seal 3 (position 812)", "exported seal 3 (line 3)";
  // `in_log`: the seal is an event of the log being verified (SettleSeal finds it).
  // REQUIRES: before the first Observe or Settle.
  void Add(const Seal& seal, std::string source, bool in_log);

  // The event at sequence number head.sequence, just chained into `head`. Returns a problem
  // if a claim fails here; sets `verified` to the claim's last sequence number if one holds.
  std::optional<VerifyProblem> Observe(const RecordedEvent& event, const ChainHead& head,
                                       std::optional<std::uint64_t>& verified);

  // Decides the claims still open, in order of their last sequence numbers, and returns the
  // first problem. Without `everything`, only claims whose range the chain has passed (their
  // sealed last event has not shown up yet): call it when another problem is found, since
  // such a claim failed earlier in the log. With it, every undecided claim: call it when the
  // log ends.
  std::optional<VerifyProblem> Settle(const ChainHead& head, bool everything);
  // At the event of the log's seal `number`: its claim must be decided by now (a seal comes
  // after the events it covers).
  std::optional<VerifyProblem> SettleSeal(std::uint64_t number, const ChainHead& head);

 private:
  struct Claim {
    Seal seal;
    std::string source;
    Sha256Digest xor_so_far{};                   // over first..min(now, last), recomputed
    std::optional<std::uint64_t> position_seen;  // sequence number where last_position appeared
    std::optional<GlobalPosition> at_last;       // the position the log has at last_sequence
    bool in_log = false;
    bool decided = false;  // verified, or its problem reported
  };

  // Sorts the claims by first sequence number and indexes them by last position.
  void Freeze();
  std::optional<VerifyProblem> Diagnose(Claim& claim, const ChainHead& head);
  static VerifyProblem DeletedBefore(const Claim& claim);
  // The problem once decided: "<what>: sealed range ... <detail>".
  static VerifyProblem Problem(const Claim& claim, ProblemKind kind, const std::string& detail);

  bool frozen_ = false;
  std::vector<Claim> claims_;  // by first_sequence once frozen
  std::unordered_multimap<std::uint64_t, std::size_t> by_position_;  // last_position -> claim
  std::size_t next_ = 0;             // the first claim whose range the chain has not entered
  std::vector<std::size_t> active_;  // undecided claims whose range holds the chain's tip
};

}  // namespace ledger::replay::internal

#endif  // LEDGER_REPLAY_INTERNAL_CLAIM_TRACKER_H_
