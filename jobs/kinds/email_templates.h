// The six lifecycle emails (docs/job-kinds.md): each rendered from a typed model into a
// subject, a plain-text body and an HTML body with mustache templates (kainjow/mustache,
// Debian's libkainjow-mustache-dev). Every value from a model is HTML-escaped in the HTML body;
// the subject never contains a line break (it becomes a mail header).
//
// Rendering is pure and thread-safe.
#ifndef LEDGER_JOBS_KINDS_EMAIL_TEMPLATES_H_
#define LEDGER_JOBS_KINDS_EMAIL_TEMPLATES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace ledger::jobs::kinds {

enum class EmailTemplate {
  kEmailVerification,
  kWelcome,
  kPasswordReset,
  kOrderConfirmation,
  kDropSubscriptionConfirmation,
  kDailyDrop,
};

// "email_verification", "welcome", "password_reset", "order_confirmation",
// "drop_subscription_confirmation", "daily_drop": the job kind is "email.<name>".
std::string_view EmailTemplateName(EmailTemplate t);
std::optional<EmailTemplate> EmailTemplateNamed(std::string_view name);
const std::vector<EmailTemplate>& AllEmailTemplates();

struct RenderedEmail {
  std::string subject;
  std::string text;
  std::string html;
};

// Shared by every template: who is writing.
struct EmailBrand {
  std::string store_name = "Ledger Store";
  std::string support_email;  // optional
};

struct EmailVerificationModel {
  std::string recipient_name;  // optional
  std::string verification_url;
  std::int64_t expires_in_hours = 24;
};

struct WelcomeModel {
  std::string recipient_name;  // optional
  std::string shop_url;
};

struct PasswordResetModel {
  std::string recipient_name;  // optional
  std::string reset_url;
  std::int64_t expires_in_minutes = 60;
};

// Amounts in integer minor units of `currency` (ISO 4217, upper case).
struct OrderLineModel {
  std::string description;
  std::int64_t quantity = 1;
  std::int64_t amount_total = 0;
};

struct OrderConfirmationModel {
  std::string order_id;
  std::string customer_name;  // optional
  std::string currency;
  std::vector<OrderLineModel> lines;
  std::int64_t amount_subtotal = 0;
  std::int64_t amount_shipping = 0;
  std::int64_t amount_discount = 0;
  std::int64_t amount_tax = 0;
  std::int64_t amount_total = 0;
  std::vector<std::string> shipping_lines;  // name and address, one line each; may be empty
};

struct DropSubscriptionConfirmationModel {
  std::string recipient_name;  // optional
  std::string drop_name;
  std::string send_time;  // "08:30 Asia/Tokyo"
  std::string unsubscribe_url;
};

struct DropProductModel {
  std::string name;
  std::int64_t price = 0;  // minor units of `currency`
  std::string currency;
  std::string url;
};

struct DailyDropModel {
  std::string drop_date;  // "2025-03-14", the store-local date
  std::vector<DropProductModel> products;
  std::string shop_url;
  std::string unsubscribe_url;
};

RenderedEmail RenderEmailVerification(const EmailBrand& brand, const EmailVerificationModel& m);
RenderedEmail RenderWelcome(const EmailBrand& brand, const WelcomeModel& m);
RenderedEmail RenderPasswordReset(const EmailBrand& brand, const PasswordResetModel& m);
// InvalidArgument if the currency is not three upper-case letters.
Result<RenderedEmail> RenderOrderConfirmation(const EmailBrand& brand,
                                              const OrderConfirmationModel& m);
RenderedEmail RenderDropSubscriptionConfirmation(const EmailBrand& brand,
                                                 const DropSubscriptionConfirmationModel& m);
Result<RenderedEmail> RenderDailyDrop(const EmailBrand& brand, const DailyDropModel& m);

// How many decimals `currency`'s minor unit has (ISO 4217): 0 for JPY, KRW ...; 3 for BHD,
// KWD ...; 2 otherwise. InvalidArgument if `currency` is not three upper-case letters.
Result<int> CurrencyDecimals(std::string_view currency);

// "USD 1,234.50", "JPY 1,200", "KWD 1.250", "-EUR 5.00". InvalidArgument as above.
Result<std::string> FormatMoney(std::int64_t minor_units, std::string_view currency);

}  // namespace ledger::jobs::kinds

#endif  // LEDGER_JOBS_KINDS_EMAIL_TEMPLATES_H_
