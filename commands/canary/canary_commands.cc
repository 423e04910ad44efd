// record-probe, set-v2-ready, rollback-canary, configure-canary: decode, then let the pure
// decider (canary_decider.h) choose the events for the route's stream.
#include <boost/json/parse.hpp>
#include <functional>

#include "commands/canary/canary_decider.h"
#include "commands/canary/canary_snapshot.h"
#include "commands/internal/handler_env.h"
#include "commands/internal/json_fields.h"

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxRouteBytes = 200;
constexpr std::size_t kMaxReasonBytes = 2000;
constexpr std::int64_t kMaxLatencyMs = 3'600'000;

struct RouteRef {
  std::string route;
  StreamId stream;
};

Result<RouteRef> DecodeRoute(JsonFields& fields) {
  LEDGER_ASSIGN_OR_RETURN(std::string route, fields.String("route", {.max_bytes = kMaxRouteBytes}));
  LEDGER_ASSIGN_OR_RETURN(StreamId stream, MakeStreamId("canary", "route", route));
  return RouteRef{std::move(route), std::move(stream)};
}

json::object StateJson(const CanaryState& s) {
  return json::object{{"route", s.route},
                      {"v1_weight", s.v1_weight()},
                      {"v2_weight", s.v2_weight},
                      {"v2_ready", s.v2_ready},
                      {"failure_threshold", s.settings.failure_threshold},
                      {"step", s.settings.step},
                      {"consecutive_failures", s.consecutive_failures}};
}

using CanaryDecide = std::function<Result<std::vector<CanaryEvent>>(const CanaryState&)>;

// The route's state, restored from its snapshot or folded (canary_snapshot.h), and the
// command's decision against it: the events, and the state they lead to as the answer.
class CanaryAggregate final : public SnapshotAggregate {
 public:
  CanaryAggregate(const RouteRef& ref, const CanaryDecide& decide) : ref_(ref), decide_(decide) {}

  std::string_view Name() const override { return kCanaryAggregate; }
  void Reset() override { state_ = CanaryState{}; }
  bool Restore(const Snapshot& snapshot) override {
    std::optional<CanaryState> restored = RestoreCanarySnapshot(snapshot);
    if (restored) state_ = std::move(*restored);
    return restored.has_value();
  }
  Status Fold(std::span<const RecordedEvent> events) override {
    Result<CanaryState> folded = FoldCanary(state_, events);
    if (!folded.ok()) return folded.status();
    state_ = std::move(folded).value();
    return Status::Ok();
  }
  Result<Decision> Decide() const override {
    CanaryState state = state_;
    state.route = ref_.route;
    LEDGER_ASSIGN_OR_RETURN(std::vector<CanaryEvent> events, decide_(state));
    Decision d;
    for (const CanaryEvent& e : events) {
      Apply(state, e);
      boost::system::error_code ec;
      json::value payload = json::parse(EncodeCanaryEvent(e), ec);
      if (ec || !payload.is_object()) return Internal("canary event did not encode as an object");
      d.events.push_back(
          PlannedEvent{std::string(CanaryEventType(e)), 1, std::move(payload.get_object()), ""});
    }
    d.response = StateJson(state);
    return d;
  }
  std::string Serialize() const override { return SerializeCanaryState(state_); }
  std::uint32_t StateVersion() const override { return kCanaryStateVersion; }

 private:
  const RouteRef& ref_;
  const CanaryDecide& decide_;
  CanaryState state_;
};

// Loads the route (from its snapshot when there is one), decides, and answers with the state
// the decided events lead to.
Result<CommandOutcome> RunCanary(const HandlerEnv& env, const CommandContext& context,
                                 std::string_view command, const RouteRef& ref,
                                 const CanaryDecide& decide) {
  CanaryAggregate aggregate(ref, decide);
  return RunSnapshotStreamCommand(env.command, context, command, ref.stream,
                                  "unknown canary route '" + ref.route + "'", aggregate);
}

}  // namespace

Result<CommandOutcome> RecordProbe(const HandlerEnv& env, std::string_view body,
                                   const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(RouteRef ref, DecodeRoute(fields));
  LEDGER_ASSIGN_OR_RETURN(std::string result, fields.String("result", {.max_bytes = 8}));
  if (result != "pass" && result != "fail") {
    return InvalidArgument("field 'result' must be pass or fail");
  }
  ProbeResult probe;
  probe.passed = result == "pass";
  LEDGER_ASSIGN_OR_RETURN(auto probe_id, fields.OptionalString("probe_id", {.max_bytes = 200}));
  probe.probe_id = probe_id.value_or("");
  LEDGER_ASSIGN_OR_RETURN(probe.latency_ms, fields.OptionalInt("latency_ms", 0, kMaxLatencyMs));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  Timestamp now = env.command.clock->Now();
  return RunCanary(env, context, "record-probe", ref,
                   [&](const CanaryState& s) { return DecideProbe(s, probe, now); });
}

Result<CommandOutcome> SetV2Ready(const HandlerEnv& env, std::string_view body,
                                  const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(RouteRef ref, DecodeRoute(fields));
  LEDGER_ASSIGN_OR_RETURN(bool ready, fields.Bool("ready"));
  LEDGER_ASSIGN_OR_RETURN(std::optional<bool> promote, fields.OptionalBool("promote"));
  LEDGER_ASSIGN_OR_RETURN(auto reason,
                          fields.OptionalString("reason", {kMaxReasonBytes, /*allow_empty=*/true}));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  if (promote.value_or(false) && !ready) {
    return InvalidArgument("field 'promote' requires 'ready': true");
  }
  Timestamp now = env.command.clock->Now();
  std::string why = reason.value_or("");
  return RunCanary(env, context, "set-v2-ready", ref, [&](const CanaryState& s) {
    return DecideSetReady(s, ready, promote.value_or(false), why, now);
  });
}

Result<CommandOutcome> RollbackCanary(const HandlerEnv& env, std::string_view body,
                                      const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(RouteRef ref, DecodeRoute(fields));
  LEDGER_ASSIGN_OR_RETURN(std::string reason,
                          fields.String("reason", {.max_bytes = kMaxReasonBytes}));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  Timestamp now = env.command.clock->Now();
  return RunCanary(env, context, "rollback-canary", ref,
                   [&](const CanaryState& s) { return DecideRollback(s, reason, now); });
}

Result<CommandOutcome> ConfigureCanary(const HandlerEnv& env, std::string_view body,
                                       const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(RouteRef ref, DecodeRoute(fields));
  LEDGER_ASSIGN_OR_RETURN(auto threshold, fields.OptionalInt("failure_threshold", 1, 100));
  LEDGER_ASSIGN_OR_RETURN(auto step, fields.OptionalInt("step", 1, 100));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  auto narrow = [](std::optional<std::int64_t> v) {
    return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
  };
  return RunCanary(env, context, "configure-canary", ref, [&](const CanaryState& s) {
    return DecideConfigure(s, ref.route, narrow(threshold), narrow(step), env.canary_defaults);
  });
}

}  // namespace ledger::commands::internal
