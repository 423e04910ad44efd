// Sealer: follows the log, numbers its events 1, 2, 3 ... in log order, extends the global
// chain (global_chain.h) and now and then appends a signed seal (seal.h) of the chain so far
// (DESIGN.md section 8; docs/audit.md).
//
//   replay::Sealer sealer(store, key);          // key: LoadSigningKey(LEDGER_SEAL_KEY_FILE)
//   sealer.RunOnce();                           // `ledger seal`: seal up to the head, return
//   sealer.Lead(elector, stop_token);           // `ledger serve`: lead and follow until stopped
//
// The sealer keeps no state of its own: the last seal in the log says where the chain stood
// (its sequence number, position and chain hash), so a sealer resumes there, rereading only
// the events after it. Seal n is appended with expected version n-1 of `ledger-seals`, a
// compare-and-set: of two sealers that race (a `ledger seal` beside a `ledger serve`, or a
// leader that lost its lease without noticing), one gets Conflict, reloads and carries on
// from the other's seal, so seals never fork. Leadership ("sealer", engine/leadership.h) only
// saves the duplicate work.
//
// The sealer trusts the log it reads: it checks the signature of the seal it resumes from,
// not every stream hash (that is `ledger verify`'s job). An event a superuser appends
// before the sealer reads it gets sealed like any other (docs/audit.md says what seals prove).
//
// Not thread-safe: one thread drives one Sealer.
#ifndef LEDGER_REPLAY_SEALER_H_
#define LEDGER_REPLAY_SEALER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <vector>

#include "engine/clock.h"
#include "engine/event_store.h"
#include "engine/leadership.h"
#include "replay/global_chain.h"
#include "replay/seal.h"
#include "replay/seal_key.h"

namespace ledger::replay {

// The name of the sealer's lease (LeaderElector::TryLead).
inline constexpr std::string_view kSealerLeaseName = "sealer";

struct SealerOptions {
  // Seal at the latest once this many events (other than seals) are unsealed ...
  std::uint64_t events_per_seal = 1000;
  // ... or once the oldest unsealed one has waited this long (Follow only; RunOnce seals
  // whatever it read).
  std::chrono::milliseconds max_unsealed_age{std::chrono::seconds(60)};
  std::size_t page_size = 1000;  // events per ReadAll
  // Follow: the longest wait for new events before it looks at the clock, the lease and the
  // stop token again.
  std::chrono::milliseconds poll_interval{std::chrono::milliseconds(500)};
  // Lead: the pause before asking for the lease again (not leading, or after an error).
  std::chrono::milliseconds lead_retry{std::chrono::seconds(5)};
  Clock* clock = SystemClock::Default();  // stamps seals (sealed_at) and ages unsealed events
  // Called with the number of events chained so far (progress of a long catch-up).
  std::function<void(std::uint64_t)> on_progress;
  // Lead: errors it recovers from by retrying (a store outage, a lost lease).
  std::function<void(const Status&)> on_error;
};

// Where a run of the sealer left the chain.
struct SealerReport {
  std::vector<Seal> written;  // in order; empty if nothing needed sealing
  ChainHead head;             // the last event read
  ChainHead sealed;           // the end of the last seal's range (sequence 0: none)
  std::uint64_t seals = 0;    // the last seal's number
  std::uint64_t chained = 0;  // events read and chained by this run
};

class Sealer {
 public:
  // `store` must outlive the sealer. REQUIRES: key.has_private_key().
  Sealer(EventStore& store, SealKey key, SealerOptions options = {});

  // Reads the log from the last seal to its head, appending a seal every
  // options.events_per_seal events and one for the rest (unless the rest is only seals).
  // A Conflict (another sealer's seal) reloads and continues, a few times.
  // Errors: Unavailable (store), DataLoss (the last seal does not verify or its range ends at
  // an event that is gone: run `ledger verify`), FailedPrecondition (no private key).
  Result<SealerReport> RunOnce();

  // Follows the log until `stop`, sealing every events_per_seal events and whenever an
  // unsealed event is max_unsealed_age old. Returns OK when stopped; FailedPrecondition if
  // `lease` (if given) is lost; any other error as RunOnce. The caller holds the lease.
  Status Follow(const std::stop_token& stop, Lease* lease = nullptr);

  // What `ledger serve` runs on a thread: takes the lease kSealerLeaseName from `leadership`
  // and follows while it holds it; when another process leads, or after an error (passed to
  // options.on_error), waits options.lead_retry and tries again. Returns when `stop` is
  // requested.
  void Lead(LeaderElector& leadership, const std::stop_token& stop);

 private:
  Status Load();
  Status ChainEvents(const std::vector<RecordedEvent>& events, std::vector<Seal>& written);
  Status WriteSeal(std::vector<Seal>& written);
  Status RunToHead(std::vector<Seal>& written);
  bool SealIsDue() const;
  SealerReport Report(std::vector<Seal> written) const;

  EventStore& store_;
  const SealKey key_;
  const SealerOptions options_;

  // Invariant (after Load): sealed_ is the end of seal seals_'s range (or the genesis),
  // tip_ the last event read, and unsealed_ counts the non-seal events between them.
  ChainHead tip_;
  ChainHead sealed_;
  std::uint64_t seals_ = 0;
  std::uint64_t unsealed_ = 0;
  GlobalPosition first_unsealed_{0};         // position of sequence sealed_.sequence + 1
  Sha256Digest unsealed_xor_{};              // XorInto of the stream hashes after sealed_
  std::optional<Timestamp> unsealed_since_;  // when the first unsealed event was read
  std::uint64_t chained_ = 0;
};

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_SEALER_H_
