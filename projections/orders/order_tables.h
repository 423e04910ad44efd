// The tables of the order read models; docs/read-models.md documents every column.
// Every primary key starts with tenant_id; orders, order_lines and payments carry
// customer_id (customer_scoped), so row-level security shows a customer only their own.
#ifndef LEDGER_PROJECTIONS_ORDERS_ORDER_TABLES_H_
#define LEDGER_PROJECTIONS_ORDERS_ORDER_TABLES_H_

#include "projections/read_model.h"

namespace ledger::projections::orders {

const TableSpec& OrdersTable();          // (tenant_id, order_id)
const TableSpec& OrderLinesTable();      // (tenant_id, order_id, line_id)
const TableSpec& PaymentsTable();        // (tenant_id, payment_intent_id)
const TableSpec& ProviderEventsTable();  // (tenant_id, event_id)

}  // namespace ledger::projections::orders

#endif  // LEDGER_PROJECTIONS_ORDERS_ORDER_TABLES_H_
