#include "tests/http/test_server.h"

#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include "engine/memory_store.h"
#include "engine/uuid.h"
#include "tests/webhooks/fixture_files.h"
#ifdef LEDGER_HAVE_SQLITE
#include "adapters/sqlite/sqlite_event_store.h"
#endif
#ifdef LEDGER_HAVE_POSTGRES
#include "tests/postgres/pg_test_support.h"
#endif

namespace ledger::testing {

const char* StoreKindName(StoreKind kind) {
  switch (kind) {
    case StoreKind::kMemory:
      return "memory";
    case StoreKind::kSqlite:
      return "sqlite";
    case StoreKind::kPostgres:
      return "postgres";
  }
  return "?";
}

std::vector<StoreKind> EmbeddedStoreKinds() {
#ifdef LEDGER_HAVE_SQLITE
  return {StoreKind::kMemory, StoreKind::kSqlite};
#else
  return {StoreKind::kMemory};
#endif
}

http::ServerOptions DefaultTestOptions() {
  // One line per request is right for operators and noise in test output.
  spdlog::set_level(spdlog::level::warn);
  http::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.stripe_secrets = {LoadStripeSignatures().secret};
  options.printify_secret = LoadPrintifySignatures().secret;
  options.threads = 2;
  options.shutdown_timeout = std::chrono::seconds(5);
  return options;
}

TestServer::TestServer(StoreKind kind, const std::function<void(http::ServerOptions&)>& configure) {
  if (kind == StoreKind::kMemory) {
    auto memory = std::make_shared<MemoryEventStore>();
    store_ = memory.get();
    store_owner_ = std::move(memory);
  } else if (kind == StoreKind::kSqlite) {
#ifdef LEDGER_HAVE_SQLITE
    sqlite_path_ = std::filesystem::temp_directory_path() /
                   ("ledger-http-test-" + Uuid::V4().ToString() + ".db");
    SqliteOptions options;
    options.migrate = true;
    auto opened = SqliteEventStore::Open(sqlite_path_.string(), options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    std::shared_ptr<SqliteEventStore> sqlite = std::move(opened).value();
    store_ = sqlite.get();
    store_owner_ = std::move(sqlite);
#else
    FAIL("this build has no SQLite store");
#endif
  } else {
#ifdef LEDGER_HAVE_POSTGRES
    // A fresh migrated database per server, dropped with it (LEDGER_TEST_DATABASE_URL).
    auto pg = std::make_shared<pgtest::TestStore>(SystemClock::Default());
    store_ = pg->store.get();
    store_owner_ = std::move(pg);
#else
    FAIL("this binary was built without the PostgreSQL store");
#endif
  }
  control_ = std::make_unique<ControllableStore>(store_);
  http::ServerOptions options = DefaultTestOptions();
  if (configure) configure(options);
  auto started = http::Server::Start(*control_, options, &clock_);
  REQUIRE_MESSAGE(started.ok(), started.status().ToString());
  server_ = std::move(started).value();
}

TestServer::~TestServer() {
  Stop();
  server_.reset();
  control_.reset();
  store_ = nullptr;
  store_owner_.reset();
  if (!sqlite_path_.empty()) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(sqlite_path_.string() + suffix, ignored);
    }
  }
}

void TestServer::Stop() {
  if (!server_) return;
  control_->Release();
  server_->Shutdown();
  CHECK(server_->Wait().ok());
}

ClientResponse TestServer::PostStripe(const std::string& body, const std::string& signature,
                                      std::int64_t now_unix, const std::string& target) {
  clock_.Set(Timestamp(now_unix * 1'000'000));
  return Request(
      port(), "POST", target,
      {{"Content-Type", "application/json; charset=utf-8"}, {"Stripe-Signature", signature}}, body);
}

ClientResponse TestServer::PostPrintify(const std::string& body, const std::string& signature,
                                        const std::string& target) {
  return Request(port(), "POST", target,
                 {{"Content-Type", "application/json"}, {"X-Pfy-Signature", signature}}, body);
}

}  // namespace ledger::testing
