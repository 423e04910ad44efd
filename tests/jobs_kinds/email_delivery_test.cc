// email.<template> jobs through the real SMTP transport (libcurl) to a sink on loopback.
#include "jobs/kinds/email_delivery.h"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>

#include "adapters/smtp/smtp_transport.h"
#include "engine/memory_store.h"
#include "tests/jobs_kinds/log_capture.h"
#include "tests/jobs_kinds/smtp_sink.h"
#include "tests/support/test_events.h"

namespace ledger::jobs::kinds {
namespace {

namespace json = boost::json;

// JSON members as plain values, for comparisons doctest can print.
std::string Text(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}
std::int64_t Int(const boost::json::value& v) { return v.is_int64() ? v.get_int64() : -1; }
using testing::SmtpSink;

constexpr char kAddress[] = "jane.roe@example.com";

Job MakeJob(EmailTemplate t, std::string payload) {
  Job job;
  job.kind = EmailJobKind(t);
  job.cause_event_id = "5b0e8a36-6f2d-4a8e-9c1e-3f7b2d9e1a11";
  job.job_id = JobIdFor(job.kind, job.cause_event_id);
  job.tenant_id = "default";
  job.payload = std::move(payload);
  job.attempt = 1;
  return job;
}

std::string WelcomePayload() {
  return std::string(R"({"to":")") + kAddress +
         R"(","recipient_name":"Jane","shop_url":"https://dropshop.test/"})";
}

struct Fixture {
  explicit Fixture(const std::string& url) {
    smtp::SmtpOptions options;
    options.url = url;
    options.from_address = "shop@dropshop.test";
    options.from_name = "Drop Shop";
    options.connect_timeout = std::chrono::milliseconds(500);
    options.timeout = std::chrono::seconds(5);
    auto created = smtp::SmtpTransport::Create(options);
    REQUIRE(created.ok());
    transport = std::move(*created);
    delivery.brand = EmailBrand{"Drop Shop", "help@dropshop.test"};
    delivery.message_id_domain = "dropshop.test";
  }

  EmailDeliveryHandler Handler(EmailTemplate t) {
    return EmailDeliveryHandler(t, transport.get(), &store, delivery);
  }

  MemoryEventStore store;
  std::unique_ptr<smtp::SmtpTransport> transport;
  EmailDeliveryOptions delivery;
};

std::string PlacedPayload() {
  return R"({"order_id":"cs_9","customer_id":"cus_1","customer_source":"stripe_customer",)"
         R"("customer_email":"hanako@example.jp","customer_name":"Hanako",)"
         R"("amount_total":3600,"amount_subtotal":3000,"amount_shipping":600,)"
         R"("amount_discount":0,"amount_tax":0,"currency":"JPY","payment_intent_id":"pi_1",)"
         R"("client_reference_id":null,"session_created_at":"2025-03-14T08:30:00.000000Z",)"
         R"("shipping":{"name":"Hanako","address":{"line1":"1-2-3 Jingumae","line2":null,)"
         R"("postal_code":"150-0001","city":"Shibuya","state":"Tokyo","country":"JP"}},)"
         R"("lines":[{"line_id":"li_1","description":"Fox <Mug>","quantity":2,)"
         R"("amount_total":3000,"price_id":null,"product_id":null}],"metadata":{}})";
}

std::string ClosedPortUrl() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  std::uint16_t port = acceptor.local_endpoint().port();
  acceptor.close();
  return "smtp://127.0.0.1:" + std::to_string(port);
}

TEST_CASE("a welcome email reaches the server with the job's Message-ID, recorded redacted") {
  SmtpSink sink;
  Fixture f(sink.url());
  Job job = MakeJob(EmailTemplate::kWelcome, WelcomePayload());
  JobResult result = f.Handler(EmailTemplate::kWelcome).Run(job);
  CHECK(result.outcome == Outcome::kSucceeded);

  REQUIRE(sink.messages().size() == 1);
  SmtpSink::Message m = sink.messages()[0];
  CHECK(m.mail_from == "<shop@dropshop.test>");
  REQUIRE(m.recipients.size() == 1);
  CHECK(m.recipients[0] == std::string("<") + kAddress + ">");
  std::string message_id = "<" + job.job_id + "@dropshop.test>";
  CHECK(testing::HeaderValue(m.data, "Message-ID") == message_id);
  CHECK(testing::HeaderValue(m.data, "Subject") == "Welcome to Drop Shop");
  CHECK(testing::HeaderValue(m.data, "From") == "Drop Shop <shop@dropshop.test>");
  CHECK(testing::MimePart(m.data, "text/plain").find("Hello Jane,") != std::string::npos);
  CHECK(testing::MimePart(m.data, "text/html").find("<a href=\"https://dropshop.test/\">") !=
        std::string::npos);

  json::object r = json::parse(result.result).as_object();
  CHECK(Text(r.at("message_id")) == message_id);
  CHECK(Text(r.at("to")) == "j***@example.com");
  CHECK(Text(r.at("template")) == "welcome");
  CHECK(Int(r.at("smtp_code")) == 250);
  CHECK(result.detail.find(message_id) != std::string::npos);
  CHECK(result.detail.find(kAddress) == std::string::npos);
  CHECK(result.result.find(kAddress) == std::string::npos);
}

TEST_CASE("every template's kind is handled and sends") {
  SmtpSink sink;
  Fixture f(sink.url());
  f.store
      .Append(testing::MakeAppend("order-cs_9", ExpectedVersion::Any(),
                                  {testing::MakeEvent("order.placed", PlacedPayload())}))
      .IgnoreError();
  std::string to = std::string(R"("to":")") + kAddress + R"(",)";
  std::map<EmailTemplate, std::string> payloads{
      {EmailTemplate::kEmailVerification,
       "{" + to + R"("verification_url":"https://dropshop.test/v?t=1"})"},
      {EmailTemplate::kWelcome, WelcomePayload()},
      {EmailTemplate::kPasswordReset, "{" + to + R"("reset_url":"https://dropshop.test/r?t=1"})"},
      {EmailTemplate::kOrderConfirmation, R"({"order_id":"cs_9"})"},
      {EmailTemplate::kDropSubscriptionConfirmation,
       "{" + to +
           R"("drop_name":"Daily","send_time":"08:30","unsubscribe_url":"https://x.test/u"})"},
      {EmailTemplate::kDailyDrop,
       "{" + to + R"("drop_date":"2025-03-14","shop_url":"https://x.test/",)" +
           R"("unsubscribe_url":"https://x.test/u","products":[{"name":"Fox","price":500,)" +
           R"("currency":"EUR","url":"https://x.test/p/1"}]})"}};
  std::vector<std::unique_ptr<JobHandler>> handlers =
      MakeEmailHandlers(f.transport.get(), &f.store, f.delivery);
  REQUIRE(handlers.size() == 6);
  for (const auto& handler : handlers) {
    std::optional<EmailTemplate> t = EmailTemplateNamed(handler->kind().substr(6));
    REQUIRE(t.has_value());
    CAPTURE(handler->kind());
    JobResult result = handler->Run(MakeJob(*t, payloads.at(*t)));
    CHECK(result.outcome == Outcome::kSucceeded);
  }
  CHECK(sink.messages().size() == 6);
}

TEST_CASE("an order confirmation is rendered from the order's stream") {
  SmtpSink sink;
  Fixture f(sink.url());
  f.store
      .Append(testing::MakeAppend("order-cs_9", ExpectedVersion::Any(),
                                  {testing::MakeEvent("order.placed", PlacedPayload())}))
      .IgnoreError();
  JobResult result = f.Handler(EmailTemplate::kOrderConfirmation)
                         .Run(MakeJob(EmailTemplate::kOrderConfirmation, R"({"order_id":"cs_9"})"));
  CHECK(result.outcome == Outcome::kSucceeded);
  REQUIRE(sink.messages().size() == 1);
  SmtpSink::Message m = sink.messages()[0];
  CHECK(m.recipients[0] == "<hanako@example.jp>");
  std::string text = testing::MimePart(m.data, "text/plain");
  CHECK(text.find("2 x Fox <Mug>  JPY 3,000") != std::string::npos);
  CHECK(text.find("Shipping: JPY 600") != std::string::npos);
  CHECK(text.find("Total: JPY 3,600") != std::string::npos);
  CHECK(text.find("150-0001 Shibuya Tokyo") != std::string::npos);
  std::string html = testing::MimePart(m.data, "text/html");
  CHECK(html.find("Fox &lt;Mug&gt;") != std::string::npos);
  CHECK(Text(json::parse(result.result).at("to")) == "h***@example.jp");
}

TEST_CASE("an order confirmation waits (retries) for an order that is not placed yet") {
  SmtpSink sink;
  Fixture f(sink.url());
  JobResult result = f.Handler(EmailTemplate::kOrderConfirmation)
                         .Run(MakeJob(EmailTemplate::kOrderConfirmation, R"({"order_id":"cs_x"})"));
  CHECK(result.outcome == Outcome::kRetry);
  CHECK(sink.messages().empty());
}

TEST_CASE("a 4xx reply is retried and a 5xx reply fails, at any step") {
  struct Case {
    SmtpSink::Step step;
    std::string reply;
    Outcome outcome;
  };
  for (const Case& c :
       {Case{SmtpSink::Step::kMailFrom, "451 4.3.0 try again later", Outcome::kRetry},
        Case{SmtpSink::Step::kRcptTo, "450 4.2.1 mailbox busy", Outcome::kRetry},
        Case{SmtpSink::Step::kEndOfData, "452 4.3.1 insufficient storage", Outcome::kRetry},
        Case{SmtpSink::Step::kMailFrom, "550 5.7.1 relay denied", Outcome::kFailed},
        Case{SmtpSink::Step::kRcptTo, std::string("550 5.1.1 <") + kAddress + ">: no such user",
             Outcome::kFailed},
        Case{SmtpSink::Step::kEndOfData, "554 5.6.0 message refused", Outcome::kFailed}}) {
    CAPTURE(c.reply);
    testing::LogCapture log;
    SmtpSink sink;
    sink.RefuseAt(c.step, c.reply);
    Fixture f(sink.url());
    JobResult result =
        f.Handler(EmailTemplate::kWelcome).Run(MakeJob(EmailTemplate::kWelcome, WelcomePayload()));
    CHECK(result.outcome == c.outcome);
    CHECK(result.detail.find(c.reply.substr(0, 3)) != std::string::npos);
    CHECK(Int(json::parse(result.result).at("smtp_code")) == std::stoi(c.reply.substr(0, 3)));
    CHECK(sink.messages().empty());
    CHECK(result.detail.find(kAddress) == std::string::npos);
    CHECK(log.text().find(kAddress) == std::string::npos);
    CHECK(log.text().find("j***@example.com") != std::string::npos);
  }
}

TEST_CASE("no mail server is retried") {
  Fixture f(ClosedPortUrl());
  JobResult result =
      f.Handler(EmailTemplate::kWelcome).Run(MakeJob(EmailTemplate::kWelcome, WelcomePayload()));
  CHECK(result.outcome == Outcome::kRetry);
}

TEST_CASE("a payload that cannot be rendered fails without sending") {
  SmtpSink sink;
  Fixture f(sink.url());
  for (std::string payload : {std::string("[]"), std::string(R"({"shop_url":"https://x.test/"})"),
                              std::string(R"({"to":"a@b.test","shop_url":7})")}) {
    CAPTURE(payload);
    JobResult result =
        f.Handler(EmailTemplate::kWelcome).Run(MakeJob(EmailTemplate::kWelcome, payload));
    CHECK(result.outcome == Outcome::kFailed);
  }
  JobResult header_injection =
      f.Handler(EmailTemplate::kWelcome)
          .Run(MakeJob(EmailTemplate::kWelcome,
                       R"({"to":"a@b.test\r\nBcc: c@d.test","shop_url":"https://x.test/"})"));
  CHECK(header_injection.outcome == Outcome::kFailed);
  CHECK(sink.messages().empty());
}

TEST_CASE("a non-ASCII subject is sent as an RFC 2047 encoded word") {
  SmtpSink sink;
  Fixture f(sink.url());
  f.delivery.brand.store_name = "ドロップ店";
  JobResult result =
      f.Handler(EmailTemplate::kWelcome).Run(MakeJob(EmailTemplate::kWelcome, WelcomePayload()));
  CHECK(result.outcome == Outcome::kSucceeded);
  REQUIRE(sink.messages().size() == 1);
  CHECK(testing::HeaderValue(sink.messages()[0].data, "Subject").rfind("=?UTF-8?B?", 0) == 0);
  CHECK(testing::MimePart(sink.messages()[0].data, "text/plain").find("ドロップ店") !=
        std::string::npos);
}

}  // namespace
}  // namespace ledger::jobs::kinds
