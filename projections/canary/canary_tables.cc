#include "projections/canary/canary_tables.h"

#include <vector>

namespace ledger::projections::canary {
namespace {

constexpr ColumnType kText = ColumnType::kText;
constexpr ColumnType kInt = ColumnType::kInteger;
constexpr ColumnType kBool = ColumnType::kBoolean;
constexpr ColumnType kTime = ColumnType::kTimestamp;
constexpr bool kNotNull = false;

std::vector<TableSpec> MakeCanaryTables() {
  TableSpec state{
      .name = "canary_state",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"route", kText, kNotNull},
                  {"v1_weight", kInt, kNotNull},
                  {"v2_weight", kInt, kNotNull},
                  {"v2_api_ready", kBool, kNotNull},
                  {"failure_threshold", kInt},
                  {"step", kInt},
                  {"consecutive_failures", kInt, kNotNull},
                  {"probes_passed", kInt, kNotNull},
                  {"probes_failed", kInt, kNotNull},
                  {"last_probe_result", kText},
                  {"last_probe_at", kTime},
                  {"weight_changes", kInt, kNotNull},
                  {"last_trigger_source", kText},
                  {"last_cause", kText},
                  {"last_change_at", kTime},
                  {"anomalies", kInt, kNotNull},
                  {"configured_at", kTime},
                  {"updated_at", kTime, kNotNull},
                  {"stream_version", kInt, kNotNull}},
      .primary_key = {"tenant_id", "route"},
      .indexes = {},
  };
  TableSpec history{
      .name = "traffic_split_history",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"route", kText, kNotNull},
                  {"stream_version", kInt, kNotNull},
                  {"change_number", kInt, kNotNull},
                  {"global_position", kInt, kNotNull},
                  {"event_id", kText, kNotNull},
                  {"v1_before", kInt},
                  {"v2_before", kInt},
                  {"v1_after", kInt},
                  {"v2_after", kInt},
                  {"trigger_source", kText},
                  {"cause", kText},
                  {"probe_id", kText},
                  {"reason", kText},
                  {"actor", kText},
                  {"decided_at", kTime},
                  {"recorded_at", kTime, kNotNull},
                  {"anomaly", kText}},
      .primary_key = {"tenant_id", "route", "stream_version"},
      .indexes = {{"tenant_id", "recorded_at"}},
  };
  return {std::move(state), std::move(history)};
}

}  // namespace

std::span<const TableSpec> CanaryTables() {
  static const std::vector<TableSpec>* const tables =
      new std::vector<TableSpec>(MakeCanaryTables());
  return *tables;
}

const TableSpec& CanaryStateTable() { return CanaryTables()[0]; }
const TableSpec& TrafficSplitHistoryTable() { return CanaryTables()[1]; }

}  // namespace ledger::projections::canary
