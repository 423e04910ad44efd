// Projection lag on GET /metrics (docs/read-models.md, "Lag").
#include "adapters/http/projection_metrics.h"

#include <doctest/doctest.h>

#include "adapters/http/server_options.h"
#include "tests/http/http_client.h"
#include "tests/http/test_server.h"

namespace ledger::testing {
namespace {

std::vector<projections::ProjectorProgress> TwoProjectors() {
  return {
      projections::ProjectorProgress{.name = "orders",
                                     .version = 3,
                                     .position = GlobalPosition(120),
                                     .events = 120,
                                     .rebuilding = false,
                                     .leading = true,
                                     .at_head = false,
                                     .last_event_recorded_at = Timestamp(10'000'000)},
      projections::ProjectorProgress{.name = "canary",
                                     .version = 1,
                                     .position = GlobalPosition(7),
                                     .events = 7,
                                     .rebuilding = true,
                                     .leading = false,
                                     .at_head = true,
                                     .last_event_recorded_at = Timestamp(1'000'000)},
  };
}

TEST_CASE("RenderProjectionMetrics writes one gauge per projector and measures lag behind") {
  std::string out;
  auto progress = TwoProjectors();
  http::RenderProjectionMetrics(progress, Timestamp(12'500'000), out);
  CHECK(out.find("# TYPE ledger_projection_lag_seconds gauge\n") != std::string::npos);
  CHECK(out.find("ledger_projection_position{projector=\"orders\"} 120\n") != std::string::npos);
  CHECK(out.find("ledger_projection_lag_seconds{projector=\"orders\"} 2.5\n") != std::string::npos);
  // At the head: no lag, however old its last event.
  CHECK(out.find("ledger_projection_lag_seconds{projector=\"canary\"} 0\n") != std::string::npos);
  CHECK(out.find("ledger_projection_rebuilding{projector=\"canary\"} 1\n") != std::string::npos);
  CHECK(out.find("ledger_projection_leader{projector=\"canary\"} 0\n") != std::string::npos);
  CHECK(out.find("ledger_projection_events_total{projector=\"orders\"} 120\n") != std::string::npos);
}

TEST_CASE("GET /metrics appends the series of ServerOptions::extra_metrics") {
  TestServer server(StoreKind::kMemory, [](http::ServerOptions& options) {
    options.extra_metrics.push_back([](std::string& out) {
      auto progress = TwoProjectors();
      http::RenderProjectionMetrics(progress, Timestamp(10'000'000), out);
    });
  });
  ClientResponse response = Request(server.port(), "GET", "/metrics");
  REQUIRE(response.status == 200);
  CHECK(response.body.find("ledger_http_requests_total") != std::string::npos);
  CHECK(response.body.find("ledger_projection_position{projector=\"orders\"} 120\n") !=
        std::string::npos);
}

}  // namespace
}  // namespace ledger::testing
