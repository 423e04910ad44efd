// End to end in one process (issue 9): a Stripe checkout is admitted and translated, the
// dispatcher turns its order.paid into a Printify submission job, a worker runs it against a
// fake Printify on loopback through the real REST client, and the job's success is in the
// ledger (job.succeeded, order.printify_submission_accepted) and in the jobs read model.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <thread>

#include "adapters/printify/api_client.h"
#include "jobs/dispatcher.h"
#include "jobs/kinds/printify_submission.h"
#include "jobs/worker.h"
#include "projections/jobs/jobs_projectors.h"
#include "projections/runner.h"
#include "tests/commands/intake_fixture.h"
#include "tests/jobs/redis_test_support.h"
#include "tests/jobs_kinds/fake_printify_server.h"

namespace ledger::jobs::testing {
namespace {

using namespace std::chrono_literals;
using commands::testing::AdmitStripe;
using commands::testing::IntakeFixture;
using commands::testing::StripeEventJson;

constexpr char kOrder[] = "cs_test_e2e_dispatch_0001";

// A paid checkout with its line items expanded and a shipping address.
std::string PaidSession() {
  return std::string(R"({"id":")") + kOrder +
         R"(","object":"checkout.session","status":"complete","payment_status":"paid",)"
         R"("mode":"payment","amount_total":4200,"amount_subtotal":4200,"currency":"usd",)"
         R"("customer":null,"payment_intent":"pi_e2e_dispatch_0001","created":1787100000,)"
         R"("customer_details":{"email":"ada@example.com","name":"Ada Lovelace"},)"
         R"("collected_information":{"shipping_details":{"name":"Ada Lovelace","address":)"
         R"({"line1":"12 St James's Square","line2":null,"city":"London","state":null,)"
         R"("postal_code":"SW1Y 4JH","country":"GB"}}},)"
         R"("line_items":{"object":"list","data":[{"id":"li_1","object":"item",)"
         R"("description":"Poster","quantity":2,"amount_total":4200,)"
         R"("price":{"id":"price_poster_a3","object":"price","product":"prod_poster"}}]},)"
         R"("metadata":{}})";
}

TEST_CASE("order.paid -> printify job -> worker -> fake Printify -> job.succeeded, projected") {
  IntakeFixture f;
  f.Admit(AdmitStripe(StripeEventJson("evt_e2e_dispatch_01", "checkout.session.completed",
                                      1787100000, PaidSession())));
  f.Translate();
  REQUIRE(f.StreamTypes(std::string("order-") + kOrder) ==
          std::vector<std::string>{"order.placed", "order.paid"});

  auto queue = FreshQueue(TestRedis());
  Dispatcher dispatcher(f.store, f.checkpoints, *queue, StandardDispatchRules({}));
  REQUIRE(dispatcher.CatchUp().ok());
  REQUIRE(dispatcher.stats().queued == 2);  // the submission and the confirmation email

  ledger::testing::FakePrintifyServer printify;
  printify.CreateOrders("pf_order_e2e_1");
  printify::ApiClientOptions client_options;
  client_options.base_url = printify.base_url();
  client_options.token = "pf-test-token";
  auto client = printify::ApiClient::Create(client_options);
  REQUIRE(client.ok());
  HandlerRegistry handlers;  // no email handler: that job is dead-lettered, and says why
  REQUIRE(handlers
              .Register(std::make_unique<kinds::PrintifySubmissionHandler>(
                  client->get(), &f.store, kinds::PrintifySubmissionOptions{.default_shop_id = 77}))
              .ok());
  WorkerOptions options;
  options.name = "e2e";
  options.block = 50ms;
  Worker worker(*queue, f.store, handlers, options);
  for (int i = 0; i < 20 && worker.counts().succeeded + worker.counts().dead_lettered < 2; ++i) {
    REQUIRE(worker.RunOnce("e2e-0").ok());
  }
  CHECK(worker.counts().succeeded == 1);
  CHECK(worker.counts().dead_lettered == 1);

  // What Printify was sent: the lines as SKUs (the Stripe price ids) and the address.
  std::vector<ledger::testing::FakePrintifyServer::Request> requests = printify.requests();
  REQUIRE(requests.size() == 1);
  const auto& request = requests.front();
  CHECK(request.target == "/v1/shops/77/orders.json");
  boost::json::object body = boost::json::parse(request.body).as_object();
  CHECK(body.at("line_items").as_array().at(0).as_object().at("sku") == "price_poster_a3");
  CHECK(body.at("line_items").as_array().at(0).as_object().at("quantity") == 2);
  CHECK(body.at("address_to").as_object().at("first_name") == "Ada");
  CHECK(body.at("address_to").as_object().at("country") == "GB");

  // The ledger: the job's story and the order's.
  std::vector<RecordedEvent> paid = f.Stream(std::string("order-") + kOrder);
  std::string cause = paid[1].event_id.ToString();
  std::string printify_job = JobIdFor("printify.submit_order", cause);
  std::string email_job = JobIdFor("email.order_confirmation", cause);
  CHECK(JobEventTypesOf(f.store, printify_job) ==
        std::vector<std::string>{"job.queued", "job.started", "job.succeeded"});
  CHECK(JobEventTypesOf(f.store, email_job) ==
        std::vector<std::string>{"job.queued", "job.dead_lettered"});
  CHECK(f.StreamTypes(std::string("order-") + kOrder).back() ==
        "order.printify_submission_accepted");

  // The jobs read model, from those events.
  auto projectors = projections::MakeJobProjectors();
  std::vector<projections::Projector*> list = {projectors.front().get()};
  REQUIRE(projections::ProjectToHead(f.store, f.checkpoints, list).ok());
  projections::Key keys[] = {projections::Key{std::string("default"), printify_job},
                             projections::Key{std::string("default"), email_job}};
  auto rows =
      f.checkpoints.Fetch(projections::jobs::JobsTable(), projections::TableSet::kLive, keys);
  REQUIRE(rows.ok());
  REQUIRE((*rows)[0].has_value());
  REQUIRE((*rows)[1].has_value());
  CHECK((*rows)[0]->Text("status") == "succeeded");
  CHECK((*rows)[0]->Text("kind") == "printify.submit_order");
  CHECK((*rows)[1]->Text("status") == "dead_lettered");
  CHECK((*rows)[1]->Text("last_detail").find("no handler") != std::string::npos);
}

}  // namespace
}  // namespace ledger::jobs::testing
