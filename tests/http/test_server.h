// A running server on a loopback port for tests: a MemoryEventStore or a SQLite file store
// behind a ControllableStore, a ManualClock (signatures are checked at the time a test sets),
// and the fixtures' secrets.
#ifndef LEDGER_TESTS_HTTP_TEST_SERVER_H_
#define LEDGER_TESTS_HTTP_TEST_SERVER_H_

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "adapters/http/server.h"
#include "engine/clock.h"
#include "tests/http/event_store_wrapper.h"
#include "tests/http/http_client.h"

namespace ledger::testing {

enum class StoreKind { kMemory, kSqlite, kPostgres };
const char* StoreKindName(StoreKind kind);
// The embedded stores this build can test: memory always, SQLite when adapters/sqlite is
// built. PostgreSQL needs a server and runs in its own binary (http_postgres_tests).
std::vector<StoreKind> EmbeddedStoreKinds();

// The options every test server starts from: port 0, the fixtures' secrets, two threads.
http::ServerOptions DefaultTestOptions();

class TestServer {
 public:
  explicit TestServer(StoreKind kind = StoreKind::kMemory,
                      const std::function<void(http::ServerOptions&)>& configure = {});
  ~TestServer();

  int port() const { return server_->port(); }
  ManualClock& clock() { return clock_; }
  EventStore& store() { return *store_; }  // the real store, for checking what was stored
  ControllableStore& control() { return *control_; }
  http::Server& server() { return *server_; }
  // Stops the server now (what the destructor would do), keeping the store readable.
  void Stop();

  // Sets the clock to `now_unix` and POSTs `body` as application/json.
  ClientResponse PostStripe(const std::string& body, const std::string& signature,
                            std::int64_t now_unix,
                            const std::string& target = "/v1/webhooks/stripe");
  ClientResponse PostPrintify(const std::string& body, const std::string& signature,
                              const std::string& target = "/v1/webhooks/printify");

 private:
  ManualClock clock_{Timestamp(0)};
  std::filesystem::path sqlite_path_;
  std::shared_ptr<void> store_owner_;  // whatever keeps store_ alive (a store, a test database)
  EventStore* store_ = nullptr;
  std::unique_ptr<ControllableStore> control_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_HTTP_TEST_SERVER_H_
