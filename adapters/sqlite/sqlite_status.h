// How a failed SQLite call becomes a Status (engine/status.h), in one place, so every caller
// gives the same code for the same failure:
//
//   SQLITE_BUSY, SQLITE_LOCKED  -> Unavailable: another writer held the file longer than the
//                                  busy timeout; retrying the same call later is right.
//   SQLITE_NOTADB               -> FailedPrecondition: the path is not a SQLite database.
//   SQLITE_CORRUPT              -> DataLoss: the file does not verify; stop and report.
//   anything else               -> Internal, with SQLite's own message.
//
// Constraint violations are Internal here; the callers that can meet one on purpose (an
// insert into events) translate it themselves, because only they know what it means.
#ifndef LEDGER_ADAPTERS_SQLITE_SQLITE_STATUS_H_
#define LEDGER_ADAPTERS_SQLITE_SQLITE_STATUS_H_

#include <string_view>

#include "engine/status.h"

struct sqlite3;  // SQLite's connection, kept out of headers (only .cc files include sqlite3.h)

namespace ledger::sqlite {

// REQUIRES: `rc` is the failing result of the latest call on `db` (so that sqlite3_errmsg
// describes it); `db` may be null when no connection exists yet. `doing` says what was being
// attempted ("preparing ...", "opening /var/lib/ledger.db").
Status SqliteError(sqlite3* db, int rc, std::string_view doing);

}  // namespace ledger::sqlite

#endif  // LEDGER_ADAPTERS_SQLITE_SQLITE_STATUS_H_
