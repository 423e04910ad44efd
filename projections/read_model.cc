#include "projections/read_model.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include <boost/json.hpp>

#include "engine/time.h"

namespace ledger::projections {

namespace {

[[noreturn]] void Die(const std::string& why) {
  std::fprintf(stderr, "ledger: fatal: projection row: %s\n", why.c_str());
  std::abort();
}

bool IsIdentifier(std::string_view name, std::size_t max_length) {
  if (name.empty() || name.size() > max_length) return false;
  if (name.front() == '_') return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9'); });
}

void WriteCanonicalJson(const boost::json::value& v, std::string& out) {
  if (v.is_object()) {
    const auto& object = v.get_object();
    std::vector<const boost::json::key_value_pair*> members;
    members.reserve(object.size());
    for (const auto& member : object) members.push_back(&member);
    std::sort(members.begin(), members.end(),
              [](auto* a, auto* b) { return a->key() < b->key(); });
    out += '{';
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i > 0) out += ',';
      out += boost::json::serialize(boost::json::string_view(members[i]->key()));
      out += ':';
      WriteCanonicalJson(members[i]->value(), out);
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    bool first = true;
    for (const auto& element : v.get_array()) {
      if (!first) out += ',';
      first = false;
      WriteCanonicalJson(element, out);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

}  // namespace

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText: return "text";
    case ColumnType::kInteger: return "integer";
    case ColumnType::kBoolean: return "boolean";
    case ColumnType::kTimestamp: return "timestamp";
    case ColumnType::kJson: return "json";
  }
  return "unknown";
}

bool ValueFits(const Value& value, ColumnType type) {
  switch (type) {
    case ColumnType::kText: return std::holds_alternative<std::string>(value) || value.index() == 0;
    case ColumnType::kInteger: return std::holds_alternative<std::int64_t>(value) || value.index() == 0;
    case ColumnType::kBoolean: return std::holds_alternative<bool>(value) || value.index() == 0;
    case ColumnType::kTimestamp: return std::holds_alternative<Timestamp>(value) || value.index() == 0;
    case ColumnType::kJson: return std::holds_alternative<JsonText>(value) || value.index() == 0;
  }
  return false;
}

std::optional<std::size_t> TableSpec::ColumnIndex(std::string_view column) const {
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == column) return i;
  }
  return std::nullopt;
}

std::string ValidateTableSpec(const TableSpec& spec) {
  if (!IsIdentifier(spec.name, 40)) return "table name '" + spec.name + "' is not [a-z0-9_]{1,40}";
  if (spec.columns.empty() || spec.columns.front().name != "tenant_id" ||
      spec.columns.front().type != ColumnType::kText) {
    return spec.name + ": the first column must be tenant_id (text)";
  }
  for (std::size_t i = 0; i < spec.columns.size(); ++i) {
    if (!IsIdentifier(spec.columns[i].name, 63)) {
      return spec.name + ": column name '" + spec.columns[i].name + "' is not [a-z0-9_]";
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (spec.columns[j].name == spec.columns[i].name) {
        return spec.name + ": column '" + spec.columns[i].name + "' declared twice";
      }
    }
  }
  if (spec.primary_key.empty() || spec.primary_key.front() != "tenant_id") {
    return spec.name + ": the primary key must start with tenant_id";
  }
  for (const std::string& column : spec.primary_key) {
    if (!spec.ColumnIndex(column)) return spec.name + ": primary key column '" + column + "' undeclared";
  }
  std::optional<std::size_t> customer = spec.ColumnIndex("customer_id");
  if (spec.customer_scoped != customer.has_value()) {
    return spec.name + ": customer_id must be declared exactly when the table is customer_scoped";
  }
  if (customer && spec.columns[*customer].type != ColumnType::kText) {
    return spec.name + ": customer_id must be text";
  }
  for (const auto& index : spec.indexes) {
    if (index.empty()) return spec.name + ": empty index";
    for (const std::string& column : index) {
      if (!spec.ColumnIndex(column)) return spec.name + ": index column '" + column + "' undeclared";
    }
  }
  return "";
}

Row::Row(const TableSpec& spec) : spec_(&spec), values_(spec.columns.size()) {}

std::size_t Row::IndexOf(std::string_view column) const {
  std::optional<std::size_t> index = spec_->ColumnIndex(column);
  if (!index) Die(spec_->name + " has no column '" + std::string(column) + "'");
  return *index;
}

Row& Row::Set(std::string_view column, Value value) {
  std::size_t index = IndexOf(column);
  if (!ValueFits(value, spec_->columns[index].type)) {
    Die(spec_->name + "." + std::string(column) + " is " +
        std::string(ColumnTypeName(spec_->columns[index].type)) + "; wrong value type");
  }
  values_[index] = std::move(value);
  return *this;
}

const Value& Row::Get(std::string_view column) const { return values_[IndexOf(column)]; }

bool Row::IsNull(std::string_view column) const { return Get(column).index() == 0; }

std::string Row::Text(std::string_view column, std::string fallback) const {
  const Value& v = Get(column);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* j = std::get_if<JsonText>(&v)) return j->text;
  return fallback;
}

std::int64_t Row::Int(std::string_view column, std::int64_t fallback) const {
  const Value& v = Get(column);
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  return fallback;
}

bool Row::Bool(std::string_view column, bool fallback) const {
  const Value& v = Get(column);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return fallback;
}

std::optional<Timestamp> Row::Time(std::string_view column) const {
  const Value& v = Get(column);
  if (const auto* t = std::get_if<Timestamp>(&v)) return *t;
  return std::nullopt;
}

Key Row::PrimaryKey() const {
  Key key;
  key.reserve(spec_->primary_key.size());
  for (const std::string& column : spec_->primary_key) key.push_back(Get(column));
  return key;
}

std::string CanonicalValue(const Value& value) {
  struct Visitor {
    std::string operator()(std::monostate) const { return "null"; }
    std::string operator()(const std::string& s) const {
      return boost::json::serialize(boost::json::string_view(s));
    }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(Timestamp t) const { return '"' + FormatRfc3339(t) + '"'; }
    std::string operator()(const JsonText& j) const {
      boost::system::error_code ec;
      boost::json::value parsed = boost::json::parse(j.text, ec);
      // Not JSON: digest the text as a string, so a bad row still shows up as different.
      if (ec) return boost::json::serialize(boost::json::string_view(j.text));
      std::string out;
      WriteCanonicalJson(parsed, out);
      return out;
    }
  };
  return std::visit(Visitor{}, value);
}

std::string CanonicalKey(const Key& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    if (i > 0) out += '\x1f';
    out += CanonicalValue(key[i]);
  }
  return out;
}

}  // namespace ledger::projections
