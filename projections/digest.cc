#include "projections/digest.h"

#include <algorithm>

namespace ledger::projections {

Result<ReadModelDigest> ComputeDigest(ReadModelStore& rows, std::span<Projector* const> projectors) {
  std::vector<const TableSpec*> tables;
  for (Projector* projector : projectors) {
    for (const TableSpec& table : projector->tables()) tables.push_back(&table);
  }
  std::sort(tables.begin(), tables.end(),
            [](const TableSpec* a, const TableSpec* b) { return a->name < b->name; });

  ReadModelDigest out;
  Sha256 all;
  std::string line;
  for (const TableSpec* table : tables) {
    TableDigest part{.table = table->name};
    Sha256 one;
    line = "table " + table->name + "\n";
    all.Update(line);
    one.Update(line);
    LEDGER_RETURN_IF_ERROR(rows.Scan(*table, [&](const Row& row) {
      line.clear();
      for (std::size_t i = 0; i < row.values().size(); ++i) {
        if (i > 0) line += ',';
        line += CanonicalValue(row.values()[i]);
      }
      line += '\n';
      all.Update(line);
      one.Update(line);
      ++part.rows;
      return Status::Ok();
    }));
    part.digest = one.Finish();
    out.tables.push_back(std::move(part));
  }
  out.digest = all.Finish();
  return out;
}

std::string FormatDigest(const ReadModelDigest& digest) {
  std::string out = HexEncode(digest.digest) + "\n";
  for (const TableDigest& table : digest.tables) {
    out += "  " + table.table + " " + std::to_string(table.rows) + " " + HexEncode(table.digest) +
           "\n";
  }
  return out;
}

}  // namespace ledger::projections
