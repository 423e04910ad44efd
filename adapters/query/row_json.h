// A read-model row as the query API shows it (docs/api.md, "Queries"): a JSON object with
// every column of the row's table by name, in declaration order, except tenant_id (the
// caller's own tenant, from the token). NULL is null, integers are numbers, booleans are
// booleans, times are RFC 3339 in UTC with microseconds ("2026-11-23T08:30:00.000000Z"), and
// JSON columns are inline documents, not strings.
#ifndef LEDGER_ADAPTERS_QUERY_ROW_JSON_H_
#define LEDGER_ADAPTERS_QUERY_ROW_JSON_H_

#include <boost/json/object.hpp>
#include <span>
#include <string>

#include "engine/result.h"
#include "projections/read_model.h"

namespace ledger::query {

// Appends the row's JSON text to `out`. This is the one definition of the format: a list page
// writes its rows straight into the response body with it, with no document in between (the
// page's CPU was mostly building and freeing that document; docs/performance.md, "Query API").
// Internal if a JSON column holds text that does not parse (stored documents are written
// minified by projectors, so that would be a bug or a damaged store, not bad input); `out` may
// then hold part of the row.
Status AppendRowJson(const projections::Row& row, std::string& out);

// The rows as a JSON array's text, appended to `out`.
Status AppendRowsJson(std::span<const projections::Row> rows, std::string& out);

// The same row as a document, for responses that add fields to it.
Result<boost::json::object> RowToJson(const projections::Row& row);

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_ROW_JSON_H_
