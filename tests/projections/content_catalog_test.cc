// The content and canary projectors as a set: they cover every content and canary event type
// the commands register, declare valid tables, give the same rows whatever the batch size or
// however often rebuilt, keep tenants apart, and take odd payloads without failing.
#include <doctest/doctest.h>

#include <set>

#include "commands/event_types.h"
#include "projections/content/content_tables.h"
#include "projections/digest.h"
#include "projections/runner.h"
#include "tests/projections/content_projection_support.h"

namespace ledger::projections::testing {
namespace {

using content::ProductsTable;
using content::QualityVerdictsTable;
using content::ReviewQueueTable;
using ledger::testing::MakeAppend;
using ledger::testing::MakeEvent;

TEST_CASE("every content and canary event type is projected, and nothing else") {
  ProjectedCommands f;
  std::vector<Projector*> projectors = f.projectors();
  for (const commands::EventTypeInfo& info : commands::CommandEventTypes()) {
    CAPTURE(info.type);
    bool ours = info.stream_category == "content" || info.stream_category == "canary";
    bool handled = false;
    for (Projector* p : projectors) handled = handled || p->Handles(info.type);
    CHECK(handled == ours);
  }
}

TEST_CASE("the tables are valid, tenant-first and owned by one projector each") {
  ProjectedCommands f;
  std::set<std::string> tables;
  std::set<std::string> names;
  for (Projector* p : f.projectors()) {
    CHECK(names.insert(std::string(p->name())).second);
    CHECK(p->version() >= 1);
    for (const TableSpec& spec : p->tables()) {
      CAPTURE(spec.name);
      CHECK(ValidateTableSpec(spec) == "");
      CHECK(spec.columns.front().name == "tenant_id");
      CHECK(spec.primary_key.front() == "tenant_id");
      CHECK_FALSE(spec.customer_scoped);
      CHECK(tables.insert(spec.name).second);
    }
  }
  CHECK(tables == std::set<std::string>{"canary_state", "products", "quality_verdicts",
                                        "review_queue", "screening_decisions",
                                        "traffic_split_history"});
}

TEST_CASE("the same log gives the same rows whatever the batch size, and after a rebuild") {
  ProjectedCommands f;
  RunStory(f.commands);
  std::vector<Projector*> projectors = f.projectors();
  REQUIRE(ProjectToHead(f.commands.store, f.rows, projectors, RunnerOptions{.batch_size = 1}).ok());
  MemoryReadModelStore other;
  REQUIRE(
      ProjectToHead(f.commands.store, other, projectors, RunnerOptions{.batch_size = 1000}).ok());
  Result<ReadModelDigest> a = ComputeDigest(f.rows, projectors);
  Result<ReadModelDigest> b = ComputeDigest(other, projectors);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(FormatDigest(*a) == FormatDigest(*b));
  for (const TableDigest& table : a->tables) {
    CAPTURE(table.table);
    CHECK(table.rows > 0);
  }

  std::vector<std::string> all;
  for (Projector* p : projectors) all.emplace_back(p->name());
  REQUIRE(ProjectToHead(f.commands.store, f.rows, projectors, RunnerOptions{.batch_size = 3}, all)
              .ok());
  Result<ReadModelDigest> rebuilt = ComputeDigest(f.rows, projectors);
  REQUIRE(rebuilt.ok());
  CHECK(FormatDigest(*rebuilt) == FormatDigest(*a));
}

TEST_CASE("rows carry the tenant of their events") {
  ProjectedCommands f;
  const char* body = R"({"content_id":"%s","name":"Cute cat mug","description":"x"})";
  auto screen = [&](const std::string& id, const std::string& tenant) {
    std::string text = body;
    text.replace(text.find("%s"), 2, id);
    Result<commands::CommandOutcome> out = f.commands.dispatcher->Execute(
        "screen-content", text, commands::CommandContext{kOperator, TenantId(tenant), "t"});
    REQUIRE_MESSAGE(out.ok(), out.status().ToString());
  };
  screen("d-1", "default");
  screen("a-1", "acme");
  f.Project();
  std::vector<Row> products = f.Rows(ProductsTable());
  REQUIRE(products.size() == 2);
  CHECK(products[0].Text("tenant_id") == "acme");
  CHECK(products[0].Text("content_id") == "a-1");
  CHECK(products[1].Text("tenant_id") == "default");
  CHECK(products[1].Text("content_id") == "d-1");
  CHECK_FALSE(f.Find(ProductsTable(), Key{"default", "a-1"}).has_value());
}

TEST_CASE("odd payloads are recorded as NULLs, never an error") {
  ProjectedCommands f;
  EventStore& store = f.commands.store;
  // No content_id, no item: the stream names the item.
  REQUIRE(store
              .Append(MakeAppend("content-odd", ExpectedVersion::Any(),
                                 {MakeEvent("screening.decided", R"({"decision":"pass"})")}))
              .ok());
  // A decision with no request before it.
  REQUIRE(store
              .Append(MakeAppend("content-ghost", ExpectedVersion::Any(),
                                 {MakeEvent("review.approved", R"({"origin":"screening"})")}))
              .ok());
  // A request from an origin no command writes, and a verdict whose checks are not a list.
  REQUIRE(store
              .Append(MakeAppend(
                  "content-odd", ExpectedVersion::Any(),
                  {MakeEvent("review.requested", R"({"origin":"elsewhere"})"),
                   MakeEvent("quality.verdict_recorded", R"({"verdict":"pass","checks":"all"})")}))
              .ok());
  f.Project();

  std::optional<Row> odd = f.Find(ProductsTable(), Key{"default", "odd"});
  REQUIRE(odd.has_value());
  CHECK(odd->IsNull("name"));
  CHECK(odd->Text("screening_decision") == "pass");
  CHECK(odd->Text("quality_verdict") == "pass");
  CHECK(odd->Text("status") == "ready");
  CHECK(odd->Int("stream_version") == 3);
  std::optional<Row> ghost = f.Find(ProductsTable(), Key{"default", "ghost"});
  REQUIRE(ghost.has_value());
  CHECK(ghost->Text("status") == "unscreened");
  CHECK(ghost->Text("screening_review") == "approved");
  CHECK(ghost->Text("reviewer") == "test");  // not in the payload: metadata.actor
  CHECK(f.Rows(ReviewQueueTable()).empty());
  std::vector<Row> verdicts = f.Rows(QualityVerdictsTable());
  REQUIRE(verdicts.size() == 1);
  CHECK(verdicts[0].IsNull("failed_checks"));
  CHECK(verdicts[0].Text("checks") == R"("all")");
}

}  // namespace
}  // namespace ledger::projections::testing
