// The jobs read model from the job events the worker appends: each status in turn, attempts,
// retry times, requeues; the projector handles exactly the types jobs/ appends.
#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "engine/time.h"
#include "jobs/job_events.h"
#include "projections/jobs/jobs_projectors.h"
#include "projections/memory_read_model_store.h"
#include "projections/runner.h"

namespace ledger::jobs {
namespace {

using projections::Key;
using projections::Row;
using projections::jobs::JobsTable;

constexpr std::int64_t kStart = 1'800'000'000'000'000;
const JobActor kBy{"system:worker", "jobs.worker"};

struct Projection {
  Projection() : store(&clock), projectors(projections::MakeJobProjectors()) {
    job.cause_event_id = "6f1c5d3e-0000-4000-8000-000000000002";
    job.kind = "printify.submit_order";
    job.job_id = JobIdFor(job.kind, job.cause_event_id);
    job.tenant_id = "shop1";
  }

  void Append(std::vector<NewEvent> events) {
    clock.AdvanceMicros(1'000'000);
    REQUIRE(AppendJobEvents(store, job.job_id, std::move(events)).ok());
  }

  Row Current() {
    std::vector<projections::Projector*> list = {projectors.front().get()};
    Status s = projections::ProjectToHead(store, rows, list);
    REQUIRE_MESSAGE(s.ok(), s.ToString());
    Key keys[] = {Key{std::string("shop1"), job.job_id}};
    auto found = rows.Fetch(JobsTable(), projections::TableSet::kLive, keys);
    REQUIRE(found.ok());
    REQUIRE(found->front().has_value());
    return *found->front();
  }

  ClaimedJob Attempt(std::uint32_t n) {
    ClaimedJob claimed{.job = job, .receipt = "1-0"};
    claimed.job.attempt = n;
    return claimed;
  }

  ManualClock clock{Timestamp(kStart)};
  MemoryEventStore store;
  projections::MemoryReadModelStore rows;
  std::vector<std::unique_ptr<projections::Projector>> projectors;
  Job job;
};

TEST_CASE("a job's row follows it from queued through retries to dead letter and success") {
  Projection p;
  p.Append({JobQueuedEvent(p.job, kBy)});
  Row row = p.Current();
  CHECK(row.Text("status") == "queued");
  CHECK(row.Text("kind") == "printify.submit_order");
  CHECK(row.Text("cause_event_id") == p.job.cause_event_id);
  CHECK(row.Int("attempts") == 0);
  CHECK(row.Time("queued_at") == Timestamp(kStart + 1'000'000));

  p.Append({JobStartedEvent(p.Attempt(1), "host-1-0", kBy)});
  row = p.Current();
  CHECK(row.Text("status") == "running");
  CHECK(row.Int("attempts") == 1);
  CHECK(row.Text("last_worker") == "host-1-0");

  Timestamp retry_at(kStart + 60'000'000);
  p.Append(
      {JobFailedEvent(p.Attempt(1).job, JobResult{Outcome::kRetry, "503", "{}"}, retry_at, kBy)});
  row = p.Current();
  CHECK(row.Text("status") == "retrying");
  CHECK(row.Text("last_detail") == "503");
  CHECK(row.Time("next_attempt_at") == retry_at);

  p.Append({JobStartedEvent(p.Attempt(2), "host-2-0", kBy)});
  p.Append({JobFailedEvent(p.Attempt(2).job, JobResult{Outcome::kFailed, "400", "{}"}, std::nullopt,
                           kBy),
            JobDeadLetteredEvent(p.Attempt(2).job, "400", kBy)});
  row = p.Current();
  CHECK(row.Text("status") == "dead_lettered");
  CHECK(row.Int("attempts") == 2);
  CHECK(row.IsNull("next_attempt_at"));
  CHECK(row.Time("finished_at") == Timestamp(kStart + 5'000'000));

  p.Append({JobRequeuedEvent(p.job, 2, JobActor{"user:ops", "cli"})});
  row = p.Current();
  CHECK(row.Text("status") == "queued");
  CHECK(row.Int("requeues") == 1);
  CHECK(row.IsNull("finished_at"));

  p.Append({JobStartedEvent(p.Attempt(3), "host-1-0", kBy)});
  p.Append({JobSucceededEvent(
      p.Attempt(3).job, JobResult{Outcome::kSucceeded, "created", R"({"order":"p-9"})"}, kBy)});
  row = p.Current();
  CHECK(row.Text("status") == "succeeded");
  CHECK(row.Int("attempts") == 3);
  CHECK(row.Text("last_detail") == "created");
  CHECK(row.Time("updated_at") == Timestamp(kStart + 8'000'000));
  CHECK(row.Int("stream_version") == 9);
}

TEST_CASE("the jobs projector handles exactly the job event types") {
  auto projectors = projections::MakeJobProjectors();
  REQUIRE(projectors.size() == 1);
  for (std::string_view type : JobEventTypes()) CHECK(projectors.front()->Handles(type));
  CHECK_FALSE(projectors.front()->Handles("order.paid"));
  CHECK(projections::ValidateTableSpec(JobsTable()).empty());
}

}  // namespace
}  // namespace ledger::jobs
