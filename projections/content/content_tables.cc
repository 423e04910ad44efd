#include "projections/content/content_tables.h"

#include <vector>

namespace ledger::projections::content {
namespace {

constexpr ColumnType kText = ColumnType::kText;
constexpr ColumnType kInt = ColumnType::kInteger;
constexpr ColumnType kTime = ColumnType::kTimestamp;
constexpr ColumnType kJson = ColumnType::kJson;
constexpr bool kNotNull = false;

std::vector<TableSpec> MakeProductTables() {
  TableSpec products{
      .name = "products",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"content_id", kText, kNotNull},
                  {"name", kText},
                  {"status", kText, kNotNull},
                  {"screening_decision", kText},
                  {"screening_rule", kText},
                  {"screening_reason", kText},
                  {"rule_set_version", kText},
                  {"screening_review", kText},
                  {"quality_verdict", kText},
                  {"quality_reason", kText},
                  {"quality_evaluations", kInt, kNotNull},
                  {"quality_review", kText},
                  {"reviewer", kText},
                  {"review_decision", kText},
                  {"review_reason", kText},
                  {"created_at", kTime, kNotNull},
                  {"screened_at", kTime},
                  {"quality_at", kTime},
                  {"reviewed_at", kTime},
                  {"published_at", kTime},
                  {"updated_at", kTime, kNotNull},
                  {"stream_version", kInt, kNotNull}},
      .primary_key = {"tenant_id", "content_id"},
      .indexes = {{"tenant_id", "status", "updated_at"}},
  };
  TableSpec queue{
      .name = "review_queue",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"content_id", kText, kNotNull},
                  {"name", kText},
                  {"origin", kText, kNotNull},
                  {"reason", kText},
                  {"deciding_rule", kText},
                  {"rules", kJson},
                  {"item", kJson},
                  {"checks", kJson},
                  {"provider_error", kJson},
                  {"request_version", kInt, kNotNull},
                  {"request_event_id", kText, kNotNull},
                  {"requested_by", kText},
                  {"requested_at", kTime, kNotNull}},
      .primary_key = {"tenant_id", "content_id"},
      .indexes = {{"tenant_id", "requested_at"}},
  };
  return {std::move(products), std::move(queue)};
}

TableSpec MakeScreeningDecisions() {
  return TableSpec{
      .name = "screening_decisions",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"content_id", kText, kNotNull},
                  {"stream_version", kInt, kNotNull},
                  {"global_position", kInt, kNotNull},
                  {"event_id", kText, kNotNull},
                  {"name", kText},
                  {"decision", kText},
                  {"reason", kText},
                  {"deciding_rule", kText},
                  {"term", kText},
                  {"term_category", kText},
                  {"rules", kJson},
                  {"rules_total", kInt},
                  {"rule_set_version", kText},
                  {"rule_set_digest", kText},
                  {"model_status", kText},
                  {"input_sha256", kText},
                  {"decided_by", kText},
                  {"recorded_at", kTime, kNotNull}},
      .primary_key = {"tenant_id", "content_id", "stream_version"},
      .indexes = {{"tenant_id", "decision", "recorded_at"}},
  };
}

TableSpec MakeQualityVerdicts() {
  return TableSpec{
      .name = "quality_verdicts",
      .columns = {{"tenant_id", kText, kNotNull},
                  {"content_id", kText, kNotNull},
                  {"stream_version", kInt, kNotNull},
                  {"global_position", kInt, kNotNull},
                  {"event_id", kText, kNotNull},
                  {"verdict", kText},
                  {"reason", kText},
                  {"checks", kJson},
                  {"failed_checks", kJson},
                  {"policy_version", kText},
                  {"price_minor", kInt},
                  {"currency", kText},
                  {"category", kText},
                  {"provider_error", kJson},
                  {"evaluated_by", kText},
                  {"recorded_at", kTime, kNotNull}},
      .primary_key = {"tenant_id", "content_id", "stream_version"},
      .indexes = {{"tenant_id", "verdict", "recorded_at"}},
  };
}

}  // namespace

std::span<const TableSpec> ProductTables() {
  static const std::vector<TableSpec>* const tables =
      new std::vector<TableSpec>(MakeProductTables());
  return *tables;
}

const TableSpec& ProductsTable() { return ProductTables()[0]; }
const TableSpec& ReviewQueueTable() { return ProductTables()[1]; }

const TableSpec& ScreeningDecisionsTable() {
  static const TableSpec* const table = new TableSpec(MakeScreeningDecisions());
  return *table;
}

const TableSpec& QualityVerdictsTable() {
  static const TableSpec* const table = new TableSpec(MakeQualityVerdicts());
  return *table;
}

}  // namespace ledger::projections::content
