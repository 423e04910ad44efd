#include "adapters/query/order_as_of.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/http/server_options.h"
#include "adapters/query/row_json.h"
#include "engine/time.h"
#include "queries/stream_fold.h"

namespace ledger::query {

namespace json = boost::json;

AsOfHandler OrderAsOfHandler(EventStore& events) {
  return [&events](const AsOfRequest& request,
                   const http::ServiceContext& context) -> http::HttpResponse {
    auto failure = [&](const Status& status) {
      return http::StatusResponse(status, context.options->retry_after_seconds);
    };
    Result<std::optional<queries::OrderAsOf>> folded =
        queries::FoldOrderAsOf(events, request.scope, request.id, request.as_of);
    if (!folded.ok()) return failure(folded.status());
    if (!folded->has_value()) {
      return http::ErrorResponse(404, "not_found", request.resource->name +
                                                       ": nothing found under '" + request.id +
                                                       "'");
    }
    const queries::OrderAsOf& order = **folded;
    Result<json::object> body = RowToJson(order.order);
    if (!body.ok()) return failure(body.status());
    json::array lines;
    for (const projections::Row& line : order.lines) {
      Result<json::object> object = RowToJson(line);
      if (!object.ok()) return failure(object.status());
      lines.push_back(std::move(*object));
    }
    (*body)["lines"] = std::move(lines);
    (*body)["as_of"] = FormatRfc3339(request.as_of);
    (*body)["position"] = order.position.value();
    return http::JsonResponse(200, json::serialize(*body));
  };
}

}  // namespace ledger::query
