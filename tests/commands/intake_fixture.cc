#include "tests/commands/intake_fixture.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/printify/event_decoder.h"
#include "adapters/stripe/event_decoder.h"
#include "commands/intake/printify_link.h"
#include "tests/support/test_events.h"

namespace ledger::commands::testing {
namespace {

std::vector<std::string> FilesIn(const std::string& relative, std::string_view prefix) {
  std::vector<std::string> names;
  for (const auto& entry :
       std::filesystem::directory_iterator(LEDGER_SOURCE_DIR "/tests/fixtures/" + relative)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(".json") && name.rfind(prefix, 0) == 0) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string ReadFixture(const std::string& relative) {
  std::ifstream in(LEDGER_SOURCE_DIR "/tests/fixtures/" + relative, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), relative);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

std::vector<std::string> AssembledStripeFixtures() {
  std::vector<std::string> names = FilesIn("stripe/assembled", "");
  REQUIRE(names.size() == 25);
  return names;
}

std::vector<std::string> PrintifyOrderFixtures() {
  std::vector<std::string> names;
  for (const std::string& name : FilesIn("printify", "p")) {
    if (name.find("_order.") != std::string::npos) names.push_back(name);
  }
  REQUIRE(names.size() == 8);
  return names;
}

AppendRequest AdmitStripe(std::string raw_body, const std::string& tenant) {
  Result<webhook::ProviderEvent> decoded =
      stripe::DecodeEvent(std::move(raw_body), webhook::AdmissionScope{TenantId(tenant), true});
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  return decoded->request;
}

AppendRequest AdmitPrintify(std::string raw_body, const std::string& tenant) {
  Result<webhook::ProviderEvent> decoded = printify::DecodeEvent(
      std::move(raw_body), webhook::AdmissionScope{TenantId(tenant), true});
  REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
  return decoded->request;
}

std::string StripeEventJson(std::string_view evt_id, std::string_view type,
                            std::int64_t created, std::string_view object_json) {
  return R"({"id":")" + std::string(evt_id) + R"(","object":"event","api_version":)"
         R"("2026-07-29.dahlia","created":)" + std::to_string(created) +
         R"(,"data":{"object":)" + std::string(object_json) +
         R"(},"livemode":false,"pending_webhooks":1,"type":")" + std::string(type) + R"("})";
}

IntakeFixture::IntakeFixture(intake::TranslatorOptions options) {
  options.clock = &clock;
  translator = std::make_unique<intake::Translator>(store, checkpoints, std::move(options));
}

void IntakeFixture::Admit(const AppendRequest& request) {
  clock.AdvanceMicros(1000);
  Result<AppendResult> appended = store.Append(request);
  REQUIRE_MESSAGE(appended.ok(), appended.status().ToString());
}

void IntakeFixture::AdmitStripeFixture(const std::string& name) {
  Admit(AdmitStripe(ReadFixture("stripe/assembled/" + name)));
}

void IntakeFixture::AdmitPrintifyFixture(const std::string& name) {
  Admit(AdmitPrintify(ReadFixture("printify/" + name)));
}

void IntakeFixture::LinkPrintify(const std::string& printify_order_id,
                                 const std::string& order_id) {
  Result<AppendRequest> link = intake::MakePrintifyLinkRequest(
      TenantId(kDefaultTenant), printify_order_id, order_id, 1234567,
      Metadata{"job-1", "", "system:printify-submitter", "job.printify_submit"});
  REQUIRE_MESSAGE(link.ok(), link.status().ToString());
  Admit(*link);
}

void IntakeFixture::Translate() {
  Status done = translator->CatchUp();
  REQUIRE_MESSAGE(done.ok(), done.ToString());
}

std::vector<RecordedEvent> IntakeFixture::Stream(const std::string& stream) {
  return ledger::testing::ReadWholeStream(store, stream);
}

std::vector<std::string> IntakeFixture::StreamTypes(const std::string& stream) {
  std::vector<std::string> types;
  for (const RecordedEvent& e : Stream(stream)) types.push_back(e.event_type);
  return types;
}

std::vector<RecordedEvent> IntakeFixture::Log() { return ledger::testing::ReadWholeLog(store); }

boost::json::object PayloadObject(const RecordedEvent& event) {
  return boost::json::parse(event.payload).as_object();
}

}  // namespace ledger::commands::testing
