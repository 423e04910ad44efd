// The ledger record of a job: deterministic event ids (a repeated append records nothing
// twice), payloads, the requeue rules, and the catalog in docs/events.md.
#include "jobs/job_events.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "engine/memory_store.h"
#include "tests/support/test_events.h"

namespace ledger::jobs {
namespace {

Job SampleJob() {
  Job job;
  job.cause_event_id = "6f1c5d3e-0000-4000-8000-000000000001";
  job.kind = "email.order_confirmation";
  job.job_id = JobIdFor(job.kind, job.cause_event_id);
  job.tenant_id = "shop1";
  job.payload = R"({"order_id":"cs_1"})";
  job.attempt = 2;
  return job;
}

const JobActor kWorker{"system:worker", "jobs.worker"};

TEST_CASE("job event ids derive from the job, the transition and the attempt") {
  Job job = SampleJob();
  CHECK(JobEventId(job.job_id, kJobStarted, 2) == JobEventId(job.job_id, kJobStarted, 2));
  CHECK(JobEventId(job.job_id, kJobStarted, 2) != JobEventId(job.job_id, kJobStarted, 3));
  CHECK(JobEventId(job.job_id, kJobStarted, 2) != JobEventId(job.job_id, kJobFailed, 2));
  CHECK(JobEventId(job.job_id, kJobStarted, 2).version() == 5);
  CHECK(JobStream(job.job_id).value() == "job-" + job.job_id);
}

TEST_CASE("appending a job transition again after a lost acknowledgement records it once") {
  MemoryEventStore store;
  Job job = SampleJob();
  JobResult failed{Outcome::kFailed, "400 bad address", R"({"code":400})"};
  std::vector<NewEvent> events = {JobFailedEvent(job, failed, std::nullopt, kWorker),
                                  JobDeadLetteredEvent(job, "400 bad address", kWorker)};
  REQUIRE(AppendJobEvents(store, job.job_id, events).ok());
  REQUIRE(AppendJobEvents(store, job.job_id, events).ok());
  std::vector<RecordedEvent> stored = testing::ReadWholeStream(store, "job-" + job.job_id);
  REQUIRE(stored.size() == 2);
  CHECK(stored[0].event_type == "job.failed");
  CHECK(stored[0].metadata.causation_id == job.cause_event_id);
  CHECK(stored[0].metadata.correlation_id == job.job_id);
  CHECK(stored[0].tenant.value() == "shop1");
  CHECK(stored[0].payload.find(R"("final":true)") != std::string::npos);
  CHECK(stored[0].payload.find(R"("retry_at":null)") != std::string::npos);
  CHECK(stored[0].payload.find(R"("result":{"code":400})") != std::string::npos);
}

TEST_CASE("job.queued records a digest of the payload, not the payload") {
  Job job = SampleJob();
  NewEvent queued = JobQueuedEvent(job, kWorker);
  CHECK(queued.payload.find("cs_1") == std::string::npos);
  CHECK(queued.payload.find(R"("payload_sha256":")" + HexEncode(Sha256::Of(job.payload))) !=
        std::string::npos);
  CHECK(queued.event_id == JobEventId(job.job_id, kJobQueued, 0));
}

TEST_CASE("a handler result that is not JSON is kept as text") {
  Job job = SampleJob();
  NewEvent succeeded =
      JobSucceededEvent(job, JobResult{Outcome::kSucceeded, "ok", "not json"}, kWorker);
  CHECK(succeeded.payload.find(R"("result":"not json")") != std::string::npos);
}

TEST_CASE("every job event type is in the catalog of docs/events.md") {
  std::ifstream in(LEDGER_SOURCE_DIR "/docs/events.md");
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  for (std::string_view type : JobEventTypes()) {
    INFO(type);
    CHECK(text.str().find("| `" + std::string(type) + "` | 1 | `job-") != std::string::npos);
  }
}

}  // namespace
}  // namespace ledger::jobs
