// The read-model digest (DESIGN.md section 7, docs/read-models.md "Digest"): one SHA-256 over
// every row of every table of the given projectors, in a canonical form, so that the same
// events give the same digest on every backend and every run.
//
// What is hashed, in order: for each table, sorted by name, the line "table <name>\n"; then for
// each row in primary-key order (ReadModelStore::Scan), the CanonicalValue of every column in
// declaration order, joined by ',' and ended by '\n'. Checkpoints are not part of it: two
// stores that processed the same events at different batch sizes still agree.
#ifndef LEDGER_PROJECTIONS_DIGEST_H_
#define LEDGER_PROJECTIONS_DIGEST_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/sha256.h"
#include "projections/projector.h"
#include "projections/read_model_store.h"

namespace ledger::projections {

struct TableDigest {
  std::string table;
  std::uint64_t rows = 0;
  Sha256Digest digest{};  // of this table's part of the input alone
};

struct ReadModelDigest {
  Sha256Digest digest{};
  std::vector<TableDigest> tables;  // sorted by name
};

Result<ReadModelDigest> ComputeDigest(ReadModelStore& rows, std::span<Projector* const> projectors);

// "<hex digest>" followed by one "  <table> <rows> <hex>" line per table.
std::string FormatDigest(const ReadModelDigest& digest);

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_DIGEST_H_
