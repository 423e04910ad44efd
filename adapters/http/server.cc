#include "adapters/http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "adapters/http/group_committer.h"
#include "adapters/http/metrics.h"
#include "adapters/http/ops_routes.h"
#include "adapters/http/router.h"
#include "adapters/http/service_context.h"
#include "adapters/http/webhook_routes.h"

namespace ledger::http {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace server_internal {

// After an error answered without reading the request's body (413, 431), the body may still
// be arriving. Closing at once would make the kernel reset the connection, and a client still
// sending would never read our answer; so half-close and discard input for a while first.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kMaxLingerBytes = 64u << 20;
constexpr std::size_t kDrainChunkBytes = 64u << 10;

// One connection. All its state is touched only on its strand (the stream's executor).
class StreamWriter;

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Server::Impl& server);
  ~Session();

  void Start();
  void Shutdown();    // graceful: finish the request in flight, then close; any thread
  void ForceClose();  // any thread

 private:
  friend class StreamWriter;
  enum class State { kIdle, kBusy, kLingering, kStreaming, kClosed };

  void ReadHeader();
  void OnHeader(beast::error_code ec, std::size_t bytes);
  void BeginRequest();  // the header is parsed: record what the request is, for log and metrics
  void ReadBody();
  void OnBody(beast::error_code ec, std::size_t bytes);
  void OnReadError(beast::error_code ec);
  void Dispatch();
  Responder MakeResponder();
  void Send(HttpResponse response, bool then_linger);
  void OnWritten(beast::error_code ec, bool keep_alive, bool then_linger);
  void StartStream(StreamProducer producer);
  void WatchStreamPeer();  // notices a client that goes away while nothing is being written
  void WriteChunk(const std::string& chunk, std::function<void(bool written)> done);
  void EndStream();
  void Linger();
  void Drain();
  void Close();

  beast::tcp_stream stream_;
  Server::Impl& server_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  State state_ = State::kIdle;
  bool closing_ = false;  // answer the request in flight, then close
  bool keep_alive_ = true;
  unsigned version_ = 11;
  std::string method_ = "-";
  std::string path_ = "-";
  std::string query_;
  std::string route_ = "unmatched";
  std::chrono::steady_clock::time_point started_;
  std::vector<char> drain_buffer_;
  std::size_t drained_ = 0;
  // Set while streaming: the producer stops once it is true. Shared with the StreamWriter
  // (which owns the session) rather than pointing at it, so that there is no cycle.
  std::shared_ptr<std::atomic<bool>> stream_cancelled_;
};

}  // namespace server_internal

using server_internal::Session;

struct Server::Impl {
  Impl(EventStore& store, const ServerOptions& options, Clock* clock);

  Status Listen();
  void Accept();
  void StartThreads();
  void RunNetworkThread();
  void RequestShutdown();
  Status Wait();
  bool Register(Session* session, std::weak_ptr<Session> weak);
  void Unregister(Session* session);
  std::vector<std::shared_ptr<Session>> LiveSessionsLocked();
  // Runs a stream producer on a thread of its own, so that long-lived streams never occupy
  // the network threads or the blocking pool.
  void StartStreamThread(std::function<void()> body);
  void JoinStreamThreads();
  bool stopping() const { return stopping_flag.load(); }

  EventStore& store;
  const ServerOptions options;
  Clock* const clock;
  Metrics metrics;
  GroupCommitter committer;
  Router router;

  std::mutex mu;
  std::condition_variable changed;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu
  bool shutdown_requested = false;                                // guarded by mu
  bool waited = false;                                            // guarded by mu
  struct StreamThread {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::vector<StreamThread> stream_threads;  // guarded by mu
  std::atomic<bool> stopping_flag{false};

  // Declared after everything a session or handler touches, so that handlers destroyed with
  // the io_context still find those alive.
  net::io_context ioc;
  net::thread_pool blocking;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  tcp::acceptor acceptor;
  net::steady_timer accept_backoff;
  std::optional<net::signal_set> signals;
  std::vector<std::thread> threads;
  int port = 0;
};

namespace server_internal {

Session::Session(tcp::socket socket, Server::Impl& server)
    : stream_(std::move(socket)), server_(server) {}

Session::~Session() { server_.Unregister(this); }

void Session::Start() {
  if (!server_.Register(this, weak_from_this())) return;  // shutting down: just close
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
}

void Session::Shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (self->stream_cancelled_) *self->stream_cancelled_ = true;  // the producer returns
    if (self->state_ == State::kIdle || self->state_ == State::kLingering) self->Close();
  });
}

void Session::ForceClose() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Session::ReadHeader() {
  if (closing_) return Close();
  state_ = State::kIdle;
  method_ = "-";
  path_ = "-";
  route_ = "unmatched";
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(server_.options.max_header_bytes));
  parser_->body_limit(static_cast<std::uint64_t>(server_.options.max_body_bytes));
  stream_.expires_after(server_.options.idle_timeout);
  bhttp::async_read_header(stream_, buffer_, *parser_,
                           beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code ec, std::size_t) {
  if (ec) return OnReadError(ec);
  BeginRequest();
  const auto& request = parser_->get();

  // Refuse an announced oversized body before reading a byte of it.
  boost::optional<std::uint64_t> length = parser_->content_length();
  if (length && *length > server_.options.max_body_bytes) {
    return Send(ErrorResponse(413, "payload_too_large",
                              "the body is larger than " +
                                  std::to_string(server_.options.max_body_bytes) + " bytes"),
                /*then_linger=*/true);
  }
  if (beast::iequals(request[bhttp::field::expect], "100-continue")) {
    auto proceed =
        std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, version_);
    stream_.expires_after(server_.options.write_timeout);
    return bhttp::async_write(
        stream_, *proceed, [self = shared_from_this(), proceed](beast::error_code e, std::size_t) {
          if (e) return self->Close();
          self->ReadBody();
        });
  }
  ReadBody();
}

void Session::BeginRequest() {
  state_ = State::kBusy;
  started_ = std::chrono::steady_clock::now();
  const auto& request = parser_->get();
  method_ = std::string(request.method_string());
  std::string_view target(request.target().data(), request.target().size());
  std::size_t question = target.find('?');
  path_ = std::string(target.substr(0, question));
  query_ = question == std::string_view::npos ? "" : std::string(target.substr(question + 1));
  route_ = std::string(server_.router.RouteLabel(method_, path_));
  keep_alive_ = request.keep_alive();
  version_ = request.version();
}

void Session::ReadBody() {
  stream_.expires_after(server_.options.read_timeout);
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::OnBody, shared_from_this()));
}

void Session::OnBody(beast::error_code ec, std::size_t) {
  if (ec) return OnReadError(ec);
  Dispatch();
}

void Session::OnReadError(beast::error_code ec) {
  if (state_ == State::kClosed) return;
  if (state_ == State::kIdle) {
    // Reading the header can already run into the body (Beast parses chunks that arrived
    // with it), so a body error may come before OnHeader, with the request line parsed:
    // name the request for the log and metrics all the same.
    if (!parser_->get().method_string().empty()) {
      BeginRequest();
    } else {
      started_ = std::chrono::steady_clock::now();
    }
  }
  if (ec == bhttp::error::body_limit) {
    return Send(ErrorResponse(413, "payload_too_large",
                              "the body is larger than " +
                                  std::to_string(server_.options.max_body_bytes) + " bytes"),
                /*then_linger=*/true);
  }
  if (ec == bhttp::error::header_limit) {
    return Send(ErrorResponse(431, "headers_too_large", "the request headers are too large"),
                /*then_linger=*/true);
  }
  // The peer went away, went quiet, or we closed the connection: nothing to answer.
  bool gone = ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
              ec == net::error::eof || ec == net::error::operation_aborted ||
              ec == net::error::connection_reset || ec == bhttp::error::partial_message;
  if (gone) return Close();
  Send(ErrorResponse(400, "bad_request", "malformed HTTP request: " + ec.message()),
       /*then_linger=*/true);
}

void Session::Dispatch() {
  HttpRequest request;
  request.method = method_;
  request.path = path_;
  request.query = query_;
  bhttp::request<bhttp::string_body> message = parser_->release();
  for (const auto& field : message) {
    request.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  }
  request.body = std::move(message.body());

  Router::Match match = server_.router.Find(method_, path_);
  if (match.handler == nullptr) {
    HttpResponse response =
        match.status == 405
            ? ErrorResponse(405, "method_not_allowed", method_ + " is not allowed here")
            : ErrorResponse(404, "not_found", "no route for " + path_);
    if (match.status == 405) response.headers.push_back({"Allow", match.allow});
    return Send(std::move(response), /*then_linger=*/false);
  }
  request.params = std::move(match.params);
  Responder respond = MakeResponder();
  try {
    (*match.handler)(std::move(request), respond);
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} threw: {}", method_, route_, e.what());
    respond(ErrorResponse(500, "internal", "the request could not be handled"));
  }
}

Responder Session::MakeResponder() {
  // Answering twice is a handler bug; the guard keeps it from corrupting the connection.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  return [self = shared_from_this(), answered](HttpResponse response) {
    if (answered->exchange(true)) return;
    net::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
      self->Send(std::move(response), /*then_linger=*/false);
    });
  };
}

void Session::Send(HttpResponse response, bool then_linger) {
  if (state_ == State::kClosed) return;
  state_ = State::kBusy;
  bool streamed = static_cast<bool>(response.stream);
  if (streamed && version_ < 11) {  // chunked transfer encoding is HTTP/1.1
    return Send(ErrorResponse(505, "http_version_not_supported", "streams need HTTP/1.1"),
                then_linger);
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - started_;
  server_.metrics.RecordRequest(method_, route_, response.status, took.count());
  spdlog::info(
      "{} {} {} {:.2f}ms{}{}", method_, path_, response.status, took.count() * 1e3,
      response.provider_event_id.empty() ? "" : " provider_event_id=", response.provider_event_id);

  auto message = std::make_shared<bhttp::response<bhttp::string_body>>(
      static_cast<bhttp::status>(response.status), version_);
  message->set(bhttp::field::server, "ledger");
  message->set(bhttp::field::content_type, response.content_type);
  for (const HeaderField& header : response.headers) message->set(header.name, header.value);
  bool keep_alive = keep_alive_ && !then_linger && !closing_ && !server_.stopping();
  message->keep_alive(keep_alive);
  if (streamed) {
    // Headers only; the body follows in chunks. The connection closes after the stream.
    message->keep_alive(false);
    message->chunked(true);
    auto serializer = std::make_shared<bhttp::response_serializer<bhttp::string_body>>(*message);
    stream_.expires_after(server_.options.write_timeout);
    return bhttp::async_write_header(
        stream_, *serializer,
        [self = shared_from_this(), message, serializer, producer = std::move(response.stream)](
            beast::error_code ec, std::size_t) mutable {
          if (ec) return self->Close();
          self->StartStream(std::move(producer));
        });
  }
  message->body() = std::move(response.body);
  message->prepare_payload();
  stream_.expires_after(server_.options.write_timeout);
  bhttp::async_write(
      stream_, *message,
      [self = shared_from_this(), message, keep_alive, then_linger](
          beast::error_code ec, std::size_t) { self->OnWritten(ec, keep_alive, then_linger); });
}

void Session::OnWritten(beast::error_code ec, bool keep_alive, bool then_linger) {
  if (ec) return Close();
  if (then_linger) return Linger();
  if (!keep_alive) return Close();
  ReadHeader();
}

// What a producer writes through: each Write hands one chunk to the session's strand and
// waits for it to be written. Owns the session until the producer returns.
class StreamWriter : public BodyStream {
 public:
  StreamWriter(std::shared_ptr<Session> session, std::shared_ptr<std::atomic<bool>> cancelled)
      : session_(std::move(session)), cancelled_(std::move(cancelled)) {}

  bool Write(std::string chunk) override {
    if (Cancelled()) return false;
    if (chunk.empty()) return true;  // an empty chunk would end the body
    auto written = std::make_shared<std::promise<bool>>();
    std::future<bool> outcome = written->get_future();
    net::post(session_->stream_.get_executor(),
              [session = session_, chunk = std::move(chunk), written]() mutable {
                session->WriteChunk(chunk, [written](bool ok) { written->set_value(ok); });
              });
    return outcome.get() && !Cancelled();
  }

  bool Cancelled() const override { return cancelled_->load() || session_->server_.stopping(); }

 private:
  std::shared_ptr<Session> session_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

void Session::StartStream(StreamProducer producer) {
  state_ = State::kStreaming;
  stream_cancelled_ = std::make_shared<std::atomic<bool>>(closing_);
  WatchStreamPeer();
  server_.StartStreamThread(
      [self = shared_from_this(), cancelled = stream_cancelled_, producer = std::move(producer)] {
        StreamWriter writer(self, cancelled);
        try {
          producer(writer);
        } catch (const std::exception& e) {
          spdlog::error("stream for {} {} threw: {}", self->method_, self->route_, e.what());
        }
        net::post(self->stream_.get_executor(), [self] { self->EndStream(); });
      });
}

void Session::WatchStreamPeer() {
  // A read on the bare socket (no stream timeout): the client sends nothing more on an event
  // stream, so completion means it closed the connection (or broke the protocol).
  drain_buffer_.resize(kDrainChunkBytes);
  stream_.socket().async_read_some(
      net::buffer(drain_buffer_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        if (self->state_ != State::kStreaming) return;
        if (ec) {
          *self->stream_cancelled_ = true;
          return self->Close();
        }
        self->WatchStreamPeer();  // it sent something: ignore it, keep watching
      });
}

void Session::WriteChunk(const std::string& chunk, std::function<void(bool written)> done) {
  if (state_ != State::kStreaming) return done(false);
  char size[20];
  int length = std::snprintf(size, sizeof(size), "%zx\r\n", chunk.size());
  auto framed = std::make_shared<std::string>(size, static_cast<std::size_t>(length));
  framed->append(chunk).append("\r\n");
  stream_.expires_after(server_.options.write_timeout);
  net::async_write(stream_, net::buffer(*framed),
                   [self = shared_from_this(), framed, done = std::move(done)](beast::error_code ec,
                                                                               std::size_t) {
                     if (ec) {
                       *self->stream_cancelled_ = true;
                       self->Close();
                     }
                     done(!ec);
                   });
}

void Session::EndStream() {
  if (state_ != State::kStreaming) return Close();
  static constexpr std::string_view kLastChunk = "0\r\n\r\n";
  stream_.expires_after(server_.options.write_timeout);
  net::async_write(stream_, net::buffer(kLastChunk.data(), kLastChunk.size()),
                   [self = shared_from_this()](beast::error_code, std::size_t) { self->Close(); });
}

void Session::Linger() {
  state_ = State::kLingering;
  if (closing_) return Close();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  stream_.expires_after(kLingerTime);
  drain_buffer_.resize(kDrainChunkBytes);
  Drain();
}

void Session::Drain() {
  stream_.async_read_some(net::buffer(drain_buffer_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->drained_ += n;
                            if (ec || self->drained_ > kMaxLingerBytes) return self->Close();
                            self->Drain();
                          });
}

void Session::Close() {
  if (stream_cancelled_) *stream_cancelled_ = true;
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace server_internal

Server::Impl::Impl(EventStore& store_in, const ServerOptions& options_in, Clock* clock_in)
    : store(store_in),
      options(options_in),
      clock(clock_in != nullptr ? clock_in : SystemClock::Default()),
      committer(store_in,
                GroupCommitter::Options{options_in.max_batch, options_in.max_batch_bytes,
                                        options_in.batch_linger},
                &metrics),
      blocking(options_in.blocking_threads),
      acceptor(net::make_strand(ioc)),
      accept_backoff(acceptor.get_executor()) {
  ServiceContext context;
  context.store = &store;
  context.committer = &committer;
  context.metrics = &metrics;
  context.clock = clock;
  context.options = &options;
  context.run_blocking = [this](std::function<void()> work) {
    net::post(blocking, std::move(work));
  };
  context.stopping = [this] { return stopping(); };
  AddOpsRoutes(router, context);
  AddWebhookRoutes(router, context);
  for (const RouteRegistrar& add : options.extra_routes) add(router, context);
}

Status Server::Impl::Listen() {
  LEDGER_ASSIGN_OR_RETURN(ListenAddress address, ParseListenAddress(options.listen));
  beast::error_code ec;
  auto fail = [&](std::string_view what) {
    return Unavailable("cannot listen on " + options.listen + ": " + std::string(what) + ": " +
                       ec.message());
  };
  tcp::resolver resolver(ioc);
  auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) return fail("resolve");
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  if (acceptor.open(endpoint.protocol(), ec)) return fail("open");
  if (acceptor.set_option(net::socket_base::reuse_address(true), ec)) return fail("setsockopt");
  if (acceptor.bind(endpoint, ec)) return fail("bind");
  if (acceptor.listen(net::socket_base::max_listen_connections, ec)) return fail("listen");
  port = acceptor.local_endpoint(ec).port();
  if (ec) return fail("local endpoint");
  return Status::Ok();
}

void Server::Impl::Accept() {
  acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor.is_open()) return;
    if (ec) {
      // Typically out of file descriptors: back off instead of spinning on the error.
      spdlog::warn("accept failed: {}", ec.message());
      accept_backoff.expires_after(std::chrono::milliseconds(100));
      accept_backoff.async_wait([this](beast::error_code) {
        if (acceptor.is_open()) Accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), *this)->Start();
    Accept();
  });
}

void Server::Impl::StartThreads() {
  work.emplace(ioc.get_executor());
  std::size_t count = options.threads != 0
                          ? options.threads
                          : std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < count; ++i) threads.emplace_back([this] { RunNetworkThread(); });
  spdlog::info("listening on {} (port {}) with {} network threads", options.listen, port, count);
  if (options.stripe_secrets.empty()) {
    spdlog::warn("no Stripe webhook secret configured: Stripe webhooks will be refused (401)");
  }
  if (options.printify_secret.empty()) {
    spdlog::warn("no Printify webhook secret configured: Printify webhooks will be refused (401)");
  }
}

void Server::Impl::RunNetworkThread() {
  while (true) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      // Handlers catch their own errors; this is a last line so one bug cannot stop a thread.
      spdlog::error("network thread caught: {}", e.what());
    }
  }
}

bool Server::Impl::Register(Session* session, std::weak_ptr<Session> weak) {
  std::lock_guard lock(mu);
  if (shutdown_requested) return false;
  sessions.emplace(session, std::move(weak));
  return true;
}

void Server::Impl::Unregister(Session* session) {
  {
    std::lock_guard lock(mu);
    sessions.erase(session);
  }
  changed.notify_all();
}

std::vector<std::shared_ptr<Session>> Server::Impl::LiveSessionsLocked() {
  std::vector<std::shared_ptr<Session>> live;
  for (auto& [raw, weak] : sessions) {
    if (std::shared_ptr<Session> session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

void Server::Impl::StartStreamThread(std::function<void()> body) {
  auto done = std::make_shared<std::atomic<bool>>(false);
  std::lock_guard lock(mu);
  // Reap streams that have ended, so that a long-running server does not accumulate them.
  std::erase_if(stream_threads, [](StreamThread& stream) {
    if (!stream.done->load()) return false;
    stream.thread.join();
    return true;
  });
  // `body` owns a session, whose destructor takes `mu`: it must be gone before `done` lets the
  // reaper above join this thread while holding `mu`.
  stream_threads.push_back({std::thread([body = std::move(body), done]() mutable {
                              {
                                std::function<void()> run = std::move(body);
                                run();
                              }
                              *done = true;
                            }),
                            done});
}

void Server::Impl::JoinStreamThreads() {
  std::vector<StreamThread> streams;
  {
    std::lock_guard lock(mu);
    streams.swap(stream_threads);
  }
  for (StreamThread& stream : streams) stream.thread.join();
}

void Server::Impl::RequestShutdown() {
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mu);
    if (shutdown_requested) return;
    shutdown_requested = true;
    stopping_flag = true;
    live = LiveSessionsLocked();
  }
  changed.notify_all();
  spdlog::info("shutting down: no new connections; finishing {} open ones", live.size());
  net::post(acceptor.get_executor(), [this] {
    beast::error_code ignored;
    acceptor.close(ignored);
    accept_backoff.cancel();
  });
  for (const auto& session : live) session->Shutdown();
}

Status Server::Impl::Wait() {
  std::unique_lock lock(mu);
  if (waited) return Status::Ok();
  waited = true;
  changed.wait(lock, [&] { return shutdown_requested; });
  if (!changed.wait_for(lock, options.shutdown_timeout, [&] { return sessions.empty(); })) {
    std::vector<std::shared_ptr<Session>> live = LiveSessionsLocked();
    spdlog::warn("{} connections still busy after {} ms; closing them", live.size(),
                 options.shutdown_timeout.count());
    lock.unlock();
    for (const auto& session : live) session->ForceClose();
    live.clear();
    lock.lock();
    changed.wait_for(lock, std::chrono::seconds(2), [&] { return sessions.empty(); });
  }
  lock.unlock();
  // Producers see the stop and return; joined while the network threads still run, since
  // their last writes complete there.
  JoinStreamThreads();
  // Every answered request is durable; commit whatever is still queued before stopping.
  committer.Stop();
  blocking.stop();
  blocking.join();
  if (signals) {
    beast::error_code ignored;
    signals->cancel(ignored);
  }
  work.reset();
  ioc.stop();
  for (std::thread& thread : threads) thread.join();
  threads.clear();
  spdlog::info("server stopped");
  return Status::Ok();
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  impl_->RequestShutdown();
  impl_->Wait().IgnoreError();  // nothing to report to from a destructor; Wait logs
}

Result<std::unique_ptr<Server>> Server::Start(EventStore& store, const ServerOptions& options,
                                              Clock* clock) {
  LEDGER_RETURN_IF_ERROR(ValidateServerOptions(options));
  auto impl = std::make_unique<Impl>(store, options, clock);
  Status listening = impl->Listen();
  if (!listening.ok()) {
    impl->committer.Stop();
    return listening;
  }
  impl->Accept();
  impl->StartThreads();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return impl_->port; }

void Server::StopOnSignals() {
  Impl* impl = impl_.get();
  impl->signals.emplace(impl->ioc, SIGINT, SIGTERM);
  impl->signals->async_wait([impl](beast::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received signal {}", signal);
    impl->RequestShutdown();
  });
}

void Server::Shutdown() { impl_->RequestShutdown(); }

Status Server::Wait() { return impl_->Wait(); }

const Metrics& Server::metrics() const { return impl_->metrics; }

Status RunServer(EventStore& store, const ServerOptions& options, Clock* clock,
                 const std::function<void(int port)>& on_listening) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Server> server, Server::Start(store, options, clock));
  server->StopOnSignals();
  if (on_listening) on_listening(server->port());
  return server->Wait();
}

}  // namespace ledger::http
