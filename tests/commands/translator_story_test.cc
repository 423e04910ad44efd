// The assembled Stripe story (tests/fixtures/stripe/assembled, 25 events: a card checkout
// with a partial refund, a won dispute and an early fraud warning; a delayed payment that
// succeeds and one that fails; a declined card; an expired session) through the translator:
// what each provider event appends, and that any arrival order ends in the same state.
#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <map>
#include <random>

#include "commands/intake/order_state.h"
#include "commands/intake/payment_state.h"
#include "tests/commands/intake_fixture.h"
#include "tests/support/test_events.h"

namespace ledger::commands::testing {
namespace {

using Types = std::vector<std::string>;

std::string Order(const char* id) { return std::string("order-") + id; }
std::string Payment(const char* id) { return std::string("payment-") + id; }

// What each fixture appends when the story arrives in order: stream → types.
const std::map<std::string, std::map<std::string, Types>>& ExpectedPerFixture() {
  static const auto* expected = new std::map<std::string, std::map<std::string, Types>>{
      {"01_customer.created.json", {}},
      {"02_payment_intent.created.json", {}},
      {"03_charge.succeeded.json", {{Payment(kCardPayment), {"payment.succeeded"}}}},
      {"04_payment_intent.succeeded.json", {}},
      {"05_checkout.session.completed.json",
       {{Order(kCardOrder), {"order.placed", "order.paid"}}}},
      {"06_charge.updated.json", {}},
      {"07_customer.updated.json", {}},
      {"08_charge.refunded.json", {{Payment(kCardPayment), {"payment.refunded"}}}},
      {"09_refund.created.json", {}},
      {"10_refund.updated.json", {}},
      {"11_charge.refund.updated.json", {}},
      {"12_charge.dispute.created.json", {{Payment(kCardPayment), {"payment.disputed"}}}},
      {"13_charge.dispute.funds_withdrawn.json", {}},
      {"14_charge.dispute.updated.json", {{Payment(kCardPayment), {"payment.dispute_updated"}}}},
      {"15_charge.dispute.closed.json", {{Payment(kCardPayment), {"payment.dispute_won"}}}},
      {"16_charge.dispute.funds_reinstated.json", {}},
      {"17_radar.early_fraud_warning.created.json",
       {{Payment(kCardPayment), {"payment.early_fraud_warning"}}}},
      {"18_checkout.session.completed.unpaid_async.json",
       {{Order(kAsyncPaidOrder), {"order.placed"}}}},
      {"19_payment_intent.processing.json",
       {{Payment(kAsyncPaidPayment), {"payment.processing"}}}},
      {"20_checkout.session.async_payment_succeeded.json",
       {{Order(kAsyncPaidOrder), {"order.paid"}},
        {Payment(kAsyncPaidPayment), {"payment.succeeded"}}}},
      {"21_checkout.session.async_payment_failed.json",
       {{Order(kAsyncFailedOrder), {"order.placed", "order.payment_failed"}},
        {Payment(kAsyncFailedPayment), {"payment.failed"}}}},
      {"22_charge.failed.json", {{Payment(kDeclinedPayment), {"payment.failed"}}}},
      {"23_payment_intent.payment_failed.json", {}},
      {"24_checkout.session.expired.json", {{Order(kExpiredOrder), {"order.expired"}}}},
      {"25_payment_intent.canceled.json", {{Payment(kCanceledPayment), {"payment.canceled"}}}},
  };
  return *expected;
}

TEST_CASE("each assembled Stripe fixture appends exactly the expected domain events") {
  IntakeFixture f;
  for (const std::string& name : AssembledStripeFixtures()) {
    INFO(name);
    std::size_t before = f.Log().size();
    f.AdmitStripeFixture(name);
    f.Translate();
    std::vector<RecordedEvent> log = f.Log();
    REQUIRE(log.size() > before);
    const RecordedEvent& admitted = log[before];
    CHECK(admitted.event_type == "stripe.event_received");
    std::map<std::string, Types> appended;
    for (std::size_t i = before + 1; i < log.size(); ++i) {
      const RecordedEvent& e = log[i];
      appended[e.stream_id.value()].push_back(e.event_type);
      // Every domain event names the provider event that caused it.
      CHECK(e.metadata.causation_id == admitted.event_id.ToString());
      CHECK(PayloadObject(admitted).at("provider_event_id") == e.metadata.correlation_id.c_str());
      CHECK(e.metadata.actor == "stripe");
      CHECK(e.metadata.source == "translator");
      CHECK(e.tenant == admitted.tenant);
    }
    CHECK(appended == ExpectedPerFixture().at(name));
  }
  intake::TranslatorStats stats = f.translator->stats();
  CHECK(stats.provider_events == 25);
  CHECK(stats.unhandled_types == 2);  // customer.created, customer.updated
  CHECK(stats.anomalies == 0);
  CHECK(stats.translated + stats.unchanged + stats.unhandled_types == 25);
}

TEST_CASE("payloads carry amounts in minor units, currencies and customers") {
  IntakeFixture f;
  for (const std::string& name : AssembledStripeFixtures()) f.AdmitStripeFixture(name);
  f.Translate();

  std::vector<RecordedEvent> card = f.Stream(Order(kCardOrder));
  REQUIRE(card.size() == 2);
  boost::json::object placed = PayloadObject(card[0]);
  CHECK(placed.at("order_id") == kCardOrder);
  CHECK(placed.at("customer_id") == kCustomer);
  CHECK(placed.at("customer_source") == "stripe_customer");
  CHECK(placed.at("amount_total") == 5399);
  CHECK(placed.at("amount_subtotal") == 4800);
  CHECK(placed.at("amount_shipping") == 599);
  CHECK(placed.at("currency") == "USD");
  CHECK(placed.at("payment_intent_id") == kCardPayment);
  CHECK(placed.at("client_reference_id") == "order_7f3c2a");
  CHECK(placed.at("session_created_at") == "2026-08-19T10:00:00.000000Z");
  CHECK(placed.at("provider_event_id") == "evt_1RkT9xLmNp2QxYz4Cs01");
  CHECK(placed.at("at") == "2026-08-19T10:00:44.000000Z");
  boost::json::object paid = PayloadObject(card[1]);
  CHECK(paid.at("amount") == 5399);
  CHECK(paid.at("via") == "checkout");

  std::vector<RecordedEvent> payment = f.Stream(Payment(kCardPayment));
  boost::json::object refunded = PayloadObject(payment[1]);
  CHECK(refunded.at("amount_refunded") == 2400);
  CHECK(refunded.at("amount_delta") == 2400);
  CHECK(refunded.at("charge_amount") == 5399);
  boost::json::object disputed = PayloadObject(payment[2]);
  CHECK(disputed.at("dispute_id") == "dp_1RkU2aLmNp2QxYz4Dq9Wv3Bn");
  CHECK(disputed.at("amount") == 2999);
  CHECK(disputed.at("status") == "needs_response");
  CHECK(disputed.at("reason") == "product_not_received");

  // The expired session named no customer and no e-mail: a guest id from the session.
  boost::json::object expired = PayloadObject(f.Stream(Order(kExpiredOrder)).at(0));
  CHECK(expired.at("customer_id") == (std::string("guest_") + kExpiredOrder).c_str());
  CHECK(expired.at("customer_source") == "object");

  boost::json::object declined = PayloadObject(f.Stream(Payment(kDeclinedPayment)).at(0));
  CHECK(declined.at("failure_code") == "card_declined");
  CHECK(declined.at("decline_code") == "insufficient_funds");
  CHECK(declined.at("charge_id") == "ch_3RkX5dLmNp2QxYz43eG6kL7m");
}

// The state of every business stream of the story, without what depends on arrival (which
// provider event carried a fact first).
std::map<std::string, std::string> FinalStates(IntakeFixture& f) {
  std::map<std::string, std::string> states;
  for (const char* id : {kCardOrder, kAsyncPaidOrder, kAsyncFailedOrder, kExpiredOrder}) {
    std::vector<RecordedEvent> history = f.Stream(Order(id));
    intake::OrderState s = intake::FoldOrder(history);
    states[Order(id)] = boost::json::serialize(s.Summary()) +
                        " anomalies=" + std::to_string(s.anomalies);
  }
  for (const char* id : {kCardPayment, kAsyncPaidPayment, kAsyncFailedPayment, kDeclinedPayment,
                         kCanceledPayment}) {
    std::vector<RecordedEvent> history = f.Stream(Payment(id));
    Result<intake::PaymentState> s = intake::FoldPayment(history);
    REQUIRE(s.ok());
    std::string disputes;
    for (const auto& [dispute, rank] : s->disputes) disputes += dispute + ":" + std::to_string(rank);
    states[Payment(id)] = std::string(intake::PaymentStatusName(s->status)) +
                          " refunded=" + std::to_string(s->refunded) + " disputes=" + disputes +
                          " warnings=" + std::to_string(s->fraud_warnings.size()) +
                          " anomalies=" + std::to_string(s->anomalies);
  }
  return states;
}

std::map<std::string, std::string> StatesAfter(const std::vector<std::string>& order) {
  IntakeFixture f;
  for (const std::string& name : order) f.AdmitStripeFixture(name);
  f.Translate();
  return FinalStates(f);
}

TEST_CASE("the story in order ends in the expected states") {
  std::map<std::string, std::string> states = StatesAfter(AssembledStripeFixtures());
  auto order = [](const char* payment) {
    return std::string(R"({"placed":true,"expired":false,"payment":")") + payment +
           R"(","fulfilment":"none","cancelled":false} anomalies=0)";
  };
  CHECK(states[Order(kCardOrder)] == order("paid"));
  CHECK(states[Order(kAsyncPaidOrder)] == order("paid"));
  CHECK(states[Order(kAsyncFailedOrder)] == order("failed"));
  CHECK(states[Order(kExpiredOrder)] ==
        R"({"placed":false,"expired":true,"payment":"unpaid","fulfilment":"none","cancelled":false} anomalies=0)");
  CHECK(states[Payment(kCardPayment)] ==
        "succeeded refunded=2400 disputes=dp_1RkU2aLmNp2QxYz4Dq9Wv3Bn:3 warnings=1 anomalies=0");
  CHECK(states[Payment(kAsyncPaidPayment)] ==
        "succeeded refunded=0 disputes= warnings=0 anomalies=0");
  CHECK(states[Payment(kAsyncFailedPayment)] == "failed refunded=0 disputes= warnings=0 anomalies=0");
  CHECK(states[Payment(kDeclinedPayment)] == "failed refunded=0 disputes= warnings=0 anomalies=0");
  CHECK(states[Payment(kCanceledPayment)] ==
        "canceled refunded=0 disputes= warnings=0 anomalies=0");
}

TEST_CASE("reversed and shuffled deliveries converge on the same states") {
  std::vector<std::string> story = AssembledStripeFixtures();
  std::map<std::string, std::string> in_order = StatesAfter(story);

  std::vector<std::string> reversed(story.rbegin(), story.rend());
  CHECK(StatesAfter(reversed) == in_order);

  for (unsigned seed : {1u, 7u, 42u, 2026u, 31337u}) {
    INFO("seed " << seed);
    std::vector<std::string> shuffled = story;
    std::mt19937 rng(seed);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    CHECK(StatesAfter(shuffled) == in_order);
  }
}

TEST_CASE("a late older event never regresses state") {
  IntakeFixture f;
  // The delayed payment: settled first, then the older "processing" and "completed, unpaid".
  f.AdmitStripeFixture("20_checkout.session.async_payment_succeeded.json");
  f.Translate();
  f.AdmitStripeFixture("19_payment_intent.processing.json");
  f.AdmitStripeFixture("18_checkout.session.completed.unpaid_async.json");
  f.Translate();
  CHECK(f.StreamTypes(Order(kAsyncPaidOrder)) == Types{"order.placed", "order.paid"});
  // The late "processing" is recorded as history (its time and charge) and leaves the
  // payment succeeded; the late "completed, unpaid" says nothing new.
  CHECK(f.StreamTypes(Payment(kAsyncPaidPayment)) ==
        Types{"payment.succeeded", "payment.processing"});
  CHECK(f.translator->stats().unchanged == 1);
  Result<intake::PaymentState> state = intake::FoldPayment(f.Stream(Payment(kAsyncPaidPayment)));
  REQUIRE(state.ok());
  CHECK(state->status == intake::PaymentStatus::kSucceeded);
}

}  // namespace
}  // namespace ledger::commands::testing
