// The "quality_verdicts" projector: one row per quality.verdict_recorded event, every check
// with its outcome, so an admin can see why a listing failed and how often each check does.
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "projections/content/content_projectors.h"
#include "projections/content/content_tables.h"
#include "projections/content/payload.h"

namespace ledger::projections::content {
namespace {

// The names of the checks that failed, in check order, as a JSON array; NULL when the
// payload has no checks.
Value FailedChecks(const Payload& verdict) {
  const boost::json::array* checks = verdict.Array("checks");
  if (checks == nullptr) return std::monostate{};
  boost::json::array failed;
  for (const boost::json::value& v : *checks) {
    if (!v.is_object()) continue;
    Payload check(v.get_object());
    std::optional<std::string> name = check.String("check");
    if (check.String("outcome") == "fail" && name) failed.emplace_back(*name);
  }
  return JsonText{boost::json::serialize(failed)};
}

class QualityVerdictsProjector final : public Projector {
 public:
  std::string_view name() const override { return "quality_verdicts"; }
  std::uint32_t version() const override { return 1; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override {
    return std::span<const TableSpec>(&QualityVerdictsTable(), 1);
  }
  bool Handles(std::string_view type) const override { return type == kQualityVerdictRecorded; }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    Payload p = Payload::Parse(event.payload);
    Payload input = p.Object("input");
    Row row(QualityVerdictsTable());
    row.SetText("tenant_id", event.tenant.value())
        .SetText("content_id", ContentIdOf(event, p))
        .SetInt("stream_version", static_cast<std::int64_t>(event.stream_version.value()))
        .SetInt("global_position", static_cast<std::int64_t>(event.global_position.value()))
        .SetText("event_id", event.event_id.ToString())
        .Set("verdict", TextOrNull(p.String("verdict")))
        .Set("reason", TextOrNull(p.String("reason")))
        .Set("checks", JsonOrNull(p.Json("checks")))
        .Set("failed_checks", FailedChecks(p))
        .Set("policy_version", TextOrNull(p.String("policy_version")))
        .Set("price_minor", IntOrNull(input.Int("price_minor")))
        .Set("currency", TextOrNull(input.String("currency")))
        .Set("category", TextOrNull(input.String("category")))
        .Set("provider_error", JsonOrNull(p.Json("provider_error")))
        .Set("evaluated_by", ActorOrNull(event))
        .SetTime("recorded_at", event.recorded_at);
    writer.Upsert(std::move(row));
    return Status::Ok();
  }
};

}  // namespace

std::unique_ptr<Projector> MakeQualityVerdictsProjector() {
  return std::make_unique<QualityVerdictsProjector>();
}

}  // namespace ledger::projections::content
