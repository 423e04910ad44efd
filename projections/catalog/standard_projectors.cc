#include "projections/catalog/standard_projectors.h"

#include <algorithm>

#include "projections/canary/canary_projectors.h"
#include "projections/content/content_projectors.h"
#include "projections/jobs/jobs_projectors.h"
#include "projections/orders/order_projectors.h"

namespace ledger::projections {

StandardProjectors::StandardProjectors() {
  for (auto make :
       {&MakeOrderProjectors, &MakeContentProjectors, &MakeCanaryProjectors, &MakeJobProjectors}) {
    for (auto& projector : make()) owned_.push_back(std::move(projector));
  }
  for (auto& projector : owned_) pointers_.push_back(projector.get());
}

Result<std::vector<Projector*>> StandardProjectors::Select(
    std::span<const std::string> names) const {
  if (names.empty()) return pointers_;
  std::vector<Projector*> selected;
  for (const std::string& name : names) {
    auto it = std::find_if(pointers_.begin(), pointers_.end(),
                           [&](Projector* p) { return p->name() == name; });
    if (it == pointers_.end()) {
      std::string known;
      for (Projector* p : pointers_) known += (known.empty() ? "" : ", ") + std::string(p->name());
      return InvalidArgument("unknown projector \"" + name + "\"; known: " + known);
    }
    if (std::find(selected.begin(), selected.end(), *it) == selected.end()) selected.push_back(*it);
  }
  return selected;
}

}  // namespace ledger::projections
