#include "adapters/http/projection_metrics.h"

#include <cstdio>

namespace ledger::http {

namespace {

void Gauge(std::string& out, std::string_view name, std::string_view help,
           std::span<const projections::ProjectorProgress> progress,
           double (*value)(const projections::ProjectorProgress&, Timestamp), Timestamp now) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " gauge\n";
  char number[64];
  for (const auto& p : progress) {
    std::snprintf(number, sizeof number, "%.6g", value(p, now));
    out += name;
    out += "{projector=\"" + p.name + "\"} ";
    out += number;
    out += '\n';
  }
}

}  // namespace

void RenderProjectionMetrics(std::span<const projections::ProjectorProgress> progress,
                             Timestamp now, std::string& out) {
  using P = projections::ProjectorProgress;
  Gauge(out, "ledger_projection_position", "Global position of the last event applied.", progress,
        [](const P& p, Timestamp) { return static_cast<double>(p.position.value()); }, now);
  Gauge(out, "ledger_projection_events_total", "Events applied since the current build began.",
        progress, [](const P& p, Timestamp) { return static_cast<double>(p.events); }, now);
  Gauge(out, "ledger_projection_lag_seconds",
        "0 at the head of the log, else seconds since the last applied event was recorded.",
        progress,
        [](const P& p, Timestamp at) {
          if (p.at_head || p.last_event_recorded_at.value() == 0) return 0.0;
          return static_cast<double>(at.value() - p.last_event_recorded_at.value()) / 1e6;
        },
        now);
  Gauge(out, "ledger_projection_rebuilding", "1 while a shadow rebuild runs.", progress,
        [](const P& p, Timestamp) { return p.rebuilding ? 1.0 : 0.0; }, now);
  Gauge(out, "ledger_projection_leader", "1 if this process leads the projector.", progress,
        [](const P& p, Timestamp) { return p.leading ? 1.0 : 0.0; }, now);
}

}  // namespace ledger::http
