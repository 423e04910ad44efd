#include "tests/jobs_kinds/smtp_sink.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <mutex>
#include <thread>

namespace ledger::testing {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct SmtpSink::State {
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  mutable std::mutex mu;
  Step refuse_at = Step::kNone;
  std::string refusal;
  std::vector<Message> messages;

  std::string RefusalAt(Step step) {
    std::lock_guard lock(mu);
    return refuse_at == step ? refusal : std::string();
  }
};

namespace {

bool StartsWith(const std::string& line, std::string_view prefix) {
  if (line.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(line[i])) != prefix[i]) return false;
  }
  return true;
}

class Session {
 public:
  Session(SmtpSink::State* state, tcp::socket socket) : state_(state), socket_(std::move(socket)) {}

  asio::awaitable<void> Run() {
    co_await Say("220 sink ESMTP");
    for (;;) {
      std::string line = co_await ReadLine();
      if (StartsWith(line, "EHLO") || StartsWith(line, "HELO")) {
        co_await Say("250 sink");
      } else if (StartsWith(line, "MAIL FROM:")) {
        co_await Step(SmtpSink::Step::kMailFrom, [&] {
          message_ = SmtpSink::Message{};
          message_.mail_from = line.substr(10);
        });
      } else if (StartsWith(line, "RCPT TO:")) {
        co_await Step(SmtpSink::Step::kRcptTo,
                      [&] { message_.recipients.push_back(line.substr(8)); });
      } else if (StartsWith(line, "DATA")) {
        co_await Say("354 end with <CRLF>.<CRLF>");
        co_await ReadData();
        co_await Step(SmtpSink::Step::kEndOfData, [&] {
          std::lock_guard lock(state_->mu);
          state_->messages.push_back(message_);
        });
      } else if (StartsWith(line, "RSET") || StartsWith(line, "NOOP")) {
        co_await Say("250 ok");
      } else if (StartsWith(line, "QUIT")) {
        co_await Say("221 bye");
        co_return;
      } else {
        co_await Say("502 command not implemented");
      }
    }
  }

 private:
  template <typename Accept>
  asio::awaitable<void> Step(SmtpSink::Step step, Accept accept) {
    std::string refusal = state_->RefusalAt(step);
    if (!refusal.empty()) {
      co_await Say(refusal);
      co_return;
    }
    accept();
    co_await Say("250 ok");
  }

  asio::awaitable<void> ReadData() {
    for (;;) {
      std::string line = co_await ReadLine();
      if (line == ".") co_return;
      if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-unstuffing
      message_.data.append(line).append("\r\n");
    }
  }

  asio::awaitable<std::string> ReadLine() {
    std::size_t n = co_await asio::async_read_until(socket_, buffer_, "\r\n", asio::use_awaitable);
    std::string line(asio::buffers_begin(buffer_.data()),
                     asio::buffers_begin(buffer_.data()) + static_cast<std::ptrdiff_t>(n - 2));
    buffer_.consume(n);
    co_return line;
  }

  asio::awaitable<void> Say(std::string line) {
    line.append("\r\n");
    co_await asio::async_write(socket_, asio::buffer(line), asio::use_awaitable);
  }

  SmtpSink::State* state_;
  tcp::socket socket_;
  asio::streambuf buffer_;
  SmtpSink::Message message_;
};

asio::awaitable<void> Serve(SmtpSink::State* state, tcp::socket socket) {
  Session session(state, std::move(socket));
  try {
    co_await session.Run();
  } catch (const std::exception&) {
    // The client hung up.
  }
}

asio::awaitable<void> Accept(SmtpSink::State* state) {
  for (;;) {
    tcp::socket socket = co_await state->acceptor.async_accept(asio::use_awaitable);
    asio::co_spawn(state->io, Serve(state, std::move(socket)), asio::detached);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

SmtpSink::SmtpSink() : state_(std::make_unique<State>()) {
  // Coroutines hold a plain pointer: the context that owns them is a member of the state.
  asio::co_spawn(state_->io, Accept(state_.get()), asio::detached);
  state_->thread = std::thread([state = state_.get()] { state->io.run(); });
}

SmtpSink::~SmtpSink() {
  state_->io.stop();
  state_->thread.join();
}

std::string SmtpSink::url() const {
  return "smtp://127.0.0.1:" + std::to_string(state_->acceptor.local_endpoint().port());
}

void SmtpSink::RefuseAt(Step step, std::string reply) {
  std::lock_guard lock(state_->mu);
  state_->refuse_at = step;
  state_->refusal = std::move(reply);
}

std::vector<SmtpSink::Message> SmtpSink::messages() const {
  std::lock_guard lock(state_->mu);
  return state_->messages;
}

std::string DecodeQuotedPrintable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '=') {
      if (text[i] != '\r') out.push_back(text[i]);
      continue;
    }
    if (text.compare(i, 3, "=\r\n") == 0) {
      i += 2;  // soft line break
    } else if (i + 2 < text.size() && HexValue(text[i + 1]) >= 0 && HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back('=');
    }
  }
  return out;
}

std::string MimePart(const std::string& message, const std::string& type) {
  std::size_t at = message.find("Content-Type: " + type);
  if (at == std::string::npos) return "";
  std::size_t body = message.find("\r\n\r\n", at);
  if (body == std::string::npos) return "";
  body += 4;
  std::size_t end = message.find("\r\n--=_ledger_", body);
  if (end == std::string::npos) return "";
  return DecodeQuotedPrintable(message.substr(body, end + 2 - body));
}

std::string HeaderValue(const std::string& message, const std::string& name) {
  std::string prefix = name + ": ";
  for (std::size_t line = 0; line < message.size();) {
    std::size_t end = message.find("\r\n", line);
    if (end == std::string::npos || end == line) return "";  // the end of the headers
    if (message.compare(line, prefix.size(), prefix) == 0) {
      return message.substr(line + prefix.size(), end - line - prefix.size());
    }
    line = end + 2;
  }
  return "";
}

}  // namespace ledger::testing
