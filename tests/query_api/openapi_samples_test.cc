// Real responses of every query route and error status, for check_openapi.py, which validates
// each against docs/openapi.yaml. With LEDGER_QUERY_API_SAMPLES set, the responses are written
// there as JSON lines {"pattern", "status", "body"}; without it the case only checks statuses.
#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "jobs/job_events.h"
#include "tests/projections/content_projection_support.h"
#include "tests/query_api/query_server.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

struct Sample {
  std::string pattern;  // the route as docs/openapi.yaml names it
  std::string target;
  std::string role;
  int status;
};

// Two jobs as the dispatcher and a worker record them: one succeeded, one dead-lettered.
void RecordJobs(EventStore& store) {
  const jobs::JobActor by{"system:worker", "jobs.worker"};
  for (const char* kind : {"printify.submit_order", "email.order_confirmation"}) {
    jobs::Job job;
    job.cause_event_id = Uuid::V5(LedgerNamespace(), std::string("openapi:") + kind).ToString();
    job.kind = kind;
    job.job_id = jobs::JobIdFor(kind, job.cause_event_id);
    job.tenant_id = "default";
    job.payload = R"({"order_id":"ord_1"})";
    std::vector<NewEvent> events = {jobs::JobQueuedEvent(job, by)};
    job.attempt = 1;
    if (job.kind == "printify.submit_order") {
      events.push_back(
          jobs::JobStartedEvent(jobs::ClaimedJob{.job = job, .receipt = "1-0"}, "worker-0", by));
      events.push_back(jobs::JobSucceededEvent(
          job, jobs::JobResult{jobs::Outcome::kSucceeded, "accepted", R"({"shop_id":7})"}, by));
    } else {
      events.push_back(jobs::JobDeadLetteredEvent(job, "no handler for kind", by));
    }
    REQUIRE(jobs::AppendJobEvents(store, job.job_id, std::move(events)).ok());
  }
}

TEST_CASE("responses of every query route are recorded for the OpenAPI check") {
  QueryServer q(
      [](query::QueryRouteOptions& options) { options.max_wait = std::chrono::milliseconds(50); });
  projections::testing::RunStory(q.commands);
  q.PlaceOrder({.tenant = "default", .order_id = "ord_1", .paid = true, .shipped = true});
  q.PlaceOrder({.tenant = "default", .order_id = "ord_2", .created_at = std::nullopt});
  RecordJobs(q.commands.store);
  q.Project();
  const std::vector<Sample> samples = {
      {"/v1/orders", "/v1/orders?limit=1", "admin", 200},
      {"/v1/orders", "/v1/orders?status=nothing", "customer", 200},
      {"/v1/orders", "/v1/orders?limit=0", "admin", 400},
      {"/v1/orders", "/v1/orders", "reviewer", 403},
      {"/v1/orders", "/v1/orders?min_position=999999", "admin", 503},
      {"/v1/orders/{id}", "/v1/orders/ord_1", "customer", 200},
      {"/v1/orders/{id}", "/v1/orders/ord_2", "admin", 200},
      {"/v1/orders/{id}", "/v1/orders/ord_9", "admin", 404},
      {"/v1/orders/{id}", "/v1/orders/ord_1?as_of=2026-01-01T00:00:00Z", "admin", 400},
      {"/v1/products", "/v1/products?limit=2", "reviewer", 200},
      {"/v1/products/{id}", "/v1/products/a", "auditor", 200},
      {"/v1/products/{id}", "/v1/products/zz", "auditor", 404},
      {"/v1/review-queue", "/v1/review-queue", "reviewer", 200},
      {"/v1/review-queue", "/v1/review-queue", "auditor", 403},
      {"/v1/screening-decisions", "/v1/screening-decisions", "auditor", 200},
      {"/v1/quality-verdicts", "/v1/quality-verdicts", "reviewer", 200},
      {"/v1/canary", "/v1/canary", "operator", 200},
      {"/v1/canary/history", "/v1/canary/history?limit=2", "admin", 200},
      {"/v1/canary/history", "/v1/canary/history?routes=x", "admin", 400},
      {"/v1/canary/history", "/v1/canary/history", "", 401},
      {"/v1/jobs", "/v1/jobs", "operator", 200},
      {"/v1/jobs", "/v1/jobs?status=dead_lettered&kind=email.order_confirmation", "admin", 200},
      {"/v1/jobs", "/v1/jobs?kind=", "admin", 400},
      {"/v1/jobs", "/v1/jobs", "auditor", 403},
  };
  const char* out_path = std::getenv("LEDGER_QUERY_API_SAMPLES");
  std::ofstream out;
  if (out_path != nullptr) {
    out.open(out_path, std::ios::trunc);
    REQUIRE(out.good());
  }
  for (const Sample& s : samples) {
    CAPTURE(s.target);
    std::optional<std::string> token;
    // The story's customer is the one in the fixtures; ours is cus_1 (PlaceOrder's default).
    if (!s.role.empty()) token = q.Token(s.role, "default", "cus_1");
    ClientResponse r = q.Get(s.target, token);
    CHECK(r.status == s.status);
    if (out_path == nullptr) continue;
    json::object line{{"pattern", s.pattern},
                      {"target", s.target},
                      {"status", r.status},
                      {"body", json::parse(r.body)}};
    out << json::serialize(line) << "\n";
  }
}

TEST_CASE("/v1/jobs lists the jobs read model, filtered by status and kind") {
  QueryServer q;
  RecordJobs(q.commands.store);
  q.Project();
  std::string token = q.Token("operator", "default");
  auto items = [&](const std::string& target) {
    ClientResponse r = q.Get(target, token);
    REQUIRE(r.status == 200);
    return json::parse(r.body).as_object().at("items").as_array();
  };
  CHECK(items("/v1/jobs").size() == 2);
  json::array dead = items("/v1/jobs?status=dead_lettered");
  REQUIRE(dead.size() == 1);
  CHECK(dead[0].as_object().at("kind") == "email.order_confirmation");
  CHECK(dead[0].as_object().at("last_detail") == "no handler for kind");
  json::array printify = items("/v1/jobs?kind=printify.submit_order&status=succeeded");
  REQUIRE(printify.size() == 1);
  CHECK(printify[0].as_object().at("last_result") == json::object{{"shop_id", 7}});
  CHECK(items("/v1/jobs?kind=email.welcome").empty());
  CHECK(q.Get("/v1/jobs", q.Token("customer", "default")).status == 403);
}

}  // namespace
}  // namespace ledger::testing
