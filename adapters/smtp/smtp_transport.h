// SmtpTransport: jobs/kinds' MailTransport over SMTP with libcurl, to LEDGER_SMTP_URL
// (smtp://host:port, or smtps:// for TLS from the start). One connection per message: the
// email jobs are few, and a fresh connection never inherits a half-finished transaction.
//
// Never logs; error messages name addresses only as RedactAddress shows them.
#ifndef LEDGER_ADAPTERS_SMTP_SMTP_TRANSPORT_H_
#define LEDGER_ADAPTERS_SMTP_SMTP_TRANSPORT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/clock.h"
#include "engine/result.h"
#include "jobs/kinds/mail_transport.h"

namespace ledger::smtp {

struct SmtpOptions {
  std::string url;                // LEDGER_SMTP_URL: smtp://host:port or smtps://host:port
  std::string from_address;       // LEDGER_SMTP_FROM: the envelope sender and the From header
  std::string from_name;          // LEDGER_SMTP_FROM_NAME, optional: "Ledger Store"
  std::string username;           // LEDGER_SMTP_USERNAME, optional
  std::string password;           // LEDGER_SMTP_PASSWORD, optional; never in an error
  bool require_starttls = false;  // LEDGER_SMTP_STARTTLS=1: upgrade smtp:// or fail
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds timeout{60'000};  // the whole transaction
};

// The options from the LEDGER_SMTP_* variables above. InvalidArgument names the variable,
// never its value.
Result<SmtpOptions> SmtpOptionsFrom(
    const std::function<std::optional<std::string>(const std::string&)>& get_env);

class SmtpTransport final : public jobs::kinds::MailTransport {
 public:
  // InvalidArgument if the URL is not smtp(s):// or the from address is missing. `clock`
  // (for the Date header) must outlive the transport.
  static Result<std::unique_ptr<SmtpTransport>> Create(SmtpOptions options,
                                                       Clock* clock = SystemClock::Default());

  // Thread-safe: each call has its own libcurl handle.
  Result<jobs::kinds::MailReply> Send(const jobs::kinds::OutgoingMail& mail) override;

 private:
  SmtpTransport(SmtpOptions options, Clock* clock);

  SmtpOptions options_;
  Clock* clock_;
};

}  // namespace ledger::smtp

#endif  // LEDGER_ADAPTERS_SMTP_SMTP_TRANSPORT_H_
