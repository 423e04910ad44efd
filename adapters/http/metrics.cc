#include "adapters/http/metrics.h"

#include <algorithm>
#include <cstdio>

namespace ledger::http {
namespace {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

// Label values are escaped as the exposition format requires: \\, \" and \n.
std::string RenderLabels(const Labels& labels) {
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out.append(name).append("=\"");
    for (char c : value) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

// Clients choose the method string; only standard ones become label values, so that junk
// cannot create new series.
std::string_view MethodLabel(std::string_view method) {
  for (std::string_view known : {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

std::string Number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

void Header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

}  // namespace

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::Observe(double value) {
  std::size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

void Histogram::Render(std::string_view name, std::string& out) const {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < bounds_.size() ? Number(bounds_[i]) : "+Inf";
    out.append(name).append("_bucket{le=\"").append(le).append("\"} ");
    out.append(std::to_string(cumulative)).append("\n");
  }
  out.append(name).append("_sum ").append(Number(sum_.load(std::memory_order_relaxed)));
  out.append("\n").append(name).append("_count ").append(std::to_string(cumulative));
  out.append("\n");
}

void LabeledCounter::Increment(const Labels& labels) {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  ++values_[key];
}

std::uint64_t LabeledCounter::Get(const Labels& labels) const {
  std::string key = RenderLabels(labels);
  std::lock_guard lock(mu_);
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

void LabeledCounter::Render(std::string_view name, std::string& out) const {
  std::lock_guard lock(mu_);
  for (const auto& [labels, value] : values_) {
    out.append(name).append(labels).append(" ").append(std::to_string(value)).append("\n");
  }
}

Metrics::Metrics()
    : request_seconds_(
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}),
      append_seconds_({0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                       0.5, 1, 2.5, 5}),
      batch_size_({1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}) {}

void Metrics::RecordRequest(std::string_view method, std::string_view route, int status,
                            double seconds) {
  std::string code = std::to_string(status);
  requests_.Increment({{"method", MethodLabel(method)}, {"route", route}, {"status", code}});
  request_seconds_.Observe(seconds);
}

void Metrics::RecordBatch(std::size_t size, double seconds, bool ok) {
  batch_size_.Observe(static_cast<double>(size));
  append_seconds_.Observe(seconds);
  if (!ok) batch_failures_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordAdmission(std::string_view provider, bool duplicate) {
  (duplicate ? duplicates_ : events_stored_).Increment({{"provider", provider}});
}

void Metrics::RecordSignatureFailure(std::string_view provider, std::string_view reason) {
  signature_failures_.Increment({{"provider", provider}, {"reason", reason}});
}

std::string Metrics::RenderPrometheus() const {
  std::string out;
  Header(out, "ledger_http_requests_total", "counter",
         "HTTP requests answered, by method, route pattern and status code.");
  requests_.Render("ledger_http_requests_total", out);
  Header(out, "ledger_http_request_duration_seconds", "histogram",
         "Time from a request's headers arriving to its response being queued.");
  request_seconds_.Render("ledger_http_request_duration_seconds", out);
  Header(out, "ledger_append_latency_seconds", "histogram",
         "Duration of one group commit (EventStore::AppendBatch).");
  append_seconds_.Render("ledger_append_latency_seconds", out);
  Header(out, "ledger_append_batch_size", "histogram", "Appends carried by one group commit.");
  batch_size_.Render("ledger_append_batch_size", out);
  Header(out, "ledger_append_batch_failures_total", "counter",
         "Group commits that failed as a whole (store unavailable or broken).");
  out.append("ledger_append_batch_failures_total ")
      .append(std::to_string(batch_failures_.load(std::memory_order_relaxed)))
      .append("\n");
  Header(out, "ledger_webhook_events_stored_total", "counter",
         "Provider events newly stored, by provider.");
  events_stored_.Render("ledger_webhook_events_stored_total", out);
  Header(out, "ledger_webhook_duplicates_total", "counter",
         "Provider events received again and recognised as already stored.");
  duplicates_.Render("ledger_webhook_duplicates_total", out);
  Header(out, "ledger_webhook_signature_failures_total", "counter",
         "Webhook requests refused with 401, by provider and reason.");
  signature_failures_.Render("ledger_webhook_signature_failures_total", out);
  return out;
}

std::uint64_t Metrics::requests(std::string_view method, std::string_view route, int status) const {
  std::string code = std::to_string(status);
  return requests_.Get({{"method", MethodLabel(method)}, {"route", route}, {"status", code}});
}
std::uint64_t Metrics::events_stored(std::string_view provider) const {
  return events_stored_.Get({{"provider", provider}});
}
std::uint64_t Metrics::duplicates(std::string_view provider) const {
  return duplicates_.Get({{"provider", provider}});
}
std::uint64_t Metrics::signature_failures(std::string_view provider,
                                          std::string_view reason) const {
  return signature_failures_.Get({{"provider", provider}, {"reason", reason}});
}

}  // namespace ledger::http
