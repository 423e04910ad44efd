// A closed-loop HTTP/1.1 load generator for the webhook benchmark: `connections` keep-alive
// connections to one loopback server, each sending its next request as soon as the previous
// response has been read completely. One thread and epoll, so that on a small machine the
// client takes as little CPU from the server as possible.
//
// Latency is measured per request from the first byte written to the last byte of the
// response read. A response counts as OK when its status is 2xx. A connection the server
// closes is reopened and its request counted as an error.
#ifndef LEDGER_BENCH_HTTP_LOAD_H_
#define LEDGER_BENCH_HTTP_LOAD_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "bench/measurement.h"
#include "engine/result.h"

namespace ledger::bench {

struct LoadOptions {
  std::string host = "127.0.0.1";  // an IPv4 address
  int port = 0;
  std::size_t connections = 32;
  Window window;  // requests are sent until window.end; completions inside it are counted
};

struct LoadResult {
  Measurement measurement;
  std::map<int, std::uint64_t> statuses;  // status code -> responses, inside the window
};

// Makes the complete bytes of the next request (request line, headers, body). Called on the
// load thread just before the request is sent, so each request can be unique and freshly
// signed.
using RequestFactory = std::function<std::string()>;

// Runs the load until options.window.end. Unavailable if the server cannot be connected to.
Result<LoadResult> RunHttpLoad(const LoadOptions& options, const RequestFactory& next_request);

}  // namespace ledger::bench

#endif  // LEDGER_BENCH_HTTP_LOAD_H_
