#include "projections/orders/order_projectors.h"

namespace ledger::projections {

std::vector<std::unique_ptr<Projector>> MakeOrderProjectors() {
  std::vector<std::unique_ptr<Projector>> projectors;
  projectors.push_back(orders::MakeOrdersProjector());
  projectors.push_back(orders::MakePaymentsProjector());
  projectors.push_back(orders::MakeProviderEventsProjector());
  return projectors;
}

}  // namespace ledger::projections
