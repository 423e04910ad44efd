// ledger_bench_fold: point-in-time folds of one order stream on PostgreSQL, bench/run's "fold"
// row. Prints one JSON line (bench/README.md).
//
//   ledger_bench_fold --database-url URL [--stream-events 1000] [--streams 16] [--seconds 10]
//
// Imports --streams order streams of --stream-events events each into the (migrated, empty or
// not) database, interleaved round-robin so that one stream's events lie on different heap
// pages as they do when orders live for days (a stream imported alone would sit on a few
// consecutive pages), one minute apart per stream. Then, for --seconds, one client calls
// queries::FoldOrderAsOf (what GET /v1/orders/{id}?as_of=T answers: ReadStream with as_of,
// the orders projector folded in memory, read back under the caller's scope) for a random
// stream at a random time between its first and last event, and measures each call.
//
// A real order has tens of events, not a thousand; the 1,000-event stream is an order
// placed, paid and fulfilled whose remaining events are anomaly records (a duplicate webhook,
// an amount mismatch), the event the orders projector handles that may repeat without bound.
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdlib>
#include <iostream>
#include <random>

#include "adapters/postgres/pg_event_store.h"
#include "bench/measurement.h"
#include "engine/time.h"
#include "engine/uuid.h"
#include "queries/stream_fold.h"

namespace ledger::bench {
namespace {

namespace json = boost::json;

struct Options {
  std::string database_url;
  std::size_t stream_events = 1000;
  std::size_t streams = 16;
  double seconds = 10;
  double warmup = 1;
  std::uint64_t seed = 1;
};

constexpr std::int64_t kMinute = 60'000'000;  // microseconds
const Timestamp kStart = Timestamp(1'767'225'600'000'000);  // 2026-01-01T00:00:00Z
const char* const kTenant = "shop_0";

std::string OrderId(const std::string& tag, std::size_t s) {
  return "ord_fold_" + tag + "_" + std::to_string(s);
}

// Event k (0-based) of an order's stream: placed, paid, the fulfilment stages, then anomalies.
NewEvent OrderEvent(const std::string& order_id, std::size_t k) {
  Timestamp at(kStart.value() + static_cast<std::int64_t>(k) * kMinute);
  std::string at_text = FormatRfc3339(at);
  json::object payload{{"order_id", order_id}};
  std::string type;
  switch (k) {
    case 0:
      type = "order.placed";
      payload["amount_total"] = 2995;
      payload["amount_subtotal"] = 2500;
      payload["amount_shipping"] = 495;
      payload["currency"] = "gbp";
      payload["customer_id"] = "cus_fold";
      payload["customer_source"] = "stripe_customer";
      payload["session_created_at"] = at_text;
      payload["shipping"] = {{"name", "Ada Lovelace"}, {"address", {{"country", "GB"}}}};
      payload["lines"] = {{{"line_id", "li_1"}, {"description", "Tee"}, {"quantity", 2},
                           {"amount_total", 2000}},
                          {{"line_id", "li_2"}, {"description", "Mug"}, {"quantity", 1},
                           {"amount_total", 500}}};
      break;
    case 1:
      type = "order.paid";
      payload["at"] = at_text;
      payload["payment_intent_id"] = "pi_" + order_id;
      break;
    case 2:
      type = "order.submitted_to_printify";
      payload["at"] = at_text;
      payload["printify_order_id"] = "pf_" + order_id;
      break;
    case 3:
      type = "order.in_production";
      payload["at"] = at_text;
      break;
    case 4:
      type = "order.shipped";
      payload["at"] = at_text;
      payload["carrier"] = "royal_mail";
      payload["tracking_number"] = "RM123456789GB";
      payload["skus"] = {"TEE-M-BLACK", "MUG-11OZ"};
      break;
    default:
      type = "order.anomaly_recorded";
      payload["at"] = at_text;
      payload["kind"] = k % 2 == 0 ? "duplicate_webhook" : "amount_mismatch";
      break;
  }
  NewEvent event;
  event.event_id = Uuid::V4();
  event.event_type = type;
  event.tenant = TenantId(kTenant);
  event.payload = json::serialize(payload);
  event.metadata.actor = "system:bench";
  event.metadata.source = "bench";
  return event;
}

Status ImportStreams(EventStore& store, const Options& options, const std::string& tag) {
  std::vector<ImportedEvent> batch;
  for (std::size_t k = 0; k < options.stream_events; ++k) {
    for (std::size_t s = 0; s < options.streams; ++s) {
      std::string order_id = OrderId(tag, s);
      ImportedEvent imported;
      imported.stream = StreamId("order-" + order_id);
      imported.event = OrderEvent(order_id, k);
      imported.recorded_at = Timestamp(kStart.value() + static_cast<std::int64_t>(k) * kMinute);
      batch.push_back(std::move(imported));
    }
    if (batch.size() >= 10'000 || k + 1 == options.stream_events) {
      LEDGER_RETURN_IF_ERROR(store.Import(batch).status());
      batch.clear();
    }
  }
  return Status::Ok();
}

Status Run(const Options& options) {
  if (options.stream_events < 6 || options.streams == 0) {
    return InvalidArgument("--stream-events must be at least 6 and --streams positive");
  }
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgEventStore> store,
                          PgEventStore::Open(options.database_url));
  // Distinct streams across runs against the same database.
  std::string tag = Uuid::V4().ToString().substr(0, 8);
  LEDGER_RETURN_IF_ERROR(ImportStreams(*store, options, tag));

  queries::Scope scope;
  scope.tenant_id = kTenant;
  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<std::size_t> any_stream(0, options.streams - 1);
  // Any microsecond from the first event to one minute past the last.
  std::uniform_int_distribution<std::int64_t> any_time(
      kStart.value(), kStart.value() + static_cast<std::int64_t>(options.stream_events) * kMinute);

  Window window = Window::After(std::chrono::duration<double>(options.warmup),
                                std::chrono::duration<double>(options.seconds));
  CpuMeter cpu(window);
  Measurement measurement;
  std::uint64_t events_folded = 0;
  while (true) {
    std::size_t s = any_stream(random);
    Timestamp as_of(any_time(random));
    BenchClock::time_point start = BenchClock::now();
    if (start >= window.end) break;
    Result<std::optional<queries::OrderAsOf>> folded =
        queries::FoldOrderAsOf(*store, scope, OrderId(tag, s), as_of);
    BenchClock::time_point end = BenchClock::now();
    if (!window.Contains(end)) continue;
    if (!folded.ok()) {
      measurement.AddError(folded.status().ToString());
    } else if (!folded->has_value() || (*folded)->lines.empty()) {
      measurement.AddError("the fold found no order or no lines");
    } else {
      measurement.AddOk(end - start);
      events_folded += (*folded)->events;
    }
  }
  json::object line{{"bench", "fold"},
                    {"side", "ledger"},
                    {"mode", "fold"},
                    {"clients", 1},
                    {"stream_events", options.stream_events},
                    {"streams", options.streams}};
  line["mean_events_folded"] =
      measurement.ok() == 0 ? 0.0
                            : static_cast<double>(events_folded) /
                                  static_cast<double>(measurement.ok());
  cpu.Report(std::max<std::uint64_t>(measurement.ok(), 1), line);
  measurement.Report(options.seconds, line);
  PrintJsonLine(line);
  return Status::Ok();
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  ledger::bench::Options options;
  po::options_description described("ledger_bench_fold options");
  described.add_options()("help", "this text")(
      "database-url", po::value(&options.database_url)->required(),
      "PostgreSQL URL of a migrated ledger database")(
      "stream-events", po::value(&options.stream_events), "events per order stream")(
      "streams", po::value(&options.streams), "order streams, imported interleaved")(
      "seconds", po::value(&options.seconds), "measured seconds")(
      "warmup", po::value(&options.warmup), "unmeasured seconds first")(
      "seed", po::value(&options.seed), "random stream and time choice");
  try {
    po::variables_map values;
    po::store(po::parse_command_line(argc, argv, described), values);
    if (values.count("help")) {
      std::cout << described;
      return EXIT_SUCCESS;
    }
    po::notify(values);
  } catch (const po::error& e) {
    std::cerr << "ledger_bench_fold: " << e.what() << "\n" << described;
    return 2;
  }
  ledger::Status status = ledger::bench::Run(options);
  if (!status.ok()) {
    std::cerr << "ledger_bench_fold: " << status.ToString() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
