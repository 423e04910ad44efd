// The dispatcher: command names, roles, tenants, retries on Conflict, and status mapping.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <set>
#include <thread>

#include "commands/event_types.h"
#include "engine/event_store_wrapper.h"
#include "tests/commands/command_fixture.h"

namespace ledger::commands::testing {
namespace {

const char* kClean = R"({"content_id":"c","name":"Cute cat mug","description":"d"})";

TEST_CASE("the command names are DESIGN.md section 10's, then the daily-drop list's") {
  CHECK(CommandDispatcher::Names() ==
        std::vector<std::string_view>{"screen-content", "evaluate-quality", "decide-review",
                                      "publish-content", "record-probe", "set-v2-ready",
                                      "rollback-canary", "configure-canary", "subscribe-drop",
                                      "unsubscribe-drop"});
  CHECK(CommandDispatcher::AllowedRoles("set-v2-ready") ==
        std::vector<std::string_view>{"operator"});
  CHECK(CommandDispatcher::AllowedRoles("nope").empty());
}

TEST_CASE("every appended event names its actor, its source and a reason") {
  CommandFixture f;
  f.Ok("screen-content", R"({"content_id":"a","name":"Nikey tee","description":""})");
  f.Ok("decide-review", R"({"content_id":"a","decision":"approve","reason":"ok"})", kReviewer);
  f.Ok("evaluate-quality",
       R"({"content_id":"a","description":"","images":[],"price_minor":1,"currency":"USD",)"
       R"("category":"mug","provider_error":{"provider":"stripe","message":"card_declined"}})",
       kSystem);
  f.Ok("decide-review", R"({"content_id":"a","decision":"approve","reason":"refunded"})", kAdmin);
  f.Ok("publish-content", R"({"content_id":"a"})");
  f.Ok("configure-canary", R"({"route":"r"})");
  f.Ok("record-probe", R"({"route":"r","result":"pass"})", kSystem);
  f.Ok("set-v2-ready", R"({"route":"r","ready":true})");
  f.Ok("rollback-canary", R"({"route":"r","reason":"drill"})");
  f.Ok("subscribe-drop", R"({"email":"ann@example.com"})", kSystem);
  f.Ok("unsubscribe-drop", R"({"email":"ann@example.com"})");
  std::vector<RecordedEvent> log = f.Log();
  CHECK(log.size() == 14);
  std::set<std::string> types;
  for (const RecordedEvent& e : log) {
    INFO(e.event_type);
    types.insert(e.event_type);
    CHECK(e.metadata.actor.find(':') != std::string::npos);
    CHECK(e.metadata.source.starts_with("command."));
    CHECK(e.metadata.correlation_id == "test");
    CHECK_FALSE(PayloadOf(e).at("reason").as_string().empty());
  }
  for (const EventTypeInfo& info : CommandEventTypes()) {
    if (info.type != kReviewRejected) CHECK(types.count(std::string(info.type)) == 1);
  }
}

TEST_CASE("an unknown command is NotFound") {
  CommandFixture f;
  Status s = f.Fails("delete-everything", "{}");
  CHECK(s.code() == StatusCode::kNotFound);
  CHECK(s.message().find("known commands: screen-content") != std::string::npos);
  CHECK(HttpStatusFor(s) == 404);
}

TEST_CASE("roles are checked before the body is read") {
  CommandFixture f;
  Status customer = f.Fails("screen-content", kClean, kCustomer);
  CHECK(IsPermissionDenied(customer));
  CHECK(customer.message() ==
        "permission denied: user:carl (role 'customer') may not run screen-content; allowed "
        "roles: admin, operator, system");
  CHECK(IsPermissionDenied(f.Fails("screen-content", "not even json", kReviewer)));
  CHECK(IsPermissionDenied(f.Fails("configure-canary", R"({"route":"r"})", kSystem)));
  CHECK(IsPermissionDenied(f.Fails("screen-content", kClean, Principal{"", "operator"})));
  CHECK(IsPermissionDenied(f.Fails("screen-content", kClean, Principal{"user:x", ""})));
  Status bad_subject = f.Fails("screen-content", kClean, Principal{"user:\x01", "operator"});
  CHECK(bad_subject.code() == StatusCode::kInvalidArgument);
  CHECK(f.Log().empty());
}

TEST_CASE("a tenant never sees another tenant's streams") {
  CommandFixture f;
  CommandContext acme{kOperator, TenantId("acme"), ""};
  CommandContext other{kOperator, TenantId("other"), ""};
  REQUIRE(f.dispatcher->Execute("screen-content", kClean, acme).ok());
  CHECK(f.Stream("content-c")[0].tenant == TenantId("acme"));
  Result<CommandOutcome> peek =
      f.dispatcher->Execute("publish-content", R"({"content_id":"c"})", other);
  CHECK(peek.status().code() == StatusCode::kNotFound);
  Result<CommandOutcome> bad_tenant = f.dispatcher->Execute(
      "publish-content", R"({"content_id":"c"})", CommandContext{kOperator, TenantId("a b"), ""});
  CHECK(bad_tenant.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("oversized bodies are refused") {
  CommandFixture f;
  std::string body = R"({"content_id":"c","name":"x","description":")" +
                     std::string(kMaxCommandBodyBytes, 'a') + "\"}";
  Status s = f.Fails("screen-content", body);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("larger than") != std::string::npos);
}

// Forwards to a MemoryEventStore; before the first `interfere` appends, runs a callback that
// can append to the same stream, as a concurrent writer would.
class RacingStore final : public EventStoreWrapper {
 public:
  explicit RacingStore(EventStore* inner) : EventStoreWrapper(inner) {}
  std::function<void()> before_append;
  int interfere = 0;
  int appends = 0;

  Result<AppendResult> Append(const AppendRequest& request) override {
    ++appends;
    if (interfere > 0 && before_append) {
      --interfere;
      before_append();
    }
    return target_->Append(request);
  }
};

TEST_CASE("on Conflict the whole command is retried against the new state") {
  ManualClock clock{Timestamp(kStartMicros)};
  MemoryEventStore memory(&clock);
  RacingStore store(&memory);
  auto dispatcher = CommandDispatcher::Create(&store, &clock, {}).value();
  CommandContext operator_ctx{kOperator, TenantId(kDefaultTenant), ""};
  CommandContext reviewer_ctx{kReviewer, TenantId(kDefaultTenant), ""};
  CommandContext admin_ctx{kAdmin, TenantId(kDefaultTenant), ""};
  REQUIRE(dispatcher
              ->Execute("screen-content",
                        R"({"content_id":"race","name":"Nikey tee","description":""})",
                        operator_ctx)
              .ok());
  // Another reviewer's approval lands between our read and our append.
  store.interfere = 1;
  store.before_append = [&] {
    REQUIRE(dispatcher
                ->Execute("decide-review",
                          R"({"content_id":"race","decision":"approve","reason":"fine"})",
                          admin_ctx)
                .ok());
  };
  int appends_before = store.appends;
  Result<CommandOutcome> ours = dispatcher->Execute(
      "decide-review", R"({"content_id":"race","decision":"reject","reason":"knock-off"})",
      reviewer_ctx);
  // Retried, saw the other decision, and refused: exactly one decision is recorded.
  CHECK(ours.status().code() == StatusCode::kFailedPrecondition);
  CHECK(ours.status().message().find("already approved by user:ada") != std::string::npos);
  CHECK(store.appends - appends_before == 2);  // ours (conflicted) and the admin's
  std::vector<RecordedEvent> events = ledger::testing::ReadWholeStream(memory, "content-race");
  CHECK(TypesOf(events) == std::vector<std::string>{std::string(kScreeningDecided),
                                                    std::string(kReviewRequested),
                                                    std::string(kReviewApproved)});
}

TEST_CASE("a stream that stays busy is a Conflict after the configured attempts") {
  ManualClock clock{Timestamp(kStartMicros)};
  MemoryEventStore memory(&clock);
  RacingStore store(&memory);
  CommandDispatcherOptions options;
  options.max_attempts = 3;
  auto dispatcher = CommandDispatcher::Create(&store, &clock, std::move(options)).value();
  CommandContext ctx{kOperator, TenantId(kDefaultTenant), ""};
  REQUIRE(dispatcher->Execute("configure-canary", R"({"route":"busy"})", ctx).ok());
  store.interfere = 100;
  store.before_append = [&] {
    REQUIRE(
        memory.Append(ledger::testing::MakeAppend("canary-busy", ExpectedVersion::Any(), 1)).ok());
  };
  Result<CommandOutcome> out =
      dispatcher->Execute("record-probe", R"({"route":"busy","result":"pass"})", ctx);
  CHECK(out.status().code() == StatusCode::kConflict);
  CHECK(out.status().message().find("gave up after 3 attempts") != std::string::npos);
  CHECK(HttpStatusFor(out.status()) == 409);
  CHECK(CliExitCodeFor(out.status()) == 3);
  // Only the interfering writer's events were stored.
  for (const RecordedEvent& e : ledger::testing::ReadWholeStream(memory, "canary-busy")) {
    CHECK(e.event_type != kCanaryProbeRecorded);
  }
}

TEST_CASE("concurrent probes on one route are each counted exactly once") {
  CommandDispatcherOptions options;
  options.max_attempts = 1000;  // contention is the point here, not the retry budget
  CommandFixture f(std::move(options));
  f.Ok("configure-canary", R"({"route":"hot","failure_threshold":100,"step":1})");
  constexpr int kThreads = 4;
  constexpr int kProbesEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kProbesEach; ++i) {
        std::string body = R"({"route":"hot","result":"pass","probe_id":"t)" + std::to_string(t) +
                           "-" + std::to_string(i) + "\"}";
        if (!f.Run("record-probe", body, kSystem).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(failures.load() == 0);
  std::vector<RecordedEvent> stream = f.Stream("canary-hot");
  int probes = 0;
  for (std::size_t i = 0; i < stream.size(); ++i) {
    CHECK(stream[i].stream_version.value() == i + 1);
    if (stream[i].event_type == kCanaryProbeRecorded) ++probes;
  }
  CHECK(probes == kThreads * kProbesEach);
  // Each pass raised v2 by 1 until the cap: no update was lost to a race.
  CHECK(PayloadOf(stream.back()).at("route") == "hot");
  boost::json::object state = f.Ok("rollback-canary", R"({"route":"hot","reason":"check"})");
  CHECK(PayloadOf(f.Stream("canary-hot").back()).at("before").at("v2_weight") ==
        std::min(kThreads * kProbesEach, kMaxV2WithoutReady));
  CHECK(state.at("v2_weight") == 0);
}

TEST_CASE("status mapping for HTTP and the CLI") {
  CHECK(HttpStatusFor(InvalidArgument("x")) == 400);
  CHECK(HttpStatusFor(PermissionDenied("x")) == 403);
  CHECK(HttpStatusFor(NotFound("x")) == 404);
  CHECK(HttpStatusFor(FailedPrecondition("x")) == 409);
  CHECK(HttpStatusFor(Conflict("x")) == 409);
  CHECK(HttpStatusFor(Unavailable("x")) == 503);
  CHECK(HttpStatusFor(DataLoss("x")) == 500);
  CHECK(ErrorBodyJson(NotFound("unknown content 'c'")) ==
        R"({"error":{"code":"not_found","message":"unknown content 'c'"}})");
  CHECK(ErrorBodyJson(PermissionDenied("no")) ==
        R"({"error":{"code":"permission_denied","message":"permission denied: no"}})");
  CHECK(CliExitCodeFor(Status::Ok()) == 0);
  CHECK(CliExitCodeFor(InvalidArgument("x")) == 1);
}

TEST_CASE("a term list directory replaces the embedded one, a bad one fails Create") {
  ManualClock clock(Timestamp(0));
  MemoryEventStore store(&clock);
  CommandDispatcherOptions options;
  options.term_list_directory = "/nonexistent/terms/v9";
  auto failed = CommandDispatcher::Create(&store, &clock, std::move(options));
  CHECK(failed.status().code() == StatusCode::kNotFound);
  CHECK(failed.status().message().starts_with("loading screening term lists"));

  CommandDispatcherOptions from_source;
  from_source.term_list_directory = LEDGER_SOURCE_DIR "/commands/screening/terms/v1";
  auto loaded = CommandDispatcher::Create(&store, &clock, std::move(from_source));
  REQUIRE(loaded.ok());
  auto embedded = CommandDispatcher::Create(&store, &clock, {});
  CHECK(loaded.value()->rule_set().digest() == embedded.value()->rule_set().digest());
}

}  // namespace
}  // namespace ledger::commands::testing
