// ledger_bench_append: single-event appends through PgEventStore by N concurrent clients, the
// engine side of bench/run's "append" row. Prints one JSON line (bench/README.md).
//
//   ledger_bench_append --database-url URL --clients 32 --mode group --seconds 5 --warmup 1
//
// Every client is closed-loop: it sends its next append once the previous one is answered.
// Each append is the append row of bench_rows.h (a new stream, one event).
//   --mode direct  each client calls EventStore::Append: one transaction per append, on a
//                  pool of one connection per client.
//   --mode group   each client submits to an http::GroupCommitter, exactly as the webhook
//                  route does: one committer thread takes everything queued and commits it
//                  with one EventStore::AppendBatch, so a commit carries about as many
//                  appends as arrived during the previous one.
//   --committers K  (group mode) K group committers, client i submitting to committer
//                  i mod K, so that K batches can be in flight at once. The server runs one;
//                  K > 1 measures what more would give (bench/README.md).
#include <boost/program_options.hpp>
#include <cstdlib>
#include <future>
#include <iostream>
#include <thread>

#include "adapters/http/group_committer.h"
#include "adapters/http/metrics.h"
#include "adapters/postgres/pg_event_store.h"
#include "bench/bench_rows.h"
#include "bench/measurement.h"

namespace ledger::bench {
namespace {

struct Options {
  std::string database_url;
  std::size_t clients = 1;
  std::string mode = "direct";
  std::size_t committers = 1;
  double seconds = 5;
  double warmup = 1;
};

// Appends one request for client number `client`.
using AppendFn = std::function<Result<AppendResult>(std::size_t client, AppendRequest)>;

void RunClient(std::size_t client, const AppendFn& append, const Window& window, Measurement& out) {
  while (BenchClock::now() < window.end) {
    AppendRequest request = AppendRowRequest(Uuid::V4());
    BenchClock::time_point start = BenchClock::now();
    Result<AppendResult> result = append(client, std::move(request));
    BenchClock::time_point done = BenchClock::now();
    if (!window.Contains(done)) continue;
    if (result.ok()) {
      out.AddOk(done - start);
    } else {
      out.AddError(result.status().ToString());
    }
  }
}

// Runs options.clients clients against `append` and returns their merged measurement, with
// the CPU use of the window in `line`.
Measurement RunClients(const Options& options, const AppendFn& append, boost::json::object& line) {
  Window window = Window::After(std::chrono::duration<double>(options.warmup),
                                std::chrono::duration<double>(options.seconds));
  CpuMeter cpu(window);
  std::vector<Measurement> per_client(options.clients);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < options.clients; ++i) {
    threads.emplace_back([&, i] { RunClient(i, append, window, per_client[i]); });
  }
  for (std::thread& t : threads) t.join();
  Measurement all;
  for (const Measurement& m : per_client) all.Merge(m);
  cpu.Report(all.ok(), line);
  return all;
}

// Group mode: clients submit to options.committers GroupCommitters and wait for the answer.
Measurement RunGroup(const Options& options, EventStore& store, boost::json::object& line) {
  http::Metrics metrics;
  std::atomic<std::uint64_t> submitted{0};
  Measurement measured;
  {
    std::vector<std::unique_ptr<http::GroupCommitter>> committers;
    for (std::size_t i = 0; i < options.committers; ++i) {
      committers.push_back(
          std::make_unique<http::GroupCommitter>(store, http::GroupCommitter::Options{}, &metrics));
    }
    auto append = [&](std::size_t client, AppendRequest request) {
      std::promise<Result<AppendResult>> answer;
      std::future<Result<AppendResult>> outcome = answer.get_future();
      submitted.fetch_add(1, std::memory_order_relaxed);
      committers[client % committers.size()]->Submit(
          std::move(request),
          [&answer](Result<AppendResult> result) { answer.set_value(std::move(result)); });
      return outcome.get();
    };
    measured = RunClients(options, append, line);
  }  // the committers stop here, so every batch is counted below
  if (options.committers > 1) line["mode"] = "group x" + std::to_string(options.committers);
  // Over the whole run, warm-up included: how many appends one AppendBatch carried.
  line["batches"] = metrics.batches();
  line["mean_batch"] = metrics.batches() == 0 ? 0.0
                                              : static_cast<double>(submitted.load()) /
                                                    static_cast<double>(metrics.batches());
  return measured;
}

Status Run(const Options& options) {
  PgOptions pg;
  pg.pool_size = options.mode == "direct" ? options.clients : options.committers + 1;
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgEventStore> store,
                          PgEventStore::Open(options.database_url, pg));
  boost::json::object line{{"bench", "append"},
                           {"side", "ledger"},
                           {"mode", options.mode},
                           {"clients", options.clients}};
  Measurement measured;
  if (options.mode == "direct") {
    auto append = [&](std::size_t, const AppendRequest& request) { return store->Append(request); };
    measured = RunClients(options, append, line);
  } else {
    measured = RunGroup(options, *store, line);
  }
  measured.Report(options.seconds, line);
  PrintJsonLine(line);
  return Status::Ok();
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  ledger::bench::Options options;
  po::options_description described("ledger_bench_append options");
  described.add_options()("help", "this text")("database-url",
                                               po::value(&options.database_url)->required(),
                                               "PostgreSQL URL of a migrated ledger database")(
      "clients", po::value(&options.clients)->default_value(1), "concurrent clients")(
      "mode", po::value(&options.mode)->default_value("direct"), "direct or group")(
      "committers", po::value(&options.committers)->default_value(1),
      "group mode: group committers (the server runs 1)")(
      "seconds", po::value(&options.seconds)->default_value(5), "measured seconds")(
      "warmup", po::value(&options.warmup)->default_value(1), "unmeasured seconds first");
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, described), values);
    if (values.count("help")) {
      std::cout << described;
      return EXIT_SUCCESS;
    }
    po::notify(values);
    if (options.clients == 0 || options.committers == 0 ||
        (options.mode != "direct" && options.mode != "group")) {
      throw po::error("--clients and --committers must be positive, --mode direct or group");
    }
  } catch (const po::error& e) {
    std::cerr << "ledger_bench_append: " << e.what() << "\n" << described;
    return 2;
  }
  ledger::Status status = ledger::bench::Run(options);
  if (!status.ok()) {
    std::cerr << "ledger_bench_append: " << status.ToString() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
