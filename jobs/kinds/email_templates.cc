#include "jobs/kinds/email_templates.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <kainjow/mustache.hpp>

namespace ledger::jobs::kinds {
namespace {

namespace mu = kainjow::mustache;

// Each email is three templates. The HTML body is wrapped in kHtmlHead ... kHtmlFoot.
struct Templates {
  const char* subject;
  const char* text;
  const char* html;
};

constexpr const char* kGreetingText =
    "{{#has_name}}Hello {{recipient_name}},{{/has_name}}{{^has_name}}Hello,{{/has_name}}\n\n";
constexpr const char* kGreetingHtml =
    "<p>{{#has_name}}Hello {{recipient_name}},{{/has_name}}{{^has_name}}Hello,{{/has_name}}"
    "</p>\n";
constexpr const char* kSignatureText =
    "\n-- \n{{store_name}}{{#has_support}}\nQuestions? Write to {{support_email}}."
    "{{/has_support}}\n";

constexpr const char* kHtmlHead =
    "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{{subject}}</title></head>\n"
    "<body style=\"font-family: sans-serif; color: #222;\">\n";
constexpr const char* kHtmlFoot =
    "<p style=\"color: #777; font-size: small;\">{{store_name}}{{#has_support}} &middot; "
    "Questions? Write to <a href=\"mailto:{{support_email}}\">{{support_email}}</a>."
    "{{/has_support}}</p>\n</body></html>\n";

const Templates kEmailVerification{
    "Confirm your email address for {{store_name}}",
    "Please confirm your email address by opening this link:\n\n{{verification_url}}\n\n"
    "The link expires in {{expires_in_hours}} hours. If you did not sign up, ignore this "
    "message.\n",
    "<p>Please confirm your email address:</p>\n"
    "<p><a href=\"{{verification_url}}\">Confirm my email address</a></p>\n"
    "<p>The link expires in {{expires_in_hours}} hours. If you did not sign up, ignore this "
    "message.</p>\n"};

const Templates kWelcome{
    "Welcome to {{store_name}}",
    "Your account is ready. Browse the shop at {{shop_url}}\n\n"
    "Every morning we publish a new drop; subscribe in your account to hear about it first.\n",
    "<p>Your account is ready. <a href=\"{{shop_url}}\">Browse the shop</a>.</p>\n"
    "<p>Every morning we publish a new drop; subscribe in your account to hear about it "
    "first.</p>\n"};

const Templates kPasswordReset{
    "Reset your {{store_name}} password",
    "Someone asked to reset the password of your account. To choose a new one, open:\n\n"
    "{{reset_url}}\n\nThe link expires in {{expires_in_minutes}} minutes. If it was not you, "
    "ignore this message: your password stays as it is.\n",
    "<p>Someone asked to reset the password of your account.</p>\n"
    "<p><a href=\"{{reset_url}}\">Choose a new password</a></p>\n"
    "<p>The link expires in {{expires_in_minutes}} minutes. If it was not you, ignore this "
    "message: your password stays as it is.</p>\n"};

const Templates kOrderConfirmation{
    "Your {{store_name}} order {{order_id}}",
    "Thank you for your order {{order_id}}.\n\n"
    "{{#lines}}{{quantity}} x {{description}}  {{amount}}\n{{/lines}}\n"
    "\nSubtotal: {{subtotal}}\n"
    "{{#has_shipping}}Shipping: {{shipping}}\n{{/has_shipping}}"
    "{{#has_discount}}Discount: -{{discount}}\n{{/has_discount}}"
    "{{#has_tax}}Tax: {{tax}}\n{{/has_tax}}"
    "Total: {{total}}\n\n"
    // No section tag stands alone on its line: mustache would take the line break with it.
    "{{#has_address}}Shipping to:{{#address}}\n{{line}}{{/address}}\n\n{{/has_address}}"
    "We will write again when your order ships.\n",
    "<p>Thank you for your order <strong>{{order_id}}</strong>.</p>\n"
    "<table>\n{{#lines}}<tr><td>{{quantity}} &times; {{description}}</td>"
    "<td style=\"text-align: right;\">{{amount}}</td></tr>\n{{/lines}}"
    "<tr><td>Subtotal</td><td style=\"text-align: right;\">{{subtotal}}</td></tr>\n"
    "{{#has_shipping}}<tr><td>Shipping</td><td style=\"text-align: right;\">{{shipping}}</td>"
    "</tr>\n{{/has_shipping}}"
    "{{#has_discount}}<tr><td>Discount</td><td style=\"text-align: right;\">-{{discount}}</td>"
    "</tr>\n{{/has_discount}}"
    "{{#has_tax}}<tr><td>Tax</td><td style=\"text-align: right;\">{{tax}}</td></tr>\n"
    "{{/has_tax}}"
    "<tr><td><strong>Total</strong></td><td style=\"text-align: right;\"><strong>{{total}}"
    "</strong></td></tr>\n</table>\n"
    "{{#has_address}}<p>Shipping to:<br>\n{{#address}}{{line}}<br>\n{{/address}}</p>\n"
    "{{/has_address}}"
    "<p>We will write again when your order ships.</p>\n"};

const Templates kDropSubscriptionConfirmation{
    "You are subscribed to {{drop_name}}",
    "You will receive {{drop_name}} every day at {{send_time}}.\n\n"
    "Changed your mind? Unsubscribe at any time: {{unsubscribe_url}}\n",
    "<p>You will receive <strong>{{drop_name}}</strong> every day at {{send_time}}.</p>\n"
    "<p>Changed your mind? <a href=\"{{unsubscribe_url}}\">Unsubscribe</a> at any time.</p>\n"};

const Templates kDailyDrop{
    "Today's drop at {{store_name}}: {{drop_date}}",
    "Today's drop ({{drop_date}}):\n\n"
    "{{#products}}- {{name}}, {{price}}: {{url}}\n{{/products}}"
    "{{^products}}Nothing new today; the shop is open as usual.\n{{/products}}\n"
    "\nSee everything at {{shop_url}}\n\n"
    "You receive this because you subscribed to the daily drop. Unsubscribe: "
    "{{unsubscribe_url}}\n",
    "<h1>Today's drop ({{drop_date}})</h1>\n<ul>\n"
    "{{#products}}<li><a href=\"{{url}}\">{{name}}</a>, {{price}}</li>\n{{/products}}"
    "</ul>\n{{^products}}<p>Nothing new today; the shop is open as usual.</p>\n{{/products}}"
    "<p><a href=\"{{shop_url}}\">See everything</a></p>\n"
    "<p style=\"font-size: small;\">You receive this because you subscribed to the daily "
    "drop. <a href=\"{{unsubscribe_url}}\">Unsubscribe</a>.</p>\n"};

std::string RenderOrDie(const std::string& text, const mu::data& data, bool html_escape) {
  // Parsed on every render: cheap, and a mustache object is not safe to share across threads.
  mu::mustache tmpl{text};
  if (!tmpl.is_valid()) {
    // The templates are constants of this file, and tests render each one: a broken one is a
    // programming error, not a runtime condition.
    std::fprintf(stderr, "ledger: fatal: email template: %s\n", tmpl.error_message().c_str());
    std::abort();
  }
  if (!html_escape) tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl.render(data);
}

// A header must stay one line whatever a model holds.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  return text;
}

RenderedEmail Render(const Templates& t, const EmailBrand& brand, mu::data data, bool greeting) {
  data.set("store_name", brand.store_name);
  data.set("has_support", !brand.support_email.empty());
  data.set("support_email", brand.support_email);
  RenderedEmail email;
  email.subject = OneLine(RenderOrDie(t.subject, data, /*html_escape=*/false));
  data.set("subject", email.subject);
  std::string text = greeting ? kGreetingText : "";
  std::string html = std::string(kHtmlHead) + (greeting ? kGreetingHtml : "");
  email.text = RenderOrDie(text + t.text + kSignatureText, data, /*html_escape=*/false);
  email.html = RenderOrDie(html + t.html + kHtmlFoot, data, /*html_escape=*/true);
  return email;
}

mu::data Recipient(const std::string& name) {
  mu::data data;
  data.set("has_name", !name.empty());
  data.set("recipient_name", name);
  return data;
}

bool IsCurrencyCode(std::string_view currency) {
  if (currency.size() != 3) return false;
  for (char c : currency) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// ISO 4217 currencies whose minor unit is not a hundredth.
constexpr std::array<std::string_view, 17> kNoDecimals = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY",
                                                          "KMF", "KRW", "PYG", "RWF", "UGX", "UYI",
                                                          "VND", "VUV", "XAF", "XOF", "XPF"};
constexpr std::array<std::string_view, 7> kThreeDecimals = {"BHD", "IQD", "JOD", "KWD",
                                                            "LYD", "OMR", "TND"};
constexpr std::array<std::string_view, 2> kFourDecimals = {"CLF", "UYW"};

template <std::size_t N>
bool Contains(const std::array<std::string_view, N>& list, std::string_view code) {
  for (std::string_view c : list) {
    if (c == code) return true;
  }
  return false;
}

std::string GroupThousands(std::string digits) {
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

}  // namespace

std::string_view EmailTemplateName(EmailTemplate t) {
  switch (t) {
    case EmailTemplate::kEmailVerification:
      return "email_verification";
    case EmailTemplate::kWelcome:
      return "welcome";
    case EmailTemplate::kPasswordReset:
      return "password_reset";
    case EmailTemplate::kOrderConfirmation:
      return "order_confirmation";
    case EmailTemplate::kDropSubscriptionConfirmation:
      return "drop_subscription_confirmation";
    case EmailTemplate::kDailyDrop:
      return "daily_drop";
  }
  return "unknown";
}

const std::vector<EmailTemplate>& AllEmailTemplates() {
  static const std::vector<EmailTemplate> all = {EmailTemplate::kEmailVerification,
                                                 EmailTemplate::kWelcome,
                                                 EmailTemplate::kPasswordReset,
                                                 EmailTemplate::kOrderConfirmation,
                                                 EmailTemplate::kDropSubscriptionConfirmation,
                                                 EmailTemplate::kDailyDrop};
  return all;
}

std::optional<EmailTemplate> EmailTemplateNamed(std::string_view name) {
  for (EmailTemplate t : AllEmailTemplates()) {
    if (EmailTemplateName(t) == name) return t;
  }
  return std::nullopt;
}

Result<int> CurrencyDecimals(std::string_view currency) {
  if (!IsCurrencyCode(currency)) {
    return InvalidArgument("not an ISO 4217 currency code: '" + std::string(currency) + "'");
  }
  if (Contains(kNoDecimals, currency)) return 0;
  if (Contains(kThreeDecimals, currency)) return 3;
  if (Contains(kFourDecimals, currency)) return 4;
  return 2;
}

Result<std::string> FormatMoney(std::int64_t minor_units, std::string_view currency) {
  LEDGER_ASSIGN_OR_RETURN(int decimals, CurrencyDecimals(currency));
  // Unsigned, so that INT64_MIN has a magnitude too.
  std::uint64_t magnitude = minor_units < 0 ? 0 - static_cast<std::uint64_t>(minor_units)
                                            : static_cast<std::uint64_t>(minor_units);
  std::string digits = std::to_string(magnitude);
  if (digits.size() <= static_cast<std::size_t>(decimals)) {
    digits.insert(0, static_cast<std::size_t>(decimals) + 1 - digits.size(), '0');
  }
  std::size_t whole_size = digits.size() - static_cast<std::size_t>(decimals);
  std::string text = minor_units < 0 ? "-" : "";
  text.append(currency).append(" ").append(GroupThousands(digits.substr(0, whole_size)));
  if (decimals > 0) text.append(".").append(digits.substr(whole_size));
  return text;
}

RenderedEmail RenderEmailVerification(const EmailBrand& brand, const EmailVerificationModel& m) {
  mu::data data = Recipient(m.recipient_name);
  data.set("verification_url", m.verification_url);
  data.set("expires_in_hours", std::to_string(m.expires_in_hours));
  return Render(kEmailVerification, brand, std::move(data), /*greeting=*/true);
}

RenderedEmail RenderWelcome(const EmailBrand& brand, const WelcomeModel& m) {
  mu::data data = Recipient(m.recipient_name);
  data.set("shop_url", m.shop_url);
  return Render(kWelcome, brand, std::move(data), /*greeting=*/true);
}

RenderedEmail RenderPasswordReset(const EmailBrand& brand, const PasswordResetModel& m) {
  mu::data data = Recipient(m.recipient_name);
  data.set("reset_url", m.reset_url);
  data.set("expires_in_minutes", std::to_string(m.expires_in_minutes));
  return Render(kPasswordReset, brand, std::move(data), /*greeting=*/true);
}

Result<RenderedEmail> RenderOrderConfirmation(const EmailBrand& brand,
                                              const OrderConfirmationModel& m) {
  auto money = [&](std::int64_t amount) { return FormatMoney(amount, m.currency); };
  mu::data data = Recipient(m.customer_name);
  data.set("order_id", m.order_id);
  mu::data lines{mu::data::type::list};
  for (const OrderLineModel& line : m.lines) {
    mu::data item;
    item.set("description", line.description);
    item.set("quantity", std::to_string(line.quantity));
    LEDGER_ASSIGN_OR_RETURN(std::string amount, money(line.amount_total));
    item.set("amount", amount);
    lines.push_back(item);
  }
  data.set("lines", lines);
  LEDGER_ASSIGN_OR_RETURN(std::string subtotal, money(m.amount_subtotal));
  LEDGER_ASSIGN_OR_RETURN(std::string shipping, money(m.amount_shipping));
  LEDGER_ASSIGN_OR_RETURN(std::string discount, money(m.amount_discount));
  LEDGER_ASSIGN_OR_RETURN(std::string tax, money(m.amount_tax));
  LEDGER_ASSIGN_OR_RETURN(std::string total, money(m.amount_total));
  data.set("subtotal", subtotal);
  data.set("has_shipping", m.amount_shipping != 0);
  data.set("shipping", shipping);
  data.set("has_discount", m.amount_discount != 0);
  data.set("discount", discount);
  data.set("has_tax", m.amount_tax != 0);
  data.set("tax", tax);
  data.set("total", total);
  mu::data address{mu::data::type::list};
  for (const std::string& line : m.shipping_lines) address.push_back(mu::data("line", line));
  data.set("has_address", !m.shipping_lines.empty());
  data.set("address", address);
  return Render(kOrderConfirmation, brand, std::move(data), /*greeting=*/true);
}

RenderedEmail RenderDropSubscriptionConfirmation(const EmailBrand& brand,
                                                 const DropSubscriptionConfirmationModel& m) {
  mu::data data = Recipient(m.recipient_name);
  data.set("drop_name", m.drop_name);
  data.set("send_time", m.send_time);
  data.set("unsubscribe_url", m.unsubscribe_url);
  return Render(kDropSubscriptionConfirmation, brand, std::move(data), /*greeting=*/true);
}

Result<RenderedEmail> RenderDailyDrop(const EmailBrand& brand, const DailyDropModel& m) {
  mu::data data;
  data.set("drop_date", m.drop_date);
  mu::data products{mu::data::type::list};
  for (const DropProductModel& p : m.products) {
    mu::data item;
    item.set("name", p.name);
    LEDGER_ASSIGN_OR_RETURN(std::string price, FormatMoney(p.price, p.currency));
    item.set("price", price);
    item.set("url", p.url);
    products.push_back(item);
  }
  data.set("products", products);
  data.set("shop_url", m.shop_url);
  data.set("unsubscribe_url", m.unsubscribe_url);
  return Render(kDailyDrop, brand, std::move(data), /*greeting=*/false);
}

}  // namespace ledger::jobs::kinds
