// The numbered migrations of each store and the rule for applying them.
//
// A store records every migration it has applied with the SHA-256 of its SQL. Opening or
// migrating a store compares that record with the migrations compiled into this binary:
// an applied migration whose SQL changed, or one this binary does not know (the store was
// migrated by a newer ledger), is refused rather than guessed at.
#ifndef LEDGER_SCHEMA_MIGRATIONS_H_
#define LEDGER_SCHEMA_MIGRATIONS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace ledger {

struct Migration {
  int number;              // 1, 2, 3 ... dense
  std::string_view name;   // "events"
  std::string_view sql;    // the whole file, run as one script in one transaction

  std::string Checksum() const;  // lowercase hex SHA-256 of sql
};

// In ascending number order.
std::span<const Migration> SqliteMigrations();
std::span<const Migration> PostgresMigrations();

struct AppliedMigration {
  int number;
  std::string name;
  std::string checksum;
};

// The migrations of `known` that `applied` lacks, in order. FailedPrecondition if an applied
// migration's checksum differs from the known one, or the store has applied one this binary
// does not know.
Result<std::vector<const Migration*>> PendingMigrations(std::span<const Migration> known,
                                                        std::span<const AppliedMigration> applied);

}  // namespace ledger

#endif  // LEDGER_SCHEMA_MIGRATIONS_H_
