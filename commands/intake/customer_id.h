// Who an order or payment belongs to, for row-level security (DESIGN.md section 4).
//
// A Stripe customer id ("cus_...") when the object names one. Otherwise a guest id that is
// the same for every order of the same buyer and reveals nothing: "guest_" and the first 32
// hex digits of SHA-256 of the buyer's e-mail address (trimmed, ASCII-lowercased). An object
// with neither gets "guest_<object id>" (the session or PaymentIntent id): visible to admins,
// and to nobody else until a later event names the buyer.
#ifndef LEDGER_COMMANDS_INTAKE_CUSTOMER_ID_H_
#define LEDGER_COMMANDS_INTAKE_CUSTOMER_ID_H_

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace ledger::commands::intake {

// How sure a customer id is; a projector keeps the id of the highest source it has seen.
enum class CustomerSource { kObject = 1, kEmail = 2, kStripeCustomer = 3 };
std::string_view CustomerSourceName(CustomerSource source);  // "object", "email", "stripe_customer"

struct CustomerRef {
  std::string id;
  CustomerSource source = CustomerSource::kObject;
};

// The guest id for `email` (see above).
std::string GuestIdForEmail(std::string_view email);

// From a Stripe checkout session, PaymentIntent or charge: "customer", else the e-mail in
// customer_details / customer_email / receipt_email / billing_details, else `fallback_id`.
CustomerRef StripeCustomer(const boost::json::object& object, std::string_view fallback_id);

}  // namespace ledger::commands::intake

#endif  // LEDGER_COMMANDS_INTAKE_CUSTOMER_ID_H_
