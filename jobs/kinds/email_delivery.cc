#include "jobs/kinds/email_delivery.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "jobs/kinds/json_fields.h"

namespace ledger::jobs::kinds {
namespace {

namespace json = boost::json;

constexpr std::string_view kOrderPlaced = "order.placed";
constexpr std::string_view kWhere = "payload";

Result<json::object> ParseObject(std::string_view text, std::string_view what) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return InvalidArgument(std::string(what) + " is not a JSON object");
  return std::move(value.get_object());
}

// The sections every templated payload may carry: the address and the recipient's name.
struct Addressee {
  std::string to;
  std::string name;
};

Result<Addressee> AddresseeOf(const json::object& p) {
  Addressee a;
  LEDGER_ASSIGN_OR_RETURN(a.to, RequiredString(p, "to", kWhere));
  LEDGER_ASSIGN_OR_RETURN(a.name, OptionalString(p, "recipient_name", kWhere));
  return a;
}

Result<EmailToSend> EmailVerification(const EmailBrand& brand, const json::object& p) {
  LEDGER_ASSIGN_OR_RETURN(Addressee a, AddresseeOf(p));
  EmailVerificationModel m;
  m.recipient_name = a.name;
  LEDGER_ASSIGN_OR_RETURN(m.verification_url, RequiredString(p, "verification_url", kWhere));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::int64_t> hours,
                          OptionalInt(p, "expires_in_hours", kWhere));
  if (hours) m.expires_in_hours = *hours;
  return EmailToSend{a.to, RenderEmailVerification(brand, m)};
}

Result<EmailToSend> Welcome(const EmailBrand& brand, const json::object& p) {
  LEDGER_ASSIGN_OR_RETURN(Addressee a, AddresseeOf(p));
  WelcomeModel m;
  m.recipient_name = a.name;
  LEDGER_ASSIGN_OR_RETURN(m.shop_url, RequiredString(p, "shop_url", kWhere));
  return EmailToSend{a.to, RenderWelcome(brand, m)};
}

Result<EmailToSend> PasswordReset(const EmailBrand& brand, const json::object& p) {
  LEDGER_ASSIGN_OR_RETURN(Addressee a, AddresseeOf(p));
  PasswordResetModel m;
  m.recipient_name = a.name;
  LEDGER_ASSIGN_OR_RETURN(m.reset_url, RequiredString(p, "reset_url", kWhere));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::int64_t> minutes,
                          OptionalInt(p, "expires_in_minutes", kWhere));
  if (minutes) m.expires_in_minutes = *minutes;
  return EmailToSend{a.to, RenderPasswordReset(brand, m)};
}

Result<EmailToSend> DropSubscription(const EmailBrand& brand, const json::object& p) {
  LEDGER_ASSIGN_OR_RETURN(Addressee a, AddresseeOf(p));
  DropSubscriptionConfirmationModel m;
  m.recipient_name = a.name;
  LEDGER_ASSIGN_OR_RETURN(m.drop_name, RequiredString(p, "drop_name", kWhere));
  LEDGER_ASSIGN_OR_RETURN(m.send_time, RequiredString(p, "send_time", kWhere));
  LEDGER_ASSIGN_OR_RETURN(m.unsubscribe_url, RequiredString(p, "unsubscribe_url", kWhere));
  return EmailToSend{a.to, RenderDropSubscriptionConfirmation(brand, m)};
}

Result<EmailToSend> DailyDrop(const EmailBrand& brand, const json::object& p) {
  LEDGER_ASSIGN_OR_RETURN(Addressee a, AddresseeOf(p));
  DailyDropModel m;
  LEDGER_ASSIGN_OR_RETURN(m.drop_date, RequiredString(p, "drop_date", kWhere));
  LEDGER_ASSIGN_OR_RETURN(m.shop_url, RequiredString(p, "shop_url", kWhere));
  LEDGER_ASSIGN_OR_RETURN(m.unsubscribe_url, RequiredString(p, "unsubscribe_url", kWhere));
  const json::value* products = p.if_contains("products");
  if (products == nullptr || !products->is_array()) {
    return InvalidArgument("payload.products must be an array");
  }
  for (std::size_t i = 0; i < products->get_array().size(); ++i) {
    std::string where = "products[" + std::to_string(i) + "]";
    const json::object* item = products->get_array()[i].if_object();
    if (item == nullptr) return InvalidArgument(where + " is not an object");
    DropProductModel product;
    LEDGER_ASSIGN_OR_RETURN(product.name, RequiredString(*item, "name", where));
    LEDGER_ASSIGN_OR_RETURN(product.price, RequiredInt(*item, "price", where));
    LEDGER_ASSIGN_OR_RETURN(product.currency, RequiredString(*item, "currency", where));
    LEDGER_ASSIGN_OR_RETURN(product.url, RequiredString(*item, "url", where));
    m.products.push_back(std::move(product));
  }
  LEDGER_ASSIGN_OR_RETURN(RenderedEmail email, RenderDailyDrop(brand, m));
  return EmailToSend{a.to, std::move(email)};
}

// A member of an order.placed payload, leniently: the translator writes null for unknowns.
std::string TextAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}
std::int64_t IntAt(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

// Stripe's shipping_details {name, address {line1, line2, postal_code, city, state,
// country}} as the lines of a postal address.
std::vector<std::string> ShippingLines(const json::object& placed) {
  std::vector<std::string> lines;
  const json::value* shipping = placed.if_contains("shipping");
  if (shipping == nullptr || !shipping->is_object()) return lines;
  const json::object& s = shipping->get_object();
  auto add = [&](std::string line) {
    if (!line.empty()) lines.push_back(std::move(line));
  };
  add(TextAt(s, "name"));
  const json::value* address = s.if_contains("address");
  if (address == nullptr || !address->is_object()) return lines;
  const json::object& a = address->get_object();
  add(TextAt(a, "line1"));
  add(TextAt(a, "line2"));
  std::string locality;
  for (std::string_view key : {"postal_code", "city", "state"}) {
    std::string part = TextAt(a, key);
    if (part.empty()) continue;
    if (!locality.empty()) locality.push_back(' ');
    locality += part;
  }
  add(std::move(locality));
  add(TextAt(a, "country"));
  return lines;
}

JobResult Finish(Outcome outcome, std::string detail, json::object result) {
  return {outcome, std::move(detail), json::serialize(result)};
}

}  // namespace

std::string EmailJobKind(EmailTemplate t) { return "email." + std::string(EmailTemplateName(t)); }

std::string MessageIdFor(std::string_view job_id, std::string_view domain) {
  std::string id = "<";
  id.append(job_id).append("@").append(domain).append(">");
  return id;
}

Result<EmailToSend> OrderConfirmationFromHistory(const EmailBrand& brand,
                                                 std::span<const RecordedEvent> history,
                                                 std::string_view to_override) {
  const RecordedEvent* placed = nullptr;
  for (const RecordedEvent& e : history) {
    if (e.event_type == kOrderPlaced) {
      placed = &e;
      break;
    }
  }
  if (placed == nullptr) return NotFound("the order has no order.placed event yet");
  LEDGER_ASSIGN_OR_RETURN(json::object p, ParseObject(placed->payload, "order.placed payload"));
  OrderConfirmationModel m;
  m.order_id = TextAt(p, "order_id");
  m.customer_name = TextAt(p, "customer_name");
  m.currency = TextAt(p, "currency");
  m.amount_subtotal = IntAt(p, "amount_subtotal");
  m.amount_shipping = IntAt(p, "amount_shipping");
  m.amount_discount = IntAt(p, "amount_discount");
  m.amount_tax = IntAt(p, "amount_tax");
  m.amount_total = IntAt(p, "amount_total");
  if (const json::value* lines = p.if_contains("lines"); lines != nullptr && lines->is_array()) {
    for (const json::value& v : lines->get_array()) {
      const json::object* line = v.if_object();
      if (line == nullptr) continue;
      OrderLineModel l{TextAt(*line, "description"), IntAt(*line, "quantity"),
                       IntAt(*line, "amount_total")};
      if (l.description.empty()) l.description = "Item";
      m.lines.push_back(std::move(l));
    }
  }
  m.shipping_lines = ShippingLines(p);
  std::string to = to_override.empty() ? TextAt(p, "customer_email") : std::string(to_override);
  if (to.empty()) return InvalidArgument("the order names no customer_email and no 'to' given");
  LEDGER_ASSIGN_OR_RETURN(RenderedEmail email, RenderOrderConfirmation(brand, m));
  return EmailToSend{std::move(to), std::move(email)};
}

EmailDeliveryHandler::EmailDeliveryHandler(EmailTemplate email, MailTransport* transport,
                                           EventStore* store, EmailDeliveryOptions options)
    : email_(email),
      kind_(EmailJobKind(email)),
      transport_(transport),
      store_(store),
      options_(std::move(options)) {}

Result<EmailToSend> EmailDeliveryHandler::Prepare(const Job& job) const {
  LEDGER_ASSIGN_OR_RETURN(json::object p, ParseObject(job.payload, "payload"));
  const EmailBrand& brand = options_.brand;
  switch (email_) {
    case EmailTemplate::kEmailVerification:
      return EmailVerification(brand, p);
    case EmailTemplate::kWelcome:
      return Welcome(brand, p);
    case EmailTemplate::kPasswordReset:
      return PasswordReset(brand, p);
    case EmailTemplate::kDropSubscriptionConfirmation:
      return DropSubscription(brand, p);
    case EmailTemplate::kDailyDrop:
      return DailyDrop(brand, p);
    case EmailTemplate::kOrderConfirmation:
      break;
  }
  LEDGER_ASSIGN_OR_RETURN(std::string order_id, RequiredString(p, "order_id", kWhere));
  LEDGER_ASSIGN_OR_RETURN(std::string to, OptionalString(p, "to", kWhere));
  Result<std::vector<RecordedEvent>> history =
      store_->ReadStream(StreamId("order-" + order_id), StreamReadOptions{});
  if (!history.ok()) {
    // Reading is retried whatever the store said: the payload was validated above.
    return Unavailable("reading the order stream: " + history.status().ToString());
  }
  return OrderConfirmationFromHistory(brand, *history, to);
}

JobResult EmailDeliveryHandler::Run(const Job& job) {
  Result<EmailToSend> prepared = Prepare(job);
  if (!prepared.ok()) {
    const Status& s = prepared.status();
    bool transient = s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kNotFound;
    spdlog::warn("{} {}: not sent: {}", kind_, job.job_id, s.ToString());
    return {transient ? Outcome::kRetry : Outcome::kFailed, s.message(), "{}"};
  }
  std::string to = RedactAddress(prepared->to);
  OutgoingMail mail{prepared->to, MessageIdFor(job.job_id, options_.message_id_domain),
                    std::move(prepared->email.subject), std::move(prepared->email.text),
                    std::move(prepared->email.html)};
  json::object result{
      {"template", EmailTemplateName(email_)}, {"to", to}, {"message_id", mail.message_id}};
  Result<MailReply> reply = transport_->Send(mail);
  if (!reply.ok()) {
    spdlog::warn("{} {} to {}: {}", kind_, job.job_id, to, reply.status().ToString());
    bool transient = reply.status().code() == StatusCode::kUnavailable;
    return Finish(transient ? Outcome::kRetry : Outcome::kFailed,
                  "not sent to " + to + ": " + RedactAddressesIn(reply.status().message()),
                  std::move(result));
  }
  result["smtp_code"] = reply->smtp_code;
  std::string said =
      "the mail server answered " + std::to_string(reply->smtp_code) +
      (reply->detail.empty() ? ""
                             : " (" + Utf8Excerpt(RedactAddressesIn(reply->detail), 200) + ")");
  if (reply->smtp_code >= 200 && reply->smtp_code < 300) {
    spdlog::info("{} {}: sent to {} as {}", kind_, job.job_id, to, mail.message_id);
    return Finish(Outcome::kSucceeded, "sent to " + to + " as " + mail.message_id,
                  std::move(result));
  }
  spdlog::warn("{} {} to {}: {}", kind_, job.job_id, to, said);
  Outcome outcome =
      reply->smtp_code >= 400 && reply->smtp_code < 500 ? Outcome::kRetry : Outcome::kFailed;
  return Finish(outcome, "not sent to " + to + ": " + said, std::move(result));
}

std::vector<std::unique_ptr<JobHandler>> MakeEmailHandlers(MailTransport* transport,
                                                           EventStore* store,
                                                           const EmailDeliveryOptions& options) {
  std::vector<std::unique_ptr<JobHandler>> handlers;
  for (EmailTemplate t : AllEmailTemplates()) {
    handlers.push_back(std::make_unique<EmailDeliveryHandler>(t, transport, store, options));
  }
  return handlers;
}

}  // namespace ledger::jobs::kinds
