#include "adapters/console/health_route.h"

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "adapters/auth/request_auth.h"
#include "adapters/http/router.h"
#include "adapters/http/service_context.h"
#include "engine/time.h"
#include "projections/jobs/jobs_projectors.h"
#include "replay/seal.h"
#include "replay/seal_stream.h"

namespace ledger::console {
namespace {

namespace json = boost::json;

// The statuses of jobs that still need something: waiting, being run, waiting to be retried,
// or given up on. Succeeded jobs are history, not health, and would make the count grow with
// the log.
constexpr const char* kCountedJobStatuses[] = {
    projections::jobs::kStatusQueued, projections::jobs::kStatusRunning,
    projections::jobs::kStatusRetrying, projections::jobs::kStatusDeadLettered};

// How many of the tenant's jobs have `status`, a page of kMaxListLimit keys at a time.
Result<std::int64_t> CountJobs(queries::ReadModelReader& reader, const queries::Scope& scope,
                               const char* status) {
  queries::ListQuery query;
  query.table = &projections::jobs::JobsTable();
  query.filters = {{"status", queries::FilterOp::kEqual, std::string(status)}};
  query.order_by = {"job_id"};
  query.limit = queries::kMaxListLimit;
  std::int64_t count = 0;
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(std::vector<projections::Row> rows, reader.List(scope, query));
    count += static_cast<std::int64_t>(rows.size());
    if (rows.size() < query.limit) return count;
    query.after = projections::Key{rows.back().Get("job_id")};
  }
}

// The jobs object, or null before the jobs projector has created its table.
Result<json::value> JobCounts(queries::ReadModelReader& reader, const queries::Scope& scope) {
  json::object counts;
  for (const char* status : kCountedJobStatuses) {
    Result<std::int64_t> count = CountJobs(reader, scope, status);
    if (!count.ok() && count.status().code() == StatusCode::kFailedPrecondition) {
      return json::value(nullptr);
    }
    if (!count.ok()) return count.status();
    counts[status] = *count;
  }
  return json::value(std::move(counts));
}

Result<json::value> LastSeal(EventStore& store) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<RecordedEvent> event, replay::ReadLastSealEvent(store));
  if (!event) return json::value(nullptr);
  LEDGER_ASSIGN_OR_RETURN(replay::Seal seal, replay::SealFromEvent(*event));
  return json::value(json::object{{"number", seal.number},
                                  {"last_position", seal.last_position.value()},
                                  {"sealed_at", FormatRfc3339(seal.sealed_at)},
                                  {"key_id", seal.key_id}});
}

// REQUIRES: runs on the blocking pool (it reads both stores).
Result<json::object> ReadHealth(EventStore& store, queries::ReadModelReader& reader,
                                const queries::Scope& scope, Timestamp now) {
  // The head first: checkpoints read afterwards are at most that far behind it, so a lag is
  // never negative because of the order of the reads.
  LEDGER_ASSIGN_OR_RETURN(std::optional<GlobalPosition> head, store.HeadPosition());
  LEDGER_ASSIGN_OR_RETURN(std::vector<Checkpoint> checkpoints, reader.LoadCheckpoints());
  json::array projections;
  for (const Checkpoint& checkpoint : checkpoints) {
    json::object row{{"name", checkpoint.name},
                     {"version", checkpoint.version},
                     {"position", checkpoint.position.value()},
                     {"events", checkpoint.events},
                     {"updated_at", FormatRfc3339(checkpoint.updated_at)}};
    if (head && head->value() >= checkpoint.position.value()) {
      row["lag"] = head->value() - checkpoint.position.value();
    } else {
      row["lag"] = nullptr;  // no head known, or it moved on between the two reads
    }
    projections.push_back(std::move(row));
  }
  LEDGER_ASSIGN_OR_RETURN(json::value jobs, JobCounts(reader, scope));
  LEDGER_ASSIGN_OR_RETURN(json::value seal, LastSeal(store));
  json::object body;
  body["head_position"] = head ? json::value(head->value()) : json::value(nullptr);
  body["projections"] = std::move(projections);
  body["jobs"] = std::move(jobs);
  body["last_seal"] = std::move(seal);
  body["checked_at"] = FormatRfc3339(now);
  return body;
}

}  // namespace

http::RouteRegistrar HealthRoute(std::shared_ptr<const auth::TokenVerifier> verifier,
                                 std::shared_ptr<queries::ReadModelReader> reader) {
  return [verifier = std::move(verifier), reader = std::move(reader)](
             http::Router& router, const http::ServiceContext& context) {
    router.Add("GET", "/v1/health",
               [verifier, reader, context](const http::HttpRequest& request,
                                           const http::Responder& respond) {
                 auth::Authentication auth = auth::AuthenticateRequest(
                     *verifier, request, {commands::kRoleAdmin, commands::kRoleOperator});
                 if (auto* refusal = std::get_if<http::HttpResponse>(&auth)) {
                   return respond(std::move(*refusal));
                 }
                 if (!request.query.empty()) {
                   return respond(http::ErrorResponse(400, "invalid_argument",
                                                      "/v1/health takes no query parameters"));
                 }
                 const int retry = context.options->retry_after_seconds;
                 if (context.stopping()) {
                   return respond(
                       http::StatusResponse(Cancelled("the server is shutting down"), retry));
                 }
                 queries::Scope scope{std::get<auth::Claims>(auth).tenant.value(), std::nullopt};
                 context.run_blocking([context, reader, scope, retry, respond] {
                   Result<json::object> health =
                       ReadHealth(*context.store, *reader, scope, context.clock->Now());
                   if (!health.ok()) return respond(http::StatusResponse(health.status(), retry));
                   respond(http::JsonResponse(200, json::serialize(*health)));
                 });
               });
  };
}

}  // namespace ledger::console
