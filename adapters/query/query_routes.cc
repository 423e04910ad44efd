#include "adapters/query/query_routes.h"

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <thread>
#include <utility>
#include <variant>

#include "adapters/auth/claims.h"
#include "adapters/auth/request_auth.h"
#include "adapters/http/router.h"
#include "adapters/query/cursor.h"
#include "adapters/query/query_params.h"
#include "adapters/query/row_json.h"

namespace ledger::query {
namespace {

namespace json = boost::json;
using projections::Row;

// Either the value a step produced or the response that ends the request.
template <typename T>
using Step = std::variant<T, http::HttpResponse>;

http::HttpResponse BadRequest(const Status& status) {
  return http::ErrorResponse(400, "invalid_argument", status.message());
}

// The same answer for "no such row" and "a row you may not see", so that ids cannot be probed.
http::HttpResponse NotFound(const Resource& resource, std::string_view id) {
  return http::ErrorResponse(404, "not_found",
                             resource.name + ": nothing found under '" + std::string(id) + "'");
}

// About what one read-model row takes as JSON text, to size a page's body up front.
constexpr std::size_t kRowTextEstimate = 768;

struct QueryService {
  std::shared_ptr<const auth::TokenVerifier> verifier;
  std::shared_ptr<queries::ReadModelReader> reader;
  QueryRouteOptions options;
  http::ServiceContext context;

  // An error of the reader or the checkpoints as a response: InvalidArgument 400, Unavailable
  // 503 with Retry-After, a stop 503, anything else 500. (FailedPrecondition, "no table yet",
  // is handled by the callers, since it means an empty result there.)
  http::HttpResponse ReaderError(const Status& status) const {
    if (status.code() == StatusCode::kInvalidArgument) return BadRequest(status);
    return http::StatusResponse(status, context.options->retry_after_seconds);
  }

  // The caller's scope, or 401/403.
  Step<queries::Scope> Authenticate(const Resource& resource,
                                    const http::HttpRequest& request) const {
    // AuthenticateRequest takes its roles as an initializer_list; the table's roles are a
    // vector, so the role is checked here, with the same 403 body.
    auth::Authentication authenticated = auth::AuthenticateRequest(*verifier, request);
    if (auto* refusal = std::get_if<http::HttpResponse>(&authenticated)) return std::move(*refusal);
    auth::Claims& claims = std::get<auth::Claims>(authenticated);
    if (!resource.Allows(claims.role)) {
      std::string allowed;
      for (std::string_view role : resource.roles) {
        allowed += (allowed.empty() ? "" : ", ") + std::string(role);
      }
      return http::ErrorResponse(403, "permission_denied",
                                 "role '" + claims.role + "' may not read " + resource.route +
                                     "; allowed roles: " + allowed);
    }
    queries::Scope scope{claims.tenant.value(), std::nullopt};
    if (claims.role == auth::kRoleCustomer) {
      // The verifier refuses such tokens already; a customer without an id must never fall
      // through to a tenant-wide scope, so this stays even though it should not happen.
      if (!claims.customer_id || claims.customer_id->empty()) {
        return http::ErrorResponse(403, "permission_denied",
                                   "a customer token must carry customer_id");
      }
      scope.customer_id = claims.customer_id;
    }
    return scope;
  }

  // The live checkpoint position of `projector` among `checkpoints`; 0 before its first commit.
  static GlobalPosition PositionOf(const std::vector<Checkpoint>& checkpoints,
                                   const std::string& projector) {
    for (const Checkpoint& c : checkpoints) {
      if (c.name == projector) return c.position;
    }
    return GlobalPosition(0);
  }

  Result<GlobalPosition> Position(const std::string& projector) const {
    Result<std::vector<Checkpoint>> checkpoints = reader->LoadCheckpoints();
    if (!checkpoints.ok()) {
      if (checkpoints.status().code() == StatusCode::kFailedPrecondition) return GlobalPosition(0);
      return checkpoints.status();
    }
    return PositionOf(*checkpoints, projector);
  }

  // Waits until the resource's table is at least at `min_position`: polls the checkpoints for
  // at most options.max_wait and never past the server's stop; then 503 not_caught_up.
  std::optional<http::HttpResponse> WaitFor(const Resource& resource,
                                            std::optional<GlobalPosition> min_position) const {
    if (!min_position) return std::nullopt;
    using Clock = std::chrono::steady_clock;
    Clock::time_point deadline = Clock::now() + options.max_wait;
    while (true) {
      Result<GlobalPosition> position = Position(resource.projector);
      if (!position.ok()) return ReaderError(position.status());
      if (*position >= *min_position) return std::nullopt;
      if (context.stopping && context.stopping()) {
        return ReaderError(Cancelled("the server is shutting down"));
      }
      if (Clock::now() >= deadline) {
        http::HttpResponse response = http::ErrorResponse(
            503, "not_caught_up",
            resource.name + " is at position " + std::to_string(position->value()) +
                "; min_position " + std::to_string(min_position->value()) + " not reached within " +
                std::to_string(options.max_wait.count()) + " ms");
        response.headers.push_back({"Retry-After", "1"});
        return response;
      }
      std::this_thread::sleep_for(std::min<Clock::duration>(options.poll, deadline - Clock::now()));
    }
  }

  // The rows of each query and the resource's position, read from one snapshot (one
  // transaction, one round trip on PostgreSQL), so that a detail never mixes two projector
  // commits and the position says how fresh exactly these rows are.
  struct Snapshot {
    std::vector<std::vector<Row>> lists;
    GlobalPosition position{0};
  };

  Step<Snapshot> Read(const Resource& resource, const queries::Scope& scope,
                      const std::vector<queries::ListQuery>& queries) const {
    Result<queries::ReadSet> set = reader->ReadTogether(scope, queries, true);
    if (set.ok()) {
      return Snapshot{std::move(set->lists), PositionOf(set->checkpoints, resource.projector)};
    }
    if (set.status().code() != StatusCode::kFailedPrecondition) return ReaderError(set.status());
    // A table no projector has created yet (a fresh store): each list on its own, a missing
    // table an empty list. The position first, so it never claims more than the rows show.
    Snapshot snapshot;
    Result<GlobalPosition> position = Position(resource.projector);
    if (!position.ok()) return ReaderError(position.status());
    snapshot.position = *position;
    for (const queries::ListQuery& query : queries) {
      Result<std::vector<Row>> rows = reader->List(scope, query);
      if (!rows.ok() && rows.status().code() != StatusCode::kFailedPrecondition) {
        return ReaderError(rows.status());
      }
      snapshot.lists.push_back(rows.ok() ? std::move(rows).value() : std::vector<Row>());
    }
    return snapshot;
  }

  http::HttpResponse List(const Resource& resource, const queries::Scope& scope,
                          ListParams params) const {
    if (auto refusal = WaitFor(resource, params.min_position)) return std::move(*refusal);
    std::vector<queries::ListQuery> queries;
    queries.push_back({.table = resource.table,
                       .filters = std::move(params.filters),
                       .order_by = resource.order_by,
                       .descending = resource.descending,
                       .after = std::move(params.after),
                       .limit = params.limit + 1});  // one more: is there a next page?
    Step<Snapshot> read = Read(resource, scope, queries);
    if (auto* refusal = std::get_if<http::HttpResponse>(&read)) return std::move(*refusal);
    Snapshot& snapshot = std::get<Snapshot>(read);
    std::vector<Row>& page = snapshot.lists.front();
    std::optional<std::string> next_cursor;
    if (page.size() > params.limit) {
      page.erase(page.begin() + static_cast<std::ptrdiff_t>(params.limit), page.end());
      next_cursor = EncodeCursor(resource, page.back());
    }
    // Written as text, with no document in between (row_json.h).
    std::string body = "{\"items\":";
    body.reserve(page.size() * kRowTextEstimate);
    if (Status written = AppendRowsJson(page, body); !written.ok()) return ReaderError(written);
    body += ",\"next_cursor\":";
    body += next_cursor ? json::serialize(json::string_view(*next_cursor)) : "null";
    body += ",\"position\":" + std::to_string(snapshot.position.value()) + "}";
    return http::JsonResponse(200, std::move(body));
  }

  // The row under `id` and its embedded rows, asked for together: the embedded queries are
  // keyed by the same id and scoped alike, so they are empty exactly when there is no row.
  http::HttpResponse Detail(const Resource& resource, const queries::Scope& scope,
                            const std::string& id, const DetailParams& params) const {
    if (auto refusal = WaitFor(resource, params.min_position)) return std::move(*refusal);
    const DetailRoute& detail = *resource.detail;
    const projections::TableSpec& table = *resource.table;
    std::optional<projections::Value> key =
        ParseColumnValue(table.columns[*table.ColumnIndex(detail.key_column)].type, id);
    if (!key) return NotFound(resource, id);  // no row can have it
    std::vector<queries::ListQuery> queries;
    queries.push_back({.table = &table,
                       .filters = {{detail.key_column, queries::FilterOp::kEqual, *key}},
                       .order_by = resource.order_by,
                       .descending = false,
                       .after = std::nullopt,
                       .limit = 1});
    for (const Embedded& embedded : detail.embedded) {
      // At most kMaxListLimit: an order's lines are a few.
      queries.push_back({.table = embedded.table,
                         .filters = {{embedded.key_column, queries::FilterOp::kEqual, *key}},
                         .order_by = embedded.order_by,
                         .descending = false,
                         .after = std::nullopt,
                         .limit = queries::kMaxListLimit});
    }
    Step<Snapshot> read = Read(resource, scope, queries);
    if (auto* refusal = std::get_if<http::HttpResponse>(&read)) return std::move(*refusal);
    Snapshot& snapshot = std::get<Snapshot>(read);
    if (snapshot.lists.front().empty()) return NotFound(resource, id);
    std::string body;
    if (Status written = AppendRowJson(snapshot.lists.front().front(), body); !written.ok()) {
      return ReaderError(written);
    }
    body.pop_back();  // the row object's closing brace: the embedded rows go inside it
    for (std::size_t i = 0; i < detail.embedded.size(); ++i) {
      body += ',' + json::serialize(json::string_view(detail.embedded[i].field)) + ':';
      if (Status written = AppendRowsJson(snapshot.lists[i + 1], body); !written.ok()) {
        return ReaderError(written);
      }
    }
    body += '}';
    return http::JsonResponse(200, std::move(body));
  }

  // Runs `work` (returning the response) on the blocking pool; an exception from a reader is
  // a 503, as the store is the likeliest thrower.
  void RunBlocking(std::function<http::HttpResponse()> work, const http::Responder& respond) const {
    context.run_blocking([this, work = std::move(work), respond] {
      try {
        respond(work());
      } catch (const std::exception& e) {
        respond(
            ReaderError(Unavailable(std::string("reading the read models threw: ") + e.what())));
      }
    });
  }
};

void HandleList(const std::shared_ptr<const QueryService>& service, const Resource& resource,
                const http::HttpRequest& request, const http::Responder& respond) {
  Step<queries::Scope> scope = service->Authenticate(resource, request);
  if (auto* refusal = std::get_if<http::HttpResponse>(&scope)) return respond(std::move(*refusal));
  Result<ListParams> params = ParseListParams(resource, request.query);
  if (!params.ok()) return respond(BadRequest(params.status()));
  service->RunBlocking(
      [service, &resource, scope = std::get<queries::Scope>(std::move(scope)),
       params = std::move(params).value()]() mutable {
        return service->List(resource, scope, std::move(params));
      },
      respond);
}

void HandleDetail(const std::shared_ptr<const QueryService>& service, const Resource& resource,
                  const http::HttpRequest& request, const http::Responder& respond) {
  Step<queries::Scope> scope = service->Authenticate(resource, request);
  if (auto* refusal = std::get_if<http::HttpResponse>(&scope)) return respond(std::move(*refusal));
  Result<DetailParams> params = ParseDetailParams(resource, request.query);
  if (!params.ok()) return respond(BadRequest(params.status()));
  auto id = request.params.find("id");
  if (id == request.params.end()) return respond(NotFound(resource, ""));
  // Not echoed: NotFound quotes the id, and these bytes would make its body invalid JSON.
  if (!IsPlainText(id->second)) {
    return respond(BadRequest(InvalidArgument("id: must be UTF-8 text without control characters")));
  }
  if (params->as_of) {
    if (!service->options.as_of) {
      return respond(BadRequest(InvalidArgument("as_of is not supported on this route")));
    }
    AsOfRequest as_of{&resource, std::get<queries::Scope>(std::move(scope)), id->second,
                      *params->as_of};
    return service->RunBlocking(
        [service, as_of = std::move(as_of)] {
          return service->options.as_of(as_of, service->context);
        },
        respond);
  }
  service->RunBlocking(
      [service, &resource, scope = std::get<queries::Scope>(std::move(scope)), id = id->second,
       params = *params] { return service->Detail(resource, scope, id, params); },
      respond);
}

}  // namespace

http::RouteRegistrar QueryRoutes(std::shared_ptr<const auth::TokenVerifier> verifier,
                                 std::shared_ptr<queries::ReadModelReader> reader,
                                 QueryRouteOptions options) {
  for (const Resource& resource : options.resources) {
    // Resources are code: an inconsistent one is a programming error, found at startup.
    if (std::string bad = ValidateResource(resource); !bad.empty()) {
      std::fprintf(stderr, "query resource is inconsistent: %s\n", bad.c_str());
      std::abort();
    }
  }
  return [verifier = std::move(verifier), reader = std::move(reader), options = std::move(options)](
             http::Router& router, const http::ServiceContext& context) {
    auto service =
        std::make_shared<const QueryService>(QueryService{verifier, reader, options, context});
    for (const Resource& resource : service->options.resources) {
      router.Add(
          "GET", resource.route,
          [service, &resource](const http::HttpRequest& request, const http::Responder& respond) {
            HandleList(service, resource, request, respond);
          });
      if (!resource.detail) continue;
      router.Add(
          "GET", resource.detail->route,
          [service, &resource](const http::HttpRequest& request, const http::Responder& respond) {
            HandleDetail(service, resource, request, respond);
          });
    }
  };
}

}  // namespace ledger::query
