#include "jobs/scheduler_events.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>

#include "engine/time.h"

namespace ledger::jobs {
namespace {

constexpr std::string_view kActor = "system:scheduler";
constexpr std::string_view kSource = "jobs.scheduler";

NewEvent MakeDropEvent(const TenantId& tenant, std::string_view drop_date, std::string_view type,
                       std::string_view id_suffix, const boost::json::object& payload) {
  std::string name =
      "drop:" + tenant.value() + ":" + std::string(drop_date) + ":" + std::string(type);
  if (!id_suffix.empty()) name += ":" + std::string(id_suffix);
  NewEvent event;
  event.event_id = Uuid::V5(LedgerNamespace(), name);
  event.event_type = std::string(type);
  event.tenant = tenant;
  event.payload = boost::json::serialize(payload);
  // Everything one drop causes (its job, the job's events) correlates on the drop's stream.
  event.metadata.correlation_id = DropStream(tenant, drop_date).value();
  event.metadata.actor = std::string(kActor);
  event.metadata.source = std::string(kSource);
  return event;
}

std::string FormatTimeOfDay(std::chrono::minutes minutes) {
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d", static_cast<int>(minutes.count() / 60),
                static_cast<int>(minutes.count() % 60));
  return text;
}

}  // namespace

std::vector<std::string_view> DropEventTypes() { return {kDropDue, kDropStarted, kDropCompleted}; }

StreamId DropStream(const TenantId& tenant, const LocalDate& date) {
  return DropStream(tenant, date.ToString());
}

StreamId DropStream(const TenantId& tenant, std::string_view drop_date) {
  return StreamId("drop-" + tenant.value() + "-" + std::string(drop_date));
}

NewEvent MakeDropDue(const TenantId& tenant, const LocalDate& date, const DropCalendar& calendar) {
  const std::string drop_date = date.ToString();
  boost::json::object payload;
  payload["drop_date"] = drop_date;
  payload["due_at"] = FormatRfc3339(calendar.DueAt(date));
  payload["time_zone"] = calendar.zone_name();
  payload["local_time"] = FormatTimeOfDay(calendar.time_of_day());
  return MakeDropEvent(tenant, drop_date, kDropDue, "", payload);
}

NewEvent MakeDropStarted(const TenantId& tenant, std::string_view drop_date,
                         std::string_view job_id) {
  boost::json::object payload;
  payload["drop_date"] = drop_date;
  payload["job_id"] = job_id;
  return MakeDropEvent(tenant, drop_date, kDropStarted, "", payload);
}

NewEvent MakeDropCompleted(const TenantId& tenant, std::string_view drop_date,
                           std::string_view job_id, bool succeeded, std::string_view detail) {
  boost::json::object payload;
  payload["drop_date"] = drop_date;
  payload["job_id"] = job_id;
  payload["outcome"] = succeeded ? "succeeded" : "failed";
  payload["detail"] = detail;
  return MakeDropEvent(tenant, drop_date, kDropCompleted, job_id, payload);
}

}  // namespace ledger::jobs
