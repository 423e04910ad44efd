#include "projections/orders/payload.h"

namespace ledger::projections::orders {

void SetIfGiven(Row& row, std::string_view column, const std::optional<std::string>& value) {
  if (value) row.SetText(column, *value);
}

void SetIfGiven(Row& row, std::string_view column, const std::optional<std::int64_t>& value) {
  if (value) row.SetInt(column, *value);
}

void SetIfGiven(Row& row, std::string_view column, const std::optional<Timestamp>& value) {
  if (value) row.SetTime(column, *value);
}

int CustomerSourceRank(std::string_view source) {
  if (source == "object") return 1;
  if (source == "email") return 2;
  if (source == "stripe_customer") return 3;
  return 0;
}

void MergeCustomer(Row& row, const Payload& p) {
  std::optional<std::string> id = p.String("customer_id");
  if (!id) return;
  std::string source = p.String("customer_source").value_or("");
  int current = row.IsNull("customer_id") ? -1 : CustomerSourceRank(row.Text("customer_source"));
  int incoming = CustomerSourceRank(source);
  // Equal sources keep the smaller id, so the outcome does not depend on arrival order.
  if (incoming > current || (incoming == current && *id < row.Text("customer_id"))) {
    row.SetText("customer_id", *id).SetText("customer_source", source);
  }
}

}  // namespace ledger::projections::orders
