// The tables of the canary read models (docs/read-models.md, "Canary"): what each column
// holds is documented there. Both belong to the "canary" projector, which checks every
// weight change against the state it has projected so far.
//
//   canary_state           one row per route: the current split and controller settings
//   traffic_split_history  one row per canary.weight_changed event
//
// The specs live for the whole process; rows keep pointers to them.
#ifndef LEDGER_PROJECTIONS_CANARY_CANARY_TABLES_H_
#define LEDGER_PROJECTIONS_CANARY_CANARY_TABLES_H_

#include <span>

#include "projections/read_model.h"

namespace ledger::projections::canary {

// canary_state and traffic_split_history, in that order.
std::span<const TableSpec> CanaryTables();
const TableSpec& CanaryStateTable();
const TableSpec& TrafficSplitHistoryTable();

}  // namespace ledger::projections::canary

#endif  // LEDGER_PROJECTIONS_CANARY_CANARY_TABLES_H_
