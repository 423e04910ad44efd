// A deliberately small HTTP/1.1 client over a raw socket, for driving the server the way a
// provider would: it writes exactly the bytes it is given and reads responses framed by
// Content-Length (every response of the server has one). Blocking, with timeouts.
#ifndef LEDGER_TESTS_HTTP_HTTP_CLIENT_H_
#define LEDGER_TESTS_HTTP_HTTP_CLIENT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ledger::testing {

struct ClientResponse {
  int status = 0;                              // 0: no response (connection failed or closed first)
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;

  std::string Header(const std::string& lowercase_name) const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// "POST /target HTTP/1.1" with Host, Content-Length (unless `chunked`) and `headers`.
std::string BuildRequest(std::string_view method, std::string_view target, const Headers& headers,
                         std::string_view body, bool keep_alive = false, bool chunked = false);

class HttpConnection {
 public:
  explicit HttpConnection(int port);  // connects to 127.0.0.1:port
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Writes all of `bytes`; false if the connection broke (the server may still have answered).
  bool Send(std::string_view bytes);
  // The next response, or status 0 if the connection closed or timed out first.
  ClientResponse Read();
  // True if the server closed the connection (read returns EOF within the timeout).
  bool ClosedByPeer();

 private:
  bool Fill();  // reads more into buffer_; false on EOF, error or timeout
  int fd_ = -1;
  std::string buffer_;
};

// One request on a fresh connection.
ClientResponse Request(int port, std::string_view method, std::string_view target,
                       const Headers& headers = {}, std::string_view body = {});

// True if a TCP connection to 127.0.0.1:port is refused.
bool ConnectionRefused(int port);

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_HTTP_HTTP_CLIENT_H_
