#include "tests/projections/counting_projector.h"

namespace ledger::projections::testing {

CountingProjector::CountingProjector(std::uint32_t version, std::int64_t weight, std::string name)
    : version_(version), weight_(weight), name_(std::move(name)) {
  tables_.push_back(TableSpec{
      .name = name_,
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"stream_id", ColumnType::kText, false},
                  {"count", ColumnType::kInteger, false},
                  {"last_position", ColumnType::kInteger, false},
                  {"last_at", ColumnType::kTimestamp, true}},
      .primary_key = {"tenant_id", "stream_id"},
      .customer_scoped = false,
      .indexes = {}});
}

Status CountingProjector::Apply(const RecordedEvent& event, ProjectionWriter& writer) {
  if (fail_at_.load() == event.global_position.value()) {
    return Unavailable("injected failure at " + std::to_string(fail_at_.load()));
  }
  const TableSpec& t = tables_.front();
  Key key{event.tenant.value(), event.stream_id.value()};
  if (event.event_type == "test.forget") {
    writer.Delete(t, std::move(key));
    return Status::Ok();
  }
  LEDGER_ASSIGN_OR_RETURN(std::optional<Row> existing, writer.Get(t, key));
  Row row = existing.value_or(Row(t));
  row.SetText("tenant_id", event.tenant.value())
      .SetText("stream_id", event.stream_id.value())
      .SetInt("count", row.Int("count") + weight_)
      .SetInt("last_position", static_cast<std::int64_t>(event.global_position.value()))
      .SetTime("last_at", event.recorded_at);
  writer.Upsert(std::move(row));
  applied_.fetch_add(1);
  return Status::Ok();
}

}  // namespace ledger::projections::testing
