// The content and canary read models on PostgreSQL (label "postgres"): the same rows as in
// memory (digest), readable by ledger_reader only for its tenant, and every example query of
// the docs runs as ledger_reader.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "projections/digest.h"
#include "projections/runner.h"
#include "tests/postgres/pg_read_model_support.h"
#include "tests/projections/content_projection_support.h"

namespace ledger::projections::testing {
namespace {

using pgtest::RowsAs;

// The story in tenant "default", plus one item of tenant "acme", projected into memory
// (f.rows) and into a fresh PostgreSQL database.
struct PgStory {
  PgStory() {
    RunStory(f.commands);
    Result<commands::CommandOutcome> acme = f.commands.dispatcher->Execute(
        "screen-content", R"({"content_id":"acme-1","name":"Nikey socks","description":""})",
        commands::CommandContext{kOperator, TenantId("acme"), "t"});
    REQUIRE_MESSAGE(acme.ok(), acme.status().ToString());
    f.Project();
    std::vector<Projector*> projectors = f.projectors();
    Status s =
        ProjectToHead(f.commands.store, *pg.store, projectors, RunnerOptions{.batch_size = 4});
    REQUIRE_MESSAGE(s.ok(), s.ToString());
  }

  ProjectedCommands f;
  pgtest::TestReadModelStore pg;
};

TEST_CASE("PostgreSQL holds the same content and canary rows as memory") {
  PgStory story;
  std::vector<Projector*> projectors = story.f.projectors();
  Result<ReadModelDigest> memory = ComputeDigest(story.f.rows, projectors);
  Result<ReadModelDigest> postgres = ComputeDigest(*story.pg.store, projectors);
  REQUIRE(memory.ok());
  REQUIRE_MESSAGE(postgres.ok(), postgres.status().ToString());
  CHECK(FormatDigest(*postgres) == FormatDigest(*memory));
}

TEST_CASE("ledger_reader sees its tenant's content and canary rows only") {
  PgStory story;
  auto conn = story.pg.db->ConnectAdmin();
  CHECK(RowsAs(*conn, "ledger_reader", "default", "",
               "SELECT route, change_number, v1_before, v2_before, v1_after, v2_after, "
               "trigger_source, cause FROM traffic_split_history ORDER BY stream_version") ==
        std::vector<std::string>{
            "search|1|100|0|90|10|probe|probe_passed", "search|2|90|10|80|20|probe|probe_passed",
            "search|3|80|20|70|30|probe|probe_passed", "search|4|70|30|60|40|probe|probe_passed"});
  CHECK(RowsAs(*conn, "ledger_reader", "default", "",
               "SELECT content_id, status FROM products ORDER BY content_id") ==
        std::vector<std::string>{"a|published", "b|screened", "c|in_review"});
  CHECK(RowsAs(*conn, "ledger_reader", "acme", "",
               "SELECT content_id, status FROM products ORDER BY content_id") ==
        std::vector<std::string>{"acme-1|in_review"});
  CHECK(RowsAs(*conn, "ledger_reader", "acme", "", "SELECT count(*) FROM canary_state") ==
        std::vector<std::string>{"0"});
  CHECK(RowsAs(*conn, "ledger_reader", "acme", "",
               "SELECT r->>'rule', r->>'term' FROM review_queue, "
               "jsonb_array_elements(rules) AS r") ==
        std::vector<std::string>{"phonetic_match|Nike"});
  CHECK(RowsAs(*conn, "ledger_reader", "", "", "SELECT count(*) FROM review_queue").front() == "0");
}

// The ```sql blocks of the docs that query these tables, split into statements.
std::vector<std::string> DocumentedQueries() {
  const char* tables[] = {"products",         "review_queue", "screening_decisions",
                          "quality_verdicts", "canary_state", "traffic_split_history"};
  std::vector<std::string> statements;
  for (const char* doc : {"/docs/read-models.md"}) {
    std::ifstream in(std::string(LEDGER_SOURCE_DIR) + doc);
    if (!in) continue;
    std::stringstream text;
    text << in.rdbuf();
    std::string s = text.str();
    for (std::size_t at = s.find("```sql\n"); at != std::string::npos;
         at = s.find("```sql\n", at)) {
      at += 7;
      std::size_t end = s.find("```", at);
      REQUIRE(end != std::string::npos);
      std::string block = s.substr(at, end - at);
      // Statement by statement: a block may also query tables of other read models.
      for (std::size_t start = 0, semi; (semi = block.find(';', start)) != std::string::npos;
           start = semi + 1) {
        std::string statement = block.substr(start, semi - start);
        bool ours = false;
        for (const char* t : tables)
          ours = ours || statement.find(std::string("FROM ") + t) != std::string::npos;
        if (ours) statements.push_back(std::move(statement));
      }
    }
  }
  return statements;
}

TEST_CASE("every documented query of the content and canary tables runs as ledger_reader") {
  PgStory story;
  auto conn = story.pg.db->ConnectAdmin();
  std::vector<std::string> queries = DocumentedQueries();
  CHECK(queries.size() >= 10);
  for (const std::string& sql : queries) {
    CAPTURE(sql);
    RowsAs(*conn, "ledger_reader", "default", "", sql);  // fails the test on an error
  }
  // One of them, checked: the v2 weight over time.
  for (const std::string& sql : queries) {
    if (sql.find("route = 'checkout'") == std::string::npos) continue;
    CHECK(RowsAs(*conn, "ledger_reader", "default", "",
                 "SELECT count(*) FROM (" + sql.substr(sql.find("SELECT")) + ") q") ==
          std::vector<std::string>{"0"});  // the story's route is 'search'
  }
}

}  // namespace
}  // namespace ledger::projections::testing
