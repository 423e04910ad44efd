// The "provider_events" projector: the support inbox. One row per admitted Stripe or Printify
// event, keyed by its ledger event id, marked translated when the translator appends a
// domain event it caused (metadata.causation_id), or deferred while a Printify event waits
// for its order link.
#include <array>

#include "projections/orders/order_projectors.h"
#include "projections/orders/order_tables.h"
#include "projections/orders/payload.h"

namespace ledger::projections::orders {
namespace {

// Stripe: data.object.id; Printify: resource.id (a string, or a number for shops).
std::optional<std::string> ObjectIdOf(std::string_view provider, const Payload& p) {
  Payload body = p.Object("body");
  if (provider == "stripe") return body.Object("data").Object("object").String("id");
  Payload resource = body.Object("resource");
  if (std::optional<std::string> id = resource.String("id")) return id;
  if (std::optional<std::int64_t> id = resource.Int("id")) return std::to_string(*id);
  return p.String("resource_id");
}

std::optional<Timestamp> ProviderCreatedAt(std::string_view provider, const Payload& p) {
  if (provider == "stripe") {
    constexpr std::int64_t kMicrosPerSecond = 1'000'000;
    std::optional<std::int64_t> created = p.Int("created");
    if (!created) return std::nullopt;
    return Timestamp(*created * kMicrosPerSecond);
  }
  return p.Time("created_at");
}

class ProviderEventsProjector final : public Projector {
 public:
  std::string_view name() const override { return "provider_events"; }
  std::uint32_t version() const override { return 1; }
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
    Payload p = Payload::Parse(event.payload);
    std::string provider = event.event_type == kStripeReceived ? "stripe" : "printify";
    Row row(ProviderEventsTable());
    row.SetText("tenant_id", event.tenant.value())
        .SetText("event_id", event.event_id.ToString())
        .SetText("provider", provider)
        .SetText("provider_event_id", p.String("provider_event_id").value_or(""))
        .SetText("event_type", p.String("type").value_or(""))
        .Set("object_id", TextOrNull(ObjectIdOf(provider, p)))
        .SetText("stream_id", event.stream_id.value())
        .SetTime("received_at", event.recorded_at)
        .Set("provider_created_at", TimeOrNull(ProviderCreatedAt(provider, p)))
        .Set("parse_error", TextOrNull(p.String("parse_error")))
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
