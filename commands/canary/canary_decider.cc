#include "commands/canary/canary_decider.h"

#include <algorithm>

namespace ledger::commands {
namespace {

Status UnknownRoute(const CanaryState& s) {
  return NotFound("unknown canary route '" + s.route + "': configure it first (configure-canary)");
}

WeightChanged Change(const CanaryState& s, int after, Trigger trigger, std::string cause,
                     std::string reason, Timestamp now) {
  WeightChanged e;
  e.route = s.route;
  e.before_v2 = s.v2_weight;
  e.after_v2 = after;
  e.trigger = trigger;
  e.cause = std::move(cause);
  e.reason = std::move(reason);
  e.at = now;
  return e;
}

std::string ProbeReason(const CanaryState& s, const ProbeResult& probe, int failures) {
  std::string what = "probe" + (probe.probe_id.empty() ? "" : " " + probe.probe_id);
  if (probe.latency_ms) what += " (" + std::to_string(*probe.latency_ms) + " ms)";
  if (probe.passed) return what + " passed";
  return what + " failed: " + std::to_string(failures) + " in a row, threshold " +
         std::to_string(s.settings.failure_threshold);
}

}  // namespace

Result<std::vector<CanaryEvent>> DecideProbe(const CanaryState& s, const ProbeResult& probe,
                                             Timestamp now) {
  if (!s.exists) return UnknownRoute(s);
  if (!probe.probe_id.empty() && std::find(s.recent_probe_ids.begin(), s.recent_probe_ids.end(),
                                           probe.probe_id) != s.recent_probe_ids.end()) {
    return std::vector<CanaryEvent>{};  // redelivered: already counted
  }
  int failures = probe.passed ? 0 : s.consecutive_failures + 1;
  std::vector<CanaryEvent> events;
  events.emplace_back(ProbeRecorded{s.route, probe.probe_id, probe.passed, probe.latency_ms,
                                    failures, ProbeReason(s, probe, failures)});
  if (probe.passed) {
    // Invariant: no automated path beyond 90 without ready, nor to 100 ever.
    int cap = s.v2_ready ? kMaxAutomatedV2 : kMaxV2WithoutReady;
    int target = std::min(s.v2_weight + s.settings.step, cap);
    if (target > s.v2_weight) {
      WeightChanged e = Change(s, target, Trigger::kProbe, "probe_passed",
                               "probe passed: v2 +" + std::to_string(target - s.v2_weight), now);
      e.probe_id = probe.probe_id;
      events.emplace_back(std::move(e));
    }
  } else if (failures >= s.settings.failure_threshold && s.v2_weight > 0) {
    WeightChanged e = Change(s, 0, Trigger::kRollback, "consecutive_failures",
                             std::to_string(failures) + " consecutive probe failures (threshold " +
                                 std::to_string(s.settings.failure_threshold) + ")",
                             now);
    e.probe_id = probe.probe_id;
    events.emplace_back(std::move(e));
  }
  return events;
}

Result<std::vector<CanaryEvent>> DecideSetReady(const CanaryState& s, bool ready, bool promote,
                                                const std::string& reason, Timestamp now) {
  if (!s.exists) return UnknownRoute(s);
  if (promote && !ready) return InvalidArgument("promote requires ready: true");
  std::vector<CanaryEvent> events;
  if (ready != s.v2_ready) {
    std::string why = reason.empty() ? (ready ? "v2 marked ready" : "v2 marked not ready") : reason;
    events.emplace_back(V2ReadySet{s.route, ready, std::move(why)});
  }
  if (!ready && s.v2_weight > kMaxV2WithoutReady) {
    events.emplace_back(
        Change(s, kMaxV2WithoutReady, Trigger::kOperator, "v2_ready_revoked",
               "v2 is no longer ready: back to " + std::to_string(kMaxV2WithoutReady), now));
  }
  if (promote && s.v2_weight < 100) {
    events.emplace_back(Change(s, 100, Trigger::kOperator, "promoted",
                               reason.empty() ? "operator promoted v2 to all traffic" : reason,
                               now));
  }
  return events;
}

Result<std::vector<CanaryEvent>> DecideRollback(const CanaryState& s, const std::string& reason,
                                                Timestamp now) {
  if (!s.exists) return UnknownRoute(s);
  if (s.v2_weight == 0) return std::vector<CanaryEvent>{};
  return std::vector<CanaryEvent>{Change(s, 0, Trigger::kRollback, "manual_rollback", reason, now)};
}

Result<std::vector<CanaryEvent>> DecideConfigure(const CanaryState& s, const std::string& route,
                                                 std::optional<int> failure_threshold,
                                                 std::optional<int> step,
                                                 const CanarySettings& defaults) {
  CanarySettings base = s.exists ? s.settings : defaults;
  CanarySettings next{failure_threshold.value_or(base.failure_threshold), step.value_or(base.step)};
  if (s.exists && next == s.settings) return std::vector<CanaryEvent>{};
  CanaryConfigured e{route, next, std::nullopt, s.v2_weight, ""};
  if (s.exists) {
    e.before = s.settings;
    e.reason = "settings changed: failure_threshold " +
               std::to_string(s.settings.failure_threshold) + " -> " +
               std::to_string(next.failure_threshold) + ", step " +
               std::to_string(s.settings.step) + " -> " + std::to_string(next.step);
  } else {
    e.reason = "route created at v1 100 / v2 0: failure_threshold " +
               std::to_string(next.failure_threshold) + ", step " + std::to_string(next.step);
  }
  return std::vector<CanaryEvent>{e};
}

}  // namespace ledger::commands
