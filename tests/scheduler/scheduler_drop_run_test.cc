// DropRunRecorder records drop.started once per drop and drop.completed when a job of the
// drop ends, around the handler it wraps; a retried attempt records nothing twice.
#include "jobs/scheduler_drop_run.h"

#include <doctest/doctest.h>

#include "engine/memory_store.h"

namespace ledger::jobs {
namespace {

class FixedHandler final : public JobHandler {
 public:
  explicit FixedHandler(Outcome* outcome) : outcome_(outcome) {}
  std::string_view kind() const override { return "email.daily_drop"; }
  JobResult Run(const Job&) override {
    ++runs;
    return JobResult{*outcome_, "sent", "{}"};
  }
  int runs = 0;

 private:
  Outcome* outcome_;
};

Job DropJob(std::string job_id) {
  Job job;
  job.job_id = std::move(job_id);
  job.kind = "email.daily_drop";
  job.tenant_id = "shop1";
  job.payload = R"({"drop_date":"2026-07-01","to":"a@example.com"})";
  return job;
}

std::vector<std::string> Types(EventStore& store) {
  auto events = store.ReadStream(StreamId("drop-shop1-2026-07-01"), StreamReadOptions{});
  REQUIRE(events.ok());
  std::vector<std::string> types;
  for (const RecordedEvent& event : *events) types.push_back(event.event_type);
  return types;
}

TEST_CASE("a drop job's retry and success are recorded once each on the drop stream") {
  MemoryEventStore store;
  Outcome outcome = Outcome::kRetry;
  auto inner = std::make_unique<FixedHandler>(&outcome);
  FixedHandler* handler = inner.get();
  DropRunRecorder recorder(std::move(inner), store);
  CHECK(recorder.kind() == "email.daily_drop");

  CHECK(recorder.Run(DropJob("job-a")).outcome == Outcome::kRetry);
  CHECK(Types(store) == std::vector<std::string>{"drop.started"});
  outcome = Outcome::kSucceeded;
  CHECK(recorder.Run(DropJob("job-a")).outcome == Outcome::kSucceeded);
  CHECK(recorder.Run(DropJob("job-a")).outcome == Outcome::kSucceeded);  // a repeat
  CHECK(handler->runs == 3);
  CHECK(Types(store) == std::vector<std::string>{"drop.started", "drop.completed"});

  outcome = Outcome::kFailed;  // a second job of the same drop fails for good
  CHECK(recorder.Run(DropJob("job-b")).outcome == Outcome::kFailed);
  CHECK(Types(store) ==
        std::vector<std::string>{"drop.started", "drop.completed", "drop.completed"});
  auto events = store.ReadStream(StreamId("drop-shop1-2026-07-01"), StreamReadOptions{});
  REQUIRE(events.ok());
  CHECK(events->back().payload ==
        R"({"drop_date":"2026-07-01","job_id":"job-b","outcome":"failed","detail":"sent"})");
}

TEST_CASE("a job without a drop date runs unrecorded") {
  MemoryEventStore store;
  Outcome outcome = Outcome::kSucceeded;
  DropRunRecorder recorder(std::make_unique<FixedHandler>(&outcome), store);
  Job job = DropJob("job-c");
  job.payload = R"({"to":"a@example.com"})";
  CHECK(recorder.Run(job).outcome == Outcome::kSucceeded);
  CHECK(Types(store).empty());
}

}  // namespace
}  // namespace ledger::jobs
