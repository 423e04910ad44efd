// The orders, payments, order_lines and provider_events read models of the assembled Stripe
// story (and the Printify fulfilment of its card order), spelled out row by row.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "commands/event_types.h"
#include "projections/memory_read_model_store.h"
#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "projections/runner.h"
#include "tests/commands/intake_fixture.h"

namespace ledger::projections::orders {
namespace {

using commands::testing::IntakeFixture;
namespace story = commands::testing;

Timestamp Seconds(std::int64_t s) { return Timestamp(s * 1'000'000); }

// Translates what `f` holds and projects the log with the runtime.
class Projected {
 public:
  explicit Projected(IntakeFixture& f) {
    f.Translate();
    projectors_ = MakeOrderProjectors();
    std::vector<Projector*> raw;
    for (auto& p : projectors_) raw.push_back(p.get());
    Status done = ProjectToHead(f.store, rows, raw);
    REQUIRE_MESSAGE(done.ok(), done.ToString());
  }

  // Every row of `table` by its key's second column (order_id, payment_intent_id, event_id).
  std::map<std::string, Row> Rows(const TableSpec& table) {
    std::map<std::string, Row> out;
    Status scanned = rows.Scan(table, [&](const Row& row) {
      std::string key;
      for (std::size_t i = 1; i < table.primary_key.size(); ++i) {
        key += (i > 1 ? "|" : "") + row.Text(table.primary_key[i]);
      }
      out.emplace(key, row);
      return Status::Ok();
    });
    REQUIRE(scanned.ok());
    return out;
  }

  MemoryReadModelStore rows;

 private:
  std::vector<std::unique_ptr<Projector>> projectors_;
};

void AdmitStory(IntakeFixture& f, std::vector<std::string> names) {
  for (const std::string& name : names) f.AdmitStripeFixture(name);
}

TEST_CASE("the assembled Stripe story yields these orders rows") {
  IntakeFixture f;
  AdmitStory(f, story::AssembledStripeFixtures());
  Projected p(f);
  std::map<std::string, Row> orders = p.Rows(OrdersTable());
  REQUIRE(orders.size() == 4);

  const Row& card = orders.at(story::kCardOrder);
  CHECK(card.Text("tenant_id") == "default");
  CHECK(card.Text("customer_id") == story::kCustomer);
  CHECK(card.Text("customer_source") == "stripe_customer");
  CHECK(card.Text("customer_email") == "jordan.rivera@example.com");
  CHECK(card.Text("customer_name") == "Jordan Rivera");
  CHECK(card.Text("status") == "paid");
  CHECK(card.Text("payment_status") == "paid");
  CHECK(card.Text("fulfilment_status") == "none");
  CHECK(card.Bool("cancelled") == false);
  CHECK(card.Int("amount_total_minor") == 5399);
  CHECK(card.Int("amount_subtotal_minor") == 4800);
  CHECK(card.Int("amount_shipping_minor") == 599);
  CHECK(card.Int("amount_discount_minor") == 0);
  CHECK(card.Int("amount_tax_minor") == 0);
  CHECK(card.Text("currency") == "USD");
  CHECK(card.Text("payment_intent_id") == story::kCardPayment);
  CHECK(card.Text("client_reference_id") == "order_7f3c2a");
  CHECK(card.Time("created_at") == Seconds(1787133600));
  CHECK(card.Time("paid_at") == Seconds(1787133644));
  CHECK(card.IsNull("expired_at"));
  CHECK(card.Int("anomaly_count") == 0);

  const Row& async_paid = orders.at(story::kAsyncPaidOrder);
  CHECK(async_paid.Text("status") == "paid");
  CHECK(async_paid.Text("customer_id") == story::kCustomer);
  CHECK(async_paid.Int("amount_total_minor") == 5399);
  CHECK(async_paid.Text("currency") == "USD");
  CHECK(async_paid.Text("payment_intent_id") == story::kAsyncPaidPayment);
  CHECK(async_paid.Time("paid_at") == Seconds(1787482800));

  const Row& async_failed = orders.at(story::kAsyncFailedOrder);
  CHECK(async_failed.Text("status") == "payment_failed");
  CHECK(async_failed.Text("payment_status") == "failed");
  CHECK(async_failed.Text("customer_id") == story::kCustomer);
  CHECK(async_failed.Int("amount_total_minor") == 5399);
  CHECK(async_failed.Text("payment_intent_id") == story::kAsyncFailedPayment);
  CHECK(async_failed.Time("payment_failed_at") == Seconds(1787483400));
  CHECK(async_failed.IsNull("paid_at"));

  const Row& expired = orders.at(story::kExpiredOrder);
  CHECK(expired.Text("status") == "expired");
  CHECK(expired.Text("payment_status") == "unpaid");
  CHECK(expired.Text("customer_id") == std::string("guest_") + story::kExpiredOrder);
  CHECK(expired.Text("customer_source") == "object");
  CHECK(expired.IsNull("customer_email"));
  CHECK(expired.Int("amount_total_minor") == 5399);
  CHECK(expired.Text("currency") == "USD");
  CHECK(expired.IsNull("payment_intent_id"));
  CHECK(expired.Time("expired_at") == Seconds(1787230812));
}

TEST_CASE("the assembled Stripe story yields these payments rows") {
  IntakeFixture f;
  AdmitStory(f, story::AssembledStripeFixtures());
  Projected p(f);
  std::map<std::string, Row> payments = p.Rows(PaymentsTable());
  REQUIRE(payments.size() == 5);

  const Row& card = payments.at(story::kCardPayment);
  CHECK(card.Text("customer_id") == story::kCustomer);
  CHECK(card.Text("order_id") == story::kCardOrder);
  CHECK(card.Text("status") == "succeeded");
  CHECK(card.Int("amount_minor") == 5399);
  CHECK(card.Int("amount_received_minor") == 5399);
  CHECK(card.Text("currency") == "USD");
  CHECK(card.Text("charge_id") == "ch_3RkT9wLmNp2QxYz40aB3fG4h");
  CHECK(card.Int("refunded_minor") == 2400);
  CHECK(card.Text("refund_status") == "partial");
  CHECK(card.Time("refunded_at") == Seconds(1787565601));
  CHECK(card.Text("dispute_id") == "dp_1RkU2aLmNp2QxYz4Dq9Wv3Bn");
  CHECK(card.Text("dispute_status") == "won");
  CHECK(card.Int("dispute_amount_minor") == 2999);
  CHECK(card.Text("dispute_reason") == "product_not_received");
  CHECK(card.Time("disputed_at") == Seconds(1788170400));
  CHECK(card.Time("dispute_closed_at") == Seconds(1791626400));
  CHECK(card.Bool("early_fraud_warning") == true);
  CHECK(card.Text("fraud_type") == "made_with_stolen_card");
  CHECK(card.Time("succeeded_at") == Seconds(1787133643));
  CHECK(card.Int("anomaly_count") == 0);

  const Row& async_paid = payments.at(story::kAsyncPaidPayment);
  CHECK(async_paid.Text("status") == "succeeded");
  CHECK(async_paid.Text("order_id") == story::kAsyncPaidOrder);
  CHECK(async_paid.Text("customer_id") == story::kCustomer);
  CHECK(async_paid.Int("amount_minor") == 5399);
  CHECK(async_paid.Int("amount_received_minor") == 5399);
  CHECK(async_paid.Text("charge_id") == "ch_3RkV0bLmNp2QxYz41cE4jK5l");
  CHECK(async_paid.Int("refunded_minor") == 0);
  CHECK(async_paid.Text("refund_status") == "none");
  CHECK(async_paid.IsNull("dispute_status"));
  CHECK(async_paid.Time("processing_at") == Seconds(1787137229));
  CHECK(async_paid.Time("succeeded_at") == Seconds(1787482800));

  const Row& async_failed = payments.at(story::kAsyncFailedPayment);
  CHECK(async_failed.Text("status") == "failed");
  CHECK(async_failed.Text("order_id") == story::kAsyncFailedOrder);
  CHECK(async_failed.Text("failure_code") == "async_payment_failed");
  CHECK(async_failed.Int("amount_minor") == 5399);
  CHECK(async_failed.Int("amount_received_minor") == 0);

  const Row& declined = payments.at(story::kDeclinedPayment);
  CHECK(declined.Text("status") == "failed");
  CHECK(declined.Text("customer_id") == story::kCustomer);
  CHECK(declined.IsNull("order_id"));
  CHECK(declined.Text("charge_id") == "ch_3RkX5dLmNp2QxYz43eG6kL7m");
  CHECK(declined.Text("failure_code") == "card_declined");
  CHECK(declined.Text("decline_code") == "insufficient_funds");
  CHECK(declined.Text("failure_message") == "Your card has insufficient funds.");
  CHECK(declined.Int("amount_minor") == 5399);
  CHECK(declined.Time("failed_at") == Seconds(1787140802));

  const Row& canceled = payments.at(story::kCanceledPayment);
  CHECK(canceled.Text("status") == "canceled");
  CHECK(canceled.Text("cancellation_reason") == "automatic");
  CHECK(canceled.Text("customer_id") == story::kCustomer);
  CHECK(canceled.Int("amount_minor") == 5399);
  CHECK(canceled.Int("amount_received_minor") == 0);
  CHECK(canceled.Time("canceled_at") == Seconds(1787230812));
}

TEST_CASE("provider_events lists every admitted event and whether it was translated") {
  IntakeFixture f;
  AdmitStory(f, story::AssembledStripeFixtures());
  Projected p(f);
  std::map<std::string, Row> inbox = p.Rows(ProviderEventsTable());
  REQUIRE(inbox.size() == 25);
  std::map<std::string, const Row*> by_provider_id;
  int translated = 0;
  for (const auto& [_, row] : inbox) {
    by_provider_id[row.Text("provider_event_id")] = &row;
    if (row.Bool("translated")) ++translated;
    CHECK(row.Text("provider") == "stripe");
    CHECK(!row.IsNull("received_at"));
  }
  CHECK(translated == 14);
  const Row& completed = *by_provider_id.at("evt_1RkT9xLmNp2QxYz4Cs01");
  CHECK(completed.Text("event_type") == "checkout.session.completed");
  CHECK(completed.Text("object_id") == story::kCardOrder);
  CHECK(completed.Text("stream_id") == "stripe-evt_1RkT9xLmNp2QxYz4Cs01");
  CHECK(completed.Time("provider_created_at") == Seconds(1787133644));
  CHECK(completed.Int("domain_event_count") == 2);
  CHECK(completed.Text("domain_event_types") == "order.placed,order.paid");
  const Row& customer = *by_provider_id.at("evt_1RkT9vLmNp2QxYz4Ce01");
  CHECK(customer.Text("event_type") == "customer.created");
  CHECK(customer.Bool("translated") == false);
  CHECK(customer.Int("domain_event_count") == 0);
}

TEST_CASE("the story delivered in reverse projects the same orders and payments") {
  IntakeFixture in_order;
  AdmitStory(in_order, story::AssembledStripeFixtures());
  Projected a(in_order);
  std::vector<std::string> names = story::AssembledStripeFixtures();
  std::reverse(names.begin(), names.end());
  IntakeFixture reversed;
  AdmitStory(reversed, names);
  Projected b(reversed);
  CHECK(a.Rows(OrdersTable()) == b.Rows(OrdersTable()));
  std::map<std::string, Row> pa = a.Rows(PaymentsTable());
  std::map<std::string, Row> pb = b.Rows(PaymentsTable());
  // What a payment is converges; *_at times, charge_id and last_refund_id record the first
  // report the translator acted on, which can differ with arrival order (documented in
  // docs/read-models.md).
  const char* kConvergent[] = {"customer_id", "customer_source", "order_id", "status",
                               "amount_minor", "amount_received_minor", "currency",
                               "refunded_minor", "refund_status", "dispute_id",
                               "dispute_status", "dispute_amount_minor", "dispute_reason",
                               "disputed_at", "early_fraud_warning", "fraud_type",
                               "fraud_warned_at", "failure_code", "decline_code",
                               "cancellation_reason", "anomaly_count"};
  REQUIRE(pa.size() == pb.size());
  for (const auto& [key, row] : pa) {
    INFO(key);
    REQUIRE(pb.contains(key));
    for (const char* column : kConvergent) {
      INFO(column);
      CHECK(CanonicalValue(row.Get(column)) == CanonicalValue(pb.at(key).Get(column)));
    }
  }
}

TEST_CASE("Printify fulfilment moves the card order to delivered, with its shipped lines") {
  IntakeFixture f;
  AdmitStory(f, story::AssembledStripeFixtures());
  f.LinkPrintify(story::kPrintifyOrder, story::kCardOrder);
  for (const std::string& name : story::PrintifyOrderFixtures()) {
    if (name.find("canceled") == std::string::npos) f.AdmitPrintifyFixture(name);
  }
  Projected p(f);
  const Row card = p.Rows(OrdersTable()).at(story::kCardOrder);
  CHECK(card.Text("status") == "delivered");
  CHECK(card.Text("payment_status") == "paid");
  CHECK(card.Text("fulfilment_status") == "delivered");
  CHECK(card.Text("printify_order_id") == story::kPrintifyOrder);
  CHECK(card.Text("carrier") == "usps");
  CHECK(card.Text("tracking_number") == "9400111899223197428490");
  CHECK(card.Time("submitted_at") == Timestamp(1787133600'000'000 + 72'000'000));
  CHECK(card.Time("shipped_at") == Seconds(1787330400));
  CHECK(card.Time("delivered_at") == Seconds(1787684100));

  std::map<std::string, Row> lines = p.Rows(OrderLinesTable());
  REQUIRE(lines.size() == 2);
  for (const auto& [key, line] : lines) {
    CHECK(line.Text("order_id") == story::kCardOrder);
    CHECK(line.Text("customer_id") == story::kCustomer);
    CHECK(line.Text("source") == "printify");
    CHECK(line.Text("fulfilment_status") == "delivered");
    CHECK(line.Text("tracking_number") == "9400111899223197428490");
  }
  CHECK(lines.contains(std::string(story::kCardOrder) + "|sku:23473528376422437381"));
}

TEST_CASE("every event type the translator appends to orders and payments is projected") {
  std::vector<std::unique_ptr<Projector>> projectors = MakeOrderProjectors();
  for (const commands::EventTypeInfo& info : commands::TranslatorEventTypes()) {
    if (info.stream_category != "order" && info.stream_category != "payment") continue;
    INFO(info.type);
    bool business = std::any_of(projectors.begin(), projectors.end(), [&](const auto& p) {
      return p->name() != "provider_events" && p->Handles(info.type);
    });
    CHECK(business);
  }
  for (const auto& p : projectors) {
    for (const TableSpec& t : p->tables()) CHECK(ValidateTableSpec(t).empty());
  }
}

}  // namespace
}  // namespace ledger::projections::orders
