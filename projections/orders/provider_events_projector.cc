// The "provider_events" projector: the support inbox. One row per admitted Stripe or Printify
// event, keyed by its ledger event id, marked translated when the translator appends a
// domain event it caused (metadata.causation_id), or deferred while a Printify event waits
// for its order link.
#include <array>

#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "projections/orders/payload.h"
#include "projections/orders/provider_event_fields.h"

namespace ledger::projections::orders {
namespace {

class ProviderEventsProjector final : public Projector {
 public:
  std::string_view name() const override { return "provider_events"; }
  // 2: payload fields read by ReadProviderEventFields (deeply nested payloads are read).
  std::uint32_t version() const override { return 2; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override { return tables_; }
  bool Handles(std::string_view type) const override {
    return type == kStripeReceived || type == kPrintifyReceived || type == kPrintifyDeferred ||
           type.rfind("order.", 0) == 0 || type.rfind("payment.", 0) == 0;
  }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    if (event.event_type == kStripeReceived || event.event_type == kPrintifyReceived) {
      writer.Upsert(Received(event));
      return Status::Ok();
    }
    // A domain event: mark the provider event that caused it, if it is one.
    const std::string& cause = event.metadata.causation_id;
    if (cause.empty()) return Status::Ok();
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> stored,
                            writer.Get(ProviderEventsTable(), Key{event.tenant.value(), cause}));
    if (!stored) return Status::Ok();
    Row row = std::move(*stored);
    if (event.event_type == kPrintifyDeferred) {
      row.SetBool("deferred", true);
    } else {
      std::string types = row.Text("domain_event_types");
      row.SetBool("translated", true)
          .SetInt("domain_event_count", row.Int("domain_event_count") + 1)
          .SetText("domain_event_types", types.empty() ? event.event_type
                                                       : types + "," + event.event_type);
    }
    writer.Upsert(std::move(row));
    return Status::Ok();
  }

 private:
  static Row Received(const RecordedEvent& event) {
    const bool stripe = event.event_type == kStripeReceived;
    ProviderEventFields p =
        ReadProviderEventFields(stripe ? Provider::kStripe : Provider::kPrintify, event.payload);
    Row row(ProviderEventsTable());
    row.SetText("tenant_id", event.tenant.value())
        .SetText("event_id", event.event_id.ToString())
        .SetText("provider", stripe ? "stripe" : "printify")
        .SetText("provider_event_id", p.provider_event_id.value_or(""))
        .SetText("event_type", p.type.value_or(""))
        .Set("object_id", TextOrNull(p.object_id))
        .SetText("stream_id", event.stream_id.value())
        .SetTime("received_at", event.recorded_at)
        .Set("provider_created_at", TimeOrNull(p.created_at))
        .Set("parse_error", TextOrNull(p.parse_error))
        .SetBool("translated", false)
        .SetBool("deferred", false)
        .SetInt("domain_event_count", 0);
    return row;
  }

  std::array<TableSpec, 1> tables_{ProviderEventsTable()};
};

}  // namespace

std::unique_ptr<Projector> MakeProviderEventsProjector() {
  return std::make_unique<ProviderEventsProjector>();
}

}  // namespace ledger::projections::orders
