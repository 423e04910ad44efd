// A fake of Printify's order endpoint on loopback (Boost.Beast): answers every request with
// the reply it is told to give (201 with an order id, a 4xx, a 5xx, or nothing at all) and
// records what it was sent. Runs on its own thread until destroyed.
#ifndef LEDGER_TESTS_JOBS_KINDS_FAKE_PRINTIFY_SERVER_H_
#define LEDGER_TESTS_JOBS_KINDS_FAKE_PRINTIFY_SERVER_H_

#include <memory>
#include <string>
#include <vector>

namespace ledger::testing {

class FakePrintifyServer {
 public:
  struct Request {
    std::string method;
    std::string target;
    std::string authorization;
    std::string content_type;
    std::string body;
  };

  FakePrintifyServer();
  ~FakePrintifyServer();
  FakePrintifyServer(const FakePrintifyServer&) = delete;
  FakePrintifyServer& operator=(const FakePrintifyServer&) = delete;

  std::string base_url() const;  // "http://127.0.0.1:<port>"

  // What the next requests get (default: 200 {"id": "<order id>"}).
  void Reply(int status, std::string body);
  void CreateOrders(std::string order_id);  // 200 {"id": order_id}
  void Hang();                              // read the request, never answer

  std::vector<Request> requests() const;

  struct State;  // internal

 private:
  std::unique_ptr<State> state_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_JOBS_KINDS_FAKE_PRINTIFY_SERVER_H_
