// The "payments" projector: one payments row per Stripe PaymentIntent (payment-<id> stream)
// with its status, the cumulative refunded amount, its latest dispute and any early fraud
// warning. order.placed links the row to its order (and creates it, status "pending", when
// the order is the first news of the payment).
#include <algorithm>
#include <array>

#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "projections/orders/payload.h"

namespace ledger::projections::orders {
namespace {

constexpr std::array<std::string_view, 12> kHandled = {
    "order.placed",           "payment.processing",      "payment.succeeded",
    "payment.failed",         "payment.canceled",        "payment.refunded",
    "payment.disputed",       "payment.dispute_updated", "payment.dispute_won",
    "payment.dispute_lost",   "payment.early_fraud_warning", "payment.anomaly_recorded"};

bool IsFinal(std::string_view status) { return status == "succeeded" || status == "canceled"; }

int DisputeRank(std::string_view status) {
  if (status == "needs_response" || status == "warning_needs_response") return 1;
  if (status == "under_review" || status == "warning_under_review") return 2;
  if (status == "won" || status == "lost" || status == "warning_closed" ||
      status == "prevented") {
    return 3;
  }
  return 0;
}

Row NewPayment(const RecordedEvent& event, const std::string& pi) {
  Row row(PaymentsTable());
  row.SetText("tenant_id", event.tenant.value())
      .SetText("payment_intent_id", pi)
      .SetText("status", "pending")
      .SetInt("refunded_minor", 0)
      .SetText("refund_status", "none")
      .SetBool("early_fraud_warning", false)
      .SetInt("anomaly_count", 0);
  return row;
}

// none, partial or full: against what was received (else the amount asked).
std::string RefundStatusOf(const Row& r) {
  std::int64_t refunded = r.Int("refunded_minor");
  if (refunded <= 0) return "none";
  std::int64_t base = r.Int("amount_received_minor");
  if (base <= 0) base = r.Int("amount_minor");
  return base > 0 && refunded >= base ? "full" : "partial";
}

void ApplyStatus(const std::string& type, const Payload& p, Row& r) {
  std::string status = type.substr(std::string_view("payment.").size());
  std::optional<Timestamp> at = p.Time("at");
  // Once the payment is final, a status event is a restatement (the translator learnt an
  // earlier time for a known status) or an earlier attempt's news arriving late: either way
  // the earliest time reported is when it happened, whatever the arrival order.
  std::optional<Timestamp> known = r.Time(status + "_at");
  if (IsFinal(r.Text("status")) && known && at && *known < *at) at = known;
  SetIfGiven(r, status + "_at", at);
  MergeCustomer(r, p);
  SetIfGiven(r, "currency", p.String("currency"));
  SetIfGiven(r, "order_id", p.String("order_id"));
  if (p.String("charge_id") && (r.IsNull("charge_id") || status == "succeeded")) {
    r.SetText("charge_id", *p.String("charge_id"));
  }
  // The translator never moves a final status; neither does the row (a late non-final
  // event of another attempt only fills in its own time above).
  if (IsFinal(r.Text("status"))) return;
  r.SetText("status", status);
  SetIfGiven(r, "amount_minor", p.Int("amount"));
  SetIfGiven(r, "amount_received_minor", p.Int("amount_received"));
  if (status == "failed") {
    r.Set("failure_code", TextOrNull(p.String("failure_code")))
        .Set("decline_code", TextOrNull(p.String("decline_code")))
        .Set("failure_message", TextOrNull(p.String("failure_message")));
  }
  if (status == "canceled") {
    SetIfGiven(r, "cancellation_reason", p.String("cancellation_reason"));
  }
}

void ApplyDispute(const std::string& type, const Payload& p, Row& r) {
  std::optional<std::string> id = p.String("dispute_id");
  if (!id) return;
  // The row shows one dispute: the first seen, unless another is opened later (by id).
  if (!r.IsNull("dispute_id") && r.Text("dispute_id") != *id) {
    std::optional<Timestamp> opened = p.Time("disputed_at");
    std::optional<Timestamp> shown = r.Time("disputed_at");
    if (type != "payment.disputed" || !opened || (shown && *opened <= *shown)) return;
    r.SetNull("dispute_status").SetNull("dispute_closed_at");
  }
  r.SetText("dispute_id", *id);
  SetIfGiven(r, "dispute_amount_minor", p.Int("amount"));
  SetIfGiven(r, "dispute_reason", p.String("reason"));
  SetIfGiven(r, "disputed_at", p.Time("disputed_at"));
  std::string status = p.String("status").value_or("");
  if (type == "payment.dispute_won" && status.empty()) status = "won";
  if (type == "payment.dispute_lost" && status.empty()) status = "lost";
  if (DisputeRank(status) >= DisputeRank(r.Text("dispute_status"))) {
    r.SetText("dispute_status", status);
  }
  if (type == "payment.dispute_won" || type == "payment.dispute_lost") {
    // The earliest closing time: the translator restates it when charge.dispute.closed
    // arrives after charge.dispute.funds_reinstated.
    std::optional<Timestamp> closed = p.Time("at");
    std::optional<Timestamp> known = r.Time("dispute_closed_at");
    if (known && closed && *known < *closed) closed = known;
    SetIfGiven(r, "dispute_closed_at", closed);
  }
  if (r.IsNull("charge_id")) SetIfGiven(r, "charge_id", p.String("charge_id"));
}

class PaymentsProjector final : public Projector {
 public:
  std::string_view name() const override { return "payments"; }
  // 2: a final payment's status times and a dispute's closing time keep the earliest reported.
  std::uint32_t version() const override { return 2; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override { return tables_; }
  bool Handles(std::string_view type) const override {
    return std::find(kHandled.begin(), kHandled.end(), type) != kHandled.end();
  }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    Payload p = Payload::Parse(event.payload);
    std::optional<std::string> pi = p.String("payment_intent_id");
    if (!pi || pi->empty()) return Status::Ok();  // an order without a PaymentIntent
    Key key{event.tenant.value(), *pi};
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> stored, writer.Get(PaymentsTable(), key));
    Row r = stored ? std::move(*stored) : NewPayment(event, *pi);
    const std::string& type = event.event_type;
    if (type == "order.placed") {
      SetIfGiven(r, "order_id", p.String("order_id"));
      MergeCustomer(r, p);
      if (r.IsNull("amount_minor")) SetIfGiven(r, "amount_minor", p.Int("amount_total"));
      if (r.IsNull("currency")) SetIfGiven(r, "currency", p.String("currency"));
    } else if (type == "payment.refunded") {
      r.SetInt("refunded_minor",
               std::max(r.Int("refunded_minor"), p.Int("amount_refunded").value_or(0)));
      SetIfGiven(r, "last_refund_id", p.String("refund_id"));
      SetIfGiven(r, "refunded_at", p.Time("at"));
      if (r.IsNull("charge_id")) SetIfGiven(r, "charge_id", p.String("charge_id"));
      if (r.IsNull("currency")) SetIfGiven(r, "currency", p.String("currency"));
    } else if (type.rfind("payment.dispute", 0) == 0) {
      ApplyDispute(type, p, r);
    } else if (type == "payment.early_fraud_warning") {
      r.SetBool("early_fraud_warning", true);
      SetIfGiven(r, "fraud_type", p.String("fraud_type"));
      SetIfGiven(r, "fraud_warned_at", p.Time("warned_at"));
      if (r.IsNull("charge_id")) SetIfGiven(r, "charge_id", p.String("charge_id"));
    } else if (type == "payment.anomaly_recorded") {
      r.SetInt("anomaly_count", r.Int("anomaly_count") + 1);
      SetIfGiven(r, "last_anomaly", p.String("kind"));
    } else {
      ApplyStatus(type, p, r);
    }
    r.SetText("refund_status", RefundStatusOf(r));
    writer.Upsert(std::move(r));
    return Status::Ok();
  }

 private:
  std::array<TableSpec, 1> tables_{PaymentsTable()};
};

}  // namespace

std::unique_ptr<Projector> MakePaymentsProjector() {
  return std::make_unique<PaymentsProjector>();
}

}  // namespace ledger::projections::orders
