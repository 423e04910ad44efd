// The bytes of one email as handed to an SMTP server: RFC 5322 headers and a MIME
// multipart/alternative body with a text/plain and a text/html part, both UTF-8 and
// quoted-printable (7-bit safe, lines at most 76 characters, so any server accepts it).
#ifndef LEDGER_ADAPTERS_SMTP_MIME_MESSAGE_H_
#define LEDGER_ADAPTERS_SMTP_MIME_MESSAGE_H_

#include <string>
#include <string_view>

#include "engine/ids.h"
#include "engine/result.h"
#include "jobs/kinds/mail_transport.h"

namespace ledger::smtp {

// CRLF line ends throughout. `date` is the Date header's time. InvalidArgument when a header
// value (from, to, subject, message id) holds a line break or the message id is not
// "<left@right>".
Result<std::string> BuildMimeMessage(std::string_view from, const jobs::kinds::OutgoingMail& mail,
                                     Timestamp date);

// Quoted-printable (RFC 2045 section 6.7) of UTF-8 text whose lines end in '\n' or "\r\n";
// the result's lines end in "\r\n".
std::string QuotedPrintable(std::string_view text);

// An RFC 2047 encoded word ("=?UTF-8?B?...?=") when `text` is not plain printable ASCII,
// else `text` itself.
std::string EncodeHeaderText(std::string_view text);

}  // namespace ledger::smtp

#endif  // LEDGER_ADAPTERS_SMTP_MIME_MESSAGE_H_
