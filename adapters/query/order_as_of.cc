#include "adapters/query/order_as_of.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/query/row_json.h"
#include "engine/time.h"
#include "queries/stream_fold.h"

namespace ledger::query {
namespace {

namespace json = boost::json;

http::HttpResponse Failure(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return http::ErrorResponse(400, "invalid_argument", status.message());
    case StatusCode::kUnavailable: {
      http::HttpResponse response =
          http::ErrorResponse(503, "unavailable", "the store is unavailable; retry shortly");
      response.headers.push_back({"Retry-After", "1"});
      return response;
    }
    default:
      return http::ErrorResponse(500, "internal", "the order could not be folded");
  }
}

}  // namespace

AsOfHandler OrderAsOfHandler(EventStore& events) {
  return [&events](const AsOfRequest& request, const http::ServiceContext&) -> http::HttpResponse {
    Result<std::optional<queries::OrderAsOf>> folded =
        queries::FoldOrderAsOf(events, request.scope, request.id, request.as_of);
    if (!folded.ok()) return Failure(folded.status());
    if (!folded->has_value()) {
      return http::ErrorResponse(404, "not_found", request.resource->name +
                                                       ": nothing found under '" + request.id +
                                                       "'");
    }
    const queries::OrderAsOf& order = **folded;
    Result<json::object> body = RowToJson(order.order);
    if (!body.ok()) return Failure(body.status());
    json::array lines;
    for (const projections::Row& line : order.lines) {
      Result<json::object> object = RowToJson(line);
      if (!object.ok()) return Failure(object.status());
      lines.push_back(std::move(*object));
    }
    (*body)["lines"] = std::move(lines);
    (*body)["as_of"] = FormatRfc3339(request.as_of);
    (*body)["position"] = order.position.value();
    return http::JsonResponse(200, json::serialize(*body));
  };
}

}  // namespace ledger::query
