#include "jobs/job_events.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "engine/sha256.h"
#include "engine/time.h"

namespace ledger::jobs {
namespace {

TenantId TenantOf(const Job& job) {
  return TenantId(job.tenant_id.empty() ? std::string(kDefaultTenant) : job.tenant_id);
}

boost::json::object Base(const Job& job) {
  boost::json::object o;
  o["job_id"] = job.job_id;
  o["kind"] = job.kind;
  return o;
}

// A handler's result as a JSON value: its object, or the text when it is not valid JSON (a
// handler bug must not lose the record of what happened).
boost::json::value ResultValue(const std::string& text) {
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text.empty() ? "{}" : text, ec);
  if (ec) return boost::json::value(text);
  return parsed;
}

NewEvent MakeJobEvent(const Job& job, std::string_view type, std::uint32_t attempt,
                      const boost::json::object& payload, const JobActor& by) {
  NewEvent event;
  event.event_id = JobEventId(job.job_id, type, attempt);
  event.event_type = std::string(type);
  event.tenant = TenantOf(job);
  event.payload = boost::json::serialize(payload);
  event.metadata.causation_id = job.cause_event_id;
  event.metadata.correlation_id = job.job_id;
  event.metadata.actor = by.actor;
  event.metadata.source = by.source;
  return event;
}

// The job as its stream records it: kind and cause from job.queued, tenant from the events.
struct JobHistory {
  Job job;
  const RecordedEvent* last = nullptr;
  std::uint32_t last_attempt = 0;
};

Result<JobHistory> ReadHistory(EventStore& store, std::string_view job_id,
                               std::vector<RecordedEvent>& events) {
  LEDGER_ASSIGN_OR_RETURN(events, store.ReadStream(JobStream(job_id), StreamReadOptions{}));
  if (events.empty()) return NotFound("no job " + std::string(job_id) + " in the ledger");
  JobHistory history;
  history.job.job_id = std::string(job_id);
  history.job.tenant_id = events.front().tenant.value();
  history.job.cause_event_id = events.front().metadata.causation_id;
  for (const RecordedEvent& event : events) {
    boost::system::error_code ec;
    boost::json::value payload = boost::json::parse(event.payload, ec);
    if (ec || !payload.is_object()) continue;
    const boost::json::object& o = payload.get_object();
    if (const auto* kind = o.if_contains("kind"); kind && kind->is_string()) {
      history.job.kind = std::string(kind->get_string());
    }
    if (const auto* attempt = o.if_contains("attempt"); attempt && attempt->is_int64()) {
      history.last_attempt = static_cast<std::uint32_t>(attempt->get_int64());
    }
  }
  history.last = &events.back();
  return history;
}

}  // namespace

std::vector<std::string_view> JobEventTypes() {
  return {kJobQueued, kJobStarted, kJobSucceeded, kJobFailed, kJobDeadLettered, kJobRequeued};
}

StreamId JobStream(std::string_view job_id) { return StreamId("job-" + std::string(job_id)); }

EventId JobEventId(std::string_view job_id, std::string_view event_type, std::uint32_t attempt) {
  std::string name = "job-event:";
  name.append(job_id).append(":").append(event_type).append(":").append(std::to_string(attempt));
  return Uuid::V5(LedgerNamespace(), name);
}

NewEvent JobQueuedEvent(const Job& job, const JobActor& by) {
  boost::json::object o = Base(job);
  o["cause_event_id"] = job.cause_event_id;
  // A digest, not the payload: payloads may carry personal data (an email job's recipient),
  // which the immutable log must not keep. The payload itself lives in the queue.
  o["payload_sha256"] = HexEncode(Sha256::Of(job.payload));
  o["payload_bytes"] = job.payload.size();
  return MakeJobEvent(job, kJobQueued, 0, o, by);
}

NewEvent JobStartedEvent(const ClaimedJob& claimed, std::string_view worker, const JobActor& by) {
  boost::json::object o = Base(claimed.job);
  o["attempt"] = claimed.job.attempt;
  o["worker"] = worker;
  o["reclaimed"] = claimed.reclaimed;
  return MakeJobEvent(claimed.job, kJobStarted, claimed.job.attempt, o, by);
}

NewEvent JobSucceededEvent(const Job& job, const JobResult& result, const JobActor& by) {
  boost::json::object o = Base(job);
  o["attempt"] = job.attempt;
  o["detail"] = result.detail;
  o["result"] = ResultValue(result.result);
  return MakeJobEvent(job, kJobSucceeded, job.attempt, o, by);
}

NewEvent JobFailedEvent(const Job& job, const JobResult& result, std::optional<Timestamp> retry_at,
                        const JobActor& by) {
  boost::json::object o = Base(job);
  o["attempt"] = job.attempt;
  o["detail"] = result.detail;
  o["result"] = ResultValue(result.result);
  o["final"] = !retry_at.has_value();
  o["retry_at"] = retry_at ? boost::json::value(FormatRfc3339(*retry_at)) : nullptr;
  return MakeJobEvent(job, kJobFailed, job.attempt, o, by);
}

NewEvent JobDeadLetteredEvent(const Job& job, std::string_view detail, const JobActor& by) {
  boost::json::object o = Base(job);
  o["attempt"] = job.attempt;
  o["detail"] = detail;
  return MakeJobEvent(job, kJobDeadLettered, job.attempt, o, by);
}

NewEvent JobRequeuedEvent(const Job& job, std::uint32_t last_attempt, const JobActor& by) {
  boost::json::object o = Base(job);
  o["attempt"] = last_attempt;
  o["actor"] = by.actor;
  return MakeJobEvent(job, kJobRequeued, last_attempt, o, by);
}

Status AppendJobEvents(EventStore& store, std::string_view job_id, std::vector<NewEvent> events) {
  AppendRequest request{
      .stream = JobStream(job_id), .expected = ExpectedVersion::Any(), .events = std::move(events)};
  return store.Append(request).status();
}

Result<EnqueueOutcome> EnqueueJob(EventStore& store, JobQueue& queue, const Job& job,
                                  const JobActor& by) {
  if (job.job_id.empty() || job.kind.empty()) {
    return InvalidArgument("a job needs an id and a kind");
  }
  LEDGER_RETURN_IF_ERROR(AppendJobEvents(store, job.job_id, {JobQueuedEvent(job, by)}));
  return queue.Enqueue(job);
}

Status RequeueJob(EventStore& store, JobQueue& queue, std::string_view job_id, const JobActor& by) {
  std::vector<RecordedEvent> events;
  LEDGER_ASSIGN_OR_RETURN(JobHistory history, ReadHistory(store, job_id, events));
  const std::string& last = history.last->event_type;
  if (last != kJobDeadLettered && last != kJobRequeued) {
    return FailedPrecondition("job " + std::string(job_id) +
                              " is not dead-lettered (its last event is " + last + ")");
  }
  if (last == kJobDeadLettered) {
    LEDGER_RETURN_IF_ERROR(
        AppendJobEvents(store, job_id, {JobRequeuedEvent(history.job, history.last_attempt, by)}));
  }
  Status requeued = queue.Requeue(job_id);
  // An earlier requeue recorded its event and reached the queue too: nothing left to do.
  if (last == kJobRequeued && requeued.code() == StatusCode::kFailedPrecondition) {
    return Status::Ok();
  }
  return requeued;
}

}  // namespace ledger::jobs
