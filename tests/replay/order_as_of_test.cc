// Point-in-time reads of one order (queries/stream_fold.h): folding the order's stream up to a
// time gives the order as the live read model showed it then, scoped like every query.
#include <doctest/doctest.h>

#include "projections/memory_read_model_store.h"
#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "projections/runner.h"
#include "queries/stream_fold.h"
#include "tests/commands/intake_fixture.h"

namespace ledger::queries {
namespace {

namespace story = commands::testing;
using projections::Row;

constexpr std::int64_t kHour = 3'600'000'000;

// The Stripe story translated at `paid_at`, then the card order's Printify fulfilment
// translated an hour later.
struct History {
  History() {
    for (const std::string& name : story::AssembledStripeFixtures()) f.AdmitStripeFixture(name);
    f.Translate();
    f.clock.AdvanceMicros(kHour);
    fulfilled_at = f.clock.Now();
    f.LinkPrintify(story::kPrintifyOrder, story::kCardOrder);
    for (const std::string& name : story::PrintifyOrderFixtures()) {
      if (name.find("canceled") == std::string::npos) f.AdmitPrintifyFixture(name);
    }
    f.Translate();
    // The store keeps recorded_at strictly increasing, so the events above are a few
    // microseconds after fulfilled_at; a minute later they are all in.
    settled_at = Timestamp(fulfilled_at.value() + 60'000'000);
  }

  std::optional<OrderAsOf> Fold(const Scope& scope, Timestamp as_of) {
    Result<std::optional<OrderAsOf>> folded =
        FoldOrderAsOf(f.store, scope, story::kCardOrder, as_of);
    REQUIRE_MESSAGE(folded.ok(), folded.status().ToString());
    return *folded;
  }

  story::IntakeFixture f;
  Timestamp paid_at = f.clock.Now();
  Timestamp fulfilled_at{0};
  Timestamp settled_at{0};
};

const Scope kAdmin{.tenant_id = "default", .customer_id = std::nullopt};

TEST_CASE("as_of between payment and fulfilment shows the paid, unfulfilled order") {
  History h;
  std::optional<OrderAsOf> then = h.Fold(kAdmin, Timestamp(h.fulfilled_at.value() - 1));
  REQUIRE(then.has_value());
  CHECK(then->order.Text("status") == "paid");
  CHECK(then->order.Text("fulfilment_status") == "none");
  CHECK(then->order.IsNull("printify_order_id"));

  std::optional<OrderAsOf> now = h.Fold(kAdmin, h.settled_at);
  REQUIRE(now.has_value());
  CHECK(now->order.Text("status") == "delivered");
  CHECK(now->events > then->events);
  CHECK(now->position > then->position);
}

TEST_CASE("as_of at the head is exactly the live read model's order and lines") {
  History h;
  projections::MemoryReadModelStore live;
  std::vector<std::unique_ptr<projections::Projector>> projectors =
      projections::MakeOrderProjectors();
  std::vector<projections::Projector*> raw;
  for (auto& p : projectors) raw.push_back(p.get());
  REQUIRE(projections::ProjectToHead(h.f.store, live, raw).ok());

  std::vector<Row> live_orders;
  std::vector<Row> live_lines;
  REQUIRE(live.Scan(projections::orders::OrdersTable(), [&](const Row& row) {
                 if (row.Text("order_id") == story::kCardOrder) live_orders.push_back(row);
                 return Status::Ok();
               }).ok());
  REQUIRE(live.Scan(projections::orders::OrderLinesTable(), [&](const Row& row) {
                 if (row.Text("order_id") == story::kCardOrder) live_lines.push_back(row);
                 return Status::Ok();
               }).ok());
  REQUIRE(live_orders.size() == 1);
  REQUIRE(live_lines.size() == 2);

  std::optional<OrderAsOf> head = h.Fold(kAdmin, Timestamp(h.fulfilled_at.value() + kHour));
  REQUIRE(head.has_value());
  CHECK(head->order == live_orders.front());
  CHECK(head->lines == live_lines);
}

TEST_CASE("before the order's first event, or outside the caller's scope, there is no order") {
  History h;
  CHECK_FALSE(h.Fold(kAdmin, Timestamp(h.paid_at.value() - 1)).has_value());
  CHECK_FALSE(h.Fold(Scope{.tenant_id = "other", .customer_id = std::nullopt}, h.settled_at)
                  .has_value());
  CHECK_FALSE(h.Fold(Scope{.tenant_id = "default", .customer_id = "cus_someone_else"},
                     h.settled_at)
                  .has_value());
  std::optional<OrderAsOf> own =
      h.Fold(Scope{.tenant_id = "default", .customer_id = story::kCustomer}, h.settled_at);
  REQUIRE(own.has_value());
  CHECK(own->order.Text("customer_id") == story::kCustomer);
  CHECK(own->lines.size() == 2);
}

TEST_CASE("an order id that cannot name a stream is InvalidArgument") {
  History h;
  Result<std::optional<OrderAsOf>> bad = FoldOrderAsOf(h.f.store, kAdmin, "", h.fulfilled_at);
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::queries
