// The catalog cache (adapters/query/caching_reader.h, adapters/redis/catalog_cache.h) against
// real Redis: a hit after a miss, invalidation by the projector (real screen-content commands
// projected with ProjectToHead, on_live_change wired to the invalidator), TTL expiry, and a
// Redis server of the test's own stopped and restarted: reads answered from the database while
// it is down, the cache used again once it is back.
#include "adapters/redis/catalog_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "adapters/query/caching_reader.h"
#include "engine/uuid.h"
#include "projections/content/content_projectors.h"
#include "projections/content/content_tables.h"
#include "projections/memory_read_model_store.h"
#include "projections/runner.h"
#include "queries/memory_read_model_reader.h"
#include "tests/commands/command_fixture.h"
#include "tests/jobs/redis_test_support.h"

namespace ledger::query {
namespace {

using projections::Row;
using projections::content::ProductsTable;
using projections::content::ReviewQueueTable;

// The memory reader, counting the calls that reach it (the database, as far as the cache knows).
class CountingReader final : public queries::ReadModelReader {
 public:
  explicit CountingReader(projections::ReadModelStore& store) : inner_(store) {}
  Result<std::vector<Row>> List(const queries::Scope& scope,
                                const queries::ListQuery& query) override {
    ++calls;
    return inner_.List(scope, query);
  }
  Result<std::vector<Checkpoint>> LoadCheckpoints() override { return inner_.LoadCheckpoints(); }
  Result<queries::ReadSet> ReadTogether(const queries::Scope& scope,
                                        std::span<const queries::ListQuery> queries,
                                        bool with_checkpoints) override {
    ++calls;
    return inner_.ReadTogether(scope, queries, with_checkpoints);
  }
  std::atomic<int> calls{0};

 private:
  queries::MemoryReadModelReader inner_;
};

redis::CatalogCacheOptions FreshOptions() {
  redis::CatalogCacheOptions options;
  options.key_prefix = "test:" + Uuid::V4().ToString() + ":catalog";
  options.outage_backoff = std::chrono::milliseconds(50);
  return options;
}

// Commands, their log projected by the products projector into memory, read through the cache.
struct Catalog {
  explicit Catalog(const redis::RedisEndpoint& endpoint,
                   redis::CatalogCacheOptions options = FreshOptions())
      : cache(endpoint, std::move(options)),
        invalidator(cache, std::chrono::milliseconds(20)),
        database(rows),
        reader(database, cache, &invalidator) {}

  void Screen(const std::string& id, const std::string& name) {
    commands.Ok("screen-content", R"({"content_id":")" + id + R"(","name":")" + name +
                                      R"(","description":"Soft tee"})");
  }

  // Projects the log; with Redis up, waits until the invalidator has bumped the generations
  // (until then this process bypasses the cache).
  void Project(bool redis_up = true) {
    projections::RunnerOptions options;
    options.on_live_change = invalidator.Callback();
    std::vector<projections::Projector*> pointers{products.get()};
    REQUIRE(projections::ProjectToHead(commands.store, rows, pointers, options).ok());
    if (redis_up) REQUIRE(invalidator.WaitIdle(std::chrono::seconds(5)));
  }

  std::vector<Row> List(std::optional<std::string> content_id = std::nullopt,
                        const projections::TableSpec& table = ProductsTable()) {
    queries::ListQuery query;
    query.table = &table;
    query.order_by = {"content_id"};
    if (content_id) query.filters.push_back({"content_id", queries::FilterOp::kEqual, *content_id});
    Result<std::vector<Row>> listed = reader.List(queries::Scope{"default", std::nullopt}, query);
    REQUIRE(listed.ok());
    return *listed;
  }

  commands::testing::CommandFixture commands;
  projections::MemoryReadModelStore rows;
  std::unique_ptr<projections::Projector> products = projections::content::MakeProductsProjector();
  redis::CatalogCache cache;
  redis::CatalogInvalidator invalidator;
  CountingReader database;
  CachingReader reader;
};

std::vector<std::string> Names(const std::vector<Row>& rows) {
  std::vector<std::string> names;
  for (const Row& row : rows) names.push_back(row.Text("name"));
  return names;
}

TEST_CASE("a second read of the same page is a hit and does not reach the database") {
  Catalog c(jobs::testing::TestRedis());
  c.Screen("mug", "Cat mug");
  c.Project();
  CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug"});
  CHECK(c.database.calls.load() == 1);
  std::vector<Row> again = c.List();
  CHECK(c.database.calls.load() == 1);
  CHECK(again == c.List());
  CHECK(c.cache.Stats().hits == 2);
  CHECK(c.cache.Stats().misses == 1);
  // A different query (the detail route's filter) is its own entry.
  CHECK(Names(c.List("mug")) == std::vector<std::string>{"Cat mug"});
  CHECK(c.database.calls.load() == 2);
}

TEST_CASE("tables other than products go straight to the database") {
  Catalog c(jobs::testing::TestRedis());
  c.Project();
  c.List(std::nullopt, ReviewQueueTable());
  c.List(std::nullopt, ReviewQueueTable());
  CHECK(c.database.calls.load() == 2);
  CHECK(c.cache.Stats().hits + c.cache.Stats().misses == 0);
}

TEST_CASE("a product change projected by the runner invalidates the tenant's entries") {
  Catalog c(jobs::testing::TestRedis());
  c.Screen("mug", "Cat mug");
  c.Project();
  CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug"});
  CHECK(Names(c.List("mug")).size() == 1);
  CHECK(Names(c.List("tee")).empty());
  const int before = c.database.calls.load();

  c.Screen("tee", "Mountain tee");
  c.Project();
  REQUIRE(c.invalidator.WaitIdle(std::chrono::seconds(5)));
  CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug", "Mountain tee"});
  CHECK(Names(c.List("tee")) == std::vector<std::string>{"Mountain tee"});
  CHECK(c.database.calls.load() == before + 2);
  c.List();  // and cached again
  CHECK(c.database.calls.load() == before + 2);
}

TEST_CASE("a rebuild that swaps in the products table invalidates every tenant") {
  Catalog c(jobs::testing::TestRedis());
  c.Screen("mug", "Cat mug");
  c.Project();
  c.List();
  c.List();
  CHECK(c.database.calls.load() == 1);
  std::vector<projections::TableSpec> replaced{ProductsTable()};
  c.invalidator.OnLiveChange(projections::LiveTablesChanged{{}, replaced});
  REQUIRE(c.invalidator.WaitIdle(std::chrono::seconds(5)));
  c.List();
  CHECK(c.database.calls.load() == 2);
}

TEST_CASE("an entry expires after its TTL") {
  redis::CatalogCacheOptions options = FreshOptions();
  options.ttl = std::chrono::milliseconds(300);
  Catalog c(jobs::testing::TestRedis(), options);
  c.Screen("mug", "Cat mug");
  c.Project();
  c.List();
  c.List();
  CHECK(c.database.calls.load() == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(450));
  c.List();
  CHECK(c.database.calls.load() == 2);
}

TEST_CASE("with Redis stopped reads come from the database; once it is back the cache is used") {
  jobs::testing::OwnRedisServer server;
  Catalog c(server.endpoint());
  c.Screen("mug", "Cat mug");
  c.Project();
  c.List();
  c.List();
  CHECK(c.database.calls.load() == 1);

  server.Stop();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug"});
  CHECK(c.database.calls.load() == 6);
  CHECK(c.cache.Stats().errors >= 1);
  // A short connect timeout and the outage pause keep reads fast while Redis is down.
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

  // A change while Redis is down: the bump waits, and this process bypasses the cache.
  c.Screen("tee", "Mountain tee");
  c.Project(/*redis_up=*/false);
  CHECK(c.invalidator.Pending());
  CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug", "Mountain tee"});
  CHECK(c.cache.Stats().bypassed >= 1);

  server.Start();
  REQUIRE(c.invalidator.WaitIdle(std::chrono::seconds(10)));
  const int before = c.database.calls.load();
  CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug", "Mountain tee"});
  CHECK(Names(c.List()) == std::vector<std::string>{"Cat mug", "Mountain tee"});
  CHECK(c.database.calls.load() == before + 1);  // a miss, then a hit: the cache is back
}

TEST_CASE("the key covers the scope, filters, order, cursor and limit; filter order does not") {
  queries::ListQuery query;
  query.table = &ProductsTable();
  query.order_by = {"content_id"};
  queries::Scope admin{"default", std::nullopt};
  queries::Scope customer{"default", std::string("carl")};
  queries::Scope other{"shop2", std::nullopt};
  const std::string base = QueryFingerprint(admin, query);
  CHECK(base.size() == 64);
  CHECK(QueryFingerprint(customer, query) != base);
  CHECK(QueryFingerprint(other, query) != base);
  queries::ListQuery changed = query;
  changed.limit = 7;
  CHECK(QueryFingerprint(admin, changed) != base);
  changed = query;
  changed.after = projections::Key{std::string("mug")};
  CHECK(QueryFingerprint(admin, changed) != base);
  changed = query;
  changed.descending = true;
  CHECK(QueryFingerprint(admin, changed) != base);
  queries::ListQuery a = query;
  a.filters = {{"status", queries::FilterOp::kEqual, std::string("published")},
               {"updated_at", queries::FilterOp::kAtLeast, Timestamp(5)}};
  queries::ListQuery b = query;
  b.filters = {a.filters[1], a.filters[0]};
  CHECK(QueryFingerprint(admin, a) == QueryFingerprint(admin, b));
  CHECK(QueryFingerprint(admin, a) != base);
}

TEST_CASE("rows round-trip through the cache's encoding, every column type and NULL") {
  projections::TableSpec table{
      .name = "sample",
      .columns = {{"tenant_id", projections::ColumnType::kText, false},
                  {"n", projections::ColumnType::kInteger},
                  {"flag", projections::ColumnType::kBoolean},
                  {"at", projections::ColumnType::kTimestamp},
                  {"doc", projections::ColumnType::kJson},
                  {"note", projections::ColumnType::kText}},
      .primary_key = {"tenant_id"},
      .indexes = {},
  };
  Row row(table);
  row.SetText("tenant_id", "t")
      .SetInt("n", -42)
      .SetBool("flag", true)
      .SetTime("at", Timestamp(7))
      .SetJson("doc", R"({"b":1,"a":[2]})");
  std::vector<Row> rows{row};
  Result<std::vector<Row>> decoded = DecodeRows(table, EncodeRows(rows));
  REQUIRE(decoded.ok());
  CHECK(*decoded == rows);
  CHECK(!DecodeRows(table, R"({"v":1,"rows":[["t"]]})").ok());
  CHECK(!DecodeRows(table, R"({"v":1,"rows":[["t","x",true,7,"{}",null]]})").ok());
  CHECK(!DecodeRows(table, "not json").ok());
}

}  // namespace
}  // namespace ledger::query
