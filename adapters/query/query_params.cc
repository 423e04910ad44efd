#include "adapters/query/query_params.h"

#include <boost/url/parse_query.hpp>
#include <charconv>
#include <map>
#include <string>

#include "adapters/query/cursor.h"
#include "engine/time.h"

namespace ledger::query {
namespace {

using projections::ColumnType;

// name -> value, percent-decoded; a name without '=' has the empty value.
using Params = std::map<std::string, std::string, std::less<>>;

Result<Params> DecodeQuery(std::string_view query) {
  Params params;
  if (query.empty()) return params;
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) {
    return InvalidArgument("the query string is not valid: " + parsed.error().message());
  }
  boost::urls::encoding_opts literal_plus(/*space_as_plus=*/false);
  for (const boost::urls::param_pct_view& param : *parsed) {
    std::string name = param.key.decode(literal_plus);
    std::string value = param.has_value ? param.value.decode(literal_plus) : std::string();
    // Neither is echoed when it is not plain text: the error body must stay valid JSON.
    if (!IsPlainText(name)) {
      return InvalidArgument("the query string is not valid: a parameter name is not UTF-8 text");
    }
    if (!IsPlainText(value)) {
      return InvalidArgument(name + ": must be UTF-8 text without control characters");
    }
    if (!params.emplace(name, std::move(value)).second) {
      return InvalidArgument(name + ": given more than once");
    }
  }
  return params;
}

template <typename Number>
std::optional<Number> ParseDecimal(std::string_view text) {
  Number value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Takes `name` out of `params`, if present.
std::optional<std::string> Take(Params& params, std::string_view name) {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  std::string value = std::move(it->second);
  params.erase(it);
  return value;
}

Status TakeMinPosition(Params& params, std::optional<GlobalPosition>& out) {
  std::optional<std::string> text = Take(params, "min_position");
  if (!text) return Status::Ok();
  std::optional<std::uint64_t> position = ParseDecimal<std::uint64_t>(*text);
  if (!position) return InvalidArgument("min_position: must be a global position (a number >= 0)");
  out = GlobalPosition(*position);
  return Status::Ok();
}

// Whatever is left was not taken by anyone: the first such parameter, named.
Status RejectLeftovers(const Params& params, std::string_view allowed) {
  if (params.empty()) return Status::Ok();
  return InvalidArgument(params.begin()->first + ": not a parameter of this route (it takes " +
                         std::string(allowed) + ")");
}

std::string Allowed(const Resource& resource) {
  std::string allowed = "limit, cursor, min_position";
  for (const FilterParam& f : resource.filters) allowed += ", " + f.param;
  return allowed;
}

Status TakeFilters(const Resource& resource, Params& params, std::vector<queries::Filter>& out) {
  for (const FilterParam& f : resource.filters) {
    std::optional<std::string> text = Take(params, f.param);
    if (!text) continue;
    ColumnType type = resource.table->columns[*resource.table->ColumnIndex(f.column)].type;
    std::optional<projections::Value> value = ParseColumnValue(type, *text);
    if (!value) {
      return InvalidArgument(f.param + ": must be " +
                             (type == ColumnType::kTimestamp
                                  ? std::string("an RFC 3339 time (2026-11-23T08:30:00Z)")
                                  : "a non-empty " + std::string(ColumnTypeName(type))));
    }
    out.push_back(queries::Filter{f.column, f.op, std::move(*value)});
  }
  return Status::Ok();
}

}  // namespace

bool IsPlainText(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      if (byte < 0x20 || byte == 0x7f) return false;
      ++i;
      continue;
    }
    std::size_t length = 0;
    char32_t code = 0;
    char32_t min = 0;
    if ((byte & 0xe0) == 0xc0) {
      length = 2, code = byte & 0x1f, min = 0x80;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3, code = byte & 0x0f, min = 0x800;
    } else if ((byte & 0xf8) == 0xf0) {
      length = 4, code = byte & 0x07, min = 0x10000;
    } else {
      return false;  // a continuation byte without a lead, or 0xf8..0xff
    }
    if (text.size() - i < length) return false;
    for (std::size_t k = 1; k < length; ++k) {
      auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xc0) != 0x80) return false;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    // C1 controls (U+0080..U+009F) are control characters too.
    if (code <= 0x9f) return false;
    i += length;
  }
  return true;
}

std::optional<projections::Value> ParseColumnValue(ColumnType type, std::string_view text) {
  switch (type) {
    case ColumnType::kText:
      if (!text.empty()) return projections::Value(std::string(text));
      break;
    case ColumnType::kInteger:
      if (auto number = ParseDecimal<std::int64_t>(text)) return projections::Value(*number);
      break;
    case ColumnType::kBoolean:
      if (text == "true" || text == "false") return projections::Value(text == "true");
      break;
    case ColumnType::kTimestamp:
      if (Result<Timestamp> t = ParseRfc3339(text); t.ok()) return projections::Value(*t);
      break;
    case ColumnType::kJson:
      break;
  }
  return std::nullopt;
}

Result<ListParams> ParseListParams(const Resource& resource, std::string_view query) {
  LEDGER_ASSIGN_OR_RETURN(Params params, DecodeQuery(query));
  ListParams out;
  if (std::optional<std::string> limit = Take(params, "limit")) {
    std::optional<std::size_t> n = ParseDecimal<std::size_t>(*limit);
    if (!n || *n < 1 || *n > kMaxPageLimit) {
      return InvalidArgument("limit: must be a number from 1 to " + std::to_string(kMaxPageLimit));
    }
    out.limit = *n;
  }
  if (std::optional<std::string> cursor = Take(params, "cursor")) {
    LEDGER_ASSIGN_OR_RETURN(out.after, DecodeCursor(resource, *cursor));
  }
  LEDGER_RETURN_IF_ERROR(TakeMinPosition(params, out.min_position));
  LEDGER_RETURN_IF_ERROR(TakeFilters(resource, params, out.filters));
  LEDGER_RETURN_IF_ERROR(RejectLeftovers(params, Allowed(resource)));
  return out;
}

Result<DetailParams> ParseDetailParams(const Resource& resource, std::string_view query) {
  LEDGER_ASSIGN_OR_RETURN(Params params, DecodeQuery(query));
  DetailParams out;
  LEDGER_RETURN_IF_ERROR(TakeMinPosition(params, out.min_position));
  if (std::optional<std::string> as_of = Take(params, "as_of")) {
    if (!resource.detail->as_of) return InvalidArgument("as_of is not supported on this route");
    Result<Timestamp> t = ParseRfc3339(*as_of);
    if (!t.ok()) return InvalidArgument("as_of: must be an RFC 3339 time (2026-11-23T08:30:00Z)");
    out.as_of = *t;
  }
  LEDGER_RETURN_IF_ERROR(
      RejectLeftovers(params, resource.detail->as_of ? "min_position, as_of" : "min_position"));
  return out;
}

}  // namespace ledger::query
