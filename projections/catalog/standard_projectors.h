// Every projector the ledger runs (DESIGN.md section 7), in one list: what `ledger serve`
// follows the log with, `ledger rebuild` and `ledger replay` rebuild, and `ledger digest`
// hashes. A new read model is added here.
#ifndef LEDGER_PROJECTIONS_CATALOG_STANDARD_PROJECTORS_H_
#define LEDGER_PROJECTIONS_CATALOG_STANDARD_PROJECTORS_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "projections/projector.h"

namespace ledger::projections {

// Owns the projectors; `pointers()` is the form the runtime takes.
class StandardProjectors {
 public:
  StandardProjectors();

  std::span<Projector* const> pointers() const { return pointers_; }

  // The projectors named in `names` (all of them if `names` is empty), or InvalidArgument
  // naming the first unknown name and the known ones.
  Result<std::vector<Projector*>> Select(std::span<const std::string> names) const;

 private:
  std::vector<std::unique_ptr<Projector>> owned_;
  std::vector<Projector*> pointers_;
};

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_CATALOG_STANDARD_PROJECTORS_H_
