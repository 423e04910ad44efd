#include "projections/content/content_projectors.h"

namespace ledger::projections {

std::vector<std::unique_ptr<Projector>> MakeContentProjectors() {
  std::vector<std::unique_ptr<Projector>> projectors;
  projectors.push_back(content::MakeProductsProjector());
  projectors.push_back(content::MakeScreeningDecisionsProjector());
  projectors.push_back(content::MakeQualityVerdictsProjector());
  return projectors;
}

}  // namespace ledger::projections
