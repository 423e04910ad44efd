#include "adapters/sqlite/read_model_values.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ledger::sqlite {

using projections::ColumnType;
using projections::JsonText;
using projections::Row;
using projections::TableSpec;
using projections::Value;

void BindValue(Statement& statement, int index, const Value& value) {
  struct Binder {
    Statement& s;
    int i;
    void operator()(std::monostate) const { s.BindNull(i); }
    void operator()(const std::string& text) const { s.BindTextUnowned(i, text); }
    void operator()(std::int64_t n) const { s.BindInt64(i, n); }
    void operator()(bool b) const { s.BindInt64(i, b ? 1 : 0); }
    void operator()(Timestamp t) const { s.BindInt64(i, t.value()); }
    void operator()(const JsonText& json) const { s.BindTextUnowned(i, json.text); }
  };
  std::visit(Binder{statement, index}, value);
}

Row ReadRow(const Statement& statement, const TableSpec& table) {
  Row row(table);
  std::vector<Value>& values = row.mutable_values();
  for (std::size_t i = 0; i < table.columns.size(); ++i) {
    int c = static_cast<int>(i);
    if (statement.ColumnIsNull(c)) continue;  // already NULL
    switch (table.columns[i].type) {
      case ColumnType::kText:
        values[i] = statement.ColumnText(c);
        break;
      case ColumnType::kInteger:
        values[i] = statement.ColumnInt64(c);
        break;
      case ColumnType::kBoolean:
        values[i] = statement.ColumnInt64(c) != 0;
        break;
      case ColumnType::kTimestamp:
        values[i] = Timestamp(statement.ColumnInt64(c));
        break;
      case ColumnType::kJson:
        values[i] = JsonText{statement.ColumnText(c)};
        break;
    }
  }
  return row;
}

}  // namespace ledger::sqlite
