#include "jobs/scheduler_drop_run.h"

#include <boost/json/parse.hpp>
#include <optional>

#include "jobs/scheduler_events.h"

namespace ledger::jobs {
namespace {

std::optional<std::string> DropDateOf(const Job& job) {
  boost::system::error_code ec;
  boost::json::value payload = boost::json::parse(job.payload, ec);
  if (ec || !payload.is_object()) return std::nullopt;
  const boost::json::value* date = payload.get_object().if_contains("drop_date");
  if (date == nullptr || !date->is_string()) return std::nullopt;
  return std::string(date->get_string());
}

Status AppendToDrop(EventStore& events, const TenantId& tenant, std::string_view drop_date,
                    NewEvent event) {
  AppendRequest request;
  request.stream = DropStream(tenant, drop_date);
  // Any: the stream has drop.due already (or, for a job enqueued by hand, nothing yet); the
  // deterministic event id is what keeps a repeat from recording twice.
  request.expected = ExpectedVersion::Any();
  request.events.push_back(std::move(event));
  return events.Append(request).status();
}

}  // namespace

JobResult DropRunRecorder::Run(const Job& job) {
  const std::optional<std::string> drop_date = DropDateOf(job);
  if (!drop_date) return inner_->Run(job);
  const TenantId tenant(job.tenant_id.empty() ? std::string(kDefaultTenant) : job.tenant_id);

  Status started =
      AppendToDrop(events_, tenant, *drop_date, MakeDropStarted(tenant, *drop_date, job.job_id));
  if (!started.ok()) {
    return JobResult{Outcome::kRetry, "could not record drop.started: " + started.ToString(), "{}"};
  }
  JobResult result = inner_->Run(job);
  if (result.outcome == Outcome::kRetry) return result;
  const bool succeeded = result.outcome == Outcome::kSucceeded;
  Status completed =
      AppendToDrop(events_, tenant, *drop_date,
                   MakeDropCompleted(tenant, *drop_date, job.job_id, succeeded, result.detail));
  if (!completed.ok()) {
    result.detail += " (drop.completed not recorded: " + completed.ToString() + ")";
  }
  return result;
}

}  // namespace ledger::jobs
