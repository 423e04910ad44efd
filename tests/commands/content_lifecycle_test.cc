// evaluate-quality, decide-review and publish-content through the dispatcher: the content
// lifecycle rules of commands/content/content_state.h.
#include <doctest/doctest.h>

#include "commands/event_types.h"
#include "tests/commands/command_fixture.h"

namespace ledger::commands::testing {
namespace {

const std::string kDescription(100, 'd');

std::string Screen(const std::string& id, const std::string& name) {
  return R"({"content_id":")" + id + R"(","name":")" + name + R"(","description":"Soft tee"})";
}

std::string Quality(const std::string& id, const std::string& extra = "",
                    std::int64_t price = 2500) {
  return R"({"content_id":")" + id + R"(","description":")" + kDescription +
         R"(","images":[{"width":2400,"height":3200}],"price_minor":)" + std::to_string(price) +
         R"(,"currency":"usd","category":"t-shirt")" + extra + "}";
}

std::string Review(const std::string& id, const std::string& decision,
                   const std::string& reason = "checked by hand") {
  return R"({"content_id":")" + id + R"(","decision":")" + decision + R"(","reason":")" + reason +
         "\"}";
}

std::string Publish(const std::string& id) { return R"({"content_id":")" + id + "\"}"; }

TEST_CASE("screened, evaluated and published: the happy path") {
  CommandFixture f;
  CHECK(f.Ok("screen-content", Screen("p", "Cute cat mug")).at("status") == "screened");
  boost::json::object q = f.Ok("evaluate-quality", Quality("p"));
  CHECK(q.at("verdict") == "pass");
  CHECK(q.at("status") == "ready");
  CHECK(q.at("checks").as_array().size() == 7);
  boost::json::object p = f.Ok("publish-content", Publish("p"));
  CHECK(p.at("status") == "published");

  std::vector<RecordedEvent> events = f.Stream("content-p");
  CHECK(TypesOf(events) == std::vector<std::string>{std::string(kScreeningDecided),
                                                    std::string(kQualityVerdictRecorded),
                                                    std::string(kContentPublished)});
  boost::json::object verdict = PayloadOf(events[1]);
  CHECK(verdict.at("verdict") == "pass");
  CHECK(verdict.at("policy_version") == "quality-v1");
  CHECK(verdict.at("input").at("price_minor") == 2500);
  CHECK(verdict.at("input").at("currency") == "USD");
  CHECK(verdict.at("checks").at(5).at("check") == "price_range");
  CHECK(verdict.at("checks").at(5).at("outcome") == "pass");
  CHECK(events[1].metadata.source == "command.evaluate-quality");
  boost::json::object published = PayloadOf(events[2]);
  CHECK(published.at("screening") == "pass");
  CHECK(published.at("quality") == "pass");
  CHECK(events[2].metadata.source == "command.publish-content");
  CHECK(p.at("global_position") == events[2].global_position.value());
}

TEST_CASE("only screened content can be evaluated, unknown content is NotFound") {
  CommandFixture f;
  Status unknown = f.Fails("evaluate-quality", Quality("nobody"));
  CHECK(unknown.code() == StatusCode::kNotFound);
  CHECK(unknown.message().find("unknown content 'nobody'") != std::string::npos);

  f.Ok("screen-content", Screen("b", "Adidas tee"));
  Status blocked = f.Fails("evaluate-quality", Quality("b"));
  CHECK(blocked.code() == StatusCode::kFailedPrecondition);
  CHECK(blocked.message().find("rights screening blocked it") != std::string::npos);

  f.Ok("screen-content", Screen("e", "Nikey tee"));
  Status waiting = f.Fails("evaluate-quality", Quality("e"));
  CHECK(waiting.code() == StatusCode::kFailedPrecondition);
  CHECK(waiting.message().find("waiting for a review of its screening") != std::string::npos);
}

TEST_CASE("a failed verdict can be re-evaluated, a passed one cannot") {
  CommandFixture f;
  f.Ok("screen-content", Screen("q", "Cute cat mug"));
  boost::json::object failed = f.Ok("evaluate-quality", Quality("q", "", 99));
  CHECK(failed.at("verdict") == "fail");
  CHECK(failed.at("status") == "quality_failed");
  Status refused = f.Fails("publish-content", Publish("q"));
  CHECK(refused.code() == StatusCode::kFailedPrecondition);
  CHECK(refused.message().find("failed the quality gate") != std::string::npos);
  CHECK(f.Ok("evaluate-quality", Quality("q")).at("verdict") == "pass");
  CHECK(f.Fails("evaluate-quality", Quality("q")).message().find("already passed quality") !=
        std::string::npos);
}

TEST_CASE("a provider error escalates to review instead of failing silently") {
  CommandFixture f;
  f.Ok("screen-content", Screen("x", "Cute cat mug"));
  boost::json::object q =
      f.Ok("evaluate-quality",
           Quality("x", R"(,"provider_error":{"provider":"printify","code":"8150",)"
                        R"("message":"Blueprint unavailable","product_id":"pf_1"})"));
  CHECK(q.at("verdict") == "escalate");
  CHECK(q.at("status") == "in_review");
  std::vector<RecordedEvent> events = f.Stream("content-x");
  REQUIRE(events.size() == 3);
  CHECK(events[2].event_type == kReviewRequested);
  boost::json::object request = PayloadOf(events[2]);
  CHECK(request.at("origin") == "quality");
  CHECK(request.at("provider_error").at("product_id") == "pf_1");
  CHECK(f.Fails("publish-content", Publish("x")).message().find("waiting for a review") !=
        std::string::npos);

  boost::json::object approved = f.Ok("decide-review", Review("x", "approve"), kReviewer);
  CHECK(approved.at("origin") == "quality");
  CHECK(approved.at("status") == "ready");
  CHECK(f.Ok("publish-content", Publish("x")).at("status") == "published");
  CHECK(PayloadOf(f.Stream("content-x").back()).at("quality") == "approved");
}

TEST_CASE("an approved screening escalation can go on to quality and publishing") {
  CommandFixture f;
  f.Ok("screen-content", Screen("a", "Jordan family reunion tee"));
  boost::json::object r = f.Ok("decide-review", Review("a", "approve", "a surname"), kReviewer);
  CHECK(r.at("decision") == "approve");
  CHECK(r.at("origin") == "screening");
  CHECK(r.at("status") == "screened");
  std::vector<RecordedEvent> events = f.Stream("content-a");
  REQUIRE(events.size() == 3);
  CHECK(events[2].event_type == kReviewApproved);
  CHECK(events[2].metadata.actor == "user:rita");
  CHECK(events[2].metadata.causation_id == events[1].event_id.ToString());
  boost::json::object payload = PayloadOf(events[2]);
  CHECK(payload.at("reviewer") == "user:rita");
  CHECK(payload.at("reviewer_role") == "reviewer");
  CHECK(payload.at("reason") == "a surname");
  CHECK(payload.at("request_version") == 2);
  f.Ok("evaluate-quality", Quality("a"));
  CHECK(PayloadOf(f.Stream("content-a").back()).at("verdict") == "pass");
  f.Ok("publish-content", Publish("a"));
  CHECK(PayloadOf(f.Stream("content-a").back()).at("screening") == "approved");
}

TEST_CASE("a rejection is final") {
  CommandFixture f;
  f.Ok("screen-content", Screen("r", "Addidas joggers"));
  boost::json::object r =
      f.Ok("decide-review", Review("r", "reject", "obvious knock-off"), kReviewer);
  CHECK(r.at("status") == "rejected");
  CHECK(f.Stream("content-r").back().event_type == kReviewRejected);
  CHECK(f.Fails("evaluate-quality", Quality("r")).message().find("rejected in review") !=
        std::string::npos);
  CHECK(f.Fails("publish-content", Publish("r")).code() == StatusCode::kFailedPrecondition);
}

TEST_CASE("a second review decision is a clear conflict naming the first") {
  CommandFixture f;
  f.Ok("screen-content", Screen("d", "Nikey tee"));
  f.Ok("decide-review", Review("d", "approve"), kReviewer);
  Status again = f.Fails("decide-review", Review("d", "reject"), kAdmin);
  CHECK(again.code() == StatusCode::kFailedPrecondition);
  CHECK(again.message() ==
        "decide-review: content 'd' is not in the review queue: its screening escalation was "
        "already approved by user:rita (stream version 3)");
  CHECK(HttpStatusFor(again) == 409);
}

TEST_CASE("review is only for items in the queue") {
  CommandFixture f;
  CHECK(f.Fails("decide-review", Review("ghost", "approve")).code() == StatusCode::kNotFound);
  f.Ok("screen-content", Screen("clean", "Cute cat mug"));
  Status s = f.Fails("decide-review", Review("clean", "approve"), kReviewer);
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message().find("never escalated (status screened)") != std::string::npos);
}

TEST_CASE("publishing is refused until both gates are cleared, and only once") {
  CommandFixture f;
  CHECK(f.Fails("publish-content", Publish("none")).code() == StatusCode::kNotFound);
  f.Ok("screen-content", Screen("u", "Cute cat mug"));
  Status s = f.Fails("publish-content", Publish("u"));
  CHECK(s.code() == StatusCode::kFailedPrecondition);
  CHECK(s.message() ==
        "publish-content: content 'u' cannot be published: it has not been "
        "evaluated for quality");
  f.Ok("screen-content", Screen("blocked", "Pikachu tee"));
  CHECK(f.Fails("publish-content", Publish("blocked")).message().find("blocked") !=
        std::string::npos);
  f.Ok("evaluate-quality", Quality("u"));
  f.Ok("publish-content", Publish("u"));
  CHECK(f.Fails("publish-content", Publish("u")).message().find("already published") !=
        std::string::npos);
}

TEST_CASE("bad lifecycle input names the field and appends nothing") {
  CommandFixture f;
  f.Ok("screen-content", Screen("v", "Cute cat mug"));
  std::size_t before = f.Log().size();
  const std::pair<std::string, std::string> cases[] = {
      {"evaluate-quality", R"({"content_id":"v","images":[],"price_minor":1,"currency":"USD",)"
                           R"("category":"mug"})"},
      {"evaluate-quality", Quality("v", R"(,"name":"x")")},
      {"evaluate-quality", R"({"content_id":"v","description":"","images":[{"width":0,)"
                           R"("height":1}],"price_minor":1,"currency":"USD","category":"mug"})"},
      {"evaluate-quality", R"({"content_id":"v","description":"","images":[],"price_minor":1.5,)"
                           R"("currency":"USD","category":"mug"})"},
      {"evaluate-quality", R"({"content_id":"v","description":"","images":[],"price_minor":"12",)"
                           R"("currency":"USD","category":"mug"})"},
      {"evaluate-quality", R"({"content_id":"v","description":"","images":[],"price_minor":1,)"
                           R"("currency":"US Dollars","category":"mug"})"},
      {"evaluate-quality", Quality("v", R"(,"provider_error":{"provider":"acme","message":"x"})")},
      {"evaluate-quality", Quality("v", R"(,"provider_error":{"provider":"stripe"})")},
      {"decide-review", R"({"content_id":"v","decision":"maybe","reason":"x"})"},
      {"decide-review", R"({"content_id":"v","decision":"approve"})"},
      {"decide-review", R"({"content_id":"v","decision":"approve","reason":""})"},
      {"publish-content", R"({"content_id":"v","force":true})"},
      {"publish-content", R"({})"},
  };
  for (const auto& [name, body] : cases) {
    Status s = f.Fails(name, body, kAdmin);
    INFO(name, " ", body, " -> ", s.ToString());
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(HttpStatusFor(s) == 400);
  }
  CHECK(f.Log().size() == before);
}

}  // namespace
}  // namespace ledger::commands::testing
