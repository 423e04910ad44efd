// PrintifyOrderApi: the one call the order-submission job makes to Printify, as a narrow
// interface so that jobs/kinds never sees HTTP (the implementation is
// adapters/printify/api_client.h; tests run it against a fake server on loopback).
#ifndef LEDGER_JOBS_KINDS_PRINTIFY_API_H_
#define LEDGER_JOBS_KINDS_PRINTIFY_API_H_

#include <cstdint>
#include <string>
#include <vector>

#include "engine/result.h"

namespace ledger::jobs::kinds {

// One line of a Printify order: either a catalog product and variant, or a SKU.
struct PrintifyLineItem {
  std::string product_id;  // with variant_id; empty when `sku` is used
  std::int64_t variant_id = 0;
  std::string sku;            // instead of product_id + variant_id
  std::int64_t quantity = 1;  // >= 1
};

// Printify's address_to. Personal data: never logged.
struct PrintifyAddress {
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  std::string country;  // ISO 3166-1 alpha-2
  std::string region;
  std::string address1;
  std::string address2;
  std::string city;
  std::string zip;
};

struct PrintifyOrder {
  // Printify refuses a second order with an external_id it already holds, which is what
  // makes a repeated attempt harmless; the job passes its job id.
  std::string external_id;
  std::string label;  // shown in Printify's dashboard: the ledger's order id
  std::vector<PrintifyLineItem> line_items;
  std::int64_t shipping_method = 1;  // 1 standard, 2 priority, 3 express, 4 economy
  bool send_shipping_notification = false;
  PrintifyAddress address_to;
};

// What Printify answered, whatever the status: classifying it is the caller's business.
struct PrintifyReply {
  int http_status = 0;
  std::string printify_order_id;  // 2xx: the "id" of the created order (empty if absent)
  std::string error;              // otherwise: Printify's error body, truncated
};

class PrintifyOrderApi {
 public:
  virtual ~PrintifyOrderApi() = default;

  // POST /v1/shops/{shop_id}/orders.json. Errors: Unavailable when no answer came (connection
  // refused, timeout, connection dropped): the order may or may not exist at Printify;
  // InvalidArgument when the request cannot be made (e.g. a misconfigured base URL).
  // Thread-safe: called from worker threads concurrently.
  virtual Result<PrintifyReply> CreateOrder(std::int64_t shop_id, const PrintifyOrder& order) = 0;
};

}  // namespace ledger::jobs::kinds

#endif  // LEDGER_JOBS_KINDS_PRINTIFY_API_H_
