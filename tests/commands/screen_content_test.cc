// screen-content through the dispatcher: decisions, evidence, audit, and refusals.
#include <doctest/doctest.h>

#include <boost/json/serialize.hpp>

#include "commands/event_types.h"
#include "tests/commands/command_fixture.h"

namespace ledger::commands::testing {
namespace {

std::string Body(const std::string& id, const std::string& name,
                 const std::string& description = "Printed to order.",
                 const std::string& extra = "") {
  return R"({"content_id":")" + id + R"(","name":")" + name + R"(","description":")" + description +
         "\"" + extra + "}";
}

TEST_CASE("a sports brand is blocked and the decision is audited with its rule") {
  CommandFixture f;
  boost::json::object r = f.Ok("screen-content", Body("c-1", "Nike air tee"));
  CHECK(r.at("decision") == "block");
  CHECK(r.at("status") == "blocked");
  CHECK(r.at("stream") == "content-c-1");
  CHECK(r.at("rule_set").at("version") == "v1");

  std::vector<RecordedEvent> events = f.Stream("content-c-1");
  REQUIRE(events.size() == 1);
  const RecordedEvent& e = events[0];
  CHECK(e.event_type == kScreeningDecided);
  CHECK(e.schema_version == 1);
  CHECK(e.metadata.actor == "user:olivia");
  CHECK(e.metadata.source == "command.screen-content");
  CHECK(e.metadata.correlation_id == "test");
  CHECK(e.recorded_at.value() == kStartMicros);
  boost::json::object p = PayloadOf(e);
  CHECK(p.at("content_id") == "c-1");
  CHECK(p.at("decision") == "block");
  CHECK(p.at("reason") == "block: exact_term of sports_brand 'Nike' in name");
  CHECK(p.at("rule_set").at("digest").as_string().starts_with("sha256:"));
  CHECK(p.at("policy").at("phonetic") == "escalate");
  CHECK(p.at("item").at("name") == "Nike air tee");
  CHECK(p.at("rules_total") == 1);
  const boost::json::object& rule = p.at("rules").at(0).as_object();
  CHECK(rule.at("rule") == "exact_term");
  CHECK(rule.at("outcome") == "block");
  CHECK(rule.at("term") == "Nike");
  CHECK(rule.at("category") == "sports_brand");
  CHECK(rule.at("severity") == "high");
  CHECK(rule.at("field") == "name");
  CHECK(rule.at("span").at("start") == 0);
  CHECK(rule.at("span").at("end") == 4);
  CHECK(rule.at("matched_text") == "Nike");
  CHECK(rule.at("score_bp") == 10000);
  CHECK(r.at("rules") == p.at("rules"));
  CHECK(r.at("global_position") == e.global_position.value());
}

TEST_CASE("sports brands and protected characters are blocked") {
  CommandFixture f;
  int n = 0;
  for (const char* name :
       {"Adidas Originals hoodie", "PUMA suede print", "Under Armour gym tank", "Reebok classic",
        "New Balance 990 tribute", "NFL Sunday tee", "FIFA World Cup 2026",
        "Manchester United scarf", "Mickey Mouse ears tee", "Pikachu mug", "Spider-Man web poster",
        "Harry Potter house crest", "Super Mario Bros pixel art", "Elsa and Olaf Frozen tee",
        "N1KE swoosh", "Hello Kitty tote"}) {
    boost::json::object r = f.Ok("screen-content", Body("c-" + std::to_string(++n), name));
    INFO(name);
    CHECK(r.at("decision") == (std::string_view(name).starts_with("Elsa") ? "escalate" : "block"));
  }
}

TEST_CASE("ambiguous references and sound-alikes are escalated into the review queue") {
  CommandFixture f;
  for (auto [id, name] :
       std::vector<std::pair<const char*, const char*>>{{"a", "Jordan 23 retro tee"},
                                                        {"b", "Nikey running shorts"},
                                                        {"c", "Addidas joggers"},
                                                        {"d", "Mario kart racer"}}) {
    boost::json::object r = f.Ok("screen-content", Body(id, name));
    INFO(name);
    CHECK(r.at("decision") == "escalate");
    CHECK(r.at("status") == "in_review");
    std::vector<RecordedEvent> events = f.Stream(std::string("content-") + id);
    REQUIRE(TypesOf(events) == std::vector<std::string>{std::string(kScreeningDecided),
                                                        std::string(kReviewRequested)});
    boost::json::object request = PayloadOf(events[1]);
    CHECK(request.at("origin") == "screening");
    CHECK(request.at("item").at("name") == name);
    CHECK(request.at("rules") == PayloadOf(events[0]).at("rules"));
    CHECK(events[1].metadata.actor == "user:olivia");
  }
  boost::json::object nikey = PayloadOf(f.Stream("content-b")[0]);
  CHECK(nikey.at("rules").at(0).at("rule") == "phonetic_match");
  CHECK(nikey.at("rules").at(0).at("term") == "Nike");
  CHECK(nikey.at("rules").at(0).at("distance") == 1);
}

TEST_CASE("sound-alikes block when policy says so") {
  CommandDispatcherOptions options;
  options.screening.phonetic = screening::PolicyAction::kBlock;
  CommandFixture f(std::move(options));
  CHECK(f.Ok("screen-content", Body("x", "Nikey running shorts")).at("decision") == "block");
  CHECK(TypesOf(f.Stream("content-x")) == std::vector<std::string>{std::string(kScreeningDecided)});
}

TEST_CASE("clean generic content passes") {
  const char* generic[] = {
      "Minimalist mountain sunrise t-shirt",
      "Cute cat mug",
      "Vintage floral tote bag",
      "Retro sunset surf poster with palm trees and ocean waves",
      "Watercolor botanical print of eucalyptus leaves",
      "Funny coffee quote mug",
      "Cozy autumn hoodie with pumpkin spice vibes",
      "Geometric wolf tattoo design tee",
      "Abstract boho rainbow wall art for nursery",
      "Vintage camping adventure sticker",
      "Pastel kawaii strawberry milk phone case",
      "Motivational gym tank top: sweat now",
      "Halloween spooky ghost tee with bats and moon",
      "Dog mom sweatshirt with paw prints",
      "Pima cotton crew neck tee in heather grey",
      "Premium matte poster on archival paper",
      "Nice day for a picnic in the park",
      "Pump up the jam gym shirt",
      "Logo-free basic essential tee",
      "Channel your inner peace yoga poster",
      "Lakeside cabin retro sticker",
      "Speedy turtle cartoon for kids",
      "Tiger stripes pattern leggings",
      "Maria and Nick's wedding anniversary mug",
      "Marble texture phone case in rose gold",
      "Lion cub in the savanna, wildlife art",
      "Ceramic mug, 11 oz, dishwasher safe",
      "Celestial sun and moon tarot card design",
      "Bee kind bumble bee design",
      "Basketball court vintage illustration",
  };
  CommandFixture f;
  int n = 0;
  for (const char* name : generic) {
    boost::json::object r =
        f.Ok("screen-content",
             Body("g" + std::to_string(++n), name, "Soft ringspun cotton, printed to order.",
                  R"(,"tags":["gift","handmade","design"],"visual_similarity":0.12)"));
    INFO(name, " -> ", boost::json::serialize(r.at("rules")));
    CHECK(r.at("decision") == "pass");
    CHECK(r.at("status") == "screened");
    CHECK(r.at("rules").as_array().empty());
  }
}

TEST_CASE("visual similarity is screened by policy thresholds") {
  CommandFixture f;
  auto decision = [&](const char* id, const char* score) {
    return f
        .Ok("screen-content",
            Body(id, "Abstract swirl", "", std::string(R"(,"visual_similarity":)") + score))
        .at("decision");
  };
  CHECK(decision("v1", "0.5") == "pass");
  CHECK(decision("v2", "0.85") == "escalate");
  CHECK(decision("v3", "0.97") == "block");
  CHECK(PayloadOf(f.Stream("content-v2")[0]).at("item").at("visual_similarity_bp") == 8500);
}

TEST_CASE("a model screener's failure escalates and its prompt version is recorded") {
  screening::FakeModelScreener model;
  model.FailWith(Unavailable("model endpoint down"));
  CommandDispatcherOptions options;
  options.model_screener = &model;
  CommandFixture f(std::move(options));
  CHECK(f.Ok("screen-content", Body("m", "Cute cat mug")).at("decision") == "escalate");
  boost::json::object p = PayloadOf(f.Stream("content-m")[0]);
  CHECK(p.at("model").at("status") == "error");
  CHECK(p.at("model").at("prompt_version") == "fake-prompt-v1");
  CHECK(p.at("rules").at(0).at("rule") == "model_screener");
}

TEST_CASE("repeating the same request answers the recorded decision, a different one is refused") {
  CommandFixture f;
  std::string body = Body("r", "Cute cat mug");
  boost::json::object first = f.Ok("screen-content", body);
  boost::json::object again = f.Ok("screen-content", body);
  CHECK(again.at("decision") == first.at("decision"));
  CHECK(again.at("global_position") == first.at("global_position"));
  CHECK(f.Stream("content-r").size() == 1);

  Status s = f.Fails("screen-content", Body("r", "Cute cat mug, now with Nike"));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message().find("already screened") != std::string::npos);
}

TEST_CASE("bad input is refused with the field named and appends nothing") {
  CommandFixture f;
  struct Case {
    std::string body;
    std::string message;
  };
  const Case cases[] = {
      {"", "body is not valid JSON"},
      {"[]", "body must be a JSON object"},
      {R"({"name":"x","description":""})", "missing required field 'content_id'"},
      {R"({"content_id":"c","description":""})", "missing required field 'name'"},
      {R"({"content_id":"c","name":"x"})", "missing required field 'description'"},
      {R"({"content_id":"c","name":"x","description":"","colour":"red"})",
       "unknown field 'colour'"},
      {R"({"content_id":7,"name":"x","description":""})", "field 'content_id' must be a string"},
      {R"({"content_id":"c","name":"x","description":"","tags":"a,b"})",
       "field 'tags' must be an array of strings"},
      {R"({"content_id":"c","name":"x","description":"","tags":[1]})",
       "field 'tags[0]' must be a string"},
      {R"({"content_id":"c","name":"x","description":"","visual_similarity":"high"})",
       "field 'visual_similarity' must be a number"},
      {R"({"content_id":"c","name":"x","description":"","visual_similarity":1.5})",
       "field 'visual_similarity' is out of range"},
      {R"({"content_id":"c","name":"x","description":"","image_hashes":["xyz"]})",
       "field 'image_hashes[0]' must be a 64-bit perceptual hash"},
      {R"({"content_id":"has space","name":"x","description":""})",
       "field 'content_id' does not form a valid stream id"},
      {R"({"content_id":"","name":"x","description":""})", "field 'content_id' must not be empty"},
      {R"({"content_id":"c","name":"","description":""})", "field 'name' must not be empty"},
  };
  for (const Case& c : cases) {
    Status s = f.Fails("screen-content", c.body);
    INFO(c.body, " -> ", s.ToString());
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().starts_with("screen-content: " + c.message));
  }
  CHECK(f.Log().empty());
}

}  // namespace
}  // namespace ledger::commands::testing
