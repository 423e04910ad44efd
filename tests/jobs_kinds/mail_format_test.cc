// Address redaction and the MIME encodings of adapters/smtp.
#include <doctest/doctest.h>

#include "adapters/smtp/mime_message.h"
#include "jobs/kinds/mail_transport.h"
#include "tests/jobs_kinds/smtp_sink.h"

namespace ledger::jobs::kinds {
namespace {

TEST_CASE("an address is redacted to its first character and its domain") {
  CHECK(RedactAddress("jane@example.com") == "j***@example.com");
  CHECK(RedactAddress("j@example.com") == "j***@example.com");
  CHECK(RedactAddress("jane.roe+shop@mail.example.co.jp") == "j***@mail.example.co.jp");
  CHECK(RedactAddress("\xC3\xA9lise@example.fr") == "****@example.fr");
  CHECK(RedactAddress("no-at-sign") == "***");
  CHECK(RedactAddress("@example.com") == "***");
  CHECK(RedactAddress("jane@") == "***");
  CHECK(RedactAddress("a@b@c") == "***");
  CHECK(RedactAddress("") == "***");
}

TEST_CASE("addresses inside a server's reply are redacted, the rest is kept") {
  CHECK(RedactAddressesIn("550 5.1.1 <jane@example.com>: Recipient address rejected") ==
        "550 5.1.1 <j***@example.com>: Recipient address rejected");
  CHECK(RedactAddressesIn("to jane@example.com, bob@example.org") ==
        "to j***@example.com, b***@example.org");
  CHECK(RedactAddressesIn("250 ok") == "250 ok");
}

TEST_CASE("quoted-printable keeps lines short, encodes '=' and survives a round trip") {
  std::string text = "price = 5 " + std::string(200, 'a') + "\n.dot line\nend with space \n";
  std::string encoded = smtp::QuotedPrintable(text);
  std::size_t start = 0;
  while (start < encoded.size()) {
    std::size_t end = encoded.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    CHECK(end - start <= 76);
    start = end + 2;
  }
  CHECK(encoded.find("price =3D 5") != std::string::npos);
  CHECK(encoded.find("\r\n.") == std::string::npos);
  CHECK(encoded.find("space=20\r\n") != std::string::npos);
  CHECK(testing::DecodeQuotedPrintable(encoded) == text);
}

TEST_CASE("a message refuses header values with line breaks and bad Message-IDs") {
  OutgoingMail mail{"a@b.test", "<1@x.test>", "Hi", "text", "<p>html</p>"};
  CHECK(smtp::BuildMimeMessage("s@x.test", mail, Timestamp(0)).ok());
  OutgoingMail injected = mail;
  injected.subject = "Hi\r\nBcc: c@d.test";
  CHECK(smtp::BuildMimeMessage("s@x.test", injected, Timestamp(0)).status().code() ==
        StatusCode::kInvalidArgument);
  OutgoingMail bad_id = mail;
  bad_id.message_id = "1@x.test";
  CHECK_FALSE(smtp::BuildMimeMessage("s@x.test", bad_id, Timestamp(0)).ok());
}

TEST_CASE("the Date header is RFC 5322") {
  OutgoingMail mail{"a@b.test", "<1@x.test>", "Hi", "text", "<p>html</p>"};
  std::string message =
      smtp::BuildMimeMessage("s@x.test", mail, Timestamp(1'741'941'000'000'000)).value();
  CHECK(testing::HeaderValue(message, "Date") == "Fri, 14 Mar 2025 08:30:00 +0000");
}

}  // namespace
}  // namespace ledger::jobs::kinds
