// The query string of a query route (docs/api.md, "Queries", "Parameters"), read strictly: the
// string is percent-decoded with Boost.URL ('+' is a literal plus, not a space, so RFC 3339
// offsets like +01:00 survive unencoded), and an unknown parameter, a repeated one or a
// malformed value is InvalidArgument whose message starts with the parameter's name. Being
// strict means a typo (`stauts=paid`) is an error rather than an unfiltered list.
#ifndef LEDGER_ADAPTERS_QUERY_QUERY_PARAMS_H_
#define LEDGER_ADAPTERS_QUERY_QUERY_PARAMS_H_

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "adapters/query/resources.h"
#include "engine/ids.h"
#include "engine/result.h"
#include "projections/read_model.h"
#include "queries/list_query.h"

namespace ledger::query {

inline constexpr std::size_t kDefaultPageLimit = 50;
inline constexpr std::size_t kMaxPageLimit = 500;

struct ListParams {
  std::size_t limit = kDefaultPageLimit;       // limit: 1..kMaxPageLimit
  std::optional<projections::Key> after;       // cursor, decoded (cursor.h)
  std::vector<queries::Filter> filters;        // the resource's filters that were given
  std::optional<GlobalPosition> min_position;  // min_position
};

struct DetailParams {
  std::optional<GlobalPosition> min_position;
  std::optional<Timestamp> as_of;  // only where the detail route offers it
};

Result<ListParams> ParseListParams(const Resource& resource, std::string_view query);
// REQUIRES: resource.detail.
Result<DetailParams> ParseDetailParams(const Resource& resource, std::string_view query);

// True if `text` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF)
// without control characters. Every decoded name, value and path id must be: the read models
// hold only such text, PostgreSQL refuses invalid UTF-8 and NUL in a parameter (which would
// surface as a 500), and an error message that echoed such bytes would not be valid JSON.
bool IsPlainText(std::string_view text);

// `text` as a value of a column of `type`: text as is (not empty), a decimal integer,
// true/false, an RFC 3339 time; nullopt if it is not one (JSON columns take no values).
std::optional<projections::Value> ParseColumnValue(projections::ColumnType type,
                                                   std::string_view text);

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_QUERY_PARAMS_H_
