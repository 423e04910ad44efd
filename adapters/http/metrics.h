// The server's Prometheus metrics (GET /metrics, text exposition format 0.0.4). What each
// series means is in docs/webhooks.md, "Metrics". All methods are thread-safe and cheap: a
// few atomic increments, or one short lock for labelled counters.
#ifndef LEDGER_ADAPTERS_HTTP_METRICS_H_
#define LEDGER_ADAPTERS_HTTP_METRICS_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::http {

// A Prometheus histogram with fixed upper bounds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> upper_bounds);
  void Observe(double value);
  // Appends the _bucket, _sum and _count lines of `name`.
  void Render(std::string_view name, std::string& out) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  // buckets_[i] counts observations in (bounds_[i-1], bounds_[i]]; the last one is +Inf.
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
  std::atomic<std::uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// A counter family keyed by its label set, rendered as {a="x",b="y"}.
class LabeledCounter {
 public:
  void Increment(const std::vector<std::pair<std::string_view, std::string_view>>& labels);
  std::uint64_t Get(const std::vector<std::pair<std::string_view, std::string_view>>& labels) const;
  void Render(std::string_view name, std::string& out) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::uint64_t> values_;
};

class Metrics {
 public:
  Metrics();

  void RecordRequest(std::string_view method, std::string_view route, int status, double seconds);
  // One EventStore::AppendBatch call of `size` requests; `ok` is the batch's outer result.
  void RecordBatch(std::size_t size, double seconds, bool ok);
  // One admitted provider event: newly stored, or recognised as a redelivery.
  void RecordAdmission(std::string_view provider, bool duplicate);
  void RecordSignatureFailure(std::string_view provider, std::string_view reason);

  std::string RenderPrometheus() const;

  // For tests and the health of the metrics themselves.
  std::uint64_t requests(std::string_view method, std::string_view route, int status) const;
  std::uint64_t events_stored(std::string_view provider) const;
  std::uint64_t duplicates(std::string_view provider) const;
  std::uint64_t signature_failures(std::string_view provider, std::string_view reason) const;
  std::uint64_t batches() const { return batch_size_.count(); }

 private:
  LabeledCounter requests_;
  Histogram request_seconds_;
  Histogram append_seconds_;
  Histogram batch_size_;
  std::atomic<std::uint64_t> batch_failures_{0};
  LabeledCounter events_stored_;
  LabeledCounter duplicates_;
  LabeledCounter signature_failures_;
};

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_METRICS_H_
