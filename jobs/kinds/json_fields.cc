#include "jobs/kinds/json_fields.h"

namespace ledger::jobs::kinds {
namespace {

namespace json = boost::json;

std::string Name(std::string_view where, std::string_view key) {
  std::string name(where);
  name.append(".").append(key);
  return name;
}

// The member, or nullptr when absent or null.
const json::value* Find(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

// The length of the valid UTF-8 sequence starting at text[i], or 0 if there is none.
std::size_t SequenceLength(std::string_view text, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char lead = byte(i);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  std::uint32_t code = lead & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i + k) & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if (code < min || (code >= 0xD800 && code <= 0xDFFF) || code > 0x10FFFF) return 0;
  return length;
}

}  // namespace

Result<std::string> RequiredString(const json::object& o, std::string_view key,
                                   std::string_view where) {
  LEDGER_ASSIGN_OR_RETURN(std::string value, OptionalString(o, key, where));
  if (value.empty()) return InvalidArgument(Name(where, key) + " is required");
  return value;
}

Result<std::string> OptionalString(const json::object& o, std::string_view key,
                                   std::string_view where) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return std::string();
  if (!v->is_string()) return InvalidArgument(Name(where, key) + " must be a string");
  return std::string(v->get_string());
}

Result<std::int64_t> RequiredInt(const json::object& o, std::string_view key,
                                 std::string_view where) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::int64_t> value, OptionalInt(o, key, where));
  if (!value) return InvalidArgument(Name(where, key) + " is required");
  return *value;
}

Result<std::optional<std::int64_t>> OptionalInt(const json::object& o, std::string_view key,
                                                std::string_view where) {
  const json::value* v = Find(o, key);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->get_int64());
  // Boost.JSON keeps non-negative numbers past int64 as uint64.
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get_uint64()));
  }
  return InvalidArgument(Name(where, key) + " must be an integer");
}

std::string Utf8Excerpt(std::string_view text, std::size_t max_bytes) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t length = SequenceLength(text, i);
    std::size_t produced = length == 0 ? 1 : length;
    if (out.size() + produced > max_bytes) break;
    if (length == 0) {
      out.push_back('?');
    } else {
      out.append(text.substr(i, length));
    }
    i += produced;
  }
  return out;
}

}  // namespace ledger::jobs::kinds
