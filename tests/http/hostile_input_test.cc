// Hostile HTTP input against one running server with all three kinds of route: webhooks
// (POST /v1/webhooks/stripe), a command (POST /v1/commands/record-probe) and a query
// (GET /v1/orders). Oversized headers and URLs, slow clients (slowloris), invalid UTF-8,
// deep JSON nesting, integers beyond 64 bits and duplicate keys each get a clear 4xx (or the
// bounded behaviour docs/webhooks.md documents for signed webhooks), store nothing they
// should not, and leave the server serving everyone else. The table of cases and outcomes is
// in docs/reliability.md, "Hostile input".
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <chrono>
#include <future>
#include <thread>

#include "adapters/auth/token_verifier.h"
#include "adapters/http/command_routes.h"
#include "adapters/http/service_context.h"
#include "adapters/query/query_routes.h"
#include "commands/dispatcher.h"
#include "projections/memory_read_model_store.h"
#include "queries/memory_read_model_reader.h"
#include "tests/auth/test_tokens.h"
#include "tests/http/test_server.h"
#include "tests/support/test_events.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::testing {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::int64_t kSignedAt = 1'800'000'000;
constexpr auto kReadTimeout = std::chrono::seconds(2);

// The server of `ledger serve` in miniature: webhooks, the command routes for an operator,
// and the query routes with HS256 tokens, on one memory store and empty read models.
class HostileServer {
 public:
  HostileServer()
      : verifier_(auth::TokenVerifier::Create(Hs256Options(&token_clock_)).value()),
        reader_(std::make_shared<queries::MemoryReadModelReader>(rows_)),
        server_(StoreKind::kMemory, [this](http::ServerOptions& options) {
          options.read_timeout = kReadTimeout;
          options.idle_timeout = kReadTimeout;
          options.extra_routes.push_back(
              [this](http::Router& router, const http::ServiceContext& context) {
                dispatcher_ =
                    commands::CommandDispatcher::Create(context.store, context.clock, {}).value();
                http::CommandRoutes(dispatcher_.get(),
                                    http::FixedPrincipal({"operator:test", "operator"},
                                                         TenantId("shop_a")))(router, context);
              });
          options.extra_routes.push_back(query::QueryRoutes(verifier_, reader_));
        }) {
    server_.clock().Set(AtUnix(kSignedAt));
  }

  int port() { return server_.port(); }
  std::size_t stored() { return ReadWholeLog(server_.store()).size(); }
  std::vector<RecordedEvent> log() { return ReadWholeLog(server_.store()); }

  ClientResponse Command(std::string_view body) {
    return Request(port(), "POST", "/v1/commands/record-probe",
                   {{"Content-Type", "application/json"}}, body);
  }
  ClientResponse Query(std::string_view target) {
    return Request(port(), "GET", target, {{"Authorization", "Bearer " + admin_token_}});
  }
  ClientResponse StripeUnsigned(std::string_view body) {
    return Request(port(), "POST", "/v1/webhooks/stripe",
                   {{"Content-Type", "application/json"}, {"Stripe-Signature", "t=1,v1=00"}}, body);
  }
  ClientResponse StripeSigned(const std::string& body) {
    return server_.PostStripe(body, SignStripe(LoadStripeSignatures().secret, kSignedAt, body),
                              kSignedAt);
  }

  // The server still answers an ordinary request, quickly.
  void CheckServing() {
    Clock::time_point start = Clock::now();
    CHECK(Request(port(), "GET", "/healthz").status == 200);
    CHECK(Query("/v1/orders").status == 200);
    CHECK(Clock::now() - start < std::chrono::seconds(2));
  }

 private:
  ManualClock token_clock_{AtUnix(kNow)};
  std::shared_ptr<const auth::TokenVerifier> verifier_;
  projections::MemoryReadModelStore rows_;
  std::shared_ptr<queries::MemoryReadModelReader> reader_;
  std::unique_ptr<commands::CommandDispatcher> dispatcher_;
  std::string admin_token_ = SignHs256(R"({"alg":"HS256","typ":"JWT"})", AdminPayload());
  TestServer server_;
};

std::string Nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// A Stripe-shaped event with `data` spliced in as the object's value.
std::string StripeEvent(const std::string& id, const std::string& data) {
  return R"({"id":")" + id + R"(","object":"event","type":"test.hostile","created":1,"data":)" +
         data + "}";
}

// A connection that sends on its own schedule and reports when the server closes it.
class SlowClient {
 public:
  explicit SlowClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~SlowClient() { ::close(fd_); }
  SlowClient(const SlowClient&) = delete;
  SlowClient& operator=(const SlowClient&) = delete;

  bool connected() const { return connected_; }
  // False once the server has closed the connection (or sending failed).
  bool Send(std::string_view bytes) {
    if (closed_) return false;
    if (::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(bytes.size())) {
      closed_ = true;
    }
    return !closed_;
  }
  // Waits up to `wait` for the server to close the connection; whatever it sent first (a
  // 408, say) is kept in answer().
  bool ClosedWithin(std::chrono::milliseconds wait) {
    Clock::time_point until = Clock::now() + wait;
    while (!closed_) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) return false;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
      } else {
        answer_.append(buffer, static_cast<std::size_t>(n));
      }
    }
    return true;
  }
  const std::string& answer() const { return answer_; }

 private:
  int fd_ = -1;
  bool connected_ = false;
  bool closed_ = false;
  std::string answer_;
};

}  // namespace

TEST_CASE("hostile headers: many, huge or a huge URL are 431/414 on every route, and nothing is stored") {
  HostileServer s;
  Headers many;
  for (int i = 0; i < 2'000; ++i) many.emplace_back("X-Many-" + std::to_string(i), "v");
  const Headers huge = {{"X-Huge", std::string(64 * 1024, 'h')}};
  const std::string long_query = "/v1/orders?status=" + std::string(64 * 1024, 'q');
  const std::string long_path = "/v1/commands/" + std::string(64 * 1024, 'c');

  for (const Headers& headers : {many, huge}) {
    CAPTURE(headers.size());
    CHECK(Request(s.port(), "POST", "/v1/webhooks/stripe", headers, "{}").status == 431);
    CHECK(Request(s.port(), "POST", "/v1/commands/record-probe", headers, "{}").status == 431);
    CHECK(Request(s.port(), "GET", "/v1/orders", headers).status == 431);
  }
  for (const std::string& target : {long_query, long_path}) {
    int status = Request(s.port(), "GET", target).status;
    CHECK((status == 431 || status == 414));
  }
  // A huge Authorization header is a header like any other: refused before any token parsing.
  CHECK(Request(s.port(), "GET", "/v1/orders",
                {{"Authorization", "Bearer " + std::string(64 * 1024, 'a')}})
            .status == 431);
  CHECK(s.stored() == 0);
  s.CheckServing();
}

TEST_CASE("slowloris: a body sent a byte a second is cut off at the read timeout, others are served") {
  HostileServer s;
  // More slow clients than the server has network threads (two): none of them holds one.
  constexpr int kSlowClients = 8;
  std::vector<std::unique_ptr<SlowClient>> slow;
  for (int i = 0; i < kSlowClients; ++i) {
    slow.push_back(std::make_unique<SlowClient>(s.port()));
    REQUIRE(slow.back()->connected());
  }
  std::string body = StripeEvent("evt_slow", "{}");
  std::string head = "POST /v1/webhooks/stripe HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     "application/json\r\nStripe-Signature: " +
                     SignStripe(LoadStripeSignatures().secret, kSignedAt, body) +
                     "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  // Half of them drip the body after whole headers, half drip the headers themselves.
  Clock::time_point start = Clock::now();
  for (int i = 0; i < kSlowClients; ++i) {
    slow[i]->Send(i % 2 == 0 ? std::string_view(head) : std::string_view(head).substr(0, 5));
  }
  std::size_t sent = 0;
  int alive = kSlowClients;
  while (alive > 0 && Clock::now() - start < kReadTimeout + std::chrono::seconds(4)) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ++sent;
    alive = 0;
    for (int i = 0; i < kSlowClients; ++i) {
      std::string_view source = i % 2 == 0 ? std::string_view(body) : std::string_view(head).substr(5);
      if (sent <= source.size() && slow[i]->Send(source.substr(sent - 1, 1))) ++alive;
    }
    // Meanwhile everyone else is served at once.
    s.CheckServing();
  }
  for (int i = 0; i < kSlowClients; ++i) {
    CAPTURE(i);
    CHECK(slow[i]->ClosedWithin(std::chrono::milliseconds(100)));
    // Either a plain close or a 408; never a 2xx for a request that never arrived.
    CHECK(slow[i]->answer().find("HTTP/1.1 2") == std::string::npos);
  }
  std::chrono::duration<double> took = Clock::now() - start;
  CHECK(took >= kReadTimeout - std::chrono::milliseconds(200));
  CHECK(took < kReadTimeout + std::chrono::seconds(4));
  CHECK(s.stored() == 0);
  s.CheckServing();
}

TEST_CASE("slowloris: a connection that never sends a byte is closed too") {
  HostileServer s;
  SlowClient idle(s.port());
  REQUIRE(idle.connected());
  CHECK(idle.ClosedWithin(kReadTimeout + std::chrono::seconds(3)));
  s.CheckServing();
}

TEST_CASE("invalid UTF-8: commands and query parameters are 400, unsigned webhooks 401") {
  HostileServer s;
  REQUIRE(s.Command(R"({"route":"checkout","result":"pass"})").status == 404);  // not configured
  for (const std::string body : {"{\"route\":\"che\xff\x66kout\",\"result\":\"pass\"}",
                           "{\"route\":\"checkout\",\"result\":\"pa\xc3\x28ss\"}",
                           "{\"rou\xed\xa0\x80te\":\"checkout\",\"result\":\"pass\"}",
                           "{\"route\":\"checkout\\ud800\",\"result\":\"pass\"}"}) {
    CAPTURE(body);
    ClientResponse r = s.Command(body);
    CHECK(r.status == 400);
    CHECK(r.body.find("\"code\":\"invalid_argument\"") != std::string::npos);
    CHECK(s.StripeUnsigned(body).status == 401);
  }
  for (const char* target :
       {"/v1/orders?status=%FF", "/v1/orders?status=pa%C3%28id", "/v1/orders?%FF=paid",
        "/v1/orders?status=paid%00", "/v1/orders?customer_id=%ED%A0%80",
        "/v1/orders/ord%FF", "/v1/orders/ord%00x"}) {
    CAPTURE(std::string(target));
    ClientResponse r = s.Query(target);
    CHECK(r.status == 400);
    // The answer is JSON that a client can parse: the bad bytes are not echoed raw.
    CHECK(r.body.find('\xff') == std::string::npos);
    CHECK(r.body.find('\0') == std::string::npos);
  }
  CHECK(s.stored() == 0);
  s.CheckServing();
}

TEST_CASE("invalid UTF-8 in a signed webhook is admitted with its raw body, as documented") {
  HostileServer s;
  std::string body = StripeEvent("evt_utf8", "{\"object\":{\"name\":\"\xff\xfe\"}}");
  ClientResponse r = s.StripeSigned(body);
  CHECK(r.status == 200);
  std::vector<RecordedEvent> log = s.log();
  REQUIRE(log.size() == 1);
  CHECK(*log[0].raw_body == body);
  CHECK(log[0].payload.find(R"("body":null)") != std::string::npos);
  CHECK(log[0].payload.find("parse_error") != std::string::npos);
  s.CheckServing();
}

TEST_CASE("deep nesting: 100,000 levels are 400 everywhere, and nothing is stored") {
  HostileServer s;
  const std::string deep = Nested(100'000);
  Clock::time_point start = Clock::now();

  ClientResponse command = s.Command(R"({"route":)" + deep + R"(,"result":"pass"})");
  CHECK(command.status == 400);
  CHECK(s.Command(deep).status == 400);
  CHECK(s.StripeUnsigned(deep).status == 401);
  // A cursor is base64url of JSON: a deeply nested one is refused like any damaged cursor.
  std::string cursor = Base64Url(R"({"resource":"orders","after":)" + Nested(5'000) + "}");
  ClientResponse query = s.Query("/v1/orders?cursor=" + cursor);
  CHECK(query.status == 400);
  CHECK(query.body.find("cursor") != std::string::npos);
  // Even signed by the provider: past 10,000 levels the webhook inspector stops (its parser's
  // stack is bounded) and the body is not a provider event.
  ClientResponse webhook = s.StripeSigned(StripeEvent("evt_deeper", deep));
  CHECK(webhook.status == 400);
  CHECK(s.stored() == 0);
  // Bounded: the whole case takes well under the read timeout even under the sanitizers.
  CHECK(Clock::now() - start < std::chrono::seconds(10));
  s.CheckServing();
}

TEST_CASE("deep nesting in a signed webhook under 10,000 levels is admitted raw, as documented") {
  HostileServer s;
  std::string body = StripeEvent("evt_deep", Nested(5'000));
  CHECK(s.StripeSigned(body).status == 200);
  std::vector<RecordedEvent> log = s.log();
  REQUIRE(log.size() == 1);
  CHECK(*log[0].raw_body == body);
  CHECK(log[0].payload.find(R"("body":null)") != std::string::npos);
  CHECK(log[0].payload.find("nests deeper than 63 levels") != std::string::npos);
  s.CheckServing();
}

TEST_CASE("integers beyond 64 bits are 400 where a number is read, kept as spelled in webhooks") {
  HostileServer s;
  for (const char* n : {"18446744073709551616", "-9223372036854775809",
                        "99999999999999999999999999999999999999", "1e400", "2.5"}) {
    CAPTURE(std::string(n));
    ClientResponse r = Request(
        s.port(), "POST", "/v1/commands/configure-canary", {{"Content-Type", "application/json"}},
        std::string(R"({"route":"checkout","step":10,"failure_threshold":)") + n + "}");
    CHECK(r.status == 400);
    CHECK(r.body.find("failure_threshold") != std::string::npos);
  }
  for (const char* target :
       {"/v1/orders?limit=18446744073709551617", "/v1/orders?limit=-1",
        "/v1/orders?min_position=18446744073709551616", "/v1/orders?min_position=-1",
        "/v1/orders?limit=1e3", "/v1/orders/ord_1?min_position=99999999999999999999"}) {
    CAPTURE(std::string(target));
    ClientResponse r = s.Query(target);
    CHECK(r.status == 400);
    CHECK(r.body.find("\"code\":\"invalid_argument\"") != std::string::npos);
  }
  CHECK(s.stored() == 0);

  // A provider's numbers are copied as written (docs/formats.md: number spelling is kept),
  // including `created`, which the payload carries as a 20-digit integer, not a rounded one.
  std::string body =
      R"({"id":"evt_big_number","object":"event","type":"t","created":18446744073709551616,)"
      R"("data":{"object":{"amount":184467440737095516160}}})";
  CHECK(s.StripeSigned(body).status == 200);
  std::vector<RecordedEvent> log = s.log();
  REQUIRE(log.size() == 1);
  CHECK(log[0].payload.find(R"("created":18446744073709551616)") != std::string::npos);
  CHECK(log[0].payload.find("184467440737095516160") != std::string::npos);
  s.CheckServing();
}

TEST_CASE("duplicate keys: 400 on commands and queries, the last one wins in a webhook") {
  HostileServer s;
  CHECK(s.Command(R"({"route":"checkout","route":"other","result":"pass"})").status == 400);
  CHECK(s.Command(R"({"route":"checkout","result":"pass","result":"fail"})").status == 400);
  CHECK(s.Query("/v1/orders?status=paid&status=refunded").status == 400);
  CHECK(s.Query("/v1/orders?limit=1&limit=500").status == 400);
  CHECK(s.stored() == 0);

  // Signed: an id given twice is read as its last occurrence, as JSON.parse and PostgreSQL's
  // jsonb read it (adapters/webhook/json_inspect.h), so the stream, the deduplication and
  // every later reader of the body agree; a redelivery stores nothing new.
  std::string twice =
      R"({"id":"evt_first","object":"event","type":"t","created":1,"id":"evt_second"})";
  CHECK(s.StripeSigned(twice).status == 200);
  CHECK(s.StripeSigned(twice).status == 200);
  std::vector<RecordedEvent> log = s.log();
  REQUIRE(log.size() == 1);
  CHECK(log[0].stream_id == StreamId("stripe-evt_second"));
  s.CheckServing();
}

}  // namespace ledger::testing
