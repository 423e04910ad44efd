#include "commands/intake/customer_id.h"

#include "commands/intake/json_view.h"
#include "engine/sha256.h"

namespace ledger::commands::intake {
namespace {

namespace json = boost::json;

constexpr std::size_t kGuestHexDigits = 32;

std::string EmailOf(const json::object& o) {
  if (const json::object* details = ObjectAt(o, "customer_details")) {
    if (std::string email = StringAt(*details, "email"); !email.empty()) return email;
  }
  for (std::string_view key : {"customer_email", "receipt_email"}) {
    if (std::string email = StringAt(o, key); !email.empty()) return email;
  }
  if (const json::object* billing = ObjectAt(o, "billing_details")) {
    return StringAt(*billing, "email");
  }
  return "";
}

}  // namespace

std::string_view CustomerSourceName(CustomerSource source) {
  switch (source) {
    case CustomerSource::kObject: return "object";
    case CustomerSource::kEmail: return "email";
    case CustomerSource::kStripeCustomer: return "stripe_customer";
  }
  return "object";
}

std::string GuestIdForEmail(std::string_view email) {
  std::size_t begin = email.find_first_not_of(" \t\r\n");
  std::size_t end = email.find_last_not_of(" \t\r\n");
  std::string folded;
  if (begin != std::string_view::npos) folded = email.substr(begin, end - begin + 1);
  for (char& c : folded) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return "guest_" + HexEncode(Sha256::Of(folded)).substr(0, kGuestHexDigits);
}

CustomerRef StripeCustomer(const json::object& object, std::string_view fallback_id) {
  std::string customer = IdAt(object, "customer");
  if (customer.rfind("cus_", 0) == 0) return {customer, CustomerSource::kStripeCustomer};
  if (std::string email = EmailOf(object); !email.empty()) {
    return {GuestIdForEmail(email), CustomerSource::kEmail};
  }
  return {"guest_" + std::string(fallback_id), CustomerSource::kObject};
}

}  // namespace ledger::commands::intake
