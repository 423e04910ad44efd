#include "tests/webhooks/fixture_files.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "adapters/webhook/hmac.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

std::filesystem::path Root() { return std::filesystem::path(LEDGER_FIXTURES_DIR); }

json::object ParseObject(const std::string& relative) {
  std::string text = ReadFixture(relative);
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  REQUIRE_MESSAGE(!ec, relative << ": " << ec.message());
  REQUIRE(value.is_object());
  return value.as_object();
}

std::string Str(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t Int(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  REQUIRE_MESSAGE((v != nullptr && v->is_int64()), "missing integer " << std::string(key));
  return v->as_int64();
}

}  // namespace

std::string ReadFixture(const std::string& relative) {
  std::ifstream in(Root() / relative, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open fixture " << relative);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> ListJsonFixtures(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(Root() / folder)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".json" || name == "MANIFEST.json" ||
        name == "signatures.json") {
      continue;
    }
    files.push_back(folder);
    files.back().append("/").append(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

StripeSignatures LoadStripeSignatures() {
  json::object root = ParseObject("stripe/signatures.json");
  StripeSignatures out;
  out.secret = Str(root, "secret");
  out.old_secret = Str(root, "old_secret");
  out.tolerance_s = Int(root, "tolerance_s");
  for (const json::value& v : root.at("files").as_array()) {
    const json::object& f = v.as_object();
    out.files.push_back(
        {Str(f, "file"), Int(f, "t"), Int(f, "now_for_test"), Str(f, "header"), Str(f, "expect")});
  }
  for (const json::value& v : root.at("cases").as_array()) {
    const json::object& c = v.as_object();
    out.cases.push_back({Str(c, "name"), Str(c, "body_file"), Str(c, "body_transform"),
                         Str(c, "header"), Int(c, "now"), Str(c, "expect")});
  }
  return out;
}

PrintifySignatures LoadPrintifySignatures() {
  json::object root = ParseObject("printify/signatures.json");
  PrintifySignatures out;
  out.secret = Str(root, "secret");
  for (const json::value& v : root.at("files").as_array()) {
    const json::object& f = v.as_object();
    out.files.push_back({Str(f, "file"), Str(f, "X-Pfy-Signature")});
  }
  return out;
}

std::vector<ManifestEntry> LoadStripeEdgeCaseManifest() {
  std::string text = ReadFixture("stripe/edge-cases/MANIFEST.json");
  json::value root = json::parse(text);
  std::vector<ManifestEntry> out;
  for (const json::value& v : root.as_array()) {
    const json::object& e = v.as_object();
    out.push_back({Str(e, "file"), static_cast<std::uint64_t>(Int(e, "bytes")), Str(e, "note")});
  }
  return out;
}

bool StripeFixtureIsAdmitted(const std::string& relative) {
  return relative != "stripe/edge-cases/e13_truncated.json" &&
         relative != "stripe/edge-cases/e14_empty_body.json" &&
         relative != "stripe/edge-cases/e17_not_an_event_object.json";
}

std::string SignStripe(std::string_view secret, std::int64_t t, std::string_view body) {
  std::string ts = std::to_string(t);
  Result<std::string> mac = webhook::HmacSha256Hex(secret, {ts, ".", body});
  REQUIRE(mac.ok());
  return "t=" + ts + ",v1=" + *mac;
}

std::string SignPrintify(std::string_view secret, std::string_view body) {
  Result<std::string> mac = webhook::HmacSha256Hex(secret, {body});
  REQUIRE(mac.ok());
  return "sha256=" + *mac;
}

}  // namespace ledger::testing
