#include "schema/migrations.h"

#include <algorithm>

#include "engine/sha256.h"

namespace ledger {
namespace internal {
// Defined in the generated embedded_migrations.cc.
extern const Migration kSqliteMigrations[];
extern const std::size_t kSqliteMigrationsCount;
extern const Migration kPostgresMigrations[];
extern const std::size_t kPostgresMigrationsCount;
}  // namespace internal

std::string Migration::Checksum() const { return HexEncode(Sha256::Of(sql)); }

std::span<const Migration> SqliteMigrations() {
  return {internal::kSqliteMigrations, internal::kSqliteMigrationsCount};
}

std::span<const Migration> PostgresMigrations() {
  return {internal::kPostgresMigrations, internal::kPostgresMigrationsCount};
}

Result<std::vector<const Migration*>> PendingMigrations(std::span<const Migration> known,
                                                        std::span<const AppliedMigration> applied) {
  for (const AppliedMigration& a : applied) {
    auto it = std::find_if(known.begin(), known.end(),
                           [&](const Migration& m) { return m.number == a.number; });
    if (it == known.end()) {
      return FailedPrecondition("the store has migration " + std::to_string(a.number) + " (" +
                                a.name + "), which this ledger binary does not know; it was "
                                "migrated by a newer version");
    }
    if (it->Checksum() != a.checksum) {
      return FailedPrecondition("migration " + std::to_string(a.number) + " (" + a.name +
                                ") was changed after it was applied (checksum " + a.checksum +
                                ", now " + it->Checksum() + "); add a new migration instead");
    }
  }
  std::vector<const Migration*> pending;
  for (const Migration& m : known) {
    bool done = std::any_of(applied.begin(), applied.end(),
                            [&](const AppliedMigration& a) { return a.number == m.number; });
    if (!done) pending.push_back(&m);
  }
  return pending;
}

}  // namespace ledger
