#include "commands/canary/canary_state.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "commands/event_types.h"
#include "engine/time.h"

namespace ledger::commands {
namespace {

namespace json = boost::json;

json::object Weights(int v2) { return json::object{{"v1_weight", 100 - v2}, {"v2_weight", v2}}; }

json::object ToJson(const CanaryConfigured& e) {
  json::object o{{"route", e.route},
                 {"failure_threshold", e.settings.failure_threshold},
                 {"step", e.settings.step},
                 {"v1_weight", 100 - e.v2_weight},
                 {"v2_weight", e.v2_weight}};
  if (e.before) {
    o["before"] =
        json::object{{"failure_threshold", e.before->failure_threshold}, {"step", e.before->step}};
  }
  o["reason"] = e.reason;
  return o;
}

json::object ToJson(const ProbeRecorded& e) {
  json::object o{{"route", e.route}, {"result", e.passed ? "pass" : "fail"}};
  if (!e.probe_id.empty()) o["probe_id"] = e.probe_id;
  if (e.latency_ms) o["latency_ms"] = *e.latency_ms;
  o["consecutive_failures"] = e.consecutive_failures;
  o["reason"] = e.reason;
  return o;
}

json::object ToJson(const WeightChanged& e) {
  json::object o{{"route", e.route},
                 {"before", Weights(e.before_v2)},
                 {"after", Weights(e.after_v2)},
                 {"trigger", TriggerName(e.trigger)},
                 {"cause", e.cause}};
  if (!e.probe_id.empty()) o["probe_id"] = e.probe_id;
  o["reason"] = e.reason;
  o["at"] = FormatRfc3339(e.at);
  return o;
}

json::object ToJson(const V2ReadySet& e) {
  return json::object{{"route", e.route}, {"ready", e.ready}, {"reason", e.reason}};
}

// Reading payloads back. A missing or mistyped field is reported by the caller as DataLoss.
struct Reader {
  const json::object& o;
  bool ok = true;

  const json::value* Get(std::string_view key, json::kind kind, bool optional = false) {
    const json::value* v = o.if_contains(json::string_view(key.data(), key.size()));
    if (v == nullptr && optional) return nullptr;
    if (v == nullptr || v->kind() != kind) {
      ok = false;
      return nullptr;
    }
    return v;
  }
  int Int(std::string_view key) {
    const json::value* v = Get(key, json::kind::int64);
    return v == nullptr ? 0 : static_cast<int>(v->get_int64());
  }
  std::string Str(std::string_view key, bool optional = false) {
    const json::value* v = Get(key, json::kind::string, optional);
    return v == nullptr ? "" : std::string(v->get_string());
  }
  bool Bool(std::string_view key) {
    const json::value* v = Get(key, json::kind::bool_);
    return v != nullptr && v->get_bool();
  }
  int V2Of(std::string_view key) {
    const json::value* v = Get(key, json::kind::object);
    if (v == nullptr) return 0;
    Reader inner{v->get_object()};
    int v2 = inner.Int("v2_weight");
    ok = ok && inner.ok;
    return v2;
  }
};

std::optional<CanaryEvent> Decode(const std::string& type, const json::object& o, bool& ok) {
  Reader r{o};
  std::optional<CanaryEvent> out;
  if (type == kCanaryConfigured) {
    out = CanaryConfigured{r.Str("route"),
                           {r.Int("failure_threshold"), r.Int("step")},
                           std::nullopt,
                           r.Int("v2_weight"),
                           r.Str("reason", true)};
  } else if (type == kCanaryProbeRecorded) {
    out = ProbeRecorded{r.Str("route"), r.Str("probe_id", true),       r.Str("result") == "pass",
                        std::nullopt,   r.Int("consecutive_failures"), r.Str("reason", true)};
  } else if (type == kCanaryWeightChanged) {
    WeightChanged e;
    e.route = r.Str("route");
    e.before_v2 = r.V2Of("before");
    e.after_v2 = r.V2Of("after");
    e.cause = r.Str("cause");
    out = e;
  } else if (type == kCanaryV2ReadySet) {
    out = V2ReadySet{r.Str("route"), r.Bool("ready"), r.Str("reason", true)};
  }
  ok = r.ok;
  return out;
}

}  // namespace

std::string_view TriggerName(Trigger trigger) {
  switch (trigger) {
    case Trigger::kProbe:
      return "probe";
    case Trigger::kOperator:
      return "operator";
    case Trigger::kRollback:
      return "rollback";
  }
  return "operator";
}

void Apply(CanaryState& s, const CanaryEvent& event) {
  if (const auto* e = std::get_if<CanaryConfigured>(&event)) {
    s.exists = true;
    s.route = e->route;
    s.settings = e->settings;
    s.v2_weight = e->v2_weight;
  } else if (const auto* e = std::get_if<ProbeRecorded>(&event)) {
    s.consecutive_failures = e->consecutive_failures;
    if (!e->probe_id.empty()) {
      s.recent_probe_ids.push_back(e->probe_id);
      if (s.recent_probe_ids.size() > kRememberedProbeIds) s.recent_probe_ids.pop_front();
    }
  } else if (const auto* e = std::get_if<WeightChanged>(&event)) {
    s.v2_weight = e->after_v2;
    // A rollback starts the failure count afresh.
    if (e->after_v2 == 0) s.consecutive_failures = 0;
  } else if (const auto* e = std::get_if<V2ReadySet>(&event)) {
    s.v2_ready = e->ready;
  }
}

std::string_view CanaryEventType(const CanaryEvent& event) {
  switch (event.index()) {
    case 0:
      return kCanaryConfigured;
    case 1:
      return kCanaryProbeRecorded;
    case 2:
      return kCanaryWeightChanged;
    default:
      return kCanaryV2ReadySet;
  }
}

std::string EncodeCanaryEvent(const CanaryEvent& event) {
  return json::serialize(std::visit([](const auto& e) { return ToJson(e); }, event));
}

Result<CanaryState> FoldCanary(std::span<const RecordedEvent> history) {
  return FoldCanary(CanaryState{}, history);
}

Result<CanaryState> FoldCanary(CanaryState state, std::span<const RecordedEvent> events) {
  for (const RecordedEvent& e : events) {
    boost::system::error_code ec;
    json::value v = json::parse(e.payload, ec);
    bool ok = !ec && v.is_object();
    std::optional<CanaryEvent> event;
    if (ok) event = Decode(e.event_type, v.get_object(), ok);
    if (!ok) {
      return DataLoss(e.stream_id.value() + " version " + std::to_string(e.stream_version.value()) +
                      " (" + e.event_type + "): malformed canary payload");
    }
    if (event) Apply(state, *event);
  }
  return state;
}

}  // namespace ledger::commands
