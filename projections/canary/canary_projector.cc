// The "canary" projector: canary_state (one row per route) and traffic_split_history (one
// row per weight change), from the canary-<route> streams (docs/events.md).
#include "engine/time.h"
#include "projections/canary/canary_projectors.h"
#include "projections/canary/canary_tables.h"
#include "projections/payload_reader.h"

namespace ledger::projections {
namespace canary {
namespace {

// The event types (commands/event_types.h registers the same names; the tests check that they
// agree). Spelled out because projections depend on the engine only.
constexpr std::string_view kConfigured = "canary.configured";
constexpr std::string_view kProbeRecorded = "canary.probe_recorded";
constexpr std::string_view kWeightChanged = "canary.weight_changed";
constexpr std::string_view kV2ReadySet = "canary.v2_ready_set";

struct Split {
  std::int64_t v1 = 100;
  std::int64_t v2 = 0;
  std::string Text() const { return std::to_string(v1) + "/" + std::to_string(v2); }
  friend bool operator==(const Split&, const Split&) = default;
};

std::optional<Split> SplitAt(const PayloadReader& p, std::string_view key) {
  PayloadReader split = p.Object(key);
  std::optional<std::int64_t> v1 = split.Int("v1_weight");
  std::optional<std::int64_t> v2 = split.Int("v2_weight");
  if (!v1 || !v2) return std::nullopt;
  return Split{*v1, *v2};
}

// What is wrong with a weight change from the route's current split, or empty. The
// controller's invariants (commands/canary/canary_state.h), checked again at this end.
std::string CheckChange(const std::optional<Split>& before, const std::optional<Split>& after,
                        const Split& current) {
  if (!before || !after) return "before or after weights missing";
  std::string findings;
  auto note = [&findings](const std::string& finding) {
    findings += (findings.empty() ? "" : "; ") + finding;
  };
  for (const auto& [label, split] : {std::pair{"before", *before}, std::pair{"after", *after}}) {
    if (split.v1 < 0 || split.v2 < 0 || split.v1 > 100 || split.v2 > 100) {
      note(std::string(label) + " " + split.Text() + " has a weight outside 0..100");
    }
    if (split.v1 + split.v2 != 100) {
      note(std::string(label) + " " + split.Text() + " sums to " +
           std::to_string(split.v1 + split.v2) + ", not 100");
    }
  }
  if (*before != current) {
    note("before " + before->Text() + " but the route was at " + current.Text());
  }
  return findings;
}

std::string RouteOf(const RecordedEvent& event, const PayloadReader& payload) {
  if (std::optional<std::string> route = payload.String("route"); route && !route->empty()) {
    return *route;
  }
  constexpr std::string_view kPrefix = "canary-";
  std::string_view stream = event.stream_id.value();
  if (stream.starts_with(kPrefix)) stream.remove_prefix(kPrefix.size());
  return std::string(stream);
}

// A route as configure-canary creates it: v1 100 / v2 0, not ready, nothing counted.
Row NewState(const RecordedEvent& event, const std::string& route) {
  Row row(CanaryStateTable());
  row.SetText("tenant_id", event.tenant.value())
      .SetText("route", route)
      .SetInt("v1_weight", 100)
      .SetInt("v2_weight", 0)
      .SetBool("v2_api_ready", false)
      .SetInt("consecutive_failures", 0)
      .SetInt("probes_passed", 0)
      .SetInt("probes_failed", 0)
      .SetInt("weight_changes", 0)
      .SetInt("anomalies", 0);
  return row;
}

void CountAnomaly(Row& state) { state.SetInt("anomalies", state.Int("anomalies") + 1); }

void ApplyConfigured(const RecordedEvent& event, const PayloadReader& p, bool created, Row& state) {
  if (state.IsNull("configured_at")) state.SetTime("configured_at", event.recorded_at);
  if (auto threshold = p.Int("failure_threshold")) state.SetInt("failure_threshold", *threshold);
  if (auto step = p.Int("step")) state.SetInt("step", *step);
  std::optional<std::int64_t> v1 = p.Int("v1_weight");
  std::optional<std::int64_t> v2 = p.Int("v2_weight");
  if (!v1 || !v2) return;
  // The event states the split at that moment; for an existing route it must be the one
  // projected so far.
  Split stated{*v1, *v2};
  Split current{state.Int("v1_weight"), state.Int("v2_weight")};
  if (stated.v1 + stated.v2 != 100 || (!created && stated != current)) CountAnomaly(state);
  state.SetInt("v1_weight", stated.v1).SetInt("v2_weight", stated.v2);
}

void ApplyProbe(const RecordedEvent& event, const PayloadReader& p, Row& state) {
  bool passed = p.String("result") == "pass";
  std::int64_t failures = passed ? 0 : state.Int("consecutive_failures") + 1;
  state.SetInt("consecutive_failures", p.Int("consecutive_failures").value_or(failures))
      .SetInt(passed ? "probes_passed" : "probes_failed",
              state.Int(passed ? "probes_passed" : "probes_failed") + 1)
      .SetText("last_probe_result", passed ? "pass" : "fail")
      .SetTime("last_probe_at", event.recorded_at);
}

void ApplyWeightChanged(const RecordedEvent& event, const PayloadReader& p, Row& state,
                        ProjectionWriter& writer) {
  std::optional<Split> before = SplitAt(p, "before");
  std::optional<Split> after = SplitAt(p, "after");
  std::string anomaly =
      CheckChange(before, after, Split{state.Int("v1_weight"), state.Int("v2_weight")});
  std::int64_t number = state.Int("weight_changes") + 1;
  std::optional<std::string> at = p.String("at");
  Result<Timestamp> decided_at = at ? ParseRfc3339(*at) : Result<Timestamp>(NotFound("no at"));
  Row change(TrafficSplitHistoryTable());
  change.SetText("tenant_id", event.tenant.value())
      .SetText("route", state.Text("route"))
      .SetInt("stream_version", static_cast<std::int64_t>(event.stream_version.value()))
      .SetInt("change_number", number)
      .SetInt("global_position", static_cast<std::int64_t>(event.global_position.value()))
      .SetText("event_id", event.event_id.ToString())
      .Set("v1_before", IntOrNull(before ? std::optional(before->v1) : std::nullopt))
      .Set("v2_before", IntOrNull(before ? std::optional(before->v2) : std::nullopt))
      .Set("v1_after", IntOrNull(after ? std::optional(after->v1) : std::nullopt))
      .Set("v2_after", IntOrNull(after ? std::optional(after->v2) : std::nullopt))
      .Set("trigger_source", TextOrNull(p.String("trigger")))
      .Set("cause", TextOrNull(p.String("cause")))
      .Set("probe_id", TextOrNull(p.String("probe_id")))
      .Set("reason", TextOrNull(p.String("reason")))
      .Set("actor", event.metadata.actor.empty() ? Value() : Value(event.metadata.actor))
      .Set("decided_at", decided_at.ok() ? Value(*decided_at) : Value())
      .SetTime("recorded_at", event.recorded_at)
      .Set("anomaly", anomaly.empty() ? Value() : Value(anomaly));
  writer.Upsert(std::move(change));

  state.SetInt("weight_changes", number)
      .Set("last_trigger_source", TextOrNull(p.String("trigger")))
      .Set("last_cause", TextOrNull(p.String("cause")))
      .SetTime("last_change_at", event.recorded_at);
  if (!anomaly.empty()) CountAnomaly(state);
  if (after) {
    state.SetInt("v1_weight", after->v1).SetInt("v2_weight", after->v2);
    // As the controller folds it: a change to v2 0 starts the failure count afresh.
    if (after->v2 == 0) state.SetInt("consecutive_failures", 0);
  }
}

class CanaryProjector final : public Projector {
 public:
  std::string_view name() const override { return "canary"; }
  std::uint32_t version() const override { return 1; }
  bool reads_raw_body() const override { return false; }
  std::span<const TableSpec> tables() const override { return CanaryTables(); }

  bool Handles(std::string_view type) const override {
    return type == kConfigured || type == kProbeRecorded || type == kWeightChanged ||
           type == kV2ReadySet;
  }

  Status Apply(const RecordedEvent& event, ProjectionWriter& writer) override {
    PayloadReader payload = PayloadReader::Parse(event.payload);
    std::string route = RouteOf(event, payload);
    LEDGER_ASSIGN_OR_RETURN(std::optional<Row> found,
                            writer.Get(CanaryStateTable(), Key{event.tenant.value(), route}));
    bool created = !found;
    Row state = found ? std::move(*found) : NewState(event, route);
    const std::string& type = event.event_type;
    // Only configure-canary creates a route; anything else first is out of order.
    if (created && type != kConfigured) CountAnomaly(state);
    if (type == kConfigured) {
      ApplyConfigured(event, payload, created, state);
    } else if (type == kProbeRecorded) {
      ApplyProbe(event, payload, state);
    } else if (type == kWeightChanged) {
      ApplyWeightChanged(event, payload, state, writer);
    } else if (type == kV2ReadySet) {
      if (auto ready = payload.Bool("ready")) state.SetBool("v2_api_ready", *ready);
    }
    state.SetTime("updated_at", event.recorded_at)
        .SetInt("stream_version", static_cast<std::int64_t>(event.stream_version.value()));
    writer.Upsert(std::move(state));
    return Status::Ok();
  }
};

}  // namespace
}  // namespace canary

std::vector<std::unique_ptr<Projector>> MakeCanaryProjectors() {
  std::vector<std::unique_ptr<Projector>> projectors;
  projectors.push_back(std::make_unique<canary::CanaryProjector>());
  return projectors;
}

}  // namespace ledger::projections
