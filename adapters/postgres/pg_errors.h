// How PostgreSQL errors become ledger Status codes (engine/status.h), in one place.
//
//   connection lost, class 08, 57P01-57P03, 53300  -> Unavailable (retry the call)
//   40001 serialization, 40P01 deadlock, 55P03     -> Unavailable (the store retries first)
//   23505 unique violation                         -> AlreadyExists
//   22xxx data exception, 23514 check              -> InvalidArgument
//   42501 permission, 42P01/42704/42883 missing    -> FailedPrecondition (roles, migrations)
//   23001/P0001 refused by a ledger trigger        -> FailedPrecondition
//   anything else                                  -> Internal
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_ERRORS_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_ERRORS_H_

#include <string>
#include <string_view>

#include "engine/status.h"

namespace ledger::pg {

// The parts of a server error the store acts on.
struct PgError {
  std::string sqlstate;    // "40P01"; empty when the connection failed
  std::string constraint;  // for integrity violations: "events_event_id_key"
  std::string message;     // the server's primary message (never the connection URL)
};

Status StatusFromError(const PgError& error);

// Errors after which the same transaction, run again from the start, may succeed.
bool IsTransient(const PgError& error);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_ERRORS_H_
