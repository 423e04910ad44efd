// The translator (DESIGN.md section 5, "admission, then processing"): a subscriber that reads
// the log after its checkpoint and turns admitted provider events (stripe.event_received,
// printify.event_received) into domain events on the business streams order-<checkout
// session id> and payment-<payment_intent id> (docs/events.md lists them; commands/README.md
// tables the mapping).
//
// Guarantees:
//   - Idempotent. A domain event's id is UUIDv5 of the provider event, the stream and the
//     type, and a stream that already holds an event caused by a provider event decides
//     nothing for it again; so reprocessing after a crash (effects appended, checkpoint not
//     yet moved) appends nothing twice.
//   - Order-independent. Decisions read the provider objects' own state and times and the
//     folded stream state (stripe_translation.h), never arrival order.
//   - Nothing is dropped. Unknown types are counted and left stored; contradictions are
//     recorded as order.anomaly_recorded / payment.anomaly_recorded.
//   - Domain events keep the provider event's tenant, carry metadata causation_id = the
//     provider event's ledger event id, correlation_id = the provider's event id, actor
//     "stripe" / "printify", source "translator".
//
// Leadership is the caller's job: run one Translator per store at a time (take
// LeaderElector::TryLead("translator") first and stop when the lease is lost). Two running
// at once are still safe, only wasteful: appends check the stream's expected version, and the
// checkpoint moves by compare-and-set, so the slower one gets Conflict and stops.
//
// Thread safety: one thread drives a Translator (RunOnce, CatchUp, Follow, Translate);
// stats() may be called from any thread.
#ifndef LEDGER_COMMANDS_INTAKE_TRANSLATOR_H_
#define LEDGER_COMMANDS_INTAKE_TRANSLATOR_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <stop_token>
#include <string>

#include "engine/checkpoint_store.h"
#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger::commands::intake {

struct ProviderFact;
struct DomainEvent;

inline constexpr char kTranslatorCheckpoint[] = "translator";
inline constexpr std::uint32_t kTranslatorVersion = 1;

struct TranslatorOptions {
  std::string checkpoint_name = kTranslatorCheckpoint;
  std::size_t batch_size = 500;                 // events per read of the log
  std::chrono::milliseconds idle_wait{500};     // Follow: wait for new events this long
  std::chrono::milliseconds retry_wait{1000};   // Follow: after Unavailable, wait, retry
  int max_attempts = 10;  // loads-and-appends of one stream before giving up with Conflict
  Clock* clock = nullptr;  // the checkpoint's updated_at; nullptr: the system clock
};

// Counts since construction (for metrics and tests).
struct TranslatorStats {
  std::uint64_t provider_events = 0;   // provider events read
  std::uint64_t translated = 0;        // ... that appended at least one domain event
  std::uint64_t unchanged = 0;         // ... of handled types that changed nothing (a
                                       //     duplicate, late or already-known fact)
  std::uint64_t unhandled_types = 0;   // ... of types the translator does not translate
  std::uint64_t unroutable = 0;        // ... handled types naming no order or PaymentIntent
  std::uint64_t unparsed = 0;          // ... whose body was not kept as JSON at admission
  std::uint64_t deferred = 0;          // Printify events parked until their order is linked
  std::uint64_t foreign_tenant = 0;    // facts for a stream of another tenant (skipped)
  std::uint64_t domain_events = 0;     // domain events appended
  std::uint64_t anomalies = 0;         // of which anomalies
};

class Translator {
 public:
  // `events` and `checkpoints` must outlive the translator.
  Translator(EventStore& events, CheckpointStore& checkpoints, TranslatorOptions options = {});

  Translator(const Translator&) = delete;
  Translator& operator=(const Translator&) = delete;

  // Translates up to `limit` events after the checkpoint and moves the checkpoint past them.
  // Returns how many events were read (0: caught up). Conflict if another process moved the
  // checkpoint (stop: it leads); Unavailable if the store is unreachable (retry later:
  // whatever was appended will not be appended again).
  Result<std::size_t> RunOnce(std::size_t limit);

  // RunOnce in batches until caught up with the head of the log as it was.
  Status CatchUp();

  // Follows the log until `stop` is requested (then OK), waiting for new events with
  // EventStore::WaitForEvents and riding out Unavailable. Returns any other error (Conflict:
  // another process moved the checkpoint).
  Status Follow(std::stop_token stop);

  // Translates one event of the log, without touching the checkpoint. Events that are not
  // provider events (nor Printify links) are ignored.
  Status Translate(const RecordedEvent& event);

  TranslatorStats stats() const;

 private:
  using Decide = std::function<Result<std::vector<DomainEvent>>(std::span<const RecordedEvent>)>;

  Status TranslateStripe(const ProviderFact& fact);
  Status TranslatePrintify(const ProviderFact& fact);
  Status TranslatePrintifyFor(const ProviderFact& fact, const std::string& order_id);
  Status TranslateDeferred(const RecordedEvent& link_event);
  // Loads `stream`, decides, appends with the loaded version; on Conflict does it again.
  // Returns whether anything was appended.
  Result<bool> AppendDecided(const ProviderFact& fact, const StreamId& stream,
                             const Decide& decide);
  void SleepFor(std::chrono::milliseconds wait, const std::stop_token& stop);

  EventStore& events_;
  CheckpointStore& checkpoints_;
  TranslatorOptions options_;
  Clock* clock_;
  GlobalPosition position_{0};  // of the last event whose batch was checkpointed

  struct Counters {
    std::atomic<std::uint64_t> provider_events{0}, translated{0}, unchanged{0},
        unhandled_types{0}, unroutable{0}, unparsed{0}, deferred{0}, foreign_tenant{0},
        domain_events{0}, anomalies{0};
  };
  Counters counters_;
};

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_TRANSLATOR_H_
