// The jobs part of `ledger serve` (adapters/cli BackgroundServices::EnableJobs), wired as serve
// wires it: an admitted Stripe checkout is translated, dispatched, run by the worker with the
// handlers MakeJobHandlers builds from the environment (Printify against a fake on loopback,
// no SMTP), and the outcomes reach the jobs read model the services project.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <atomic>
#include <map>
#include <thread>

#include "adapters/cli/background_services.h"
#include "adapters/cli/job_handlers.h"
#include "engine/memory_store.h"
#include "jobs/job_events.h"
#include "projections/jobs/jobs_projectors.h"
#include "projections/memory_read_model_store.h"
#include "tests/commands/intake_fixture.h"
#include "tests/jobs/redis_test_support.h"
#include "tests/jobs_kinds/fake_printify_server.h"

namespace ledger::jobs::testing {
namespace {

using namespace std::chrono_literals;

cli::GetEnvFn Environment(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::optional<projections::Row> JobRow(projections::ReadModelStore& rows,
                                       const std::string& job_id) {
  projections::Key keys[] = {projections::Key{std::string("default"), job_id}};
  auto found = rows.Fetch(projections::jobs::JobsTable(), projections::TableSet::kLive, keys);
  if (!found.ok()) return std::nullopt;  // the projector has not created its table yet
  return (*found)[0];
}

TEST_CASE("handlers come from the environment, and a kind not configured is left out") {
  MemoryEventStore store;
  auto none = cli::MakeJobHandlers(store, Environment({}));
  REQUIRE(none.ok());
  CHECK((*none)->registry.kinds() == std::vector<std::string>{"ledger.noop"});
  CHECK((*none)->not_configured.size() == 2);

  auto printify = cli::MakeJobHandlers(
      store, Environment({{"LEDGER_PRINTIFY_API_TOKEN", "t"}, {"LEDGER_PRINTIFY_SHOP_ID", "5"}}));
  REQUIRE(printify.ok());
  CHECK((*printify)->registry.Find("printify.submit_order") != nullptr);
  CHECK((*printify)->registry.Find("email.order_confirmation") == nullptr);

  auto email =
      cli::MakeJobHandlers(store, Environment({{"LEDGER_SMTP_URL", "smtp://127.0.0.1:2525"},
                                               {"LEDGER_SMTP_FROM", "shop@example.com"}}));
  REQUIRE_MESSAGE(email.ok(), email.status().ToString());
  CHECK((*email)->registry.Find("email.order_confirmation") != nullptr);
  CHECK((*email)->registry.Find("email.daily_drop") != nullptr);

  // Present but wrong is an error at startup, naming the variable and not its value.
  auto bad = cli::MakeJobHandlers(
      store, Environment({{"LEDGER_PRINTIFY_API_TOKEN", "t"}, {"LEDGER_PRINTIFY_SHOP_ID", "x7"}}));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().ToString().find("LEDGER_PRINTIFY_SHOP_ID") != std::string::npos);
}

TEST_CASE("serve's background services run a paid order's Printify job to a projected success") {
  ledger::testing::FakePrintifyServer printify;
  printify.CreateOrders("pf_order_serve_1");
  ManualClock clock{Timestamp(1'787'133'600'000'000)};
  MemoryEventStore store(&clock);
  projections::MemoryReadModelStore rows;

  cli::BackgroundServices services(store, rows, clock);
  cli::GetEnvFn env = Environment({{"LEDGER_PRINTIFY_API_URL", printify.base_url()},
                                   {"LEDGER_PRINTIFY_API_TOKEN", "pf-token"},
                                   {"LEDGER_PRINTIFY_SHOP_ID", "42"}});
  auto handlers = cli::MakeJobHandlers(store, env);
  REQUIRE(handlers.ok());
  WorkerOptions worker;
  worker.name = "serve-test";
  worker.block = 50ms;
  worker.unavailable_wait = 100ms;
  services.EnableJobs(FreshQueue(TestRedis()), std::move(*handlers), worker,
                      cli::DispatchSettingsFrom(env));
  services.Start();

  // The card order of the Stripe story (placed and paid at checkout, shipped to Portland),
  // whose checkout wrote the Printify lines into the session's metadata.
  boost::json::value event = boost::json::parse(
      commands::testing::ReadFixture("stripe/assembled/05_checkout.session.completed.json"));
  event.at("data").at("object").as_object()["metadata"] = boost::json::object{
      {"printify_line_items", R"([{"product_id":"pp_1","variant_id":17,"quantity":3}])"}};
  std::string session = boost::json::serialize(event);
  REQUIRE(store.Append(commands::testing::AdmitStripe(session)).ok());

  std::string cause;  // the order.paid event's id
  std::string printify_job;
  std::optional<projections::Row> row;
  for (int i = 0; i < 300; ++i) {
    auto order =
        store.ReadStream(StreamId(std::string("order-") + commands::testing::kCardOrder), {});
    REQUIRE(order.ok());
    for (const RecordedEvent& e : *order) {
      if (e.event_type == "order.paid") {
        cause = e.event_id.ToString();
        printify_job = JobIdFor("printify.submit_order", cause);
      }
    }
    if (!printify_job.empty()) row = JobRow(rows, printify_job);
    std::optional<projections::Row> email =
        cause.empty() ? std::nullopt : JobRow(rows, JobIdFor("email.order_confirmation", cause));
    if (row && row->Text("status") == "succeeded" && email &&
        email->Text("status") == "dead_lettered") {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  services.Stop();
  REQUIRE_FALSE(printify_job.empty());
  REQUIRE(row.has_value());
  CHECK(row->Text("status") == "succeeded");
  CHECK(JobEventTypesOf(store, printify_job) ==
        std::vector<std::string>{"job.queued", "job.started", "job.succeeded"});
  std::vector<ledger::testing::FakePrintifyServer::Request> requests = printify.requests();
  REQUIRE(requests.size() == 1);
  CHECK(requests[0].target == "/v1/shops/42/orders.json");
  CHECK(requests[0].body.find(R"("variant_id":17)") != std::string::npos);
  // No SMTP configured: the confirmation email is dead-lettered and says why.
  std::optional<projections::Row> email = JobRow(rows, JobIdFor("email.order_confirmation", cause));
  REQUIRE(email.has_value());
  CHECK(email->Text("status") == "dead_lettered");
  CHECK(email->Text("last_detail").find("no handler") != std::string::npos);

  // GET /metrics carries the counters.
  std::string metrics;
  services.RenderMetrics(metrics);
  CHECK(metrics.find("\nledger_dispatcher_jobs_queued_total 2\n") != std::string::npos);
  CHECK(metrics.find("\nledger_worker_jobs_succeeded_total 1\n") != std::string::npos);
  CHECK(metrics.find("\nledger_worker_jobs_dead_lettered_total 1\n") != std::string::npos);
}

}  // namespace
}  // namespace ledger::jobs::testing

namespace ledger::jobs::testing {
namespace {

// BackgroundServices::EnableScheduler and OnLiveChange, as `ledger serve --redis-url` wires
// them: the scheduler records the day's drop once it is due, and the projections tell the hook
// which live rows they changed.
TEST_CASE("serve's scheduler records the due drop, and projection changes reach the hook") {
  // 2026-11-24 09:00 UTC is 09:00 in London (GMT): past 08:30, so today's drop is due.
  ManualClock clock(Timestamp(1'795'510'800'000'000));
  MemoryEventStore store(&clock);
  projections::MemoryReadModelStore rows;
  std::atomic<int> changes{0};
  cli::BackgroundServices services(store, rows, clock);
  CHECK(services.EnableScheduler(SchedulerOptions{.time_zone = "Nowhere/Atlantis"}).code() ==
        StatusCode::kInvalidArgument);
  REQUIRE(services.EnableScheduler(SchedulerOptions{}).ok());
  services.OnLiveChange([&](const projections::LiveTablesChanged&) { ++changes; });
  services.Start();
  bool recorded = false;
  for (int i = 0; i < 500 && !(recorded && changes > 0); ++i) {
    recorded = !store.ReadStream(StreamId("drop-default-2026-11-24"), {}).value().empty();
    std::this_thread::sleep_for(10ms);
  }
  services.Stop();
  CHECK(recorded);
  CHECK(changes > 0);  // the first build of every projector is a swap the hook hears of
}

}  // namespace
}  // namespace ledger::jobs::testing
