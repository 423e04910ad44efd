// An SMTP server on loopback (Boost.Asio) that accepts every message and keeps it, or refuses
// at a chosen step with a chosen reply: enough SMTP for libcurl (EHLO, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT; no extensions). Runs on its own thread until destroyed.
#ifndef LEDGER_TESTS_JOBS_KINDS_SMTP_SINK_H_
#define LEDGER_TESTS_JOBS_KINDS_SMTP_SINK_H_

#include <memory>
#include <string>
#include <vector>

namespace ledger::testing {

class SmtpSink {
 public:
  struct Message {
    std::string mail_from;  // the envelope sender, as given ("<a@b>")
    std::vector<std::string> recipients;
    std::string data;  // the message, dot-unstuffed, CRLF line ends
  };
  enum class Step { kNone, kMailFrom, kRcptTo, kEndOfData };

  SmtpSink();
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::string url() const;  // "smtp://127.0.0.1:<port>"

  // From now on, answer `reply` ("451 4.3.0 try again later") at `step` instead of accepting.
  void RefuseAt(Step step, std::string reply);

  std::vector<Message> messages() const;

  struct State;  // internal

 private:
  std::unique_ptr<State> state_;
};

// The decoded text of a quoted-printable body part.
std::string DecodeQuotedPrintable(const std::string& text);

// The part of a MIME `message` with the content type `type` ("text/plain"), decoded; empty if
// there is none.
std::string MimePart(const std::string& message, const std::string& type);

// The value of the header `name` ("Message-ID") in `message`; empty if absent.
std::string HeaderValue(const std::string& message, const std::string& name);

}  // namespace ledger::testing

#endif  // LEDGER_TESTS_JOBS_KINDS_SMTP_SINK_H_
