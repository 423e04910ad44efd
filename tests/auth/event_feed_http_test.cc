// The event feed over real HTTP: GET /v1/events (JSON pages) and GET /v1/events/stream
// (server-sent events) with real tokens, on the memory and SQLite stores. Only admins and
// auditors may read it, each only their own tenant's events, in log order, each exactly once.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "adapters/auth/event_feed_routes.h"
#include "adapters/auth/token_minter.h"
#include "adapters/auth/token_verifier.h"
#include "adapters/http/http_message.h"
#include "adapters/http/router.h"
#include "engine/uuid.h"
#include "tests/auth/test_tokens.h"
#include "tests/http/test_server.h"

namespace ledger::testing {
namespace {

using std::chrono::milliseconds;
namespace json = boost::json;

class FeedServer {
 public:
  explicit FeedServer(StoreKind kind = StoreKind::kMemory)
      : server_(kind, [this](http::ServerOptions& options) {
          std::shared_ptr<const auth::TokenVerifier> verifier =
              auth::TokenVerifier::Create(Hs256Options(&token_clock_)).value();
          auth::EventFeedOptions feed;
          feed.heartbeat = milliseconds(300);
          feed.poll = milliseconds(100);
          feed.read_batch = 3;  // small, so that pages and streams cross batch boundaries
          options.extra_routes.push_back(auth::EventFeedRoutes(verifier, feed));
        }) {}

  std::string Token(const std::string& role, const std::string& tenant = "shop_a") {
    auth::Claims claims;
    claims.subject = "user:" + role;
    claims.role = role;
    claims.tenant = TenantId(tenant);
    if (role == "customer") claims.customer_id = "cus_1";
    return minter_.Mint(claims, std::chrono::minutes(10)).value();
  }

  // Appends one event of `tenant` to its stream `order-<tenant>-<n>` and returns its position.
  GlobalPosition Append(const std::string& tenant, int n, const std::string& type = "order.placed",
                        std::optional<std::string> raw_body = std::nullopt) {
    NewEvent event;
    event.event_id = Uuid::V4();
    event.event_type = type;
    event.tenant = TenantId(tenant);
    event.payload = R"({"n":)" + std::to_string(n) + "}";
    event.metadata.actor = "test";
    event.raw_body = std::move(raw_body);
    AppendRequest request{
        StreamId("order-" + tenant + "-" + std::to_string(n)), ExpectedVersion::Any(), {event}};
    ++appended_;
    return server_.store().Append(request).value().position;
  }

  // Waits until ReadAll shows every event appended so far. On PostgreSQL the log stops below
  // the oldest transaction still running anywhere on the cluster (docs/storage.md), and other
  // test processes share the cluster: an event appended and committed here may stay out of
  // sight for a moment. Once it is visible, it stays so.
  void WaitUntilVisible() {
    for (int i = 0; i < 3000; ++i) {
      if (server_.store().ReadAll(GlobalPosition(0), kNoLimit).value().size() == appended_) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("the log never showed all " << appended_ << " appended events");
  }

  // The positions of `tenant`'s events, in log order, read straight from the store.
  std::vector<std::uint64_t> Expected(const std::string& tenant) {
    std::vector<std::uint64_t> positions;
    for (const RecordedEvent& e : server_.store().ReadAll(GlobalPosition(0), kNoLimit).value()) {
      if (e.tenant == TenantId(tenant)) positions.push_back(e.global_position.value());
    }
    return positions;
  }

  ClientResponse Get(const std::string& target, std::optional<std::string> token) {
    Headers headers;
    if (token) headers.emplace_back("Authorization", "Bearer " + *token);
    return Request(server_.port(), "GET", target, headers);
  }

  TestServer& server() { return server_; }

 private:
  std::size_t appended_ = 0;
  ManualClock token_clock_{AtUnix(kNow)};
  auth::TokenMinter minter_ =
      auth::TokenMinter::Create(
          {auth::SigningAlgorithm::kHs256, auth::KeyRole::kSign, std::string(kTestSecret)},
          &token_clock_)
          .value();
  TestServer server_;
};

struct Page {
  std::vector<std::uint64_t> positions;
  std::uint64_t next = 0;
  json::array events;
};

Page ParsePage(const ClientResponse& response) {
  REQUIRE_MESSAGE(response.status == 200, response.body);
  json::object body = json::parse(response.body).as_object();
  Page page;
  page.events = body.at("events").as_array();
  for (const json::value& e : page.events) {
    page.positions.push_back(e.at("global_position").to_number<std::uint64_t>());
  }
  page.next = body.at("next").to_number<std::uint64_t>();
  return page;
}

// A server-sent-events client over a raw socket: reads the response head, then de-chunks the
// body as it arrives and splits it into events and comments.
class SseClient {
 public:
  struct Event {
    std::string id, type, data;
  };

  SseClient(int port, const std::string& target, const Headers& headers) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n";
    for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
    request += "\r\n";
    REQUIRE(::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size()));
    while (head_.empty() && Fill(milliseconds(5000))) {
      std::size_t end = raw_.find("\r\n\r\n");
      if (end != std::string::npos) {
        head_ = raw_.substr(0, end + 4);
        raw_.erase(0, end + 4);
      }
    }
    REQUIRE_MESSAGE(!head_.empty(), raw_);
    status = std::stoi(head_.substr(9, 3));
  }
  ~SseClient() { ::close(fd_); }

  bool HeadHas(const std::string& line) const { return head_.find(line) != std::string::npos; }

  // Reads until `count` events have arrived in all (true) or `timeout` passes (false).
  bool WaitForEvents(std::size_t count, milliseconds timeout) {
    return ReadUntil([&] { return events.size() >= count; }, timeout);
  }
  bool WaitForComments(std::size_t count, milliseconds timeout) {
    return ReadUntil([&] { return comments.size() >= count; }, timeout);
  }
  // True if the body ends (last chunk) and the server closes the connection within `timeout`.
  bool WaitForEnd(milliseconds timeout) {
    ReadUntil([&] { return closed_; }, timeout);
    return ended_ && closed_;
  }

  int status = 0;
  std::vector<Event> events;
  std::vector<std::string> comments;

 private:
  template <typename Done>
  bool ReadUntil(Done done, milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    Parse();
    while (!done()) {
      auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0 || closed_) return done();
      Fill(left);
      Parse();
    }
    return true;
  }

  bool Fill(milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    raw_.append(buffer, static_cast<std::size_t>(n));
    return true;
  }

  void Parse() {
    while (!ended_) {  // de-chunk
      std::size_t line_end = raw_.find("\r\n");
      if (line_end == std::string::npos) break;
      std::size_t size = std::stoul(raw_.substr(0, line_end), nullptr, 16);
      if (raw_.size() < line_end + 2 + size + 2) break;
      body_ += raw_.substr(line_end + 2, size);
      raw_.erase(0, line_end + 2 + size + 2);
      if (size == 0) ended_ = true;
    }
    for (std::size_t end; (end = body_.find("\n\n")) != std::string::npos;) {
      std::string block = body_.substr(0, end + 1);
      body_.erase(0, end + 2);
      Event event;
      bool is_event = false;
      for (std::size_t start = 0, nl; (nl = block.find('\n', start)) != std::string::npos;
           start = nl + 1) {
        std::string line = block.substr(start, nl - start);
        if (line.starts_with(":")) comments.push_back(line);
        if (line.starts_with("id: ")) event.id = line.substr(4);
        if (line.starts_with("event: ")) event.type = line.substr(7);
        if (line.starts_with("data: ")) event.data = line.substr(6), is_event = true;
      }
      if (is_event) events.push_back(std::move(event));
    }
  }

  int fd_ = -1;
  std::string raw_, head_, body_;
  bool ended_ = false;
  bool closed_ = false;
};

// The stores the scenarios run on: memory and SQLite here; PostgreSQL (log order is commit
// order, waits are notifications) in event_feed_postgres_tests.
std::vector<StoreKind> FeedStoreKinds() {
#ifdef LEDGER_FEED_ON_POSTGRES
  return {StoreKind::kPostgres};
#else
  return EmbeddedStoreKinds();
#endif
}

std::vector<std::uint64_t> Ids(const std::vector<SseClient::Event>& events) {
  std::vector<std::uint64_t> ids;
  for (const auto& e : events) ids.push_back(std::stoull(e.id));
  return ids;
}

// Seven events of shop_a interleaved with five of shop_b; the fourth of shop_a has a raw body.
void AppendInterleaved(FeedServer& s) {
  for (int i = 1; i <= 7; ++i) {
    s.Append("shop_a", i, "order.placed",
             i == 4 ? std::optional<std::string>("raw provider bytes") : std::nullopt);
    if (i <= 5) s.Append("shop_b", 100 + i, "order.paid");
  }
  s.WaitUntilVisible();
}

TEST_CASE(
    "the feed refuses callers without a token (401) and roles other than admin/auditor (403)") {
  FeedServer s;
  s.Append("shop_a", 1);
  for (const char* target : {"/v1/events", "/v1/events/stream"}) {
    ClientResponse missing = s.Get(target, std::nullopt);
    CHECK(missing.status == 401);
    CHECK(missing.Header("www-authenticate").starts_with("Bearer"));
    CHECK(s.Get(target, "garbage").status == 401);
    for (const char* role : {"customer", "operator", "reviewer"}) {
      ClientResponse refused = s.Get(target, s.Token(role));
      CHECK_MESSAGE(refused.status == 403, role);
      CHECK(refused.body.find("permission_denied") != std::string::npos);
    }
  }
}

TEST_CASE("an admin or auditor sees only their tenant's events, in log order, without raw_body") {
  for (StoreKind kind : FeedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    FeedServer s(kind);
    AppendInterleaved(s);
    for (const char* role : {"admin", "auditor"}) {
      Page a = ParsePage(s.Get("/v1/events?limit=1000", s.Token(role, "shop_a")));
      CHECK(a.positions == s.Expected("shop_a"));
      CHECK(a.positions.size() == 7);
      Page b = ParsePage(s.Get("/v1/events?limit=1000", s.Token(role, "shop_b")));
      CHECK(b.positions == s.Expected("shop_b"));
      CHECK(b.positions.size() == 5);
      for (const json::value& e : a.events) {
        const json::object& event = e.as_object();
        for (const char* field : {"global_position", "stream_id", "stream_version", "event_id",
                                  "event_type", "recorded_at", "payload", "metadata"}) {
          CHECK_MESSAGE(event.contains(field), field);
        }
        CHECK(event.at("tenant_id").as_string() == "shop_a");
        CHECK_FALSE(event.contains("raw_body"));
      }
      CHECK(a.events[3].at("payload").at("n").to_number<int>() == 4);
    }
    // A tenant with no events reads an empty feed.
    Page none = ParsePage(s.Get("/v1/events", s.Token("admin", "shop_c")));
    CHECK(none.positions.empty());
  }
}

TEST_CASE("paging with next returns every event of the tenant exactly once") {
  for (StoreKind kind : FeedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    FeedServer s(kind);
    AppendInterleaved(s);
    std::string token = s.Token("auditor", "shop_a");
    for (int limit : {1, 2, 3, 5}) {
      CAPTURE(limit);
      std::vector<std::uint64_t> seen;
      std::uint64_t after = 0;
      for (int pages = 0; pages < 50; ++pages) {
        Page page = ParsePage(
            s.Get("/v1/events?after=" + std::to_string(after) + "&limit=" + std::to_string(limit),
                  token));
        CHECK(page.positions.size() <= static_cast<std::size_t>(limit));
        seen.insert(seen.end(), page.positions.begin(), page.positions.end());
        if (page.next == after) break;  // caught up
        after = page.next;
      }
      CHECK(seen == s.Expected("shop_a"));
      // Caught up means next is the end of the log, even though shop_b's events end it.
      CHECK(after == s.server()
                         .store()
                         .ReadAll(GlobalPosition(0), kNoLimit)
                         .value()
                         .back()
                         .global_position.value());
    }
  }
}

TEST_CASE("limit defaults to 100 and is bounded to 1..1000; bad parameters are 400") {
  FeedServer s;
  for (int i = 1; i <= 105; ++i) s.Append("shop_a", i);
  std::string token = s.Token("admin");
  CHECK(ParsePage(s.Get("/v1/events", token)).positions.size() == 100);
  CHECK(ParsePage(s.Get("/v1/events?limit=1", token)).positions.size() == 1);
  CHECK(ParsePage(s.Get("/v1/events?limit=1000", token)).positions.size() == 105);
  CHECK(ParsePage(s.Get("/v1/events?limit=5&trace=x", token)).positions.size() == 5);
  for (const char* query :
       {"limit=0", "limit=1001", "limit=abc", "limit=", "limit=-1", "limit=1&limit=2", "after=-1",
        "after=x", "after=1.5", "after=99999999999999999999", "after=1&after=2", "after=1000"}) {
    ClientResponse response = s.Get(std::string("/v1/events?") + query, token);
    CHECK_MESSAGE(response.status == 400, query);
    CHECK(response.body.find(R"("error")") != std::string::npos);
  }
  CHECK(s.Get("/v1/events/stream?after=1000", token).status == 400);
  Headers bad_resume = {{"Authorization", "Bearer " + token}, {"Last-Event-ID", "abc"}};
  CHECK(Request(s.server().port(), "GET", "/v1/events/stream", bad_resume).status == 400);
}

TEST_CASE("the event stream sends existing events, then new ones, heartbeats, and resumes") {
  for (StoreKind kind : FeedStoreKinds()) {
    CAPTURE(StoreKindName(kind));
    FeedServer s(kind);
    AppendInterleaved(s);
    std::string token = s.Token("auditor", "shop_a");
    Headers auth = {{"Authorization", "Bearer " + token}};
    std::vector<std::uint64_t> expected = s.Expected("shop_a");

    SseClient client(s.server().port(), "/v1/events/stream", auth);
    REQUIRE(client.status == 200);
    CHECK(client.HeadHas("text/event-stream"));
    REQUIRE(client.WaitForEvents(7, milliseconds(3000)));
    CHECK(Ids(client.events) == expected);
    CHECK(client.events[0].type == "order.placed");
    CHECK(json::parse(client.events[0].data).at("global_position").to_number<std::uint64_t>() ==
          expected[0]);

    // Caught up: a heartbeat comment, then a new event within a second; another tenant's
    // event never shows.
    CHECK(client.WaitForComments(1, milliseconds(2000)));
    s.Append("shop_b", 200);
    GlobalPosition fresh = s.Append("shop_a", 8, "order.shipped");
    REQUIRE(client.WaitForEvents(8, milliseconds(1000)));
    CHECK(client.events.back().id == std::to_string(fresh.value()));
    CHECK(client.events.back().type == "order.shipped");
    CHECK_FALSE(client.WaitForEvents(9, milliseconds(300)));

    // A reconnecting client resumes after Last-Event-ID (over ?after=) without repeats.
    Headers resume = auth;
    resume.emplace_back("Last-Event-ID", std::to_string(expected[4]));
    SseClient resumed(s.server().port(), "/v1/events/stream?after=0", resume);
    REQUIRE(resumed.status == 200);
    REQUIRE(resumed.WaitForEvents(3, milliseconds(3000)));
    CHECK_FALSE(resumed.WaitForEvents(4, milliseconds(300)));
    CHECK(Ids(resumed.events) ==
          std::vector<std::uint64_t>{expected[5], expected[6], fresh.value()});

    SseClient from_after(s.server().port(),
                         "/v1/events/stream?after=" + std::to_string(expected[5]), auth);
    REQUIRE(from_after.WaitForEvents(2, milliseconds(3000)));
    CHECK(Ids(from_after.events) == std::vector<std::uint64_t>{expected[6], fresh.value()});

    // Stopping the server ends every stream cleanly (last chunk, then close), promptly.
    auto before = std::chrono::steady_clock::now();
    s.server().Stop();
    CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(3));
    CHECK(client.WaitForEnd(milliseconds(1000)));
    CHECK(resumed.WaitForEnd(milliseconds(1000)));
    CHECK(from_after.WaitForEnd(milliseconds(1000)));
  }
}

TEST_CASE("a client that disconnects ends its stream; the server keeps serving") {
  FeedServer s;
  s.Append("shop_a", 1);
  Headers auth = {{"Authorization", "Bearer " + s.Token("admin")}};
  for (int i = 0; i < 5; ++i) {
    SseClient client(s.server().port(), "/v1/events/stream", auth);
    REQUIRE(client.WaitForEvents(1, milliseconds(3000)));
  }  // each closes its socket here
  CHECK(ParsePage(s.Get("/v1/events", s.Token("admin"))).positions.size() == 1);
  auto before = std::chrono::steady_clock::now();
  s.server().Stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(3));
}

// The server's streamed responses themselves (HttpResponse::stream), with a producer that
// records what it saw: the stream ends for the producer as soon as the client goes away.
TEST_CASE("a streamed response is cancelled when its client disconnects") {
  auto producer_done = std::make_shared<std::atomic<bool>>(false);
  auto write_after_cancel = std::make_shared<std::atomic<int>>(-1);
  TestServer server(StoreKind::kMemory, [&](http::ServerOptions& options) {
    options.extra_routes.push_back([=](http::Router& router, const http::ServiceContext&) {
      router.Add("GET", "/test/stream", [=](http::HttpRequest, http::Responder respond) {
        http::HttpResponse response;
        response.content_type = "text/event-stream";
        response.stream = [=](http::BodyStream& body) {
          CHECK(body.Write(""));  // nothing to send is not an end
          CHECK(body.Write("data: 1\n\n"));
          // May already say false: the client can read it and leave before Write returns.
          body.Write("data: 2\n\n");
          while (!body.Cancelled()) std::this_thread::sleep_for(milliseconds(10));
          *write_after_cancel = body.Write("data: late\n\n") ? 1 : 0;
          *producer_done = true;
        };
        respond(std::move(response));
      });
    });
  });
  {
    SseClient client(server.port(), "/test/stream", {});
    CHECK(client.status == 200);
    CHECK(client.HeadHas("Transfer-Encoding: chunked"));
    REQUIRE(client.WaitForEvents(2, milliseconds(2000)));
    CHECK(client.events[1].data == "2");
    CHECK_FALSE(producer_done->load());
  }  // disconnects
  for (int i = 0; i < 200 && !producer_done->load(); ++i)
    std::this_thread::sleep_for(milliseconds(10));
  CHECK(producer_done->load());
  CHECK(write_after_cancel->load() == 0);

  // Chunked bodies are HTTP/1.1: an HTTP/1.0 client is refused.
  HttpConnection old(server.port());
  REQUIRE(old.Send("GET /test/stream HTTP/1.0\r\n\r\n"));
  CHECK(old.Read().status == 505);
}

}  // namespace
}  // namespace ledger::testing
