// MailTransport: how the email jobs hand a rendered message to a mail server, as a narrow
// interface so that jobs/kinds never sees SMTP (the implementation is adapters/smtp; tests
// run it against an SMTP sink on loopback). Also the one place that says how an address is
// shown in logs and job records.
#ifndef LEDGER_JOBS_KINDS_MAIL_TRANSPORT_H_
#define LEDGER_JOBS_KINDS_MAIL_TRANSPORT_H_

#include <string>
#include <string_view>

#include "engine/result.h"

namespace ledger::jobs::kinds {

struct OutgoingMail {
  std::string to;          // one address; personal data: log it only through RedactAddress
  std::string message_id;  // "<...@...>", fixed per job so that a repeat is recognisable
  std::string subject;     // one line
  std::string text;        // the text/plain part
  std::string html;        // the text/html part
};

// The server's final reply to one message.
struct MailReply {
  int smtp_code = 0;  // 250 when accepted; the 4xx or 5xx reply that refused it otherwise
  std::string message_id;
  std::string detail;  // the server's words, or libcurl's; never an address in full
};

class MailTransport {
 public:
  virtual ~MailTransport() = default;

  // Errors: Unavailable when the server gave no reply (connection refused, timeout, dropped
  // connection); InvalidArgument when the message cannot be sent as given (a header with a
  // line break, an address the transport refuses to use). Thread-safe.
  virtual Result<MailReply> Send(const OutgoingMail& mail) = 0;
};

// "jane@example.com" -> "j***@example.com"; text without one '@' -> "***". The domain stays:
// it is what an operator needs to see which provider bounced.
std::string RedactAddress(std::string_view address);

// `text` (a server's reply, an error) with every word that contains an '@' redacted as above;
// a word ends at white space, '<', '>', '"', ',', ';', ':', '(' or ')'.
std::string RedactAddressesIn(std::string_view text);

}  // namespace ledger::jobs::kinds

#endif  // LEDGER_JOBS_KINDS_MAIL_TRANSPORT_H_
