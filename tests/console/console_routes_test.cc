// The routes `ledger serve` adds for the admin console (adapters/console): the built files at
// /console/, an order's timeline (GET /v1/orders/{id}/events) and the health summary
// (GET /v1/health), over real HTTP with real tokens. With LEDGER_CONSOLE_SAMPLES set, the
// JSON answers are written there as {"pattern","status","body"} lines for
// check_console_openapi.py, which validates them against docs/openapi.yaml.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>

#include "adapters/auth/token_minter.h"
#include "adapters/auth/token_verifier.h"
#include "adapters/console/health_route.h"
#include "adapters/console/order_events_route.h"
#include "adapters/console/static_files.h"
#include "engine/uuid.h"
#include "projections/jobs/jobs_projectors.h"
#include "projections/memory_read_model_store.h"
#include "queries/memory_read_model_reader.h"
#include "replay/seal_key.h"
#include "replay/sealer.h"
#include "tests/auth/test_tokens.h"
#include "tests/http/test_server.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

// A server with the console's routes on a memory store, its read models in memory.
class ConsoleServer {
 public:
  explicit ConsoleServer(std::shared_ptr<const console::StaticFiles> files = nullptr)
      : minter_(MakeMinter()), reader_(std::make_shared<queries::MemoryReadModelReader>(rows)) {
    Result<std::unique_ptr<auth::TokenVerifier>> verifier =
        auth::TokenVerifier::Create(Hs256Options(&token_clock_));
    REQUIRE_MESSAGE(verifier.ok(), verifier.status().ToString());
    std::shared_ptr<const auth::TokenVerifier> shared(std::move(verifier).value());
    server_ = std::make_unique<TestServer>(StoreKind::kMemory, [&](http::ServerOptions& options) {
      options.extra_routes.push_back(console::OrderEventsRoute(shared));
      options.extra_routes.push_back(console::HealthRoute(shared, reader_));
      if (files) options.extra_routes.push_back(console::ConsoleFileRoutes(files));
    });
  }

  std::string Token(const std::string& role, const std::string& tenant = "shop_a") {
    auth::Claims claims;
    claims.subject = "user:" + role;
    claims.role = role;
    claims.tenant = TenantId(tenant);
    if (role == "customer") claims.customer_id = "cus_1";
    Result<std::string> token = minter_.Mint(claims, std::chrono::minutes(10));
    REQUIRE_MESSAGE(token.ok(), token.status().ToString());
    return *token;
  }

  ClientResponse Get(const std::string& target, const std::optional<std::string>& token) {
    Headers headers;
    if (token) headers.emplace_back("Authorization", "Bearer " + *token);
    ClientResponse response = Request(server_->port(), "GET", target, headers);
    Record(target, response);
    return response;
  }

  json::object GetObject(const std::string& target, const std::string& token) {
    ClientResponse response = Get(target, token);
    REQUIRE_MESSAGE(response.status == 200, (target + ": " + response.body));
    return json::parse(response.body).as_object();
  }

  EventStore& store() { return server_->store(); }
  projections::MemoryReadModelStore rows;

 private:
  auth::TokenMinter MakeMinter() {
    Result<auth::TokenMinter> minter = auth::TokenMinter::Create(
        {auth::SigningAlgorithm::kHs256, auth::KeyRole::kSign, std::string(kTestSecret)},
        &token_clock_);
    REQUIRE_MESSAGE(minter.ok(), minter.status().ToString());
    return std::move(minter).value();
  }

  // The JSON answers of the two API routes, for the OpenAPI check.
  static void Record(const std::string& target, const ClientResponse& response) {
    const char* path = std::getenv("LEDGER_CONSOLE_SAMPLES");
    if (path == nullptr || !target.starts_with("/v1/")) return;
    std::string pattern = target.starts_with("/v1/health") ? "/v1/health" : "/v1/orders/{id}/events";
    std::ofstream out(path, std::ios::app);
    out << json::serialize(json::object{{"pattern", pattern},
                                        {"target", target},
                                        {"status", response.status},
                                        {"body", json::parse(response.body)}})
        << "\n";
  }

  ManualClock token_clock_{AtUnix(kNow)};
  auth::TokenMinter minter_;
  std::shared_ptr<queries::MemoryReadModelReader> reader_;
  std::unique_ptr<TestServer> server_;
};

GlobalPosition Append(EventStore& store, const std::string& stream, const std::string& type,
                      const std::string& tenant, const std::string& payload,
                      const Metadata& metadata = {}) {
  NewEvent event;
  event.event_id = Uuid::V4();
  event.event_type = type;
  event.tenant = TenantId(tenant);
  event.payload = payload;
  event.metadata = metadata;
  event.raw_body = R"({"provider":"bytes"})";
  Result<AppendResult> appended =
      store.Append(AppendRequest{StreamId(stream), ExpectedVersion::Any(), {event}});
  REQUIRE_MESSAGE(appended.ok(), appended.status().ToString());
  return appended->position;
}

projections::Row Job(const std::string& tenant, const std::string& id, const char* status) {
  projections::Row row(projections::jobs::JobsTable());
  row.SetText("tenant_id", tenant)
      .SetText("job_id", id)
      .SetText("kind", "email.order_confirmation")
      .SetText("status", status)
      .SetInt("attempts", 1)
      .SetInt("requeues", 0)
      .SetTime("updated_at", AtUnix(kNow))
      .SetInt("stream_version", 1);
  return row;
}

std::filesystem::path ConsoleDir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("ledger-console-test-" + name + "-" + Uuid::V4().ToString());
  std::filesystem::create_directories(dir / "nested");
  std::ofstream(dir / "index.html") << "<!doctype html><title>console</title>";
  std::ofstream(dir / "app.js") << "console.log('hi');";
  std::ofstream(dir / "nested" / "inner.js") << "secret";
  std::ofstream(dir.parent_path() / ("outside-" + name + ".txt")) << "outside";
  return dir;
}

TEST_CASE("content types follow the file extension") {
  CHECK(console::ContentTypeFor("index.html") == "text/html; charset=utf-8");
  CHECK(console::ContentTypeFor("APP.JS") == "text/javascript; charset=utf-8");
  CHECK(console::ContentTypeFor("app.css") == "text/css; charset=utf-8");
  CHECK(console::ContentTypeFor("app.js.map") == "application/json");
  CHECK(console::ContentTypeFor("logo.svg") == "image/svg+xml");
  CHECK(console::ContentTypeFor("js") == "application/octet-stream");
  CHECK(console::ContentTypeFor("README") == "application/octet-stream");
}

TEST_CASE("a console directory needs an index.html") {
  std::filesystem::path dir = ConsoleDir("noindex");
  std::filesystem::remove(dir / "index.html");
  Result<std::shared_ptr<const console::StaticFiles>> files = console::LoadStaticFiles(dir);
  CHECK(files.status().code() == StatusCode::kNotFound);
  CHECK(console::LoadStaticFiles(dir / "missing").status().code() == StatusCode::kNotFound);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the console's files are served by name and nothing else is") {
  std::filesystem::path dir = ConsoleDir("serve");
  Result<std::shared_ptr<const console::StaticFiles>> files = console::LoadStaticFiles(dir);
  REQUIRE_MESSAGE(files.ok(), files.status().ToString());
  CHECK((*files)->size() == 2);  // index.html and app.js; the subdirectory is not served
  ConsoleServer server(*files);

  ClientResponse redirect = server.Get("/console", std::nullopt);
  CHECK(redirect.status == 301);
  CHECK(redirect.headers["location"] == "/console/");
  ClientResponse index = server.Get("/console/", std::nullopt);
  CHECK(index.status == 200);
  CHECK(index.headers["content-type"] == "text/html; charset=utf-8");
  CHECK(index.body == "<!doctype html><title>console</title>");
  CHECK(index.headers["x-content-type-options"] == "nosniff");
  CHECK(index.headers["content-security-policy"].find("script-src 'self'") != std::string::npos);
  ClientResponse script = server.Get("/console/app.js", std::nullopt);
  CHECK(script.status == 200);
  CHECK(script.headers["content-type"] == "text/javascript; charset=utf-8");
  CHECK(script.body == "console.log('hi');");
  CHECK(server.Get("/console/index.html", std::nullopt).status == 200);

  // Whatever the path says, only the loaded names answer.
  for (const char* target :
       {"/console/missing.js", "/console/nested", "/console/nested%2Finner.js",
        "/console/..%2Foutside-serve.txt", "/console/%2e%2e", "/console/nested/inner.js",
        "/console/../outside-serve.txt", "/console/app.js%00.html"}) {
    CAPTURE(target);
    CHECK(server.Get(target, std::nullopt).status == 404);
  }
  // Files are read once at start-up: a file added later is not served.
  std::ofstream(dir / "late.js") << "late";
  CHECK(server.Get("/console/late.js", std::nullopt).status == 404);
  std::filesystem::remove_all(dir);
  std::filesystem::remove(dir.parent_path() / "outside-serve.txt");
}

TEST_CASE("an order's timeline lists its stream's events for the tenant's staff") {
  ConsoleServer server;
  Metadata by_stripe{.correlation_id = "evt_1",
                     .causation_id = "5b0c3f5e-0000-4000-8000-000000000001",
                     .actor = "stripe",
                     .source = "translator"};
  Append(server.store(), "order-cs_1", "order.placed", "shop_a",
         R"({"order_id":"cs_1","provider":"stripe","provider_event_id":"evt_1"})", by_stripe);
  Append(server.store(), "order-cs_other", "order.placed", "shop_b", R"({"order_id":"cs_other"})");
  GlobalPosition paid = Append(server.store(), "order-cs_1", "order.paid", "shop_a",
                               R"({"order_id":"cs_1","provider_event_id":"evt_2"})");

  json::object timeline = server.GetObject("/v1/orders/cs_1/events", server.Token("admin"));
  CHECK(timeline.at("order_id") == "cs_1");
  CHECK(timeline.at("truncated") == false);
  json::array events = timeline.at("events").as_array();
  REQUIRE(events.size() == 2);
  CHECK(events[0].at("event_type") == "order.placed");
  CHECK(events[0].at("stream_version") == 1);
  CHECK(events[0].at("metadata").at("causation_id") == json::value(by_stripe.causation_id));
  CHECK(events[0].at("metadata").at("correlation_id") == "evt_1");
  CHECK(events[0].at("payload").at("provider_event_id") == "evt_1");
  CHECK_FALSE(events[0].as_object().contains("raw_body"));  // provider bytes stay in the log
  CHECK(events[1].at("event_type") == "order.paid");
  CHECK(events[1].at("global_position") == static_cast<std::int64_t>(paid.value()));

  CHECK(server.Get("/v1/orders/cs_1/events", server.Token("operator")).status == 200);
  CHECK(server.Get("/v1/orders/cs_1/events", server.Token("auditor")).status == 200);
  // Another tenant's order and an unknown one are the same 404.
  ClientResponse other = server.Get("/v1/orders/cs_other/events", server.Token("admin"));
  ClientResponse unknown = server.Get("/v1/orders/cs_none/events", server.Token("admin"));
  CHECK(other.status == 404);
  CHECK(unknown.status == 404);
  CHECK(json::parse(other.body).at("error").at("code") == "not_found");
  CHECK(server.Get("/v1/orders/cs_1/events", server.Token("admin", "shop_b")).status == 404);
  CHECK(server.Get("/v1/orders/cs_1/events", server.Token("customer")).status == 403);
  CHECK(server.Get("/v1/orders/cs_1/events", server.Token("reviewer")).status == 403);
  CHECK(server.Get("/v1/orders/cs_1/events", std::nullopt).status == 401);
  CHECK(server.Get("/v1/orders/cs_1/events?limit=5", server.Token("admin")).status == 400);
}

TEST_CASE("health shows the log head, projection lag, the tenant's jobs and the last seal") {
  ConsoleServer server;
  std::string admin = server.Token("admin");
  // Before any projector has run: no checkpoints, no jobs table, no seal.
  json::object empty = server.GetObject("/v1/health", admin);
  CHECK(empty.at("head_position") == 0);
  CHECK(empty.at("projections").as_array().empty());
  CHECK(empty.at("jobs").is_null());
  CHECK(empty.at("last_seal").is_null());

  for (int i = 0; i < 3; ++i) {
    Append(server.store(), "order-cs_" + std::to_string(i), "order.placed", "shop_a", "{}");
  }
  Result<replay::SealKey> key = replay::SealKey::Generate();
  REQUIRE(key.ok());
  replay::Sealer sealer(server.store(), *key);
  Result<replay::SealerReport> sealed = sealer.RunOnce();
  REQUIRE_MESSAGE(sealed.ok(), sealed.status().ToString());
  REQUIRE(sealed->written.size() == 1);

  const projections::TableSpec& jobs = projections::jobs::JobsTable();
  REQUIRE(server.rows.CreateTables({&jobs, 1}, projections::TableSet::kLive).ok());
  projections::CommitRequest commit;
  auto put = [&](projections::Row row) {
    commit.changes.push_back({&jobs, row.PrimaryKey(), std::move(row)});
  };
  put(Job("shop_a", "j1", projections::jobs::kStatusQueued));
  put(Job("shop_a", "j2", projections::jobs::kStatusQueued));
  put(Job("shop_a", "j3", projections::jobs::kStatusDeadLettered));
  put(Job("shop_a", "j4", projections::jobs::kStatusSucceeded));
  put(Job("shop_b", "j5", projections::jobs::kStatusDeadLettered));  // another tenant's
  commit.checkpoints.push_back(
      {std::nullopt, Checkpoint{"orders", 2, GlobalPosition(1), 1, AtUnix(kNow)}});
  REQUIRE(server.rows.Commit(commit).ok());

  json::object health = server.GetObject("/v1/health", admin);
  CHECK(health.at("head_position") == 4);  // three orders and the seal
  json::array projections = health.at("projections").as_array();
  REQUIRE(projections.size() == 1);
  CHECK(projections[0].at("name") == "orders");
  CHECK(projections[0].at("version") == 2);
  CHECK(projections[0].at("position") == 1);
  CHECK(projections[0].at("lag") == 3);
  CHECK(health.at("jobs") == json::object{{"queued", 2}, {"running", 0}, {"retrying", 0},
                                          {"dead_lettered", 1}});
  CHECK(health.at("last_seal").at("number") == 1);
  CHECK(health.at("last_seal").at("last_position") == 3);
  CHECK(health.at("last_seal").at("key_id") == json::value(sealed->written[0].key_id));

  json::object other = server.GetObject("/v1/health", server.Token("operator", "shop_b"));
  CHECK(other.at("jobs").at("dead_lettered") == 1);
  CHECK(other.at("jobs").at("queued") == 0);
  for (const char* role : {"customer", "reviewer", "auditor"}) {
    CAPTURE(role);
    CHECK(server.Get("/v1/health", server.Token(role)).status == 403);
  }
  CHECK(server.Get("/v1/health", std::nullopt).status == 401);
  CHECK(server.Get("/v1/health?verbose=1", admin).status == 400);
}

}  // namespace
}  // namespace ledger::testing
