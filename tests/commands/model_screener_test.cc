#include "commands/screening/model_screener.h"

#include <doctest/doctest.h>

namespace ledger::commands::screening {
namespace {

TEST_CASE("valid model output parses") {
  Result<ModelVerdict> v = ParseModelOutput(
      R"({"decision":"escalate","labels":["character","logo"],"confidence":0.85,"rationale":"r"})");
  REQUIRE_MESSAGE(v.ok(), v.status().ToString());
  CHECK(v->decision == Verdict::kEscalate);
  CHECK(v->labels == std::vector<std::string>{"character", "logo"});
  CHECK(v->confidence_bp == 8500);
  CHECK(v->rationale == "r");
  CHECK(ParseModelOutput(R"({"decision":"pass","labels":[],"confidence":1,"rationale":""})").ok());
}

TEST_CASE("model output is validated strictly") {
  const char* bad[] = {
      "",
      "not json",
      "[]",
      R"({"decision":"maybe","labels":[],"confidence":0.5,"rationale":""})",
      R"({"decision":"pass","labels":[],"confidence":1.5,"rationale":""})",
      R"({"decision":"pass","labels":[],"confidence":"high","rationale":""})",
      R"({"decision":"pass","labels":[1],"confidence":0.5,"rationale":""})",
      R"({"decision":"pass","confidence":0.5,"rationale":""})",
      R"({"decision":"pass","labels":[],"confidence":0.5,"rationale":"","extra":true})",
      R"({"decision":"pass","decision":"block","labels":[],"confidence":0.5,"rationale":""})",
  };
  for (const char* raw : bad) {
    INFO(raw);
    CHECK(ParseModelOutput(raw).status().code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("consulting records model, prompt version, status and time") {
  ManualClock clock(Timestamp(0));
  FakeModelScreener model({}, "prompt-2025-11");
  model.DelayBy(&clock, std::chrono::milliseconds(250));
  ContentItem item;
  item.name = "Cute cat mug";
  ModelReport report = ConsultModel(model, clock, item, std::chrono::milliseconds(1000));
  CHECK(report.status == "ok");
  CHECK(report.model == "fake-model");
  CHECK(report.prompt_version == "prompt-2025-11");
  CHECK(report.elapsed_ms == 250);
  REQUIRE(report.verdict.has_value());
  CHECK(report.verdict->decision == Verdict::kPass);
  CHECK(model.calls() == 1);
}

}  // namespace
}  // namespace ledger::commands::screening
