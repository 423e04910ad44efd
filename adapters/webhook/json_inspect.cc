#include "adapters/webhook/json_inspect.h"

#include <algorithm>
#include <array>
#include <boost/json/basic_parser_impl.hpp>
#include <cstdint>
#include <limits>
#include <vector>

namespace ledger::webhook {
namespace {

// Deep enough for any real provider body; a bound so that a hostile body of nothing but
// '[' cannot grow the parser's stack without limit.
constexpr std::size_t kInspectionMaxDepth = 10'000;

// A Boost.JSON SAX handler that builds no document: it tracks the path of the current value
// (for the first two levels) and copies out only the wanted fields.
class FieldCollector {
 public:
  static constexpr std::size_t max_object_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_array_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_key_size = std::numeric_limits<std::size_t>::max();
  static constexpr std::size_t max_string_size = std::numeric_limits<std::size_t>::max();

  explicit FieldCollector(std::span<const std::string_view> paths) : paths_(paths) {}

  InspectedJson result;

  using ec = boost::system::error_code;
  using sv = boost::json::string_view;

  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) { return Open(/*is_object=*/true, JsonField::Kind::kObject); }
  bool on_object_end(std::size_t, ec&) { return Close(); }
  bool on_array_begin(ec&) { return Open(/*is_object=*/false, JsonField::Kind::kArray); }
  bool on_array_end(std::size_t, ec&) { return Close(); }
  bool on_key_part(sv s, std::size_t, ec&) { return Append(s); }
  bool on_key(sv s, std::size_t, ec&) {
    Append(s);
    if (containers_.size() <= keys_.size()) keys_[containers_.size() - 1].swap(text_);
    // (deeper keys are not tracked: no wanted path reaches them)
    text_.clear();
    return true;
  }
  bool on_string_part(sv s, std::size_t, ec&) { return Append(s); }
  bool on_string(sv s, std::size_t, ec&) {
    Append(s);
    return Scalar(JsonField::Kind::kString);
  }
  bool on_number_part(sv s, ec&) { return Append(s); }
  bool on_int64(std::int64_t, sv s, ec&) { return Number(s); }
  bool on_uint64(std::uint64_t, sv s, ec&) { return Number(s); }
  bool on_double(double, sv s, ec&) { return Number(s); }
  bool on_bool(bool b, ec&) {
    text_ = b ? "true" : "false";
    return Scalar(JsonField::Kind::kBool);
  }
  bool on_null(ec&) { return Scalar(JsonField::Kind::kNull); }
  bool on_comment_part(sv, ec&) { return true; }
  bool on_comment(sv, ec&) { return true; }

 private:
  bool Open(bool is_object, JsonField::Kind kind) {
    if (containers_.empty()) result.root_is_object = is_object;
    Record(kind);
    containers_.push_back(is_object);
    result.max_depth = std::max(result.max_depth, containers_.size());
    return true;
  }
  bool Close() {
    containers_.pop_back();
    return true;
  }
  bool Append(sv s) {
    text_.append(s.data(), s.size());
    return true;
  }
  bool Number(sv s) {
    Append(s);  // s is the final part; earlier parts came through on_number_part
    return Scalar(JsonField::Kind::kNumber);
  }
  bool Scalar(JsonField::Kind kind) {
    Record(kind);
    text_.clear();
    return true;
  }
  // Stores the value that starts now if its path is wanted. Only values whose enclosing
  // containers are all objects have a path; depth 1 and 2 are the only ones tracked.
  void Record(JsonField::Kind kind) {
    std::size_t depth = containers_.size();
    if (depth == 0 || depth > keys_.size()) return;
    if (!std::all_of(containers_.begin(), containers_.end(), [](bool o) { return o; })) return;
    std::string path = keys_[0];
    if (depth == 2) path += "." + keys_[1];
    if (std::find(paths_.begin(), paths_.end(), path) == paths_.end()) return;
    JsonField& field = result.fields[path];
    field.kind = kind;
    field.text = (kind == JsonField::Kind::kObject || kind == JsonField::Kind::kArray) ? "" : text_;
  }

  std::span<const std::string_view> paths_;
  std::vector<bool> containers_;     // true: object; one entry per open container
  std::array<std::string, 2> keys_;  // the current key at depth 1 and 2
  std::string text_;                 // the key, string or number being read
};

// Parses with the given options; on failure returns the message and offset.
Result<InspectedJson> Parse(std::string_view json, std::span<const std::string_view> paths,
                            bool allow_invalid_utf8) {
  boost::json::parse_options options;
  options.max_depth = kInspectionMaxDepth;
  options.allow_invalid_utf8 = allow_invalid_utf8;
  boost::json::basic_parser<FieldCollector> parser(options, paths);
  boost::system::error_code error;
  std::size_t consumed = parser.write_some(false, json.data(), json.size(), error);
  if (!error && consumed != json.size()) error = boost::json::error::extra_data;
  if (error) {
    return InvalidArgument("not valid JSON at byte " + std::to_string(consumed) + " of " +
                           std::to_string(json.size()) + ": " + error.message());
  }
  return std::move(parser.handler().result);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of the "\uXXXX" escape at json[i], or -1 if there is none.
int EscapedUnit(std::string_view json, std::size_t i) {
  if (i + 6 > json.size() || json[i] != '\\' || json[i + 1] != 'u') return -1;
  int unit = 0;
  for (std::size_t k = i + 2; k < i + 6; ++k) {
    int d = HexDigit(json[k]);
    if (d < 0) return -1;
    unit = unit * 16 + d;
  }
  return unit;
}

// Calls on_lone(offset) for every lone surrogate escape and returns whether any \u0000 was
// seen.
template <typename OnLone>
bool WalkEscapes(std::string_view json, OnLone on_lone) {
  bool nul = false;
  std::size_t i = json.find('\\');
  while (i != std::string_view::npos && i + 1 < json.size()) {
    int unit = EscapedUnit(json, i);
    std::size_t next = i + 2;
    if (unit == 0) nul = true;
    if (unit >= 0) next = i + 6;
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      int low = EscapedUnit(json, i + 6);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        next = i + 12;
      } else {
        on_lone(i);
      }
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      on_lone(i);
    }
    i = json.find('\\', next);
  }
  return nul;
}

}  // namespace

const JsonField* InspectedJson::Find(std::string_view path) const {
  auto it = fields.find(path);
  return it == fields.end() ? nullptr : &it->second;
}

const std::string* InspectedJson::FindString(std::string_view path) const {
  const JsonField* field = Find(path);
  return field != nullptr && field->kind == JsonField::Kind::kString ? &field->text : nullptr;
}

Result<InspectedJson> InspectJson(std::string_view json, std::span<const std::string_view> paths) {
  Result<InspectedJson> strict = Parse(json, paths, /*allow_invalid_utf8=*/false);
  if (strict.ok()) {
    strict->strictly_valid = true;
    return strict;
  }
  // Not strict JSON. Retry under RFC 8259's grammar alone: if that parses, the body is JSON
  // that only the payload rules refuse, and it must still be admitted (raw).
  std::string tolerant = ReplaceLoneSurrogates(json);
  Result<InspectedJson> lenient = Parse(tolerant, paths, /*allow_invalid_utf8=*/true);
  if (!lenient.ok()) return strict.status();
  lenient->strictly_valid = false;
  lenient->strict_error = strict.status().message();
  return lenient;
}

EscapeScan ScanEscapes(std::string_view json) {
  EscapeScan scan;
  scan.has_nul = WalkEscapes(json, [&](std::size_t) { scan.has_lone_surrogate = true; });
  return scan;
}

std::string ReplaceLoneSurrogates(std::string_view json) {
  std::string out(json);
  WalkEscapes(json, [&](std::size_t at) { out.replace(at, 6, "\\ufffd"); });
  return out;
}

}  // namespace ledger::webhook
