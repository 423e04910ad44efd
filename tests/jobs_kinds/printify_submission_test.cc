// printify.submit_order against a fake Printify on loopback, through the real REST client.
#include "jobs/kinds/printify_submission.h"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "adapters/printify/api_client.h"
#include "engine/memory_store.h"
#include "tests/jobs_kinds/fake_printify_server.h"
#include "tests/jobs_kinds/log_capture.h"
#include "tests/support/test_events.h"

namespace ledger::jobs::kinds {
namespace {

namespace json = boost::json;

// JSON members as plain values, for comparisons doctest can print.
std::string Text(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}
std::int64_t Int(const boost::json::value& v) { return v.is_int64() ? v.get_int64() : -1; }
using testing::FakePrintifyServer;

constexpr char kToken[] = "pf-secret-token-123";

std::string Payload(const std::string& order_id = "cs_1") {
  return R"({"order_id":")" + order_id +
         R"(","line_items":[)"
         R"({"product_id":"prod_9","variant_id":17,"quantity":2},{"sku":"SKU-1","quantity":1}],)"
         R"("shipping":{"first_name":"Jane","last_name":"Roe","email":"jane.roe@example.com",)"
         R"("phone":"+81 3 0000 0000","country":"JP","region":"Tokyo",)"
         R"("address1":"1-2-3 Hidden Street","city":"Shibuya","zip":"150-0001"}})";
}

Job MakeJob(const std::string& payload = Payload()) {
  Job job;
  job.kind = std::string(kPrintifySubmitOrderKind);
  job.cause_event_id = "7d1f3c1e-2b1a-4c55-9a55-0d6f1c2b3a40";
  job.job_id = JobIdFor(job.kind, job.cause_event_id);
  job.tenant_id = "default";
  job.payload = payload;
  job.attempt = 1;
  return job;
}

struct Fixture {
  explicit Fixture(std::string base_url,
                   std::chrono::milliseconds io_timeout = std::chrono::seconds(5)) {
    printify::ApiClientOptions options;
    options.base_url = std::move(base_url);
    options.token = kToken;
    options.connect_timeout = std::chrono::milliseconds(500);
    options.io_timeout = io_timeout;
    auto created = printify::ApiClient::Create(options);
    REQUIRE(created.ok());
    client = std::move(*created);
    handler = std::make_unique<PrintifySubmissionHandler>(client.get(), &store,
                                                          PrintifySubmissionOptions{42});
  }

  std::vector<RecordedEvent> Order(const std::string& id = "cs_1") {
    return testing::ReadWholeStream(store, "order-" + id);
  }

  MemoryEventStore store;
  std::unique_ptr<printify::ApiClient> client;
  std::unique_ptr<PrintifySubmissionHandler> handler;
};

// A loopback port that nothing listens on.
std::string ClosedPortUrl() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return "http://127.0.0.1:" + std::to_string(port);
}

TEST_CASE("a 2xx is recorded once on the order, linked, and a second run does not call again") {
  FakePrintifyServer printify;
  printify.CreateOrders("pf_order_77");
  Fixture f(printify.base_url());
  Job job = MakeJob();

  JobResult first = f.handler->Run(job);
  CHECK(first.outcome == Outcome::kSucceeded);
  CHECK(Text(json::parse(first.result).at("printify_order_id")) == "pf_order_77");

  std::vector<RecordedEvent> order = f.Order();
  REQUIRE(order.size() == 1);
  CHECK(order[0].event_type == kPrintifySubmissionAccepted);
  CHECK(order[0].event_id == PrintifyOutcomeEventId(job.job_id, "accepted"));
  CHECK(order[0].metadata.causation_id == job.cause_event_id);
  json::object p = json::parse(order[0].payload).as_object();
  CHECK(Text(p.at("printify_order_id")) == "pf_order_77");
  CHECK(Text(p.at("order_id")) == "cs_1");
  CHECK(Int(p.at("shop_id")) == 42);
  std::vector<RecordedEvent> link = testing::ReadWholeStream(f.store, "printify_order-pf_order_77");
  REQUIRE(link.size() == 1);
  CHECK(link[0].event_type == "printify.order_linked");

  JobResult second = f.handler->Run(job);
  CHECK(second.outcome == Outcome::kSucceeded);
  CHECK(Text(json::parse(second.result).at("printify_order_id")) == "pf_order_77");
  CHECK(f.Order().size() == 1);
  CHECK(printify.requests().size() == 1);
}

TEST_CASE("the request carries the token, the job id as external_id and Printify's order shape") {
  FakePrintifyServer printify;
  Fixture f(printify.base_url());
  Job job = MakeJob();
  CHECK(f.handler->Run(job).outcome == Outcome::kSucceeded);

  REQUIRE(printify.requests().size() == 1);
  FakePrintifyServer::Request r = printify.requests()[0];
  CHECK(r.method == "POST");
  CHECK(r.target == "/v1/shops/42/orders.json");
  CHECK(r.authorization == std::string("Bearer ") + kToken);
  CHECK(r.content_type.find("application/json") == 0);
  json::object body = json::parse(r.body).as_object();
  CHECK(Text(body.at("external_id")) == job.job_id);
  CHECK(Text(body.at("label")) == "cs_1");
  json::array lines = body.at("line_items").as_array();
  REQUIRE(lines.size() == 2);
  CHECK(Int(lines[0].at("variant_id")) == 17);
  CHECK(Text(lines[1].at("sku")) == "SKU-1");
  CHECK(Text(body.at("address_to").at("country")) == "JP");
}

TEST_CASE("a payload's shop_id wins over the configured one") {
  FakePrintifyServer printify;
  Fixture f(printify.base_url());
  std::string payload = Payload();
  payload.insert(1, R"("shop_id":7,)");
  CHECK(f.handler->Run(MakeJob(payload)).outcome == Outcome::kSucceeded);
  REQUIRE(printify.requests().size() == 1);
  CHECK(printify.requests()[0].target == "/v1/shops/7/orders.json");
}

TEST_CASE("a 4xx is final and recorded with Printify's error, truncated") {
  FakePrintifyServer printify;
  std::string error = R"({"status":"error","code":8150,"message":"Validation failed.")" +
                      std::string(2'000, 'x') + "\xC3\xA9\"}";
  printify.Reply(400, error);
  Fixture f(printify.base_url());
  Job job = MakeJob();

  JobResult result = f.handler->Run(job);
  CHECK(result.outcome == Outcome::kFailed);
  CHECK(result.detail.find("400") != std::string::npos);
  std::vector<RecordedEvent> order = f.Order();
  REQUIRE(order.size() == 1);
  CHECK(order[0].event_type == kPrintifySubmissionRejected);
  json::object p = json::parse(order[0].payload).as_object();
  CHECK(Int(p.at("http_status")) == 400);
  std::string recorded(p.at("error").as_string());
  CHECK(recorded.find("Validation failed.") != std::string::npos);
  CHECK(recorded.size() <= kMaxRecordedErrorBytes);

  // Run again (a worker that died before recording the failure): nothing new is appended.
  CHECK(f.handler->Run(job).outcome == Outcome::kFailed);
  CHECK(f.Order().size() == 1);
}

TEST_CASE("5xx, 429 and 408 are retried and record nothing") {
  for (int status : {500, 502, 503, 429, 408}) {
    CAPTURE(status);
    FakePrintifyServer printify;
    printify.Reply(status, R"({"error":"later"})");
    Fixture f(printify.base_url());
    JobResult result = f.handler->Run(MakeJob());
    CHECK(result.outcome == Outcome::kRetry);
    CHECK(result.detail.find(std::to_string(status)) != std::string::npos);
    CHECK(f.Order().empty());
  }
}

TEST_CASE("a Printify that never answers times out and is retried") {
  FakePrintifyServer printify;
  printify.Hang();
  Fixture f(printify.base_url(), std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  JobResult result = f.handler->Run(MakeJob());
  CHECK(result.outcome == Outcome::kRetry);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(3));
  CHECK(f.Order().empty());
  CHECK(printify.requests().size() == 1);
}

TEST_CASE("a refused connection is retried") {
  Fixture f(ClosedPortUrl());
  JobResult result = f.handler->Run(MakeJob());
  CHECK(result.outcome == Outcome::kRetry);
  CHECK(f.Order().empty());
}

TEST_CASE("a 2xx without an order id is retried: the external_id makes asking again safe") {
  FakePrintifyServer printify;
  printify.Reply(200, "{}");
  Fixture f(printify.base_url());
  CHECK(f.handler->Run(MakeJob()).outcome == Outcome::kRetry);
  CHECK(f.Order().empty());
}

TEST_CASE("a bad payload fails without calling Printify") {
  FakePrintifyServer printify;
  Fixture f(printify.base_url());
  for (std::string payload :
       {std::string("not json"), std::string(R"({"order_id":"cs_1"})"),
        std::string(R"({"order_id":"cs_1","line_items":[],"shipping":{}})"),
        std::string(
            R"({"order_id":"cs_1","line_items":[{"sku":"A","quantity":0}],"shipping":{}})")}) {
    CAPTURE(payload);
    JobResult result = f.handler->Run(MakeJob(payload));
    CHECK(result.outcome == Outcome::kFailed);
    CHECK_FALSE(result.detail.empty());
  }
  CHECK(printify.requests().empty());
}

TEST_CASE("no shop in the payload and none configured fails") {
  FakePrintifyServer printify;
  Fixture f(printify.base_url());
  PrintifySubmissionHandler unconfigured(f.client.get(), &f.store, {});
  CHECK(unconfigured.Run(MakeJob()).outcome == Outcome::kFailed);
  CHECK(printify.requests().empty());
}

TEST_CASE("the token, the address and the buyer's email never reach the log") {
  testing::LogCapture log;
  FakePrintifyServer printify;
  Fixture f(printify.base_url(), std::chrono::milliseconds(300));
  Job job = MakeJob();
  CHECK(f.handler->Run(job).outcome == Outcome::kSucceeded);
  printify.Reply(400, R"({"error":"bad address 1-2-3 Hidden Street"})");
  CHECK(f.handler->Run(MakeJob(Payload("cs_2"))).outcome == Outcome::kFailed);
  printify.Reply(503, "{}");
  CHECK(f.handler->Run(MakeJob(Payload("cs_3"))).outcome == Outcome::kRetry);

  std::string text = log.text();
  CHECK(text.find(job.job_id) != std::string::npos);  // the capture works
  CHECK(text.find(kToken) == std::string::npos);
  CHECK(text.find("Hidden Street") == std::string::npos);
  CHECK(text.find("jane.roe") == std::string::npos);
}

TEST_CASE("client options come from the environment and never echo the token") {
  std::map<std::string, std::string> env{{"LEDGER_PRINTIFY_API_URL", "http://127.0.0.1:1"},
                                         {"LEDGER_PRINTIFY_API_TOKEN", kToken},
                                         {"LEDGER_PRINTIFY_TIMEOUT_MS", "250"}};
  auto get = [&](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  Result<printify::ApiClientOptions> options = printify::ApiClientOptionsFrom(get);
  REQUIRE(options.ok());
  CHECK(options->io_timeout == std::chrono::milliseconds(250));
  CHECK(options->token == kToken);

  env.erase("LEDGER_PRINTIFY_API_TOKEN");
  CHECK(printify::ApiClientOptionsFrom(get).status().code() == StatusCode::kInvalidArgument);

  printify::ApiClientOptions bad;
  bad.token = "two words";
  Result<std::unique_ptr<printify::ApiClient>> refused = printify::ApiClient::Create(bad);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("two words") == std::string::npos);
  bad.token = kToken;
  bad.base_url = "ftp://example.com";
  CHECK(printify::ApiClient::Create(bad).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::jobs::kinds
