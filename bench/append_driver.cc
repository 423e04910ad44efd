// ledger_bench_append: single-event appends through PgEventStore by N concurrent clients, the
// engine side of bench/run's "append" row. Prints one JSON line (bench/README.md).
//
//   ledger_bench_append --database-url URL --clients 32 --mode group --seconds 5 --warmup 1
//
// Every client is closed-loop: it sends its next append once the previous one is answered.
// Each append is the append row of bench_rows.h (a new stream, one event).
//   --mode direct  each client calls EventStore::Append: one transaction per append, on a
//                  pool of one connection per client.
//   --mode group   each client submits to an http::GroupCommitter, as the webhook route
//                  does: one committer thread takes everything queued and commits it with
//                  one EventStore::AppendBatch, so a commit carries about as many appends as
//                  arrived during the previous one. The clients are logical: the callback
//                  that answers a client's append submits its next one, so no thread is
//                  woken per append (the server's callbacks likewise only post the response
//                  to its network threads).
//   --mode group-threads  the same with one thread per client, each blocking on a future:
//                  the committer then wakes one thread per append (a futex wake each), which
//                  on a virtual machine costs enough to slow the committer (bench/README.md).
//   --committers K  (group modes) K group committers, client i submitting to committer
//                  i mod K, so that K batches can be in flight at once. The server runs one;
//                  K > 1 measures what more would give.
#include <boost/program_options.hpp>
#include <condition_variable>
#include <cstdlib>
#include <future>
#include <iostream>
#include <mutex>
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

// Adds what the group modes measure besides the clients' view to `line`.
void ReportBatches(const Options& options, const http::Metrics& metrics, std::uint64_t submitted,
                   boost::json::object& line) {
  if (options.committers > 1) {
    line["mode"] = options.mode + " x" + std::to_string(options.committers);
  }
  // Over the whole run, warm-up included: how many appends one AppendBatch carried.
  line["batches"] = metrics.batches();
  line["mean_batch"] = metrics.batches() == 0 ? 0.0
                                              : static_cast<double>(submitted) /
                                                    static_cast<double>(metrics.batches());
}

using Committers = std::vector<std::unique_ptr<http::GroupCommitter>>;

// Logical closed-loop clients on GroupCommitters: each client's callback records its answer
// and submits its next append, until the window closes.
class CallbackClients {
 public:
  CallbackClients(Committers& committers, std::size_t clients, const Window& window)
      : committers_(committers), window_(window), clients_(clients) {}

  // Starts every client and blocks until all have stopped; returns their measurement.
  Measurement Run() {
    for (std::size_t i = 0; i < clients_.size(); ++i) SubmitNext(i);
    std::unique_lock lock(mu_);
    all_stopped_.wait(lock, [&] { return stopped_ == clients_.size(); });
    Measurement all;
    for (const Client& c : clients_) all.Merge(c.measured);
    return all;
  }

  std::uint64_t submitted() const { return submitted_.load(); }

 private:
  struct Client {
    BenchClock::time_point sent;
    Measurement measured;  // touched only by the callbacks of this client's committer
  };

  void SubmitNext(std::size_t i) {
    if (BenchClock::now() >= window_.end) {
      std::lock_guard lock(mu_);
      if (++stopped_ == clients_.size()) all_stopped_.notify_one();
      return;
    }
    AppendRequest request = AppendRowRequest(Uuid::V4());
    submitted_.fetch_add(1, std::memory_order_relaxed);
    clients_[i].sent = BenchClock::now();
    committers_[i % committers_.size()]->Submit(
        std::move(request), [this, i](Result<AppendResult> result) { Answered(i, result); });
  }

  // Runs on the committer's thread.
  void Answered(std::size_t i, const Result<AppendResult>& result) {
    BenchClock::time_point done = BenchClock::now();
    Client& c = clients_[i];
    if (window_.Contains(done)) {
      if (result.ok()) {
        c.measured.AddOk(done - c.sent);
      } else {
        c.measured.AddError(result.status().ToString());
      }
    }
    SubmitNext(i);
  }

  Committers& committers_;
  const Window window_;
  std::vector<Client> clients_;
  std::atomic<std::uint64_t> submitted_{0};
  std::mutex mu_;
  std::condition_variable all_stopped_;
  std::size_t stopped_ = 0;
};

// The group modes: options.clients clients on options.committers GroupCommitters.
Measurement RunGroup(const Options& options, EventStore& store, boost::json::object& line) {
  http::Metrics metrics;
  std::uint64_t submitted = 0;
  Measurement measured;
  // Declared before the committers, so destroyed after their threads have stopped: the last
  // callback may still be returning when Run() does.
  std::unique_ptr<CallbackClients> callback_clients;
  {
    Committers committers;
    for (std::size_t i = 0; i < options.committers; ++i) {
      committers.push_back(
          std::make_unique<http::GroupCommitter>(store, http::GroupCommitter::Options{}, &metrics));
    }
    if (options.mode == "group") {
      Window window = Window::After(std::chrono::duration<double>(options.warmup),
                                    std::chrono::duration<double>(options.seconds));
      CpuMeter cpu(window);
      callback_clients = std::make_unique<CallbackClients>(committers, options.clients, window);
      measured = callback_clients->Run();
      submitted = callback_clients->submitted();
      cpu.Report(measured.ok(), line);
    } else {  // group-threads: a thread per client, blocking on a future
      std::atomic<std::uint64_t> count{0};
      auto append = [&](std::size_t client, AppendRequest request) {
        std::promise<Result<AppendResult>> answer;
        std::future<Result<AppendResult>> outcome = answer.get_future();
        count.fetch_add(1, std::memory_order_relaxed);
        committers[client % committers.size()]->Submit(
            std::move(request),
            [&answer](Result<AppendResult> result) { answer.set_value(std::move(result)); });
        return outcome.get();
      };
      measured = RunClients(options, append, line);
      submitted = count.load();
    }
  }  // the committers stop here, so every batch is counted below
  ReportBatches(options, metrics, submitted, line);
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
      "mode", po::value(&options.mode)->default_value("direct"), "direct, group or group-threads")(
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
        (options.mode != "direct" && options.mode != "group" && options.mode != "group-threads")) {
      throw po::error(
          "--clients and --committers must be positive, --mode direct, group or group-threads");
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
