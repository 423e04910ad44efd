// The dispatcher over a translated Stripe story (issue 9, "The dispatcher is a subscriber"):
// each paid order asks for one Printify submission and one confirmation email, once, however
// often the log is read again; a drop.due asks for the daily drop email; and a Redis outage
// holds the checkpoint until Redis is back (issue 9, "Failure").
#include "jobs/dispatcher.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <map>
#include <set>
#include <thread>

#include "commands/dispatcher.h"
#include "commands/drop/drop_list.h"
#include "commands/event_types.h"
#include "jobs/kinds/email_delivery.h"
#include "jobs/kinds/printify_submission.h"
#include "jobs/scheduler_events.h"
#include "tests/commands/intake_fixture.h"
#include "tests/jobs/redis_test_support.h"

namespace ledger::jobs::testing {
namespace {

using namespace std::chrono_literals;
using commands::testing::IntakeFixture;

const char* const kPrintifyKind = "printify.submit_order";
const char* const kConfirmationKind = "email.order_confirmation";
const char* const kDailyDropKind = "email.daily_drop";
const char* const kSubscriptionKind = "email.drop_subscription_confirmation";

// The translated card-and-async story: two orders are paid (kCardOrder at checkout,
// kAsyncPaidOrder later), the others never are.
void TranslateStory(IntakeFixture& f) {
  for (const std::string& name : commands::testing::AssembledStripeFixtures()) {
    f.AdmitStripeFixture(name);
  }
  f.Translate();
}

std::vector<RecordedEvent> OfType(const std::vector<RecordedEvent>& log, std::string_view type) {
  std::vector<RecordedEvent> out;
  for (const RecordedEvent& e : log) {
    if (e.event_type == type) out.push_back(e);
  }
  return out;
}

// Claims everything ready on `queue` (without finishing it): job id -> job.
std::map<std::string, Job> Drain(JobQueue& queue) {
  std::map<std::string, Job> jobs;
  while (true) {
    Result<std::vector<ClaimedJob>> claimed = queue.Claim("drain", 100, 10ms);
    REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
    if (claimed->empty()) return jobs;
    for (ClaimedJob& c : *claimed) {
      CHECK(jobs.count(c.job.job_id) == 0);
      jobs[c.job.job_id] = c.job;
    }
  }
}

std::optional<Checkpoint> Load(CheckpointStore& checkpoints) {
  Result<std::optional<Checkpoint>> loaded = checkpoints.LoadCheckpoint(kDispatcherCheckpoint);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  return *loaded;
}

boost::json::object Object(std::string_view text) { return boost::json::parse(text).as_object(); }

// The scheduler's own drop.due of shop1 for 24 November 2026, 08:30 in `zone`.
void AppendDropDue(EventStore& store, const std::string& zone) {
  Result<DropCalendar> calendar = DropCalendar::Create(zone, std::chrono::minutes(8 * 60 + 30));
  REQUIRE(calendar.ok());
  LocalDate date{2026, 11, 24};
  REQUIRE(store
              .Append({DropStream(TenantId("shop1"), date),
                       ExpectedVersion::NoStream(),
                       {MakeDropDue(TenantId("shop1"), date, *calendar)}})
              .ok());
}

TEST_CASE("the rules name the producers' event types and the handlers' kinds") {
  CHECK(kPrintifyKind == kinds::kPrintifySubmitOrderKind);
  CHECK(kConfirmationKind == kinds::EmailJobKind(kinds::EmailTemplate::kOrderConfirmation));
  CHECK(kDailyDropKind == kinds::EmailJobKind(kinds::EmailTemplate::kDailyDrop));
  CHECK(kSubscriptionKind ==
        kinds::EmailJobKind(kinds::EmailTemplate::kDropSubscriptionConfirmation));
  std::set<std::pair<std::string, std::string>> rules;
  for (const DispatchRule& rule : StandardDispatchRules({})) {
    rules.insert({rule.event_type, rule.job_kind});
  }
  std::string paid(commands::kOrderPaid);
  CHECK(rules == std::set<std::pair<std::string, std::string>>{
                     {paid, kPrintifyKind},
                     {paid, kConfirmationKind},
                     {std::string(kDropDue), kDailyDropKind},
                     {std::string(commands::kDropSubscribed), kSubscriptionKind}});
}

TEST_CASE(
    "each paid order of the story is queued once, also read twice and from an older "
    "checkpoint") {
  IntakeFixture f;
  TranslateStory(f);
  std::vector<RecordedEvent> paid = OfType(f.Log(), commands::kOrderPaid);
  REQUIRE(paid.size() == 2);
  auto queue = FreshQueue(TestRedis());

  Dispatcher first(f.store, f.checkpoints, *queue, StandardDispatchRules({}));
  REQUIRE(first.CatchUp().ok());
  CHECK(first.stats().queued == 4);
  CHECK(first.stats().duplicates == 0);
  // Read again: its own job.queued events ask for nothing, nothing is queued twice.
  REQUIRE(first.CatchUp().ok());
  CHECK(first.stats().queued == 4);

  // A restart from the start of the log (a checkpoint lost or restored from a backup).
  std::optional<Checkpoint> at = Load(f.checkpoints);
  REQUIRE(at.has_value());
  CheckpointMove back{.expected = at->position, .next = *at};
  back.next.position = GlobalPosition(0);
  REQUIRE(f.checkpoints.SaveCheckpoint(back).ok());
  Dispatcher restarted(f.store, f.checkpoints, *queue, StandardDispatchRules({}));
  REQUIRE(restarted.CatchUp().ok());
  CHECK(restarted.stats().queued == 0);
  CHECK(restarted.stats().duplicates == 4);

  std::map<std::string, Job> jobs = Drain(*queue);
  REQUIRE(jobs.size() == 4);
  for (const RecordedEvent& e : paid) {
    std::string cause = e.event_id.ToString();
    std::string order_id(Object(e.payload).at("order_id").as_string());
    const Job& printify = jobs.at(JobIdFor(kPrintifyKind, cause));
    CHECK(printify.kind == kPrintifyKind);
    CHECK(printify.cause_event_id == cause);
    CHECK(printify.tenant_id == e.tenant.value());
    boost::json::object payload = Object(printify.payload);
    CHECK(payload.at("order_id") == order_id.c_str());
    // The story's sessions carry no expanded line items: the job will fail and say so.
    CHECK(payload.at("line_items").as_array().empty());
    const Job& email = jobs.at(JobIdFor(kConfirmationKind, cause));
    CHECK(Object(email.payload) == boost::json::object{{"order_id", order_id}});
    // One job.queued per job in the ledger, however often it was enqueued.
    CHECK(JobEventTypesOf(f.store, printify.job_id) == std::vector<std::string>{"job.queued"});
    CHECK(JobEventTypesOf(f.store, email.job_id) == std::vector<std::string>{"job.queued"});
  }
  // The card order was shipped to Portland: the address comes from order.placed.
  const RecordedEvent& card = paid[0];
  boost::json::object shipping =
      Object(jobs.at(JobIdFor(kPrintifyKind, card.event_id.ToString())).payload)
          .at("shipping")
          .as_object();
  CHECK(shipping.at("first_name") == "Jordan");
  CHECK(shipping.at("last_name") == "Rivera");
  CHECK(shipping.at("city") == "Portland");
  CHECK(shipping.at("country") == "US");
  CHECK(shipping.at("address1") == "1234 SE Hawthorne Blvd");
}

TEST_CASE(
    "drop.due with nobody on the list asks for the list address's email, or for nothing") {
  MemoryEventStore store;
  projections::MemoryReadModelStore checkpoints;
  auto queue = FreshQueue(TestRedis());
  AppendDropDue(store, "Asia/Tokyo");

  Dispatcher unconfigured(store, checkpoints, *queue, StandardDispatchRules({}),
                          DispatcherOptions{.checkpoint_name = "unconfigured"});
  REQUIRE(unconfigured.CatchUp().ok());
  CHECK(unconfigured.stats().queued == 0);
  CHECK(unconfigured.stats().skipped == 1);

  DispatchSettings settings;
  settings.daily_drop.to = "drops@lists.example.com";
  settings.daily_drop.shop_url = "https://shop.example.com";
  settings.daily_drop.unsubscribe_url = "https://shop.example.com/unsubscribe";
  Dispatcher dispatcher(store, checkpoints, *queue, StandardDispatchRules(settings));
  REQUIRE(dispatcher.CatchUp().ok());
  CHECK(dispatcher.stats().queued == 1);
  std::map<std::string, Job> jobs = Drain(*queue);
  REQUIRE(jobs.size() == 1);
  const Job& job = jobs.begin()->second;
  CHECK(job.kind == kDailyDropKind);
  CHECK(job.tenant_id == "shop1");
  boost::json::object payload = Object(job.payload);
  CHECK(payload.at("to") == "drops@lists.example.com");
  CHECK(payload.at("drop_date") == "2026-11-24");
  CHECK(payload.at("products").as_array().empty());
  CHECK(payload.at("unsubscribe_url") == "https://shop.example.com/unsubscribe");
}

// Runs a list command for shop1 as an operator; fails the test unless it succeeds.
void ListCommand(commands::CommandDispatcher& commands, std::string_view name,
                 std::string_view body) {
  Result<commands::CommandOutcome> out = commands.Execute(
      name, body, commands::Principal{"user:olivia", "operator"}, TenantId("shop1"));
  REQUIRE_MESSAGE(out.ok(), out.status().ToString());
}

TEST_CASE(
    "drop.due asks for one email per subscriber on the list as it stood then; each subscribe "
    "for a confirmation") {
  MemoryEventStore store;
  projections::MemoryReadModelStore checkpoints;
  auto queue = FreshQueue(TestRedis());
  auto commands = commands::CommandDispatcher::Create(&store, SystemClock::Default(), {});
  REQUIRE(commands.ok());
  ListCommand(**commands, "subscribe-drop", R"({"email":"Ann@Example.com","name":"Ann"})");
  ListCommand(**commands, "subscribe-drop", R"({"email":"bob@example.com"})");
  ListCommand(**commands, "subscribe-drop", R"({"email":"cy@example.com"})");
  ListCommand(**commands, "unsubscribe-drop", R"({"email":"bob@example.com"})");
  AppendDropDue(store, "Europe/London");
  // After the drop fell due: not a recipient of this drop, and cy leaving is too late for it.
  ListCommand(**commands, "subscribe-drop", R"({"email":"dee@example.com"})");
  ListCommand(**commands, "unsubscribe-drop", R"({"email":"cy@example.com"})");

  DispatchSettings settings;
  settings.daily_drop.shop_url = "https://shop.example.com";
  settings.daily_drop.unsubscribe_url = "https://shop.example.com/unsubscribe";
  settings.daily_drop.send_time = "08:30 Europe/London";
  Dispatcher dispatcher(store, checkpoints, *queue, StandardDispatchRules(settings));
  REQUIRE(dispatcher.CatchUp().ok());
  std::map<std::string, Job> jobs = Drain(*queue);

  const RecordedEvent due = OfType(store.ReadAll(GlobalPosition(0), 1000).value(), kDropDue)[0];
  std::map<std::string, std::string> drops;  // to -> unsubscribe_url
  std::vector<std::string> confirmed;
  for (const auto& [id, job] : jobs) {
    boost::json::object payload = Object(job.payload);
    if (job.kind == kDailyDropKind) {
      CHECK(job.cause_event_id == due.event_id.ToString());
      CHECK(payload.at("drop_date") == "2026-11-24");
      drops[std::string(payload.at("to").as_string())] =
          std::string(payload.at("unsubscribe_url").as_string());
    } else {
      REQUIRE(job.kind == kSubscriptionKind);
      CHECK(payload.at("send_time") == "08:30 Europe/London");
      CHECK(payload.at("drop_name") == "The daily drop");
      confirmed.push_back(std::string(payload.at("to").as_string()));
    }
  }
  const std::string ann = commands::DropSubscriberId("ann@example.com");
  const std::string cy = commands::DropSubscriberId("cy@example.com");
  CHECK(drops == std::map<std::string, std::string>{
                     {"Ann@Example.com", "https://shop.example.com/unsubscribe?subscriber=" + ann},
                     {"cy@example.com", "https://shop.example.com/unsubscribe?subscriber=" + cy}});
  std::sort(confirmed.begin(), confirmed.end());
  CHECK(confirmed == std::vector<std::string>{"Ann@Example.com", "bob@example.com",
                                              "cy@example.com", "dee@example.com"});
  CHECK(jobs.count(JobIdFor(kDailyDropKind, due.event_id.ToString() + "/" + ann)) == 1);

  // Read again from the start, later: the same recipients, nothing queued twice.
  Dispatcher again(store, checkpoints, *queue, StandardDispatchRules(settings),
                   DispatcherOptions{.checkpoint_name = "again"});
  REQUIRE(again.CatchUp().ok());
  CHECK(again.stats().queued == 0);
  CHECK(again.stats().duplicates == jobs.size());
}

TEST_CASE("while Redis is down the checkpoint stays, and the jobs appear once when it returns") {
  OwnRedisServer server;
  IntakeFixture f;
  TranslateStory(f);
  auto queue = FreshQueue(server.endpoint());
  server.Stop();

  DispatcherOptions options;
  options.retry_wait = 50ms;
  options.idle_wait = 50ms;
  Dispatcher dispatcher(f.store, f.checkpoints, *queue, StandardDispatchRules({}), options);
  Result<std::size_t> refused = dispatcher.RunOnce(1000);
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  CHECK_FALSE(Load(f.checkpoints).has_value());

  std::stop_source stop;
  Status followed = Status::Ok();
  std::thread follower([&] { followed = dispatcher.Follow(stop.get_token()); });
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(Load(f.checkpoints).has_value());  // still refused, still waiting
  CHECK(dispatcher.stats().queued == 0);

  server.Start();
  for (int i = 0; i < 200 && dispatcher.stats().queued < 4; ++i) std::this_thread::sleep_for(20ms);
  stop.request_stop();
  follower.join();
  CHECK(followed.ok());
  CHECK(dispatcher.stats().queued == 4);
  CHECK(dispatcher.stats().unavailable >= 2);
  std::optional<Checkpoint> at = Load(f.checkpoints);
  REQUIRE(at.has_value());
  CHECK(at->position >= OfType(f.Log(), commands::kOrderPaid).back().global_position);

  std::map<std::string, Job> jobs = Drain(*queue);
  CHECK(jobs.size() == 4);
  for (const auto& [id, job] : jobs) {
    CHECK(JobEventTypesOf(f.store, id) == std::vector<std::string>{"job.queued"});
  }
}

}  // namespace
}  // namespace ledger::jobs::testing
