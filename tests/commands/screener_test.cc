#include "commands/screening/screener.h"

#include <doctest/doctest.h>

namespace ledger::commands::screening {
namespace {

const RuleSet& Rules() {
  static const RuleSet rules = RuleSet::Embedded().value();
  return rules;
}

ContentItem Item(std::string name, std::string description = "") {
  ContentItem item;
  item.content_id = "c-1";
  item.name = std::move(name);
  item.description = std::move(description);
  return item;
}

ScreeningResult Screen(const ContentItem& item, ScreeningPolicy policy = {}) {
  return Screener(&Rules(), policy, nullptr, nullptr, std::chrono::milliseconds(0)).Screen(item);
}

TEST_CASE("sports brands and protected characters block, with evidence") {
  ScreeningResult r = Screen(Item("Retro tee", "Inspired by the NBA finals"));
  CHECK(r.decision == Verdict::kBlock);
  REQUIRE(r.findings.size() == 1);
  const Finding& f = r.findings[0];
  CHECK(f.rule == "exact_term");
  CHECK(f.field == "description");
  CHECK(f.term->display == "NBA");
  CHECK(f.term->category == TermCategory::kSportsBrand);
  CHECK(f.matched_text == "NBA");
  CHECK(f.begin == 16);
  CHECK(f.end == 19);
  CHECK(f.score_bp == 10000);
  CHECK(r.reason == "block: exact_term of sports_brand 'NBA' in description");

  CHECK(Screen(Item("Pikachu plush pillow")).decision == Verdict::kBlock);
  CHECK(Screen(Item("Harry Potter wand")).findings[0].term->category == TermCategory::kCharacter);
}

TEST_CASE("every text field is screened and named in the evidence") {
  ContentItem item = Item("Summer tee", "Bright colours");
  item.design_brief = "Make it look like Adidas";
  item.tags = {"summer", "cute", "Spider-Man"};
  ScreeningResult r = Screen(item);
  CHECK(r.decision == Verdict::kBlock);
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].field == "design_brief");
  CHECK(r.findings[1].field == "tags[2]");
  CHECK(r.reason.find("(and 1 more)") != std::string::npos);
}

TEST_CASE("ambiguous names escalate") {
  ScreeningResult r = Screen(Item("Jordan 23 basketball tee"));
  CHECK(r.decision == Verdict::kEscalate);
  CHECK(r.findings[0].term->severity == TermSeverity::kMedium);
  CHECK(Screen(Item("Elsa birthday shirt")).decision == Verdict::kEscalate);
}

TEST_CASE("sound-alikes escalate or block by policy") {
  CHECK(Screen(Item("Nikey running tee")).decision == Verdict::kEscalate);
  CHECK(Screen(Item("Addidas three stripe joggers")).decision == Verdict::kEscalate);
  ScreeningPolicy strict;
  strict.phonetic = PolicyAction::kBlock;
  strict.near_miss = PolicyAction::kBlock;
  CHECK(Screen(Item("Nikey running tee"), strict).decision == Verdict::kBlock);
  CHECK(Screen(Item("Minecraf creeper"), strict).decision == Verdict::kBlock);
  CHECK(Screen(Item("Minecraf creeper")).decision == Verdict::kEscalate);
}

TEST_CASE("visual similarity escalates or blocks by threshold") {
  ContentItem item = Item("Abstract swirl tee");
  item.visual_similarity_bp = 7999;
  CHECK(Screen(item).decision == Verdict::kPass);
  item.visual_similarity_bp = 8000;
  ScreeningResult r = Screen(item);
  CHECK(r.decision == Verdict::kEscalate);
  CHECK(r.findings[0].rule == "visual_similarity");
  CHECK(r.findings[0].score_bp == 8000);
  item.visual_similarity_bp = 9600;
  CHECK(Screen(item).decision == Verdict::kBlock);
  ScreeningPolicy never_block;
  never_block.visual_block_at_bp = 10001;
  CHECK(Screen(item, never_block).decision == Verdict::kEscalate);
}

TEST_CASE("the strictest finding decides and comes first") {
  ContentItem item = Item("Nikey x Adidas collab");
  ScreeningResult r = Screen(item);
  CHECK(r.decision == Verdict::kBlock);
  REQUIRE(r.findings.size() == 2);
  CHECK(r.findings[0].outcome == Verdict::kBlock);
  CHECK(r.findings[1].outcome == Verdict::kEscalate);
}

TEST_CASE("clean generic content passes") {
  for (const char* name :
       {"Minimalist mountain sunrise t-shirt", "Cute cat mug", "Vintage floral tote bag"}) {
    ScreeningResult r = Screen(Item(name, "Soft cotton, printed to order."));
    INFO(name);
    CHECK(r.decision == Verdict::kPass);
    CHECK(r.findings.empty());
    CHECK(r.reason == "no screening rule fired");
  }
}

TEST_CASE("the model can only make the decision stricter") {
  ManualClock clock(Timestamp(0));
  FakeModelScreener model({"mouse"});
  Screener screener(&Rules(), {}, &model, &clock, std::chrono::milliseconds(1000));

  ScreeningResult clean = screener.Screen(Item("Cute cat mug"));
  CHECK(clean.decision == Verdict::kPass);
  REQUIRE(clean.model.has_value());
  CHECK(clean.model->status == "ok");
  CHECK(clean.model->prompt_version == "fake-prompt-v1");

  ScreeningResult flagged = screener.Screen(Item("Famous cartoon mouse ears tee"));
  CHECK(flagged.decision == Verdict::kEscalate);
  CHECK(flagged.findings[0].rule == "model_screener");

  // A block by the rules is final: the model is not consulted.
  int calls = model.calls();
  ScreeningResult blocked = screener.Screen(Item("Mickey Mouse tee"));
  CHECK(blocked.decision == Verdict::kBlock);
  CHECK_FALSE(blocked.model.has_value());
  CHECK(model.calls() == calls);
}

TEST_CASE("model failure, timeout or invalid output escalates, never passes") {
  ManualClock clock(Timestamp(0));
  FakeModelScreener model;
  Screener screener(&Rules(), {}, &model, &clock, std::chrono::milliseconds(1000));
  ContentItem item = Item("Cute cat mug");

  model.FailWith(Unavailable("model endpoint down"));
  ScreeningResult failed = screener.Screen(item);
  CHECK(failed.decision == Verdict::kEscalate);
  CHECK(failed.model->status == "error");

  FakeModelScreener slow;
  slow.DelayBy(&clock, std::chrono::milliseconds(1500));
  Screener slow_screener(&Rules(), {}, &slow, &clock, std::chrono::milliseconds(1000));
  ScreeningResult late = slow_screener.Screen(item);
  CHECK(late.decision == Verdict::kEscalate);
  CHECK(late.model->status == "timeout");
  CHECK(late.model->elapsed_ms == 1500);

  FakeModelScreener garbled;
  garbled.AnswerWith(R"({"decision":"pass","labels":[],"confidence":0.9})");  // no rationale
  Screener garbled_screener(&Rules(), {}, &garbled, &clock, std::chrono::milliseconds(1000));
  ScreeningResult invalid = garbled_screener.Screen(item);
  CHECK(invalid.decision == Verdict::kEscalate);
  CHECK(invalid.model->status == "invalid_output");
  CHECK(invalid.findings[0].detail.find("rationale") != std::string::npos);
}

TEST_CASE("a model's block escalates unless policy lets it block") {
  ManualClock clock(Timestamp(0));
  FakeModelScreener model;
  model.AnswerWith(
      R"({"decision":"block","labels":["trademark"],"confidence":0.97,"rationale":"logo"})");
  ScreeningPolicy policy;
  CHECK(Screener(&Rules(), policy, &model, &clock, std::chrono::milliseconds(100))
            .Screen(Item("Cute cat mug"))
            .decision == Verdict::kEscalate);
  policy.model_block = PolicyAction::kBlock;
  ScreeningResult r = Screener(&Rules(), policy, &model, &clock, std::chrono::milliseconds(100))
                          .Screen(Item("Cute cat mug"));
  CHECK(r.decision == Verdict::kBlock);
  CHECK(r.findings[0].score_bp == 9700);
}

}  // namespace
}  // namespace ledger::commands::screening
