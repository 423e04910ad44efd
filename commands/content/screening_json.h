// The JSON shapes of screening.decided and of a screening review request: findings with
// their evidence, the model report, the policy and the item as screened (docs/events.md).
#ifndef LEDGER_COMMANDS_CONTENT_SCREENING_JSON_H_
#define LEDGER_COMMANDS_CONTENT_SCREENING_JSON_H_

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "commands/screening/screener.h"

namespace ledger::commands {

boost::json::object ItemToJson(const screening::ContentItem& item);
// At most policy.max_recorded_findings findings, strictest first.
boost::json::array FindingsToJson(const screening::ScreeningResult& result,
                                  const screening::ScreeningPolicy& policy);
boost::json::object ModelReportToJson(const screening::ModelReport& report);
boost::json::object PolicyToJson(const screening::ScreeningPolicy& policy);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CONTENT_SCREENING_JSON_H_
