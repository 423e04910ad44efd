#include "commands/internal/json_fields.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;
using boost::system::error_code;

// A SAX pass that only looks for a key repeated within one object. Boost.JSON's DOM keeps
// the last of duplicate keys silently; a command body where "decision" appears twice is
// ambiguous and must be refused instead.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  std::optional<std::string> duplicate;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) {
    keys_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    keys_.pop_back();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(json::string_view part, std::size_t, error_code&) {
    key_.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, error_code& ec) {
    key_.append(part.data(), part.size());
    bool inserted = keys_.back().insert(key_).second;
    if (!inserted) {
      duplicate = key_;
      ec = json::error::syntax;  // stops the parse; `duplicate` says why
    }
    key_.clear();
    return inserted;
  }
  bool on_number_part(json::string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, error_code&) { return true; }
  bool on_double(double, json::string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(json::string_view, error_code&) { return true; }
  bool on_comment(json::string_view, error_code&) { return true; }

 private:
  std::vector<std::set<std::string>> keys_;
  std::string key_;
};

std::string_view KindName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "an integer";
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

}  // namespace

Result<JsonFields> JsonFields::Parse(std::string_view body) {
  json::basic_parser<DuplicateKeyFinder> finder(json::parse_options{});
  error_code ec;
  finder.write_some(false, body.data(), body.size(), ec);
  if (finder.handler().duplicate) {
    return InvalidArgument("duplicate field '" + *finder.handler().duplicate + "'");
  }
  if (ec) return InvalidArgument("body is not valid JSON: " + ec.message());
  auto root =
      std::make_shared<json::value>(json::parse(json::string_view(body.data(), body.size()), ec));
  if (ec) return InvalidArgument("body is not valid JSON: " + ec.message());
  if (!root->is_object()) return InvalidArgument("body must be a JSON object");
  const json::object* object = &root->get_object();
  return JsonFields(std::move(root), object, "");
}

JsonFields::JsonFields(std::shared_ptr<const json::value> root, const json::object* object,
                       std::string path)
    : root_(std::move(root)), object_(object), path_(std::move(path)) {}

const json::value* JsonFields::Find(std::string_view key) {
  read_.emplace(key);
  const json::value* v = object_->if_contains(json::string_view(key.data(), key.size()));
  if (v == nullptr || v->is_null()) return nullptr;
  return v;
}

std::string JsonFields::FieldPath(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Status JsonFields::Missing(std::string_view key) const {
  return InvalidArgument("missing required field '" + FieldPath(key) + "'");
}

Status JsonFields::WrongType(std::string_view key, std::string_view want,
                             const json::value& got) const {
  return InvalidArgument("field '" + FieldPath(key) + "' must be " + std::string(want) + ", got " +
                         std::string(KindName(got)));
}

Result<std::string> JsonFields::CheckString(std::string_view key, const json::value& v,
                                            const StringRule& rule) const {
  if (!v.is_string()) return WrongType(key, "a string", v);
  const json::string& s = v.get_string();
  if (s.empty() && !rule.allow_empty) {
    return InvalidArgument("field '" + FieldPath(key) + "' must not be empty");
  }
  if (s.size() > rule.max_bytes) {
    return InvalidArgument("field '" + FieldPath(key) + "' is longer than " +
                           std::to_string(rule.max_bytes) + " bytes");
  }
  return std::string(s.data(), s.size());
}

Result<std::string> JsonFields::String(std::string_view key, StringRule rule) {
  const json::value* v = Find(key);
  if (v == nullptr) return Missing(key);
  return CheckString(key, *v, rule);
}

Result<std::optional<std::string>> JsonFields::OptionalString(std::string_view key,
                                                              StringRule rule) {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<std::string>();
  LEDGER_ASSIGN_OR_RETURN(std::string s, CheckString(key, *v, rule));
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<std::int64_t>> JsonFields::OptionalInt(std::string_view key, std::int64_t min,
                                                            std::int64_t max) {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<std::int64_t>();
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    // Only values above INT64_MAX are stored as uint64: always out of range here.
    return InvalidArgument("field '" + FieldPath(key) + "' is out of range [" +
                           std::to_string(min) + ", " + std::to_string(max) + "]");
  } else {
    return WrongType(key, "an integer", *v);
  }
  if (n < min || n > max) {
    return InvalidArgument("field '" + FieldPath(key) + "' is out of range [" +
                           std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return std::optional<std::int64_t>(n);
}

Result<std::int64_t> JsonFields::Int(std::string_view key, std::int64_t min, std::int64_t max) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::int64_t> n, OptionalInt(key, min, max));
  if (!n) return Missing(key);
  return *n;
}

Result<std::optional<bool>> JsonFields::OptionalBool(std::string_view key) {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(key, "a boolean", *v);
  return std::optional<bool>(v->get_bool());
}

Result<bool> JsonFields::Bool(std::string_view key) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<bool> b, OptionalBool(key));
  if (!b) return Missing(key);
  return *b;
}

Result<std::optional<double>> JsonFields::OptionalNumber(std::string_view key, double min,
                                                         double max) {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<double>();
  if (!v->is_number()) return WrongType(key, "a number", *v);
  double d = v->to_number<double>();
  if (!std::isfinite(d) || d < min || d > max) {
    return InvalidArgument("field '" + FieldPath(key) + "' is out of range [" +
                           std::to_string(min) + ", " + std::to_string(max) + "]");
  }
  return std::optional<double>(d);
}

Result<std::optional<std::vector<std::string>>> JsonFields::OptionalStringArray(
    std::string_view key, std::size_t max_items, StringRule rule) {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return WrongType(key, "an array of strings", *v);
  const json::array& array = v->get_array();
  if (array.size() > max_items) {
    return InvalidArgument("field '" + FieldPath(key) + "' has more than " +
                           std::to_string(max_items) + " items");
  }
  std::vector<std::string> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    std::string item_key = std::string(key) + "[" + std::to_string(i) + "]";
    LEDGER_ASSIGN_OR_RETURN(std::string s, CheckString(item_key, array[i], rule));
    out.push_back(std::move(s));
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::vector<JsonFields>> JsonFields::ObjectArray(std::string_view key,
                                                        std::size_t max_items) {
  const json::value* v = Find(key);
  if (v == nullptr) return Missing(key);
  if (!v->is_array()) return WrongType(key, "an array of objects", *v);
  const json::array& array = v->get_array();
  if (array.size() > max_items) {
    return InvalidArgument("field '" + FieldPath(key) + "' has more than " +
                           std::to_string(max_items) + " items");
  }
  std::vector<JsonFields> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    std::string item_key = std::string(key) + "[" + std::to_string(i) + "]";
    if (!array[i].is_object()) return WrongType(item_key, "an object", array[i]);
    out.emplace_back(root_, &array[i].get_object(), FieldPath(item_key));
  }
  return out;
}

Result<std::optional<JsonFields>> JsonFields::OptionalObject(std::string_view key) {
  const json::value* v = Find(key);
  if (v == nullptr) return std::optional<JsonFields>();
  if (!v->is_object()) return WrongType(key, "an object", *v);
  return std::optional<JsonFields>(JsonFields(root_, &v->get_object(), FieldPath(key)));
}

Status JsonFields::Finish() const {
  for (const auto& entry : *object_) {
    std::string_view key(entry.key().data(), entry.key().size());
    if (read_.find(key) == read_.end()) {
      return InvalidArgument("unknown field '" + FieldPath(key) + "'");
    }
  }
  return Status::Ok();
}

}  // namespace ledger::commands::internal
