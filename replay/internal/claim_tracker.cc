#include "replay/internal/claim_tracker.h"

#include <algorithm>

namespace ledger::replay::internal {
namespace {

// "1 event is" / "3 events are".
std::string Count(std::uint64_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}
std::string CountIs(std::uint64_t n, const char* noun) {
  return Count(n, noun) + (n == 1 ? " is" : " are");
}
std::string CountWas(std::uint64_t n, const char* noun) {
  return Count(n, noun) + (n == 1 ? " was" : " were");
}

}  // namespace

void ClaimTracker::Add(const Seal& seal, std::string source, bool in_log) {
  Claim claim;
  claim.seal = seal;
  claim.source = std::move(source);
  claim.in_log = in_log;
  claims_.push_back(std::move(claim));
}

void ClaimTracker::Freeze() {
  frozen_ = true;
  std::stable_sort(claims_.begin(), claims_.end(), [](const Claim& a, const Claim& b) {
    return a.seal.first_sequence < b.seal.first_sequence;
  });
  for (std::size_t i = 0; i < claims_.size(); ++i) {
    by_position_.emplace(claims_[i].seal.last_position.value(), i);
  }
}

VerifyProblem ClaimTracker::Problem(const Claim& claim, ProblemKind kind,
                                    const std::string& detail) {
  const Seal& s = claim.seal;
  VerifyProblem problem;
  problem.kind = kind;
  problem.message = detail + ": sealed range " + std::to_string(s.first_sequence) + ".." +
                    std::to_string(s.last_sequence) + " (positions " +
                    std::to_string(s.first_position.value()) + ".." +
                    std::to_string(s.last_position.value()) + ") of " + claim.source;
  problem.position = s.last_position;
  return problem;
}

// The sealed last event showed up early: events before it are gone.
VerifyProblem ClaimTracker::DeletedBefore(const Claim& claim) {
  const std::uint64_t seen = *claim.position_seen;
  return Problem(claim, ProblemKind::kDeleted,
                 "deleted events: " + CountIs(claim.seal.last_sequence - seen, "event") +
                     " gone before position " + std::to_string(claim.seal.last_position.value()) +
                     " (the log reaches it at sequence " + std::to_string(seen) + ")");
}

std::optional<VerifyProblem> ClaimTracker::Diagnose(Claim& claim, const ChainHead& head) {
  claim.decided = true;
  const Seal& s = claim.seal;
  const std::uint64_t last = s.last_sequence;
  if (!claim.at_last) {
    if (claim.position_seen) {
      return DeletedBefore(claim);
    }
    return Problem(claim, ProblemKind::kDeleted,
                   "deleted events: the log has only " + std::to_string(head.sequence) +
                       " events up to here, fewer than the seal covers");
  }
  if (claim.xor_so_far == s.stream_hash_xor) {
    return Problem(claim, ProblemKind::kReordered,
                   "reordered events: the same events as when sealed, but in another order or "
                   "at other positions");
  }
  if (*claim.at_last == s.last_position) {
    return Problem(claim, ProblemKind::kAltered,
                   "altered events: still " + Count(last - s.first_sequence + 1, "event") +
                       " ending at the sealed position, but not the ones sealed (an event was "
                       "replaced, or altered with its stream hashes recomputed)");
  }
  if (claim.position_seen && *claim.position_seen < last) {
    return DeletedBefore(claim);
  }
  if (claim.position_seen) {
    return Problem(claim, ProblemKind::kInserted,
                   "inserted events: " + CountWas(*claim.position_seen - last, "event") +
                       " inserted before position " + std::to_string(s.last_position.value()) +
                       " (the log reaches it at sequence " + std::to_string(*claim.position_seen) +
                       ")");
  }
  return Problem(claim, ProblemKind::kDeleted,
                 "deleted event: the event at position " + std::to_string(s.last_position.value()) +
                     " that ended the range is no longer in the log");
}

std::optional<VerifyProblem> ClaimTracker::Observe(const RecordedEvent& event,
                                                   const ChainHead& head,
                                                   std::optional<std::uint64_t>& verified) {
  if (!frozen_) Freeze();
  const std::uint64_t n = head.sequence;
  while (next_ < claims_.size() && claims_[next_].seal.first_sequence <= n) {
    active_.push_back(next_++);
  }
  std::optional<VerifyProblem> problem;
  // Invariant: active_ holds the undecided claims whose range contains n.
  std::erase_if(active_, [&](std::size_t index) {
    Claim& claim = claims_[index];
    if (claim.decided) return true;
    XorInto(claim.xor_so_far, event.stream_hash);
    if (n < claim.seal.last_sequence) return false;
    claim.at_last = event.global_position;
    if (head.hash == claim.seal.chain_hash && event.global_position == claim.seal.last_position) {
      claim.decided = true;
      verified = std::max(verified.value_or(0), n);
      return true;
    }
    // Undecidable yet only if the sealed last event may still come (events were inserted).
    bool may_come = event.global_position != claim.seal.last_position && !claim.position_seen &&
                    claim.xor_so_far != claim.seal.stream_hash_xor;
    // A claim that may still be decided stays undecided (Settle, or its position showing up).
    if (!may_come && !problem) problem = Diagnose(claim, head);
    return true;
  });
  if (problem) return problem;
  auto [begin, end] = by_position_.equal_range(event.global_position.value());
  for (auto it = begin; it != end; ++it) {
    Claim& claim = claims_[it->second];
    if (claim.position_seen) continue;
    claim.position_seen = n;
    if (claim.at_last && !claim.decided) return Diagnose(claim, head);  // came late: inserted
  }
  return std::nullopt;
}

std::optional<VerifyProblem> ClaimTracker::Settle(const ChainHead& head, bool everything) {
  if (!frozen_) Freeze();
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < claims_.size(); ++i) {
    const Claim& claim = claims_[i];
    if (!claim.decided && (everything || claim.at_last)) open.push_back(i);
  }
  std::stable_sort(open.begin(), open.end(), [&](std::size_t a, std::size_t b) {
    return claims_[a].seal.last_sequence < claims_[b].seal.last_sequence;
  });
  for (std::size_t index : open) {
    if (std::optional<VerifyProblem> problem = Diagnose(claims_[index], head)) return problem;
  }
  return std::nullopt;
}

std::optional<VerifyProblem> ClaimTracker::SettleSeal(std::uint64_t number, const ChainHead& head) {
  if (!frozen_) Freeze();
  for (Claim& claim : claims_) {
    if (!claim.in_log || claim.seal.number != number || claim.decided) continue;
    return Diagnose(claim, head);
  }
  return std::nullopt;
}

}  // namespace ledger::replay::internal
