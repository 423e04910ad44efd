#include "adapters/sqlite/sqlite_status.h"

#include <sqlite3.h>

#include <string>

namespace ledger::sqlite {

Status SqliteError(sqlite3* db, int rc, std::string_view doing) {
  // sqlite3_errmsg names the failure precisely (the constraint, the trigger's RAISE text);
  // sqlite3_errstr is the generic text of the code, for when there is no connection.
  std::string detail = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message =
      std::string(doing) + ": " + detail + " (sqlite code " + std::to_string(rc) + ")";
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Unavailable(message + "; another writer held the database past the busy timeout");
    case SQLITE_NOTADB:
      return FailedPrecondition(message);
    case SQLITE_CORRUPT:
      return DataLoss(message);
    default:
      return Internal(message);
  }
}

}  // namespace ledger::sqlite
