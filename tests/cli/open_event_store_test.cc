// The store factory: which URL opens which store.
#include "adapters/store/open_event_store.h"

#include <doctest/doctest.h>

#include <filesystem>

#include "tests/support/test_events.h"

namespace ledger::testing {
namespace {

TEST_CASE("sqlite::memory: opens an empty, migrated in-memory store") {
  Result<std::unique_ptr<EventStore>> store = OpenEventStore("sqlite::memory:");
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  CHECK(ReadWholeLog(**store).empty());
  REQUIRE((*store)->Append(MakeAppend("order-1")).ok());
  CHECK(ReadWholeLog(**store).size() == 1);
}

TEST_CASE("a sqlite file must be migrated before it opens") {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ledger-store-test-" + Uuid::V4().ToString());
  std::string url = "sqlite:" + path.string();
  Result<std::unique_ptr<EventStore>> before = OpenEventStore(url);
  REQUIRE_FALSE(before.ok());
  CHECK(before.status().code() == StatusCode::kFailedPrecondition);
  CHECK(before.status().message().find("ledger migrate") != std::string::npos);

  REQUIRE(MigrateStore(url).ok());
  REQUIRE(MigrateStore(url).ok());  // again: nothing to do
  {
    Result<std::unique_ptr<EventStore>> store = OpenEventStore(url);
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    REQUIRE((*store)->Append(MakeAppend("order-1")).ok());
  }
  Result<std::unique_ptr<EventStore>> reopened = OpenEventStore(url);
  REQUIRE(reopened.ok());
  CHECK(ReadWholeLog(**reopened).size() == 1);
  reopened = Status(StatusCode::kCancelled, "closed");  // close before removing the files
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::remove(path.string() + suffix, ec);
  }
}

TEST_CASE("with migrate set, OpenEventStore creates the store") {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("ledger-store-test-" + Uuid::V4().ToString());
  StoreOpenOptions options;
  options.migrate = true;
  Result<std::unique_ptr<EventStore>> store = OpenEventStore("sqlite:" + path.string(), options);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  store = Status(StatusCode::kCancelled, "closed");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    std::filesystem::remove(path.string() + suffix, ec);
  }
}

TEST_CASE("URLs of other forms are refused, naming the accepted ones") {
  for (const char* url :
       {"", "sqlite:", "mysql://root:pw@host/db", "ledger.db", "memory:", "file:ledger.db"}) {
    CAPTURE(url);
    Result<std::unique_ptr<EventStore>> store = OpenEventStore(url);
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == StatusCode::kInvalidArgument);
    CHECK_FALSE(ValidateStoreUrl(url).ok());
    CHECK(store.status().message().find("pw") == std::string::npos);
  }
  CHECK(OpenEventStore("mysql://x").status().message().find("sqlite:PATH") != std::string::npos);
  CHECK(ValidateStoreUrl("sqlite:x.db").ok());
  CHECK(ValidateStoreUrl("sqlite::memory:").ok());
  CHECK(ValidateStoreUrl("postgresql://ledger@localhost/ledger").ok());
  CHECK(ValidateStoreUrl("postgres://ledger@localhost/ledger").ok());
}

}  // namespace
}  // namespace ledger::testing
