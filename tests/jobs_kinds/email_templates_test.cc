// The six lifecycle templates: golden renderings, HTML escaping, money formatting.
#include "jobs/kinds/email_templates.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ledger::jobs::kinds {
namespace {

EmailBrand Brand() { return EmailBrand{"Drop Shop", "help@dropshop.test"}; }

OrderConfirmationModel JpyOrder() {
  OrderConfirmationModel m;
  m.order_id = "cs_test_42";
  m.customer_name = "Hanako Yamada";
  m.currency = "JPY";
  m.lines = {{"Cat T-shirt (M)", 2, 7000}, {"Sticker", 1, 300}};
  m.amount_subtotal = 7300;
  m.amount_shipping = 800;
  m.amount_tax = 730;
  m.amount_total = 8830;
  m.shipping_lines = {"Hanako Yamada", "1-2-3 Jingumae", "150-0001 Shibuya Tokyo", "JP"};
  return m;
}

// Every template with a fixed model, as the golden files show them.
RenderedEmail RenderSample(EmailTemplate t) {
  switch (t) {
    case EmailTemplate::kEmailVerification:
      return RenderEmailVerification(Brand(), {"Jane", "https://dropshop.test/verify?t=abc", 48});
    case EmailTemplate::kWelcome:
      return RenderWelcome(Brand(), {"", "https://dropshop.test/"});
    case EmailTemplate::kPasswordReset:
      return RenderPasswordReset(Brand(), {"Jane", "https://dropshop.test/reset?t=xyz", 30});
    case EmailTemplate::kOrderConfirmation:
      return RenderOrderConfirmation(Brand(), JpyOrder()).value();
    case EmailTemplate::kDropSubscriptionConfirmation:
      return RenderDropSubscriptionConfirmation(
          Brand(), {"Jane", "The Daily Drop", "08:30 Asia/Tokyo", "https://dropshop.test/u/1"});
    case EmailTemplate::kDailyDrop:
      return RenderDailyDrop(Brand(),
                             {"2025-03-14",
                              {{"Neon Fox Hoodie", 5900, "USD", "https://dropshop.test/p/1"},
                               {"Fox Mug", 1500, "JPY", "https://dropshop.test/p/2"}},
                              "https://dropshop.test/",
                              "https://dropshop.test/u/1"})
          .value();
  }
  FAIL("unknown template");
  return {};
}

std::string Golden(const RenderedEmail& e) {
  return "Subject: " + e.subject + "\n\n--- text/plain ---\n" + e.text + "--- text/html ---\n" +
         e.html;
}

std::string GoldenPath(EmailTemplate t) {
  return std::string(LEDGER_JOBS_KINDS_GOLDEN_DIR) + "/" + std::string(EmailTemplateName(t)) +
         ".txt";
}

TEST_CASE("every template renders as its golden file shows") {
  // LEDGER_REGENERATE_GOLDEN=1 rewrites the files (review the diff before committing it).
  bool regenerate = std::getenv("LEDGER_REGENERATE_GOLDEN") != nullptr;
  for (EmailTemplate t : AllEmailTemplates()) {
    CAPTURE(EmailTemplateName(t));
    std::string rendered = Golden(RenderSample(t));
    if (regenerate) {
      std::ofstream(GoldenPath(t), std::ios::binary) << rendered;
      continue;
    }
    std::ifstream in(GoldenPath(t), std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream expected;
    expected << in.rdbuf();
    CHECK(rendered == expected.str());
  }
}

TEST_CASE("template names round-trip and are six") {
  CHECK(AllEmailTemplates().size() == 6);
  for (EmailTemplate t : AllEmailTemplates()) CHECK(EmailTemplateNamed(EmailTemplateName(t)) == t);
  CHECK_FALSE(EmailTemplateNamed("newsletter").has_value());
}

TEST_CASE("model values are HTML-escaped in the HTML body and left alone in the text") {
  std::string hostile = "<script>alert(\"x\")</script> & 'q'";
  OrderConfirmationModel m = JpyOrder();
  m.customer_name = hostile;
  m.lines[0].description = hostile;
  RenderedEmail e = RenderOrderConfirmation(Brand(), m).value();
  CHECK(e.html.find("<script>") == std::string::npos);
  CHECK(e.html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &apos;q&apos;") !=
        std::string::npos);
  CHECK(e.text.find(hostile) != std::string::npos);

  RenderedEmail w = RenderWelcome(Brand(), {hostile, "https://x.test/?a=1&b=\"2\""});
  CHECK(w.html.find("<script>") == std::string::npos);
  CHECK(w.html.find("href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\"") != std::string::npos);
}

TEST_CASE("a subject stays one line whatever the model holds") {
  RenderedEmail e = RenderDropSubscriptionConfirmation(
      Brand(), {"", "Drop\r\nBcc: victim@example.com", "08:30", "https://x.test/u"});
  CHECK(e.subject.find('\n') == std::string::npos);
  CHECK(e.subject.find('\r') == std::string::npos);
}

TEST_CASE("money is formatted in the currency's minor units") {
  CHECK(FormatMoney(123456, "USD").value() == "USD 1,234.56");
  CHECK(FormatMoney(5, "USD").value() == "USD 0.05");
  CHECK(FormatMoney(0, "EUR").value() == "EUR 0.00");
  CHECK(FormatMoney(-500, "EUR").value() == "-EUR 5.00");
  CHECK(FormatMoney(1200, "JPY").value() == "JPY 1,200");
  CHECK(FormatMoney(1234567, "KRW").value() == "KRW 1,234,567");
  CHECK(FormatMoney(1250, "KWD").value() == "KWD 1.250");
  CHECK(FormatMoney(100, "BHD").value() == "BHD 0.100");
  CHECK(FormatMoney(INT64_MIN, "USD").value() == "-USD 92,233,720,368,547,758.08");
  CHECK(FormatMoney(1, "usd").status().code() == StatusCode::kInvalidArgument);
  CHECK(FormatMoney(1, "").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a daily drop without products says so") {
  RenderedEmail e =
      RenderDailyDrop(Brand(), {"2025-03-15", {}, "https://x.test/", "https://x.test/u"}).value();
  CHECK(e.text.find("Nothing new today; the shop is open as usual.\n\nSee everything") !=
        std::string::npos);
  CHECK(e.html.find("<li>") == std::string::npos);
}

TEST_CASE("an order confirmation in an unknown currency is refused, not guessed") {
  OrderConfirmationModel m = JpyOrder();
  m.currency = "yen";
  CHECK(RenderOrderConfirmation(Brand(), m).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("an order without shipping, discount or tax leaves those lines out") {
  OrderConfirmationModel m = JpyOrder();
  m.amount_shipping = m.amount_tax = 0;
  m.shipping_lines.clear();
  RenderedEmail e = RenderOrderConfirmation(Brand(), m).value();
  CHECK(e.text.find("Shipping") == std::string::npos);
  CHECK(e.text.find("Tax") == std::string::npos);
  CHECK(e.text.find("Discount") == std::string::npos);
  CAPTURE(e.text);
  CHECK(e.text.find("Total: JPY 8,830\n\nWe will write again") != std::string::npos);
}

}  // namespace
}  // namespace ledger::jobs::kinds
