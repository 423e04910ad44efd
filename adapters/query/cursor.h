// Page cursors of the query API (docs/api.md, "Queries"): where the next page of a list
// starts. A cursor is base64url without padding of a small JSON object,
//
//   {"resource":"orders","order":["order_id"],"descending":false,"after":["ord_41"]}
//
// naming the resource, its page order, and the order_by values of the last row of the page it
// ended (text as strings, integers as numbers, booleans, times as RFC 3339 strings). It is
// opaque to clients but not secret or signed: it holds only values of a row the caller has
// already seen, and is checked like any other input when it comes back. It carries no scope:
// a cursor is a position in an order, and the request's token decides which rows follow.
#ifndef LEDGER_ADAPTERS_QUERY_CURSOR_H_
#define LEDGER_ADAPTERS_QUERY_CURSOR_H_

#include <optional>
#include <string>
#include <string_view>

#include "adapters/query/resources.h"
#include "engine/result.h"
#include "projections/read_model.h"

namespace ledger::query {

// The cursor that continues `resource`'s list after `last_row` (a row of resource.table).
std::string EncodeCursor(const Resource& resource, const projections::Row& last_row);

// The order_by values (ListQuery::after) a cursor of `resource` carries. InvalidArgument,
// the message starting "cursor: ", if it is not base64url, not the JSON above, made for
// another resource or order, or holds values that do not fit the order's columns.
Result<projections::Key> DecodeCursor(const Resource& resource, std::string_view cursor);

// base64url (RFC 4648 section 5) without padding, and back; nullopt for text that is not
// exactly that (padding, '+', '/', whitespace, an impossible length).
std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace ledger::query

#endif  // LEDGER_ADAPTERS_QUERY_CURSOR_H_
