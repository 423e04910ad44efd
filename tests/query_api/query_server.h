// A server with the query routes over real HTTP for the query API tests: the read models are
// a MemoryReadModelStore filled by the real projectors (StandardProjectors) from a
// CommandFixture's log, read through the MemoryReadModelReader. Orders are appended as
// domain events (order.placed, order.paid, ...) the way the translator writes them; content
// and canary rows come from the real commands (RunStory).
#ifndef LEDGER_TESTS_QUERY_API_QUERY_SERVER_H_
#define LEDGER_TESTS_QUERY_API_QUERY_SERVER_H_

#include <boost/json.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "adapters/auth/token_minter.h"
#include "adapters/query/query_routes.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/memory_read_model_store.h"
#include "queries/memory_read_model_reader.h"
#include "tests/auth/test_tokens.h"
#include "tests/commands/command_fixture.h"
#include "tests/http/test_server.h"

namespace ledger::testing {

struct OrderSpec {
  std::string tenant = "shop_a";
  std::string order_id;
  std::optional<std::string> customer_id = "cus_1";
  std::optional<std::string> created_at = "2026-01-01T10:00:00Z";  // session_created_at
  std::int64_t amount_total = 2500;
  bool paid = false;
  bool shipped = false;
};

class QueryServer {
 public:
  // `configure` may change the route options (max_wait, an as_of hook, another reader).
  explicit QueryServer(const std::function<void(query::QueryRouteOptions&)>& configure = {},
                       std::shared_ptr<queries::ReadModelReader> reader = nullptr);

  // A token for `role` of `tenant`; customers get `customer` as their customer_id.
  std::string Token(const std::string& role, const std::string& tenant = "shop_a",
                    const std::string& customer = "cus_1");

  // Appends the events of one order (placed with two lines, then paid and shipped if asked);
  // returns the position of the last one.
  GlobalPosition PlaceOrder(const OrderSpec& order);
  // Runs every standard projector up to the head of the log.
  void Project();

  ClientResponse Get(const std::string& target, const std::optional<std::string>& token);
  // GET that must answer 200 with a JSON object.
  boost::json::object GetObject(const std::string& target, const std::string& token);

  commands::testing::CommandFixture commands;  // its store is the log that is projected
  projections::MemoryReadModelStore rows;

 private:
  ManualClock token_clock_{AtUnix(kNow)};
  auth::TokenMinter minter_;
  projections::StandardProjectors projectors_;
  std::shared_ptr<queries::ReadModelReader> reader_;
  std::unique_ptr<TestServer> server_;
};

// The values of `field` of each item of a list response, as text.
std::vector<std::string> Column(const boost::json::object& page, const std::string& field);

// Every item of a list, following next_cursor from `target` (which has a '?') to the end; fails
// the test if a page is not 200.
std::vector<boost::json::object> ReadAllPages(QueryServer& server, const std::string& target,
                                              const std::string& token);

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_QUERY_API_QUERY_SERVER_H_
