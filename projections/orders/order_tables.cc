#include "projections/orders/order_tables.h"

namespace ledger::projections::orders {
namespace {

constexpr ColumnType kText = ColumnType::kText;
constexpr ColumnType kInt = ColumnType::kInteger;
constexpr ColumnType kBool = ColumnType::kBoolean;
constexpr ColumnType kTime = ColumnType::kTimestamp;
constexpr ColumnType kJson = ColumnType::kJson;

TableSpec MakeOrders() {
  TableSpec t;
  t.name = "orders";
  t.columns = {{"tenant_id", kText, false},
               {"order_id", kText, false},
               {"customer_id", kText},
               {"customer_source", kText},
               {"customer_email", kText},
               {"customer_name", kText},
               {"status", kText, false},
               {"payment_status", kText, false},
               {"fulfilment_status", kText, false},
               {"cancelled", kBool, false},
               {"amount_total_minor", kInt},
               {"amount_subtotal_minor", kInt},
               {"amount_shipping_minor", kInt},
               {"amount_discount_minor", kInt},
               {"amount_tax_minor", kInt},
               {"currency", kText},
               {"payment_intent_id", kText},
               {"client_reference_id", kText},
               {"shipping", kJson},
               {"printify_order_id", kText},
               {"carrier", kText},
               {"tracking_number", kText},
               {"created_at", kTime},
               {"expired_at", kTime},
               {"paid_at", kTime},
               {"payment_failed_at", kTime},
               {"submitted_at", kTime},
               {"in_production_at", kTime},
               {"shipped_at", kTime},
               {"delivered_at", kTime},
               {"cancelled_at", kTime},
               {"anomaly_count", kInt, false},
               {"last_anomaly", kText}};
  t.primary_key = {"tenant_id", "order_id"};
  t.customer_scoped = true;
  t.indexes = {{"tenant_id", "customer_id"},
               {"tenant_id", "payment_intent_id"},
               // status-filtered pages in key order (the query API's keyset) need no sort
               {"tenant_id", "status", "order_id"}};
  return t;
}

TableSpec MakeOrderLines() {
  TableSpec t;
  t.name = "order_lines";
  t.columns = {{"tenant_id", kText, false},
               {"order_id", kText, false},
               {"line_id", kText, false},
               {"customer_id", kText},
               {"source", kText, false},
               {"description", kText},
               {"quantity", kInt},
               {"amount_total_minor", kInt},
               {"currency", kText},
               {"price_id", kText},
               {"product_id", kText},
               {"sku", kText},
               {"fulfilment_status", kText, false},
               {"carrier", kText},
               {"tracking_number", kText},
               {"shipped_at", kTime},
               {"delivered_at", kTime}};
  t.primary_key = {"tenant_id", "order_id", "line_id"};
  t.customer_scoped = true;
  t.indexes = {{"tenant_id", "customer_id"}};
  return t;
}

TableSpec MakePayments() {
  TableSpec t;
  t.name = "payments";
  t.columns = {{"tenant_id", kText, false},
               {"payment_intent_id", kText, false},
               {"customer_id", kText},
               {"customer_source", kText},
               {"order_id", kText},
               {"status", kText, false},
               {"amount_minor", kInt},
               {"amount_received_minor", kInt},
               {"currency", kText},
               {"charge_id", kText},
               {"failure_code", kText},
               {"decline_code", kText},
               {"failure_message", kText},
               {"cancellation_reason", kText},
               {"refunded_minor", kInt, false},
               {"refund_status", kText, false},
               {"last_refund_id", kText},
               {"refunded_at", kTime},
               {"dispute_id", kText},
               {"dispute_status", kText},
               {"dispute_amount_minor", kInt},
               {"dispute_reason", kText},
               {"disputed_at", kTime},
               {"dispute_closed_at", kTime},
               {"early_fraud_warning", kBool, false},
               {"fraud_type", kText},
               {"fraud_warned_at", kTime},
               {"processing_at", kTime},
               {"succeeded_at", kTime},
               {"failed_at", kTime},
               {"canceled_at", kTime},
               {"anomaly_count", kInt, false},
               {"last_anomaly", kText}};
  t.primary_key = {"tenant_id", "payment_intent_id"};
  t.customer_scoped = true;
  t.indexes = {{"tenant_id", "customer_id"}, {"tenant_id", "order_id"}, {"tenant_id", "status"}};
  return t;
}

TableSpec MakeProviderEvents() {
  TableSpec t;
  t.name = "provider_events";
  t.columns = {{"tenant_id", kText, false},
               {"event_id", kText, false},
               {"provider", kText, false},
               {"provider_event_id", kText, false},
               {"event_type", kText, false},
               {"object_id", kText},
               {"stream_id", kText, false},
               {"received_at", kTime, false},
               {"provider_created_at", kTime},
               {"parse_error", kText},
               {"translated", kBool, false},
               {"deferred", kBool, false},
               {"domain_event_count", kInt, false},
               {"domain_event_types", kText}};
  t.primary_key = {"tenant_id", "event_id"};
  t.indexes = {{"tenant_id", "provider", "provider_event_id"},
               {"tenant_id", "received_at"},
               {"tenant_id", "event_type"}};
  return t;
}

}  // namespace

const TableSpec& OrdersTable() {
  static const TableSpec* spec = new TableSpec(MakeOrders());
  return *spec;
}

const TableSpec& OrderLinesTable() {
  static const TableSpec* spec = new TableSpec(MakeOrderLines());
  return *spec;
}

const TableSpec& PaymentsTable() {
  static const TableSpec* spec = new TableSpec(MakePayments());
  return *spec;
}

const TableSpec& ProviderEventsTable() {
  static const TableSpec* spec = new TableSpec(MakeProviderEvents());
  return *spec;
}

}  // namespace ledger::projections::orders
