// The "screening_decisions" projector: one row per screening.decided event, the audit view of
// rights screening (what was decided, by which rule, on what evidence, under which rule set).
#include <boost/json/array.hpp>

#include "projections/content/content_projectors.h"
#include "projections/content/content_tables.h"
#include "projections/content/payload.h"

namespace ledger::projections::content {
namespace {

// The first (strictest) rule that fired, or an empty payload when none did.
Payload DecidingFinding(const Payload& decided) {
  const boost::json::array* rules = decided.Array("rules");
  if (rules == nullptr || rules->empty() || !rules->front().is_object()) {
    return Payload(boost::json::object{});
  }
  return Payload(rules->front().get_object());
}

class ScreeningDecisionsProjector final : public Projector {
 public:
  std::string_view name() const override { return "screening_decisions"; }
  std::uint32_t version() const override { return 1; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override {
    return std::span<const TableSpec>(&ScreeningDecisionsTable(), 1);
  }
  bool Handles(std::string_view type) const override { return type == kScreeningDecided; }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    Payload p = Payload::Parse(event.payload);
    Payload finding = DecidingFinding(p);
    Payload rule_set = p.Object("rule_set");
    Row row(ScreeningDecisionsTable());
    row.SetText("tenant_id", event.tenant.value())
        .SetText("content_id", ContentIdOf(event, p))
        .SetInt("stream_version", static_cast<std::int64_t>(event.stream_version.value()))
        .SetInt("global_position", static_cast<std::int64_t>(event.global_position.value()))
        .SetText("event_id", event.event_id.ToString())
        .Set("name", TextOrNull(p.Object("item").String("name")))
        .Set("decision", TextOrNull(p.String("decision")))
        .Set("reason", TextOrNull(p.String("reason")))
        .Set("deciding_rule", TextOrNull(finding.String("rule")))
        .Set("term", TextOrNull(finding.String("term")))
        .Set("term_category", TextOrNull(finding.String("category")))
        .Set("rules", JsonOrNull(p.Json("rules")))
        .Set("rules_total", IntOrNull(p.Int("rules_total")))
        .Set("rule_set_version", TextOrNull(rule_set.String("version")))
        .Set("rule_set_digest", TextOrNull(rule_set.String("digest")))
        .Set("model_status", TextOrNull(p.Object("model").String("status")))
        .Set("input_sha256", TextOrNull(p.String("input_sha256")))
        .Set("decided_by", ActorOrNull(event))
        .SetTime("recorded_at", event.recorded_at);
    writer.Upsert(std::move(row));
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Projector> MakeScreeningDecisionsProjector() {
  return std::make_unique<ScreeningDecisionsProjector>();
}

}  // namespace ledger::projections::content
