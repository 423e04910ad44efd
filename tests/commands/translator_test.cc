// The translator as a subscriber, and its edge cases: duplicates, reprocessing after a
// crash, unknown types, anomalies, tenants, checkpoints and concurrent writers.
#include "commands/intake/translator.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "commands/intake/customer_id.h"
#include "engine/event_store_wrapper.h"
#include "tests/commands/intake_fixture.h"
#include "tests/support/test_events.h"

namespace ledger::commands::testing {
namespace {

using Types = std::vector<std::string>;

std::string Order(const char* id) { return std::string("order-") + id; }
std::string Payment(const char* id) { return std::string("payment-") + id; }

std::size_t DomainEventCount(IntakeFixture& f) {
  std::size_t n = 0;
  for (const RecordedEvent& e : f.Log()) {
    if (e.metadata.source == "translator") ++n;
  }
  return n;
}

TEST_CASE("a redelivered provider event is stored once and translated once") {
  IntakeFixture f;
  f.AdmitStripeFixture("05_checkout.session.completed.json");
  f.AdmitStripeFixture("05_checkout.session.completed.json");  // deduplicated by the store
  f.Translate();
  CHECK(f.StreamTypes(Order(kCardOrder)) == Types{"order.placed", "order.paid"});

  // Translating the same provider event again (a reprocessed batch) decides nothing.
  std::vector<RecordedEvent> log = f.Log();
  REQUIRE(f.translator->Translate(log.front()).ok());
  REQUIRE(f.translator->Translate(log.front()).ok());
  CHECK(f.StreamTypes(Order(kCardOrder)) == Types{"order.placed", "order.paid"});
  CHECK(f.translator->stats().unchanged == 2);
}

TEST_CASE("different provider events carrying the same fact append it once") {
  IntakeFixture f;
  // charge.succeeded and payment_intent.succeeded both say the payment succeeded;
  // charge.failed and payment_intent.payment_failed both say the attempt failed.
  for (const char* name : {"03_charge.succeeded.json", "04_payment_intent.succeeded.json",
                           "22_charge.failed.json", "23_payment_intent.payment_failed.json"}) {
    f.AdmitStripeFixture(name);
  }
  f.Translate();
  CHECK(f.StreamTypes(Payment(kCardPayment)) == Types{"payment.succeeded"});
  CHECK(f.StreamTypes(Payment(kDeclinedPayment)) == Types{"payment.failed"});
}

TEST_CASE("reprocessing the whole log after losing the checkpoint appends nothing") {
  IntakeFixture f;
  for (const std::string& name : AssembledStripeFixtures()) f.AdmitStripeFixture(name);
  f.Translate();
  std::size_t translated = DomainEventCount(f);
  REQUIRE(translated == 18);

  // A crash after appending but before the checkpoint moved looks like this: a translator
  // starting from nothing over a log that already holds its effects.
  projections::MemoryReadModelStore fresh_checkpoints;
  intake::Translator again(f.store, fresh_checkpoints, intake::TranslatorOptions{});
  REQUIRE(again.CatchUp().ok());
  CHECK(DomainEventCount(f) == translated);
  CHECK(again.stats().domain_events == 0);
}

// A checkpoint store where another process moves the checkpoint just before each save.
class RivalCheckpoints final : public CheckpointStore {
 public:
  explicit RivalCheckpoints(CheckpointStore* target) : target_(target) {}
  Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) override {
    return target_->LoadCheckpoint(name);
  }
  Status SaveCheckpoint(const CheckpointMove& move) override {
    CheckpointMove rival = move;
    rival.next.events = 999;
    LEDGER_RETURN_IF_ERROR(target_->SaveCheckpoint(rival));
    return target_->SaveCheckpoint(move);
  }

 private:
  CheckpointStore* target_;
};

TEST_CASE("RunOnce reads a batch after the checkpoint and moves it by compare-and-set") {
  IntakeFixture f;
  for (const std::string& name : AssembledStripeFixtures()) f.AdmitStripeFixture(name);
  std::vector<RecordedEvent> log = f.Log();
  Result<std::size_t> first = f.translator->RunOnce(10);
  REQUIRE(first.ok());
  CHECK(*first == 10);
  Result<std::optional<Checkpoint>> saved = f.checkpoints.LoadCheckpoint("translator");
  REQUIRE(saved.ok());
  REQUIRE(saved->has_value());
  CHECK((*saved)->position == log[9].global_position);
  CHECK((*saved)->events == 10);
  CHECK((*saved)->version == intake::kTranslatorVersion);

  // The next batch starts after the checkpoint.
  Result<std::size_t> rest = f.translator->RunOnce(100);
  REQUIRE(rest.ok());
  CHECK(*rest >= 15);
  REQUIRE(f.translator->CatchUp().ok());
  Result<std::size_t> idle = f.translator->RunOnce(100);
  REQUIRE(idle.ok());
  CHECK(*idle == 0);
  CHECK((*f.checkpoints.LoadCheckpoint("translator"))->position == f.Log().back().global_position);

  // Another process moved the checkpoint between our load and our save: we must stop.
  for (const char* name : {"p09_product.publish.started.json", "p10_product.deleted.json"}) {
    f.AdmitPrintifyFixture(name);
  }
  RivalCheckpoints rival(&f.checkpoints);
  intake::Translator loser(f.store, rival, intake::TranslatorOptions{});
  Result<std::size_t> lost = loser.RunOnce(100);
  CHECK(lost.status().code() == StatusCode::kConflict);
  f.AdmitPrintifyFixture("p11_shop.disconnected.json");
  CHECK(loser.Follow(std::stop_source().get_token()).code() == StatusCode::kConflict);
}

TEST_CASE("unknown and unhandled provider types are stored, counted and not translated") {
  IntakeFixture f;
  f.Admit(AdmitStripe(ReadFixture("stripe/edge-cases/e01_unknown_event_type.json")));
  f.Admit(AdmitStripe(ReadFixture("stripe/edge-cases/e02_unhandled_known_type_payout.paid.json")));
  f.AdmitStripeFixture("01_customer.created.json");
  for (const char* name : {"p09_product.publish.started.json", "p10_product.deleted.json",
                           "p11_shop.disconnected.json", "p12_unknown_topic.json"}) {
    f.AdmitPrintifyFixture(name);
  }
  f.Translate();
  CHECK(DomainEventCount(f) == 0);
  CHECK(f.Log().size() == 7);
  CHECK(f.translator->stats().unhandled_types == 7);
  CHECK(f.translator->stats().provider_events == 7);
}

TEST_CASE("an event whose body was not kept as JSON is counted, not translated") {
  IntakeFixture f;
  // A body with a \u0000 escape is admitted with "body": null (docs/webhooks.md).
  std::string raw = StripeEventJson("evt_nul0000000001", "charge.succeeded", 1787133643,
                                    R"({"id":"ch_x","object":"charge","description":"a\u0000b"})");
  f.Admit(AdmitStripe(raw));
  f.Translate();
  CHECK(f.translator->stats().unparsed == 1);
  CHECK(DomainEventCount(f) == 0);
}

std::string Session(const char* id, const char* status, const char* payment_status,
                    const char* pi) {
  return std::string(R"({"id":")") + id + R"(","object":"checkout.session","status":")" +
         status + R"(","payment_status":")" + payment_status +
         R"(","amount_total":2500,"amount_subtotal":2500,"currency":"eur","customer":null,)"
         R"("customer_details":{"email":"Guest@Example.com ","name":"G"},"payment_intent":)" +
         (pi == nullptr ? std::string("null") : "\"" + std::string(pi) + "\"") +
         R"(,"created":1787000000})";
}

TEST_CASE("an expired session that is later reported paid is recorded as an anomaly") {
  IntakeFixture f;
  f.Admit(AdmitStripe(StripeEventJson("evt_exp00001", "checkout.session.expired", 1787100000,
                                      Session("cs_test_anomaly1", "expired", "unpaid", nullptr))));
  f.Admit(AdmitStripe(StripeEventJson("evt_cmp00001", "checkout.session.completed", 1787100100,
                                      Session("cs_test_anomaly1", "complete", "paid",
                                              "pi_anomaly1"))));
  f.Translate();
  std::vector<RecordedEvent> order = f.Stream("order-cs_test_anomaly1");
  REQUIRE(order.size() == 2);
  CHECK(order[0].event_type == "order.expired");
  CHECK(order[1].event_type == "order.anomaly_recorded");
  boost::json::object anomaly = PayloadObject(order[1]);
  CHECK(anomaly.at("kind") == "completed_after_expired");
  CHECK(anomaly.at("current").as_object().at("expired") == true);
  CHECK(anomaly.at("incoming").as_object().at("payment_status") == "paid");
  CHECK(f.translator->stats().anomalies == 1);
  // A guest: the id is derived from the e-mail, trimmed and case-folded.
  CHECK(PayloadObject(order[0]).at("customer_id") ==
        intake::GuestIdForEmail("guest@example.com").c_str());
  CHECK(intake::GuestIdForEmail(" GUEST@example.COM") ==
        intake::GuestIdForEmail("guest@example.com"));
  CHECK(intake::GuestIdForEmail("guest@example.com").size() == 6 + 32);
}

TEST_CASE("a payment reported canceled after it succeeded is an anomaly; status stays") {
  IntakeFixture f;
  f.AdmitStripeFixture("03_charge.succeeded.json");
  std::string canceled = ReadFixture("stripe/assembled/25_payment_intent.canceled.json");
  // The same cancellation, but for the card payment.
  std::string from = kCanceledPayment;
  canceled.replace(canceled.find(from), from.size(), kCardPayment);
  f.Admit(AdmitStripe(canceled));
  f.Translate();
  CHECK(f.StreamTypes(Payment(kCardPayment)) ==
        Types{"payment.succeeded", "payment.anomaly_recorded"});
  boost::json::object anomaly = PayloadObject(f.Stream(Payment(kCardPayment)).at(1));
  CHECK(anomaly.at("kind") == "canceled_after_succeeded");
  CHECK(anomaly.at("current").as_object().at("status") == "succeeded");
}

TEST_CASE("domain events keep the provider event's tenant; streams never mix tenants") {
  IntakeFixture f;
  f.Admit(AdmitStripe(ReadFixture("stripe/assembled/03_charge.succeeded.json"), "shop_a"));
  f.Translate();
  std::vector<RecordedEvent> payment = f.Stream(Payment(kCardPayment));
  REQUIRE(payment.size() == 1);
  CHECK(payment[0].tenant.value() == "shop_a");

  // Another tenant's event about the same PaymentIntent id is not appended to shop_a's stream.
  std::string refund = ReadFixture("stripe/assembled/08_charge.refunded.json");
  f.Admit(AdmitStripe(refund, "shop_b"));
  f.Translate();
  CHECK(f.Stream(Payment(kCardPayment)).size() == 1);
  CHECK(f.translator->stats().foreign_tenant == 1);
}

// Appends an unrelated event to the target stream just before the translator's first
// append, as a concurrent writer would.
class RacingStore final : public EventStoreWrapper {
 public:
  using EventStoreWrapper::EventStoreWrapper;
  Result<AppendResult> Append(const AppendRequest& request) override {
    if (request.stream.value().rfind("order-", 0) == 0 && !raced_.exchange(true)) {
      NewEvent note = ledger::testing::MakeEvent("order.note_added", R"({"note":"hi"})");
      Result<AppendResult> r = EventStoreWrapper::Append(
          AppendRequest{request.stream, ExpectedVersion::Any(), {note}});
      if (!r.ok()) return r.status();
    }
    return EventStoreWrapper::Append(request);
  }
  std::atomic<bool> raced_{false};
};

TEST_CASE("a Conflict from a concurrent writer is retried against the moved stream") {
  IntakeFixture f;
  f.AdmitStripeFixture("05_checkout.session.completed.json");
  RacingStore racing(&f.store);
  intake::Translator translator(racing, f.checkpoints, intake::TranslatorOptions{});
  REQUIRE(translator.CatchUp().ok());
  CHECK(racing.raced_);
  CHECK(f.StreamTypes(Order(kCardOrder)) ==
        Types{"order.note_added", "order.placed", "order.paid"});
}

TEST_CASE("Follow translates new events as they arrive and stops when asked") {
  IntakeFixture f;
  std::stop_source stop;
  intake::TranslatorOptions options;
  options.idle_wait = std::chrono::milliseconds(20);
  intake::Translator follower(f.store, f.checkpoints, options);
  Status followed;
  std::thread thread([&] { followed = follower.Follow(stop.get_token()); });
  f.AdmitStripeFixture("03_charge.succeeded.json");
  for (int i = 0; i < 500 && f.Stream(Payment(kCardPayment)).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop.request_stop();
  thread.join();
  CHECK(followed.ok());
  CHECK(f.StreamTypes(Payment(kCardPayment)) == Types{"payment.succeeded"});
}

}  // namespace
}  // namespace ledger::commands::testing
