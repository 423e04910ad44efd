// Printify fulfilment (tests/fixtures/printify p01..p08) through the translator: linking a
// Printify order to the checkout it fulfils, parking events that arrive before the link, the
// fulfilment stages, late and duplicate news, and fulfilment anomalies.
#include <doctest/doctest.h>

#include <algorithm>

#include "commands/intake/printify_link.h"
#include "tests/commands/intake_fixture.h"

namespace ledger::commands::testing {
namespace {

using Types = std::vector<std::string>;

std::string Order(const char* id) { return std::string("order-") + id; }

const Types kPaidThenFulfilled{"order.placed",        "order.paid",     "order.submitted_to_printify",
                               "order.in_production", "order.shipped", "order.delivered"};

void AdmitCardCheckout(IntakeFixture& f) {
  f.AdmitStripeFixture("05_checkout.session.completed.json");
}

TEST_CASE("linked Printify order events become the order's fulfilment stages") {
  IntakeFixture f;
  AdmitCardCheckout(f);
  f.LinkPrintify(kPrintifyOrder, kCardOrder);
  f.LinkPrintify(kPrintifyCancelledOrder, kAsyncFailedOrder);
  f.AdmitStripeFixture("21_checkout.session.async_payment_failed.json");
  for (const std::string& name : PrintifyOrderFixtures()) f.AdmitPrintifyFixture(name);
  f.Translate();

  CHECK(f.StreamTypes(Order(kCardOrder)) == kPaidThenFulfilled);
  // on-hold, the second in-production report and "fulfilled" add nothing.
  std::vector<RecordedEvent> order = f.Stream(Order(kCardOrder));
  boost::json::object shipped = PayloadObject(order[4]);
  CHECK(shipped.at("printify_order_id") == kPrintifyOrder);
  CHECK(shipped.at("carrier") == "usps");
  CHECK(shipped.at("tracking_number") == "9400111899223197428490");
  CHECK(shipped.at("shipped_at") == "2026-08-21T16:40:00.000000Z");
  CHECK(shipped.at("skus").as_array().size() == 2);
  CHECK(shipped.at("shop_id") == 1234567);
  CHECK(order[4].metadata.actor == "printify");
  boost::json::object delivered = PayloadObject(order[5]);
  CHECK(delivered.at("delivered_at") == "2026-08-25T18:55:00.000000Z");

  CHECK(f.StreamTypes(Order(kAsyncFailedOrder)) ==
        Types{"order.placed", "order.payment_failed", "order.cancelled"});
  CHECK(f.translator->stats().anomalies == 0);
}

TEST_CASE("Printify events before the link are parked and translated when it arrives") {
  IntakeFixture f;
  AdmitCardCheckout(f);
  std::vector<std::string> printify = PrintifyOrderFixtures();
  std::reverse(printify.begin(), printify.end());  // and out of order, too
  for (const std::string& name : printify) {
    if (name.find("canceled") == std::string::npos) f.AdmitPrintifyFixture(name);
  }
  f.Translate();
  CHECK(f.StreamTypes(Order(kCardOrder)) == Types{"order.placed", "order.paid"});
  CHECK(f.translator->stats().deferred == 7);
  CHECK(f.Stream(intake::PrintifyOrderStream(kPrintifyOrder).value()).size() == 7);

  f.LinkPrintify(kPrintifyOrder, kCardOrder);
  f.Translate();
  // Delivered arrived first, so the earlier stages are news from the past: the order is
  // delivered, and the stream says so without regressing.
  CHECK(f.StreamTypes(Order(kCardOrder)) ==
        Types{"order.placed", "order.paid", "order.delivered"});

  // Linking again, or re-reading the link, changes nothing.
  f.LinkPrintify(kPrintifyOrder, kCardOrder);
  f.Translate();
  CHECK(f.StreamTypes(Order(kCardOrder)).size() == 3);
}

TEST_CASE("an external_id in the Printify event links without a link event") {
  IntakeFixture f;
  AdmitCardCheckout(f);
  std::string body = ReadFixture("printify/p01_order.created.json");
  std::string from = R"("shop_id":1234567)";
  REQUIRE(body.find(from) != std::string::npos);
  body.replace(body.find(from), from.size(),
               from + R"(,"external_id":")" + kCardOrder + "\"");
  f.Admit(AdmitPrintify(body));
  f.Translate();
  CHECK(f.StreamTypes(Order(kCardOrder)) ==
        Types{"order.placed", "order.paid", "order.submitted_to_printify"});
}

TEST_CASE("shipping an unpaid order records the shipment and an anomaly") {
  IntakeFixture f;
  f.AdmitStripeFixture("18_checkout.session.completed.unpaid_async.json");
  f.LinkPrintify(kPrintifyOrder, kAsyncPaidOrder);
  f.AdmitPrintifyFixture("p05_order.shipment.created.json");
  f.Translate();
  CHECK(f.StreamTypes(Order(kAsyncPaidOrder)) ==
        Types{"order.placed", "order.shipped", "order.anomaly_recorded"});
  boost::json::object anomaly = PayloadObject(f.Stream(Order(kAsyncPaidOrder)).at(2));
  CHECK(anomaly.at("kind") == "fulfilment_before_payment");
  CHECK(anomaly.at("current").as_object().at("payment") == "unpaid");
  CHECK(anomaly.at("incoming").as_object().at("type") == "order:shipment:created");
}

TEST_CASE("cancelling a shipped order, or fulfilling a cancelled one, is an anomaly") {
  IntakeFixture f;
  AdmitCardCheckout(f);
  f.LinkPrintify(kPrintifyOrder, kCardOrder);
  f.AdmitPrintifyFixture("p05_order.shipment.created.json");
  std::string cancel = ReadFixture("printify/p08_order.updated.canceled.json");
  std::string from = kPrintifyCancelledOrder;
  cancel.replace(cancel.find(from), from.size(), kPrintifyOrder);
  f.Admit(AdmitPrintify(cancel));
  f.Translate();
  CHECK(f.StreamTypes(Order(kCardOrder)) ==
        Types{"order.placed", "order.paid", "order.shipped", "order.anomaly_recorded"});
  CHECK(PayloadObject(f.Stream(Order(kCardOrder)).back()).at("kind") ==
        "cancelled_after_shipment");

  IntakeFixture g;
  g.AdmitStripeFixture("21_checkout.session.async_payment_failed.json");
  g.LinkPrintify(kPrintifyCancelledOrder, kAsyncFailedOrder);
  g.AdmitPrintifyFixture("p08_order.updated.canceled.json");
  std::string late = ReadFixture("printify/p03_order.sent-to-production.json");
  late.replace(late.find(kPrintifyOrder), std::string(kPrintifyOrder).size(),
               kPrintifyCancelledOrder);
  g.Admit(AdmitPrintify(late));
  g.Translate();
  CHECK(g.StreamTypes(Order(kAsyncFailedOrder)) ==
        Types{"order.placed", "order.payment_failed", "order.cancelled",
              "order.anomaly_recorded"});
  CHECK(PayloadObject(g.Stream(Order(kAsyncFailedOrder)).back()).at("kind") ==
        "fulfilment_after_cancel");
}

TEST_CASE("a link needs both ids") {
  CHECK(intake::MakePrintifyLinkRequest(TenantId("default"), "", "cs_1", std::nullopt, {})
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(intake::MakePrintifyLinkRequest(TenantId("default"), "66c", "has space", std::nullopt,
                                        {})
            .status()
            .code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::commands::testing
