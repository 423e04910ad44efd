// GET /v1/health (docs/api.md, "Ledger health"): what the console's health view shows, in
// one answer, for admin and operator tokens.
//
//   {"head_position": 1042,
//    "projections": [{"name":"orders","version":1,"position":1040,"events":812,"lag":2,
//                     "updated_at":"..."}, ...],
//    "jobs": {"queued":0,"running":1,"retrying":0,"dead_lettered":2} | null,
//    "last_seal": {"number":3,"last_position":1000,"sealed_at":"...","key_id":"..."} | null,
//    "checked_at": "..."}
//
// head_position is the log's largest global position (every tenant's events: positions are
// global, as the event feed documents; on SQLite it is the number of events stored), null when
// the store cannot tell. projections lists every checkpoint (projectors, the translator, the
// dispatcher, rebuilds as "<name>#rebuild"), lag = head_position - position. jobs counts the
// token's tenant's rows of the jobs read model by status (null before the jobs projector has
// created its table). last_seal is the last `ledger.sealed` event of the log (null: never
// sealed). Nothing here shows another tenant's data.
#ifndef LEDGER_ADAPTERS_CONSOLE_HEALTH_ROUTE_H_
#define LEDGER_ADAPTERS_CONSOLE_HEALTH_ROUTE_H_

#include <memory>

#include "adapters/auth/token_verifier.h"
#include "adapters/http/server_options.h"
#include "queries/read_model_reader.h"

namespace ledger::console {

// The log head and the seal come from the server's EventStore (ServiceContext::store);
// checkpoints and jobs from `reader`, which must be thread-safe and outlive the routes, as
// must `verifier`. Reads run on the blocking pool.
http::RouteRegistrar HealthRoute(std::shared_ptr<const auth::TokenVerifier> verifier,
                                 std::shared_ptr<queries::ReadModelReader> reader);

}  // namespace ledger::console

#endif  // LEDGER_ADAPTERS_CONSOLE_HEALTH_ROUTE_H_
