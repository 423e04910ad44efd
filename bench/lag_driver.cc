// ledger_bench_lag: subscription lag under a steady write load on PostgreSQL, bench/run's "lag"
// row. Prints one JSON line (bench/README.md).
//
//   ledger_bench_lag --database-url URL [--rate 1000] [--seconds 10]
//
// A writer appends --rate events per second, paced (open loop: event k is due at start +
// k/rate whatever happened to the ones before), each to one of 64 streams through an
// http::GroupCommitter, the server's write path. The real projections::ProjectionService
// (the thread `ledger serve` runs: ReadAll in batches, WaitForEvents on the store's
// notifications when caught up, one ReadModelStore::Commit per batch with the checkpoint)
// follows the log with one cheap projector that upserts one row per event.
//
// Latency per event, counted for events the writer submitted inside the measured window:
//   p50_ms/p99_ms...   append to delivery: from the writer handing the append over to the
//                      projector's Apply of it. The subscriber's lag as a writer sees it; it
//                      includes the append's own commit (ack_* below), since an event cannot
//                      be read before it is committed.
//   ack_p50/p99_ms     append to acknowledgement (durably committed), for comparison.
//   visible_p50/p99_ms append to the projector's checkpoint covering it being committed (the
//                      row is queryable), sampled every millisecond.
// The projector reads a clock, which projectors must not (projector.h): this one is a probe
// that exists only here.
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <thread>

#include "adapters/http/group_committer.h"
#include "adapters/postgres/pg_event_store.h"
#include "adapters/postgres/pg_read_model_store.h"
#include "bench/measurement.h"
#include "engine/uuid.h"
#include "projections/projection_service.h"

namespace ledger::bench {
namespace {

namespace json = boost::json;
using projections::ColumnType;

struct Options {
  std::string database_url;
  double rate = 1000;
  double seconds = 10;
  double warmup = 1;
};

constexpr std::size_t kStreams = 64;
constexpr std::int64_t kNotYet = -1;

std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             BenchClock::now().time_since_epoch())
      .count();
}

// What happened to each event, by its sequence number; written by the writer, the
// committer's callbacks and the projector, read at the end.
struct Timeline {
  explicit Timeline(std::size_t n)
      : submitted(n), acked(n), delivered(n), position(n) {
    for (std::size_t i = 0; i < n; ++i) {
      submitted[i] = acked[i] = delivered[i] = kNotYet;
      position[i] = 0;
    }
  }
  std::vector<std::atomic<std::int64_t>> submitted, acked, delivered;  // BenchClock ns
  std::vector<std::atomic<std::uint64_t>> position;                   // its global position
};

const projections::TableSpec& ProbeTable() {
  static const projections::TableSpec* table = [] {
    auto* t = new projections::TableSpec;
    t->name = "bench_lag_probe";
    t->columns = {{"tenant_id", ColumnType::kText, false},
                  {"stream", ColumnType::kText, false},
                  {"seq", ColumnType::kInteger, false}};
    t->primary_key = {"tenant_id", "stream"};
    return t;
  }();
  return *table;
}

// The cheapest useful projector: the last sequence number seen per stream, and the moment
// its Apply ran.
class ProbeProjector final : public projections::Projector {
 public:
  explicit ProbeProjector(Timeline& timeline) : timeline_(timeline) {}
  std::string_view name() const override { return "bench_lag_probe"; }
  std::uint32_t version() const override { return 1; }
  std::span<const projections::TableSpec> tables() const override { return {&ProbeTable(), 1}; }
  bool Handles(std::string_view type) const override { return type == "bench.probe_recorded"; }
  Status Apply(const RecordedEvent& event, projections::ProjectionWriter& writer) override {
    std::int64_t now = NowNs();
    json::value payload = json::parse(event.payload);
    auto seq = static_cast<std::size_t>(payload.at("seq").to_number<std::int64_t>());
    if (seq < timeline_.delivered.size()) {
      std::int64_t expected = kNotYet;  // the first delivery counts (a retried batch repeats)
      timeline_.delivered[seq].compare_exchange_strong(expected, now);
    }
    projections::Row row(ProbeTable());
    row.SetText("tenant_id", event.tenant.value())
        .SetText("stream", event.stream_id.value())
        .SetInt("seq", static_cast<std::int64_t>(seq));
    writer.Upsert(std::move(row));
    return Status::Ok();
  }

 private:
  Timeline& timeline_;
};

// The projector's committed position over time, polled every millisecond.
struct Sample {
  std::int64_t at_ns;
  std::uint64_t position;
};

Status Run(const Options& options) {
  if (options.rate <= 0 || options.seconds <= 0) return InvalidArgument("--rate, --seconds > 0");
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgEventStore> store,
                          PgEventStore::Open(options.database_url));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgReadModelStore> rows,
                          PgReadModelStore::Open(options.database_url));
  const double total_seconds = options.warmup + options.seconds;
  const auto total = static_cast<std::size_t>(options.rate * total_seconds);
  Timeline timeline(total);
  ProbeProjector probe(timeline);
  std::mutex error_mu;
  std::string first_error;
  std::atomic<std::uint64_t> errors{0};
  auto record_error = [&](const Status& status) {
    errors.fetch_add(1);
    std::lock_guard lock(error_mu);
    if (first_error.empty()) first_error = status.ToString();
  };

  projections::ProjectionService service(*store, *rows, {&probe}, projections::RunnerOptions{},
                                         *SystemClock::Default(), record_error);
  service.Start();
  // Let the service take the lease, create its table and reach the head before the load.
  for (int i = 0; i < 500; ++i) {
    std::vector<projections::ProjectorProgress> progress = service.Progress();
    if (!progress.empty() && progress.front().leading && progress.front().at_head) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  std::atomic<bool> sampling{true};
  std::vector<Sample> samples;
  std::thread sampler([&] {
    std::uint64_t last = 0;
    while (sampling.load()) {
      std::vector<projections::ProjectorProgress> progress = service.Progress();
      if (!progress.empty() && progress.front().position.value() != last) {
        last = progress.front().position.value();
        samples.push_back({NowNs(), last});
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });

  std::string tag = Uuid::V4().ToString().substr(0, 8);
  Window window = Window::After(std::chrono::duration<double>(options.warmup),
                                std::chrono::duration<double>(options.seconds));
  CpuMeter cpu(window);
  {
    http::GroupCommitter committer(*store, http::GroupCommitter::Options{}, nullptr);
    BenchClock::time_point start = BenchClock::now();
    for (std::size_t k = 0; k < total; ++k) {
      std::this_thread::sleep_until(
          start + std::chrono::duration_cast<BenchClock::duration>(
                      std::chrono::duration<double>(static_cast<double>(k) / options.rate)));
      NewEvent event;
      event.event_id = Uuid::V4();
      event.event_type = "bench.probe_recorded";
      event.tenant = TenantId("shop_0");
      event.payload = json::serialize(json::object{{"seq", k}});
      event.metadata.actor = "system:bench";
      event.metadata.source = "bench";
      AppendRequest request{StreamId("lag-" + tag + "-" + std::to_string(k % kStreams)),
                            ExpectedVersion::Any(),
                            {std::move(event)}};
      timeline.submitted[k] = NowNs();
      committer.Submit(std::move(request), [&timeline, &record_error, k](Result<AppendResult> r) {
        if (!r.ok()) return record_error(r.status());
        timeline.acked[k] = NowNs();
        timeline.position[k] = r->position.value();
      });
    }
  }  // the committer has answered everything
  // Every event delivered and made visible, or give up after 10 s.
  for (int i = 0; i < 1000; ++i) {
    bool all = true;
    for (std::size_t k = 0; k < total && all; ++k) {
      all = timeline.acked[k] == kNotYet || timeline.delivered[k] != kNotYet;
    }
    std::uint64_t last_position = 0;
    for (std::size_t k = 0; k < total; ++k) {
      last_position = std::max<std::uint64_t>(last_position, timeline.position[k]);
    }
    std::vector<projections::ProjectorProgress> progress = service.Progress();
    if (all && !progress.empty() && progress.front().position.value() >= last_position) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sampling = false;
  sampler.join();
  service.Stop();

  // Positions grow in commit order here (one writer, one committer thread), so the first sample
  // at or past an event's position is when it became visible.
  Measurement delivery, ack, visible;
  std::uint64_t missing = 0;
  const std::int64_t window_start = window.start.time_since_epoch().count();
  const std::int64_t window_end = window.end.time_since_epoch().count();
  static_assert(std::is_same_v<BenchClock::duration, std::chrono::nanoseconds>);
  for (std::size_t k = 0; k < total; ++k) {
    std::int64_t submitted = timeline.submitted[k];
    if (submitted < window_start || submitted >= window_end) continue;
    std::int64_t acked = timeline.acked[k], delivered = timeline.delivered[k];
    if (acked == kNotYet || delivered == kNotYet) {
      ++missing;
      continue;
    }
    delivery.AddOk(std::chrono::nanoseconds(delivered - submitted));
    ack.AddOk(std::chrono::nanoseconds(acked - submitted));
    auto seen = std::lower_bound(
        samples.begin(), samples.end(), timeline.position[k].load(),
        [](const Sample& s, std::uint64_t position) { return s.position < position; });
    if (seen == samples.end()) {
      ++missing;
    } else {
      visible.AddOk(std::chrono::nanoseconds(std::max(seen->at_ns - submitted, std::int64_t{0})));
    }
  }
  for (std::uint64_t i = 0; i < missing + errors.load(); ++i) {
    delivery.AddError(first_error.empty() ? "an event was never delivered" : first_error);
  }

  json::object line{{"bench", "lag"}, {"side", "ledger"}, {"mode", "lag"}, {"clients", 1}};
  line["target_rate"] = options.rate;
  line["ack_p50_ms"] = ack.QuantileMs(0.50);
  line["ack_p99_ms"] = ack.QuantileMs(0.99);
  line["visible_p50_ms"] = visible.QuantileMs(0.50);
  line["visible_p99_ms"] = visible.QuantileMs(0.99);
  line["visible_max_ms"] = visible.QuantileMs(1.0);
  cpu.Report(std::max<std::uint64_t>(delivery.ok(), 1), line);
  delivery.Report(options.seconds, line);
  PrintJsonLine(line);
  return Status::Ok();
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  ledger::bench::Options options;
  po::options_description described("ledger_bench_lag options");
  described.add_options()("help", "this text")(
      "database-url", po::value(&options.database_url)->required(),
      "PostgreSQL URL (owner or superuser) of a migrated ledger database")(
      "rate", po::value(&options.rate), "events appended per second, paced")(
      "seconds", po::value(&options.seconds), "measured seconds")(
      "warmup", po::value(&options.warmup), "unmeasured seconds first");
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, described), values);
    if (values.count("help")) {
      std::cout << described;
      return EXIT_SUCCESS;
    }
    po::notify(values);
  } catch (const po::error& e) {
    std::cerr << "ledger_bench_lag: " << e.what() << "\n" << described;
    return 2;
  }
  ledger::Status status = ledger::bench::Run(options);
  if (!status.ok()) {
    std::cerr << "ledger_bench_lag: " << status.ToString() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
