#include "tests/projections/content_projection_support.h"

#include "projections/canary/canary_projectors.h"
#include "projections/content/content_projectors.h"
#include "projections/runner.h"

namespace ledger::projections::testing {

ProjectedCommands::ProjectedCommands() {
  owned_ = MakeContentProjectors();
  for (auto& projector : MakeCanaryProjectors()) owned_.push_back(std::move(projector));
}

std::vector<Projector*> ProjectedCommands::projectors() const {
  std::vector<Projector*> list;
  for (const auto& projector : owned_) list.push_back(projector.get());
  return list;
}

void ProjectedCommands::Project(std::size_t batch_size) {
  std::vector<Projector*> list = projectors();
  Status s = ProjectToHead(commands.store, rows, list, RunnerOptions{.batch_size = batch_size});
  REQUIRE_MESSAGE(s.ok(), s.ToString());
}

std::vector<Row> ProjectedCommands::Rows(const TableSpec& table) {
  std::vector<Row> out;
  Status s = rows.Scan(table, [&out](const Row& row) {
    out.push_back(row);
    return Status::Ok();
  });
  REQUIRE_MESSAGE(s.ok(), s.ToString());
  return out;
}

std::optional<Row> ProjectedCommands::Find(const TableSpec& table, const Key& key) {
  Key keys[] = {key};
  Result<std::vector<std::optional<Row>>> found = rows.Fetch(table, TableSet::kLive, keys);
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  return found->front();
}

void RunStory(commands::testing::CommandFixture& c) {
  c.Ok("screen-content", R"({"content_id":"a","name":"Cute cat mug","description":"x"})");
  c.Ok("screen-content", R"({"content_id":"b","name":"Nikey running shorts","description":""})");
  c.Ok("evaluate-quality",
       R"({"content_id":"a","description":")" + std::string(80, 'd') +
           R"(","images":[{"width":2400,"height":3200}],"price_minor":2500,"currency":"USD",)"
           R"("category":"mug"})");
  c.Ok("publish-content", R"({"content_id":"a"})");
  c.Ok("configure-canary", R"({"route":"search"})", kAdmin);
  for (int i = 0; i < 4; ++i) {
    c.clock.AdvanceMicros(1'000'000);
    c.Ok("record-probe", R"({"route":"search","result":"pass"})", kSystem);
  }
  c.Ok("decide-review", R"({"content_id":"b","decision":"approve","reason":"fine"})", kReviewer);
  c.Ok("screen-content", R"({"content_id":"c","name":"Addidas joggers","description":""})");
}

Timestamp At(std::int64_t seconds) { return Timestamp(kStartMicros + seconds * 1'000'000); }

}  // namespace ledger::projections::testing
