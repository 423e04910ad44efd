#include "commands/intake/translator.h"

#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>

#include "commands/event_types.h"
#include "commands/intake/domain_event.h"
#include "commands/intake/json_view.h"
#include "commands/intake/order_state.h"
#include "commands/intake/payment_state.h"
#include "commands/intake/printify_link.h"
#include "commands/intake/printify_translation.h"
#include "commands/intake/provider_fact.h"
#include "commands/intake/stripe_translation.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

StreamId OrderStream(const std::string& order_id) { return StreamId("order-" + order_id); }
StreamId PaymentStream(const std::string& pi) { return StreamId("payment-" + pi); }

// Deterministic: the same provider event decides the same events with the same ids, however
// often it is translated.
EventId DomainEventId(const ProviderFact& fact, const StreamId& stream, std::string_view type) {
  return Uuid::V5(LedgerNamespace(), "translator:" + std::string(ProviderName(fact.provider)) +
                                         ":" + fact.provider_event_id + ":" + stream.value() +
                                         ":" + std::string(type));
}

NewEvent ToNewEvent(const ProviderFact& fact, const StreamId& stream, const DomainEvent& e) {
  NewEvent out;
  out.event_id = DomainEventId(fact, stream, e.type);
  out.event_type = e.type;
  out.tenant = fact.tenant;
  out.payload = json::serialize(e.payload);
  out.metadata.correlation_id = fact.provider_event_id;
  out.metadata.causation_id = fact.event_id;
  out.metadata.actor = std::string(ProviderName(fact.provider));
  out.metadata.source = "translator";
  return out;
}

bool IsAnomaly(std::string_view type) {
  return type == kOrderAnomalyRecorded || type == kPaymentAnomalyRecorded;
}

}  // namespace

Translator::Translator(EventStore& events, CheckpointStore& checkpoints,
                       TranslatorOptions options)
    : events_(events),
      checkpoints_(checkpoints),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : SystemClock::Default()) {}

TranslatorStats Translator::stats() const {
  TranslatorStats s;
  s.provider_events = counters_.provider_events.load();
  s.translated = counters_.translated.load();
  s.unchanged = counters_.unchanged.load();
  s.unhandled_types = counters_.unhandled_types.load();
  s.unroutable = counters_.unroutable.load();
  s.unparsed = counters_.unparsed.load();
  s.deferred = counters_.deferred.load();
  s.foreign_tenant = counters_.foreign_tenant.load();
  s.domain_events = counters_.domain_events.load();
  s.anomalies = counters_.anomalies.load();
  return s;
}

Result<std::size_t> Translator::RunOnce(std::size_t limit) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> checkpoint,
                          checkpoints_.LoadCheckpoint(options_.checkpoint_name));
  GlobalPosition after = checkpoint ? checkpoint->position : GlobalPosition(0);
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> batch, events_.ReadAll(after, limit));
  if (batch.empty()) {
    position_ = after;
    return std::size_t{0};
  }
  for (const RecordedEvent& e : batch) LEDGER_RETURN_IF_ERROR(Translate(e));
  // Invariant: every effect of the batch is durable before the checkpoint passes it.
  CheckpointMove move;
  if (checkpoint) move.expected = checkpoint->position;
  move.next.name = options_.checkpoint_name;
  move.next.version = kTranslatorVersion;
  move.next.position = batch.back().global_position;
  move.next.events = (checkpoint ? checkpoint->events : 0) + batch.size();
  move.next.updated_at = clock_->Now();
  LEDGER_RETURN_IF_ERROR(checkpoints_.SaveCheckpoint(move));
  position_ = move.next.position;
  return batch.size();
}

Status Translator::CatchUp() {
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(std::size_t n, RunOnce(options_.batch_size));
    if (n == 0) return Status::Ok();
  }
}

void Translator::SleepFor(std::chrono::milliseconds wait, const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait_for(lock, stop, wait, [] { return false; });
}

Status Translator::Follow(std::stop_token stop) {
  while (!stop.stop_requested()) {
    Result<std::size_t> n = RunOnce(options_.batch_size);
    if (!n.ok()) {
      if (n.status().code() != StatusCode::kUnavailable) return n.status();
      SleepFor(options_.retry_wait, stop);
      continue;
    }
    if (*n > 0) continue;
    Status waited = events_.WaitForEvents(position_, options_.idle_wait);
    if (!waited.ok()) {
      if (waited.code() != StatusCode::kUnavailable) return waited;
      SleepFor(options_.retry_wait, stop);
    }
  }
  return Status::Ok();
}

Status Translator::Translate(const RecordedEvent& event) {
  if (event.event_type == kPrintifyOrderLinked) return TranslateDeferred(event);
  LEDGER_ASSIGN_OR_RETURN(std::optional<ProviderFact> fact, ReadProviderFact(event));
  if (!fact) {
    if (event.event_type == "stripe.event_received" ||
        event.event_type == "printify.event_received") {
      ++counters_.provider_events;
      ++counters_.unparsed;
    }
    return Status::Ok();
  }
  ++counters_.provider_events;
  return fact->provider == Provider::kStripe ? TranslateStripe(*fact) : TranslatePrintify(*fact);
}

Status Translator::TranslateStripe(const ProviderFact& fact) {
  StripeRoute route = RouteStripeEvent(fact);
  if (!route.handled_type) {
    ++counters_.unhandled_types;
    return Status::Ok();
  }
  if (route.order_id.empty() && route.payment_intent_id.empty()) {
    ++counters_.unroutable;
    return Status::Ok();
  }
  bool appended = false;
  if (!route.order_id.empty()) {
    LEDGER_ASSIGN_OR_RETURN(
        bool order_appended,
        AppendDecided(fact, OrderStream(route.order_id),
                      [&](std::span<const RecordedEvent> history) -> Result<DomainEvents> {
                        return DecideStripeOrder(fact, FoldOrder(history));
                      }));
    appended = appended || order_appended;
  }
  if (!route.payment_intent_id.empty()) {
    LEDGER_ASSIGN_OR_RETURN(
        bool payment_appended,
        AppendDecided(fact, PaymentStream(route.payment_intent_id),
                      [&](std::span<const RecordedEvent> history) -> Result<DomainEvents> {
                        LEDGER_ASSIGN_OR_RETURN(PaymentState state, FoldPayment(history));
                        return DecideStripePayment(fact, state);
                      }));
    appended = appended || payment_appended;
  }
  ++(appended ? counters_.translated : counters_.unchanged);
  return Status::Ok();
}

Status Translator::TranslatePrintify(const ProviderFact& fact) {
  PrintifyRoute route = RoutePrintifyEvent(fact);
  if (!route.handled_type) {
    ++counters_.unhandled_types;
    return Status::Ok();
  }
  if (route.printify_order_id.empty()) {
    ++counters_.unroutable;
    return Status::Ok();
  }
  if (!route.external_id.empty()) return TranslatePrintifyFor(fact, route.external_id);
  StreamId link_stream = PrintifyOrderStream(route.printify_order_id);
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                            events_.ReadStream(link_stream, StreamReadOptions{}));
    if (!history.empty() && history.front().tenant != fact.tenant) {
      ++counters_.foreign_tenant;
      return Status::Ok();
    }
    LEDGER_ASSIGN_OR_RETURN(PrintifyLinkState link, FoldPrintifyLink(history));
    if (!link.order_id.empty()) return TranslatePrintifyFor(fact, link.order_id);
    if (link.deferred_causations.contains(fact.event_id)) return Status::Ok();
    // Not linked yet: park it. If the link lands meanwhile, the expected version fails and
    // the next attempt finds the link; if it lands after, its translation finds this.
    json::object payload{{"printify_order_id", route.printify_order_id},
                         {"provider_stream", fact.stream.value()}};
    StampProvider(payload, fact);
    StreamVersion version = history.empty() ? StreamVersion(0) : history.back().stream_version;
    AppendRequest request{
        link_stream, ExpectedVersion::Exact(version),
        {ToNewEvent(fact, link_stream,
                    DomainEvent{std::string(kPrintifyOrderEventDeferred), std::move(payload)})}};
    Result<AppendResult> appended = events_.Append(request);
    if (appended.ok()) {
      ++counters_.deferred;
      return Status::Ok();
    }
    if (appended.status().code() != StatusCode::kConflict) return appended.status();
  }
  return Conflict("translator: " + link_stream.value() + " kept moving; gave up after " +
                  std::to_string(options_.max_attempts) + " attempts");
}

Status Translator::TranslatePrintifyFor(const ProviderFact& fact, const std::string& order_id) {
  LEDGER_ASSIGN_OR_RETURN(
      bool appended,
      AppendDecided(fact, OrderStream(order_id),
                    [&](std::span<const RecordedEvent> history) -> Result<DomainEvents> {
                      return DecidePrintifyOrder(fact, order_id, FoldOrder(history));
                    }));
  ++(appended ? counters_.translated : counters_.unchanged);
  return Status::Ok();
}

Status Translator::TranslateDeferred(const RecordedEvent& link_event) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                          events_.ReadStream(link_event.stream_id, StreamReadOptions{}));
  LEDGER_ASSIGN_OR_RETURN(PrintifyLinkState link, FoldPrintifyLink(history));
  if (link.order_id.empty()) return Status::Ok();
  for (const DeferredProviderEvent& parked : link.deferred) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> provider,
                            events_.ReadStream(parked.provider_stream, StreamReadOptions{}));
    if (provider.empty()) {
      return DataLoss("translator: deferred Printify event " + parked.provider_event_id +
                      " is missing from " + parked.provider_stream.value());
    }
    LEDGER_ASSIGN_OR_RETURN(std::optional<ProviderFact> fact, ReadProviderFact(provider.front()));
    if (fact) LEDGER_RETURN_IF_ERROR(TranslatePrintifyFor(*fact, link.order_id));
  }
  return Status::Ok();
}

Result<bool> Translator::AppendDecided(const ProviderFact& fact, const StreamId& stream,
                                       const Decide& decide) {
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> history,
                            events_.ReadStream(stream, StreamReadOptions{}));
    if (!history.empty() && history.front().tenant != fact.tenant) {
      ++counters_.foreign_tenant;  // a stream belongs to the tenant of its first event
      return false;
    }
    LEDGER_ASSIGN_OR_RETURN(DomainEvents decided, decide(history));
    if (decided.empty()) return false;
    AppendRequest request;
    request.stream = stream;
    request.expected = ExpectedVersion::Exact(history.empty() ? StreamVersion(0)
                                                              : history.back().stream_version);
    std::uint64_t anomalies = 0;
    for (const DomainEvent& e : decided) {
      request.events.push_back(ToNewEvent(fact, stream, e));
      if (IsAnomaly(e.type)) ++anomalies;
    }
    Result<AppendResult> appended = events_.Append(request);
    if (appended.ok()) {
      if (!appended->deduplicated) {
        counters_.domain_events += request.events.size();
        counters_.anomalies += anomalies;
      }
      return !appended->deduplicated;
    }
    // Another writer moved the stream: decide again from what it holds now.
    if (appended.status().code() != StatusCode::kConflict) return appended.status();
  }
  return Conflict("translator: " + stream.value() + " kept moving; gave up after " +
                  std::to_string(options_.max_attempts) + " attempts");
}

}  // namespace ledger::commands::intake
