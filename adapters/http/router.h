// A small route table: (method, path pattern) -> handler. Patterns are literal segments and
// {name} parameters, one segment each: "/v1/webhooks/stripe/{tenant}", later
// "/v1/orders/{id}" and "/v1/commands/{name}". Routes are added before the server starts and
// never change afterwards, so lookups need no lock.
#ifndef LEDGER_ADAPTERS_HTTP_ROUTER_H_
#define LEDGER_ADAPTERS_HTTP_ROUTER_H_

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_message.h"

namespace ledger::http {

// Handles one request: answers through `respond`, now or later, from any thread. Runs on a
// network thread: work that blocks (a store read) belongs on ServiceContext::run_blocking.
using Handler = std::function<void(HttpRequest request, Responder respond)>;

class Router {
 public:
  struct Match {
    const Handler* handler = nullptr;  // null: see status
    int status = 404;                  // 404 no such path, 405 path exists for other methods
    std::string allow;                 // for 405: the methods the path accepts, "GET, POST"
    std::string_view pattern;          // the matched pattern: the route's name in metrics
    std::map<std::string, std::string> params;
  };

  // REQUIRES: no route with the same method and an equivalent pattern exists.
  void Add(std::string method, std::string pattern, Handler handler);

  // The route for `path` (percent-encoded, no query). Literal segments match exactly;
  // when two routes match, the one with more literal segments wins. A parameter that
  // percent-decodes to nothing valid ("%zz") does not match.
  Match Find(std::string_view method, std::string_view path) const;

  // The metrics label for a request: its route's pattern, or "unmatched" so that scanners
  // probing random paths cannot blow up the number of series.
  std::string_view RouteLabel(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" for a parameter
    std::size_t literals = 0;
    Handler handler;
  };
  std::vector<Route> routes_;
};

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_ROUTER_H_
