// The "orders" projector: one orders row per checkout session (order-<id> stream) and the
// order_lines known for it (Stripe line items when the session carried them; Printify SKUs
// once shipped). The row's status is derived from its facets, which only move forward.
#include <array>

#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "projections/orders/payload.h"

namespace ledger::projections::orders {
namespace {

constexpr std::array<std::string_view, 10> kHandled = {
    "order.placed",       "order.paid",    "order.payment_failed",
    "order.expired",      "order.cancelled", "order.submitted_to_printify",
    "order.in_production", "order.shipped", "order.delivered",
    "order.anomaly_recorded"};

constexpr std::array<std::string_view, 5> kStages = {"none", "submitted", "in_production",
                                                     "shipped", "delivered"};

int StageRank(std::string_view stage) {
  for (std::size_t i = 0; i < kStages.size(); ++i) {
    if (kStages[i] == stage) return static_cast<int>(i);
  }
  return 0;
}

// Invariant: only moves forward, like the translator's OrderState.
void AdvanceStage(Row& row, std::string_view column, std::string_view stage) {
  if (StageRank(stage) > StageRank(row.Text(column))) row.SetText(column, std::string(stage));
}

// cancelled > a fulfilment stage > paid > payment_failed > expired > awaiting_payment >
// pending (known only from Printify so far).
std::string StatusOf(const Row& o) {
  if (o.Bool("cancelled")) return "cancelled";
  std::string stage = o.Text("fulfilment_status");
  if (stage != "none") return stage;
  std::string payment = o.Text("payment_status");
  if (payment == "paid") return "paid";
  if (payment == "failed") return "payment_failed";
  if (!o.IsNull("expired_at")) return "expired";
  if (!o.IsNull("amount_total_minor")) return "awaiting_payment";
  return "pending";
}

Row NewOrder(const RecordedEvent& event, const std::string& order_id) {
  Row row(OrdersTable());
  row.SetText("tenant_id", event.tenant.value())
      .SetText("order_id", order_id)
      .SetText("status", "pending")
      .SetText("payment_status", "unpaid")
      .SetText("fulfilment_status", "none")
      .SetBool("cancelled", false)
      .SetInt("anomaly_count", 0);
  return row;
}

void ApplyOrderFields(const Payload& p, Row& o) {
  MergeCustomer(o, p);
  SetIfGiven(o, "customer_email", p.String("customer_email"));
  SetIfGiven(o, "customer_name", p.String("customer_name"));
  SetIfGiven(o, "amount_total_minor", p.Int("amount_total"));
  SetIfGiven(o, "amount_subtotal_minor", p.Int("amount_subtotal"));
  SetIfGiven(o, "amount_shipping_minor", p.Int("amount_shipping"));
  SetIfGiven(o, "amount_discount_minor", p.Int("amount_discount"));
  SetIfGiven(o, "amount_tax_minor", p.Int("amount_tax"));
  SetIfGiven(o, "currency", p.String("currency"));
  SetIfGiven(o, "payment_intent_id", p.String("payment_intent_id"));
  SetIfGiven(o, "client_reference_id", p.String("client_reference_id"));
  SetIfGiven(o, "created_at", p.Time("session_created_at"));
  if (std::optional<std::string> shipping = p.Json("shipping")) o.SetJson("shipping", *shipping);
}

class OrdersProjector final : public Projector {
 public:
  std::string_view name() const override { return "orders"; }
  // 2: the status index ends with order_id (a rebuild creates it).
  std::uint32_t version() const override { return 2; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override { return tables_; }
  bool Handles(std::string_view type) const override {
    for (std::string_view t : kHandled) {
      if (t == type) return true;
    }
    return false;
  }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    Payload p = Payload::Parse(event.payload);
    std::string order_id = p.String("order_id").value_or("");
    if (order_id.empty()) return Status::Ok();  // not an order event we can place
    Key key{event.tenant.value(), order_id};
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> stored, writer.Get(OrdersTable(), key));
    Row o = stored ? std::move(*stored) : NewOrder(event, order_id);
    LEDGER_RETURN_IF_ERROR(ApplyTo(event.event_type, p, o, writer));
    o.SetText("status", StatusOf(o));
    writer.Upsert(std::move(o));
    return Status::Ok();
  }

 private:
  Status ApplyTo(const std::string& type, const Payload& p, Row& o, ProjectionWriter& writer) {
    std::optional<Timestamp> at = p.Time("at");
    if (type == "order.placed") {
      ApplyOrderFields(p, o);
      return PutStripeLines(p, o, writer);
    }
    if (type == "order.expired") {
      ApplyOrderFields(p, o);
      SetIfGiven(o, "expired_at", at);
    } else if (type == "order.paid") {
      o.SetText("payment_status", "paid");
      SetIfGiven(o, "paid_at", at);
      SetIfGiven(o, "payment_intent_id", p.String("payment_intent_id"));
    } else if (type == "order.payment_failed") {
      if (o.Text("payment_status") != "paid") o.SetText("payment_status", "failed");
      SetIfGiven(o, "payment_failed_at", at);
    } else if (type == "order.cancelled") {
      o.SetBool("cancelled", true);
      SetIfGiven(o, "cancelled_at", at);
      SetIfGiven(o, "printify_order_id", p.String("printify_order_id"));
    } else if (type == "order.anomaly_recorded") {
      o.SetInt("anomaly_count", o.Int("anomaly_count") + 1);
      SetIfGiven(o, "last_anomaly", p.String("kind"));
    } else {
      return ApplyStage(type, p, o, writer);
    }
    return Status::Ok();
  }

  Status ApplyStage(const std::string& type, const Payload& p, Row& o,
                    ProjectionWriter& writer) {
    std::optional<Timestamp> at = p.Time("at");
    SetIfGiven(o, "printify_order_id", p.String("printify_order_id"));
    std::string_view stage;
    if (type == "order.submitted_to_printify") {
      stage = "submitted";
      SetIfGiven(o, "submitted_at", at);
    } else if (type == "order.in_production") {
      stage = "in_production";
      SetIfGiven(o, "in_production_at", at);
    } else if (type == "order.shipped") {
      stage = "shipped";
      std::optional<Timestamp> shipped = p.Time("shipped_at");
      SetIfGiven(o, "shipped_at", shipped ? shipped : at);
    } else {
      stage = "delivered";
      std::optional<Timestamp> delivered = p.Time("delivered_at");
      SetIfGiven(o, "delivered_at", delivered ? delivered : at);
    }
    AdvanceStage(o, "fulfilment_status", stage);
    if (stage == "shipped" || stage == "delivered") {
      SetIfGiven(o, "carrier", p.String("carrier"));
      SetIfGiven(o, "tracking_number", p.String("tracking_number"));
      return PutShippedLines(p, o, stage, writer);
    }
    return Status::Ok();
  }

  static Status PutStripeLines(const Payload& p, const Row& o, ProjectionWriter& writer) {
    const boost::json::array* lines = p.Array("lines");
    if (lines == nullptr) return Status::Ok();
    for (const boost::json::value& v : *lines) {
      if (!v.is_object()) continue;
      Payload line(v.get_object());
      std::optional<std::string> line_id = line.String("line_id");
      if (!line_id || line_id->empty()) continue;
      Key key{o.Text("tenant_id"), o.Text("order_id"), *line_id};
      LEDGER_ASSIGN_OR_RETURN(std::optional<Row> stored, writer.Get(OrderLinesTable(), key));
      Row l = stored ? std::move(*stored) : NewLine(o, *line_id, "stripe");
      l.Set("description", TextOrNull(line.String("description")))
          .Set("quantity", IntOrNull(line.Int("quantity")))
          .Set("amount_total_minor", IntOrNull(line.Int("amount_total")))
          .Set("currency", o.Get("currency"))
          .Set("price_id", TextOrNull(line.String("price_id")))
          .Set("product_id", TextOrNull(line.String("product_id")));
      writer.Upsert(std::move(l));
    }
    return Status::Ok();
  }

  static Status PutShippedLines(const Payload& p, const Row& o, std::string_view stage,
                                ProjectionWriter& writer) {
    const boost::json::array* skus = p.Array("skus");
    if (skus == nullptr) return Status::Ok();
    for (const boost::json::value& v : *skus) {
      if (!v.is_string()) continue;
      std::string sku(v.get_string());
      std::string line_id = "sku:" + sku;
      Key key{o.Text("tenant_id"), o.Text("order_id"), line_id};
      LEDGER_ASSIGN_OR_RETURN(std::optional<Row> stored, writer.Get(OrderLinesTable(), key));
      Row l = stored ? std::move(*stored) : NewLine(o, line_id, "printify");
      l.SetText("sku", sku);
      AdvanceStage(l, "fulfilment_status", stage);
      SetIfGiven(l, "carrier", p.String("carrier"));
      SetIfGiven(l, "tracking_number", p.String("tracking_number"));
      if (stage == "shipped") SetIfGiven(l, "shipped_at", p.Time("shipped_at"));
      if (stage == "delivered") SetIfGiven(l, "delivered_at", p.Time("delivered_at"));
      writer.Upsert(std::move(l));
    }
    return Status::Ok();
  }

  static Row NewLine(const Row& order, const std::string& line_id, std::string_view source) {
    Row l(OrderLinesTable());
    l.SetText("tenant_id", order.Text("tenant_id"))
        .SetText("order_id", order.Text("order_id"))
        .SetText("line_id", line_id)
        .Set("customer_id", order.Get("customer_id"))
        .SetText("source", std::string(source))
        .SetText("fulfilment_status", "none");
    return l;
  }

  std::array<TableSpec, 2> tables_{OrdersTable(), OrderLinesTable()};
};

}  // namespace

std::unique_ptr<Projector> MakeOrdersProjector() { return std::make_unique<OrdersProjector>(); }

}  // namespace ledger::projections::orders
