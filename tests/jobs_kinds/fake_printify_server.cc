#include "tests/jobs_kinds/fake_printify_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <thread>

namespace ledger::testing {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct FakePrintifyServer::State {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  mutable std::mutex mu;
  int status = 200;
  std::string body = R"({"id":"pf_order_1"})";
  bool hang = false;
  std::vector<Request> requests;
};

namespace {

asio::awaitable<void> Serve(FakePrintifyServer::State* state, tcp::socket socket) {
  try {
    boost::beast::flat_buffer buffer;
    http::request<http::string_body> request;
    co_await http::async_read(socket, buffer, request, asio::use_awaitable);
    int status = 0;
    std::string body;
    bool hang = false;
    {
      std::lock_guard lock(state->mu);
      state->requests.push_back({std::string(request.method_string()),
                                 std::string(request.target()),
                                 std::string(request[http::field::authorization]),
                                 std::string(request[http::field::content_type]), request.body()});
      status = state->status;
      body = state->body;
      hang = state->hang;
    }
    if (hang) {
      // Holds the connection open until the server is destroyed.
      asio::steady_timer forever(socket.get_executor(), asio::steady_timer::time_point::max());
      co_await forever.async_wait(asio::use_awaitable);
      co_return;
    }
    http::response<http::string_body> response{static_cast<http::status>(status), 11};
    response.set(http::field::content_type, "application/json");
    response.body() = body;
    response.prepare_payload();
    response.keep_alive(false);
    co_await http::async_write(socket, response, asio::use_awaitable);
  } catch (const std::exception&) {
    // The client went away: nothing to answer.
  }
}

asio::awaitable<void> Accept(FakePrintifyServer::State* state) {
  for (;;) {
    tcp::socket socket = co_await state->acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(state->io, Serve(state, std::move(socket)), asio::detached);
  }
}

}  // namespace

FakePrintifyServer::FakePrintifyServer() : state_(std::make_unique<State>()) {
  // The coroutines hold a plain pointer: the state outlives them (the context that owns them
  // is one of its members).
  asio::co_spawn(state_->io, Accept(state_.get()), asio::detached);
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

FakePrintifyServer::~FakePrintifyServer() {
  state_->io.stop();
  state_->thread.join();
}

std::string FakePrintifyServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port());
}

void FakePrintifyServer::Reply(int status, std::string body) {
  std::lock_guard lock(state_->mu);
  state_->status = status;
  state_->body = std::move(body);
  state_->hang = false;
}

void FakePrintifyServer::CreateOrders(std::string order_id) {
  Reply(200, R"({"id":")" + order_id + R"("})");
}

void FakePrintifyServer::Hang() {
  std::lock_guard lock(state_->mu);
  state_->hang = true;
}

std::vector<FakePrintifyServer::Request> FakePrintifyServer::requests() const {
  std::lock_guard lock(state_->mu);
  return state_->requests;
}

}  // namespace ledger::testing
