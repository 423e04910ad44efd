#include "adapters/query/caching_reader.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "engine/sha256.h"

namespace ledger::query {
namespace {

using projections::ColumnType;
using projections::Value;

std::string_view OpName(queries::FilterOp op) {
  switch (op) {
    case queries::FilterOp::kEqual:
      return "=";
    case queries::FilterOp::kAtLeast:
      return ">=";
    case queries::FilterOp::kBefore:
      return "<";
  }
  return "?";
}

boost::json::value EncodeValue(const Value& value) {
  if (const auto* text = std::get_if<std::string>(&value)) return boost::json::value(*text);
  if (const auto* integer = std::get_if<std::int64_t>(&value)) return boost::json::value(*integer);
  if (const auto* flag = std::get_if<bool>(&value)) return boost::json::value(*flag);
  if (const auto* time = std::get_if<Timestamp>(&value)) return boost::json::value(time->value());
  if (const auto* json = std::get_if<projections::JsonText>(&value)) {
    return boost::json::value(json->text);
  }
  return nullptr;
}

Result<Value> DecodeValue(const boost::json::value& json, ColumnType type) {
  if (json.is_null()) return Value{};
  switch (type) {
    case ColumnType::kText:
      if (json.is_string()) return Value{std::string(json.get_string())};
      break;
    case ColumnType::kInteger:
      if (json.is_int64()) return Value{json.get_int64()};
      break;
    case ColumnType::kBoolean:
      if (json.is_bool()) return Value{json.get_bool()};
      break;
    case ColumnType::kTimestamp:
      if (json.is_int64()) return Value{Timestamp(json.get_int64())};
      break;
    case ColumnType::kJson:
      if (json.is_string()) return Value{projections::JsonText{std::string(json.get_string())}};
      break;
  }
  return Internal("catalog cache: a cached value does not fit its column");
}

}  // namespace

bool IsCatalogTable(const projections::TableSpec& table) { return table.name == "products"; }

std::string CanonicalQueryText(const queries::Scope& scope, const queries::ListQuery& query) {
  // '\x1f' separates parts: it cannot occur in names, and values are canonical JSON-ish text.
  constexpr char kSep = '\x1f';
  std::string text = "v1";
  text += kSep + query.table->name;
  for (const projections::Column& column : query.table->columns) {
    text += kSep + column.name + ":" + std::string(projections::ColumnTypeName(column.type));
  }
  text += "|tenant=" + scope.tenant_id;
  text += "|customer=" + (scope.customer_id ? "1:" + *scope.customer_id : std::string("0"));
  // Filters all hold together: their order does not change the answer.
  std::vector<std::string> filters;
  for (const queries::Filter& filter : query.filters) {
    filters.push_back(filter.column + std::string(OpName(filter.op)) +
                      projections::CanonicalValue(filter.value));
  }
  std::sort(filters.begin(), filters.end());
  text += "|filters=";
  for (const std::string& filter : filters) text += filter + kSep;
  text += "|order=";
  for (const std::string& column : query.order_by) text += column + kSep;
  text += query.descending ? "|desc" : "|asc";
  text += "|after=" + (query.after ? "1:" + projections::CanonicalKey(*query.after) : "0");
  text += "|limit=" + std::to_string(query.limit);
  return text;
}

std::string QueryFingerprint(const queries::Scope& scope, const queries::ListQuery& query) {
  return HexEncode(Sha256::Of(CanonicalQueryText(scope, query)));
}

std::string EncodeRows(const std::vector<projections::Row>& rows) {
  boost::json::array encoded;
  encoded.reserve(rows.size());
  for (const projections::Row& row : rows) {
    boost::json::array values;
    values.reserve(row.values().size());
    for (const Value& value : row.values()) values.push_back(EncodeValue(value));
    encoded.push_back(std::move(values));
  }
  boost::json::object document;
  document["v"] = 1;
  document["rows"] = std::move(encoded);
  return boost::json::serialize(document);
}

Result<std::vector<projections::Row>> DecodeRows(const projections::TableSpec& table,
                                                 std::string_view text) {
  boost::system::error_code ec;
  boost::json::value document = boost::json::parse(text, ec);
  const boost::json::object* object = ec ? nullptr : document.if_object();
  const boost::json::value* version = object ? object->if_contains("v") : nullptr;
  const boost::json::value* rows = object ? object->if_contains("rows") : nullptr;
  if (version == nullptr || !version->is_int64() || version->get_int64() != 1 || rows == nullptr ||
      !rows->is_array()) {
    return Internal("catalog cache: an entry is not a v1 row list");
  }
  std::vector<projections::Row> decoded;
  decoded.reserve(rows->get_array().size());
  for (const boost::json::value& encoded : rows->get_array()) {
    if (!encoded.is_array() || encoded.get_array().size() != table.columns.size()) {
      return Internal("catalog cache: a cached row does not fit table " + table.name);
    }
    projections::Row row(table);
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      LEDGER_ASSIGN_OR_RETURN(row.mutable_values()[i],
                              DecodeValue(encoded.get_array()[i], table.columns[i].type));
    }
    decoded.push_back(std::move(row));
  }
  return decoded;
}

Result<std::vector<projections::Row>> CachingReader::List(const queries::Scope& scope,
                                                          const queries::ListQuery& query) {
  if (query.table == nullptr || !IsCatalogTable(*query.table)) return inner_.List(scope, query);
  if (invalidator_ != nullptr && invalidator_->Pending()) {
    // A change this process projected is not yet reflected in Redis: the cache may be stale.
    cache_.CountBypass();
    return inner_.List(scope, query);
  }
  const std::string fingerprint = QueryFingerprint(scope, query);
  Result<redis::CatalogCache::Lookup> lookup = cache_.Get(scope.tenant_id, fingerprint);
  if (!lookup.ok()) return inner_.List(scope, query);  // Redis is down: the database answers
  if (lookup->value) {
    Result<std::vector<projections::Row>> cached = DecodeRows(*query.table, *lookup->value);
    if (cached.ok()) {
      cache_.CountHit();
      return cached;
    }
    // A malformed entry is a miss; the fill below replaces it.
  }
  cache_.CountMiss();
  LEDGER_ASSIGN_OR_RETURN(std::vector<projections::Row> rows, inner_.List(scope, query));
  // Under the generation read before the database: if the products changed meanwhile, this
  // entry is already unreachable. A failed fill only costs the next read a miss.
  cache_.Fill(scope.tenant_id, lookup->generation, fingerprint, EncodeRows(rows)).IgnoreError();
  return rows;
}

Result<queries::ReadSet> CachingReader::ReadTogether(const queries::Scope& scope,
                                                     std::span<const queries::ListQuery> queries,
                                                     bool with_checkpoints) {
  bool catalog_only = !queries.empty();
  for (const queries::ListQuery& query : queries) {
    catalog_only = catalog_only && query.table != nullptr && IsCatalogTable(*query.table);
  }
  if (!catalog_only) return inner_.ReadTogether(scope, queries, with_checkpoints);
  // A cache is never one snapshot. The checkpoints are read first, so the position they report
  // is never ahead of what the database had when the rows below were read or cached.
  queries::ReadSet set;
  if (with_checkpoints) {
    LEDGER_ASSIGN_OR_RETURN(set.checkpoints, inner_.LoadCheckpoints());
  }
  for (const queries::ListQuery& query : queries) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<projections::Row> rows, List(scope, query));
    set.lists.push_back(std::move(rows));
  }
  return set;
}

}  // namespace ledger::query
