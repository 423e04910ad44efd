#include "adapters/query/row_json.h"

#include <boost/json/parse.hpp>
#include <string>
#include <variant>

#include "engine/time.h"

namespace ledger::query {
namespace {

namespace json = boost::json;

struct ToJson {
  const std::string& column;

  Result<json::value> operator()(std::monostate) const { return json::value(nullptr); }
  Result<json::value> operator()(const std::string& text) const { return json::value(text); }
  Result<json::value> operator()(std::int64_t number) const { return json::value(number); }
  Result<json::value> operator()(bool flag) const { return json::value(flag); }
  Result<json::value> operator()(Timestamp time) const { return json::value(FormatRfc3339(time)); }
  Result<json::value> operator()(const projections::JsonText& document) const {
    boost::system::error_code error;
    json::value parsed = json::parse(document.text, error);
    if (error) {
      return Internal("column " + column + " holds text that is not JSON: " + error.message());
    }
    return parsed;
  }
};

}  // namespace

Result<json::object> RowToJson(const projections::Row& row) {
  const projections::TableSpec& spec = row.spec();
  json::object object;
  object.reserve(spec.columns.size());
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    const std::string& name = spec.columns[i].name;
    if (name == "tenant_id") continue;
    LEDGER_ASSIGN_OR_RETURN(json::value value, std::visit(ToJson{name}, row.values()[i]));
    object.emplace(name, std::move(value));
  }
  return object;
}

}  // namespace ledger::query
