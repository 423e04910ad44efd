// POST /v1/commands/{name} over real HTTP: answers, error statuses, and that a refused
// command appends nothing.
#include <doctest/doctest.h>

#include "adapters/http/command_routes.h"
#include "adapters/http/service_context.h"
#include "commands/dispatcher.h"
#include "tests/http/test_server.h"

namespace ledger::testing {
namespace {

// A test server whose command routes run a dispatcher on the server's own store.
class CommandServer {
 public:
  CommandServer()
      : server_(StoreKind::kMemory, [this](http::ServerOptions& options) {
          options.extra_routes.push_back([this](http::Router& router,
                                                const http::ServiceContext& context) {
            dispatcher_ = commands::CommandDispatcher::Create(context.store, context.clock, {}).value();
            http::CommandRoutes(dispatcher_.get(),
                                http::FixedPrincipal({"operator:test", "operator"},
                                                     TenantId("shop_1")))(router, context);
          });
        }) {}

  ClientResponse Post(const std::string& name, const std::string& body,
                      const std::string& content_type = "application/json") {
    return Request(server_.port(), "POST", "/v1/commands/" + name,
                   {{"Content-Type", content_type}, {"X-Request-Id", "req-7"}}, body);
  }
  std::vector<RecordedEvent> Stream(const std::string& stream) {
    return store().ReadStream(StreamId(stream), {}).value();
  }
  EventStore& store() { return server_.store(); }
  TestServer& server() { return server_; }

 private:
  std::unique_ptr<commands::CommandDispatcher> dispatcher_;
  TestServer server_;
};

TEST_CASE("a command answers its resulting state and records who ran it") {
  CommandServer s;
  ClientResponse configured =
      s.Post("configure-canary", R"({"route":"checkout","failure_threshold":3,"step":10})");
  REQUIRE_MESSAGE(configured.status == 200, configured.body);
  ClientResponse probe = s.Post("record-probe", R"({"route":"checkout","result":"pass"})");
  REQUIRE_MESSAGE(probe.status == 200, probe.body);
  CHECK(probe.body.find("\"v2_weight\":10") != std::string::npos);
  CHECK(probe.body.find("\"v1_weight\":90") != std::string::npos);
  CHECK(probe.body.find("\"global_position\":") != std::string::npos);

  std::vector<RecordedEvent> events = s.Stream("canary-checkout");
  REQUIRE_FALSE(events.empty());
  for (const RecordedEvent& e : events) {
    CHECK(e.metadata.actor == "operator:test");
    CHECK(e.metadata.correlation_id == "req-7");
    CHECK(e.tenant == TenantId("shop_1"));
  }
}

TEST_CASE("refused commands answer a clear error and append nothing") {
  CommandServer s;
  REQUIRE(s.Post("configure-canary", R"({"route":"checkout"})").status == 200);
  std::size_t before = s.Stream("canary-checkout").size();

  ClientResponse bad = s.Post("record-probe", R"({"route":"checkout","result":"maybe"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("\"code\":\"invalid_argument\"") != std::string::npos);
  CHECK(s.Post("record-probe", R"({"route":"checkout","result":"pass","extra":1})").status == 400);
  CHECK(s.Post("record-probe", "{not json").status == 400);
  CHECK(s.Post("no-such-command", "{}").status == 404);
  CHECK(s.Post("record-probe", R"({"route":"elsewhere","result":"pass"})").status == 404);
  CHECK(s.Post("record-probe", R"({"route":"checkout","result":"pass"})", "text/plain").status == 415);
  // set-v2-ready is for operators and admins: this principal is an operator, so it is allowed,
  // but publishing unscreened content is a transition the rules forbid.
  CHECK(s.Post("publish-content", R"({"content_id":"c-1"})").status == 404);

  CHECK(s.Stream("canary-checkout").size() == before);
  CHECK(s.Stream("canary-elsewhere").empty());
}

TEST_CASE("a store outage answers 503 with Retry-After") {
  CommandServer s;
  s.server().control().SetUnavailable(true);
  ClientResponse r = s.Post("configure-canary", R"({"route":"checkout"})");
  CHECK(r.status == 503);
  CHECK_FALSE(r.Header("retry-after").empty());
  s.server().control().SetUnavailable(false);
  CHECK(s.Post("configure-canary", R"({"route":"checkout"})").status == 200);
}

}  // namespace
}  // namespace ledger::testing
