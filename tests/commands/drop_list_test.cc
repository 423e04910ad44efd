// subscribe-drop and unsubscribe-drop (commands/drop/): the tenant's daily-drop list.
#include <doctest/doctest.h>

#include "commands/drop/drop_list.h"
#include "tests/commands/command_fixture.h"

namespace ledger::commands::testing {
namespace {

const std::string kList = "drop_subscribers-default";

std::string Subscribe(const std::string& email, const std::string& extra = "") {
  return R"({"email":")" + email + "\"" + extra + "}";
}

TEST_CASE("subscribe-drop adds an address once; the id ignores case; the answer is the state") {
  CommandFixture f;
  boost::json::object a = f.Ok("subscribe-drop", Subscribe("Ann@Example.com", R"(,"name":"Ann")"));
  CHECK(a.at("status") == "subscribed");
  CHECK(a.at("subscriber_id") == DropSubscriberId("ann@example.com").c_str());
  CHECK(a.at("stream") == kList.c_str());
  std::vector<RecordedEvent> list = f.Stream(kList);
  REQUIRE(list.size() == 1);
  CHECK(list[0].event_type == "drop.subscribed");
  boost::json::object payload = PayloadOf(list[0]);
  CHECK(payload.at("email") == "Ann@Example.com");
  CHECK(payload.at("name") == "Ann");
  CHECK(payload.at("subscriber_id") == a.at("subscriber_id"));
  CHECK(list[0].metadata.actor == kOperator.subject);

  // The same address again, in any case: nothing appended, the same answer.
  boost::json::object again = f.Ok("subscribe-drop", Subscribe("ann@EXAMPLE.com"));
  CHECK(again.at("subscriber_id") == a.at("subscriber_id"));
  CHECK(again.at("status") == "subscribed");
  CHECK(f.Stream(kList).size() == 1);
}

TEST_CASE("unsubscribe-drop by address or by id; twice is harmless; back on the list later") {
  CommandFixture f;
  std::string id(f.Ok("subscribe-drop", Subscribe("bob@example.com")).at("subscriber_id").as_string());
  CHECK(f.Ok("unsubscribe-drop", R"({"subscriber_id":")" + id + R"("})").at("status") ==
        "unsubscribed");
  CHECK(f.Ok("unsubscribe-drop", R"({"email":"BOB@example.com"})").at("status") == "unsubscribed");
  CHECK(TypesOf(f.Stream(kList)) == std::vector<std::string>{"drop.subscribed", "drop.unsubscribed"});
  f.Ok("subscribe-drop", Subscribe("bob@example.com"));
  CHECK(TypesOf(f.Stream(kList)) ==
        std::vector<std::string>{"drop.subscribed", "drop.unsubscribed", "drop.subscribed"});
  Result<std::map<std::string, DropSubscriber>> folded = FoldDropList(f.Stream(kList));
  REQUIRE(folded.ok());
  CHECK(folded->at(id).active);
  CHECK(folded->at(id).email == "bob@example.com");
}

TEST_CASE("bad list commands are refused and append nothing") {
  CommandFixture f;
  for (const char* email : {"", "no-at-sign", "@example.com", "ann@", "a@b@c", "ann @example.com",
                            "ann@example.com\\r\\nBcc: x@y"}) {
    CAPTURE(email);
    CHECK(f.Fails("subscribe-drop", Subscribe(email)).code() == StatusCode::kInvalidArgument);
  }
  CHECK(f.Fails("subscribe-drop", Subscribe(std::string(250, 'a') + "@example.com")).code() ==
        StatusCode::kInvalidArgument);
  CHECK(f.Fails("subscribe-drop", R"({"email":"a@example.com","colour":"red"})").code() ==
        StatusCode::kInvalidArgument);
  CHECK(f.Fails("unsubscribe-drop", "{}").code() == StatusCode::kInvalidArgument);
  CHECK(f.Fails("unsubscribe-drop", R"({"email":"a@example.com","subscriber_id":"x"})").code() ==
        StatusCode::kInvalidArgument);
  // Nobody by that address or id on the list.
  CHECK(f.Fails("unsubscribe-drop", R"({"email":"nobody@example.com"})").code() ==
        StatusCode::kNotFound);
  // Reviewers and customers may not touch the list.
  CHECK(IsPermissionDenied(f.Fails("subscribe-drop", Subscribe("a@example.com"), kReviewer)));
  CHECK(IsPermissionDenied(f.Fails("subscribe-drop", Subscribe("a@example.com"), kCustomer)));
  CHECK(f.Stream(kList).empty());
}

TEST_CASE("each tenant has its own list") {
  CommandFixture f;
  f.Ok("subscribe-drop", Subscribe("ann@example.com"));
  Result<CommandOutcome> other = f.dispatcher->Execute(
      "unsubscribe-drop", R"({"email":"ann@example.com"})", kOperator, TenantId("other_shop"));
  CHECK(other.status().code() == StatusCode::kNotFound);
  Result<CommandOutcome> theirs = f.dispatcher->Execute(
      "subscribe-drop", Subscribe("ann@example.com"), kOperator, TenantId("other_shop"));
  REQUIRE(theirs.ok());
  CHECK(theirs->stream == StreamId("drop_subscribers-other_shop"));
  CHECK(f.Stream(kList).size() == 1);
}

}  // namespace
}  // namespace ledger::commands::testing
