#include "jobs/job.h"

#include "engine/uuid.h"

namespace ledger::jobs {

std::string JobIdFor(std::string_view kind, std::string_view cause_event_id) {
  std::string name = "job:";
  name.append(kind).append(":").append(cause_event_id);
  return Uuid::V5(LedgerNamespace(), name).ToString();
}

}  // namespace ledger::jobs
