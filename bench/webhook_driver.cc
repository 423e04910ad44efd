// ledger_bench_webhooks: signed Stripe webhooks over loopback HTTP, the engine side of
// bench/run's "webhook" row. Starts the real server (http::Server: Beast, signature check,
// Stripe decoder, group committer) in this process on PgEventStore, drives it with
// --connections keep-alive connections (http_load.h) and prints one JSON line.
//
//   ledger_bench_webhooks --database-url URL --body tests/fixtures/stripe/assembled/04_...json
//
// Every request is a distinct Stripe event: the --body template with a fresh "evt_" id,
// signed with the current time just before it is sent (one HMAC-SHA256 of the body on the
// client's thread, about a microsecond per kilobyte), so every request stores one new event.
#include <boost/program_options.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/http/metrics.h"
#include "adapters/http/server.h"
#include "adapters/postgres/pg_event_store.h"
#include "bench/bench_rows.h"
#include "bench/http_load.h"
#include "engine/uuid.h"

namespace ledger::bench {
namespace {

struct Options {
  std::string database_url;
  std::string body_file;
  std::size_t connections = 32;
  std::size_t server_threads = 0;  // 0: the server's default (one per hardware thread)
  double seconds = 10;
  double warmup = 1;
};

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::int64_t UnixSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status Run(const Options& options) {
  LEDGER_ASSIGN_OR_RETURN(std::string template_body, ReadFile(options.body_file));
  // Distinct ids across runs against the same database: a random tag per run.
  std::string tag = Uuid::V4().ToString().substr(0, 8);
  LEDGER_RETURN_IF_ERROR(StripeBodyWithId(template_body, "evt_bench").status());

  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgEventStore> store,
                          PgEventStore::Open(options.database_url));
  http::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  server_options.stripe_secrets = {std::string(kStripeSecret)};
  server_options.threads = options.server_threads;
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<http::Server> server,
                          http::Server::Start(*store, server_options));

  std::uint64_t sent = 0;
  RequestFactory next = [&] {
    std::string body =
        StripeBodyWithId(template_body, "evt_bench_" + tag + "_" + std::to_string(sent++)).value();
    std::string request =
        "POST /v1/webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nStripe-Signature: " +
        StripeSignatureHeader(body, UnixSeconds()) +
        "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    request += body;
    return request;
  };
  LoadOptions load;
  load.port = server->port();
  load.connections = options.connections;
  load.window = Window::After(std::chrono::duration<double>(options.warmup),
                              std::chrono::duration<double>(options.seconds));
  CpuMeter cpu(load.window);  // this process: the server and the load client
  LEDGER_ASSIGN_OR_RETURN(LoadResult result, RunHttpLoad(load, next));
  server->Shutdown();
  LEDGER_RETURN_IF_ERROR(server->Wait());

  boost::json::object line{
      {"bench", "webhook"}, {"side", "ledger"}, {"mode", "http"}, {"clients", options.connections}};
  const http::Metrics& metrics = server->metrics();
  // Over the whole run, warm-up included: how many webhooks one AppendBatch carried.
  line["batches"] = metrics.batches();
  line["mean_batch"] = metrics.batches() == 0
                           ? 0.0
                           : static_cast<double>(metrics.events_stored("stripe")) /
                                 static_cast<double>(metrics.batches());
  line["body_bytes"] = template_body.size();
  boost::json::object statuses;
  for (const auto& [status, count] : result.statuses) statuses[std::to_string(status)] = count;
  line["statuses"] = std::move(statuses);
  cpu.Report(result.measurement.ok(), line);
  result.measurement.Report(options.seconds, line);
  PrintJsonLine(line);
  return Status::Ok();
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  ledger::bench::Options options;
  po::options_description described("ledger_bench_webhooks options");
  described.add_options()("help", "this text")("database-url",
                                               po::value(&options.database_url)->required(),
                                               "PostgreSQL URL of a migrated ledger database")(
      "body", po::value(&options.body_file)->required(),
      "a Stripe event JSON file to send (its evt_ id is replaced per request)")(
      "connections", po::value(&options.connections)->default_value(32),
      "concurrent keep-alive connections")(
      "server-threads", po::value(&options.server_threads)->default_value(0),
      "the server's network threads; 0: one per hardware thread")(
      "seconds", po::value(&options.seconds)->default_value(10), "measured seconds")(
      "warmup", po::value(&options.warmup)->default_value(1), "unmeasured seconds first");
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, described), values);
    if (values.count("help")) {
      std::cout << described;
      return EXIT_SUCCESS;
    }
    po::notify(values);
    if (options.connections == 0) throw po::error("--connections must be positive");
  } catch (const po::error& e) {
    std::cerr << "ledger_bench_webhooks: " << e.what() << "\n" << described;
    return 2;
  }
  ledger::Status status = ledger::bench::Run(options);
  if (!status.ok()) {
    std::cerr << "ledger_bench_webhooks: " << status.ToString() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
