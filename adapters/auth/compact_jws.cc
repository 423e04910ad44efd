#include "adapters/auth/compact_jws.h"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <vector>

#include "adapters/auth/token_rejection.h"

namespace ledger::auth {
namespace {

// 0-63 for the base64url alphabet, -1 for anything else (including '=' padding).
constexpr std::array<int, 256> MakeDecodeTable() {
  std::array<int, 256> table{};
  table.fill(-1);
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (std::size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
  }
  return table;
}
constexpr std::array<int, 256> kDecodeTable = MakeDecodeTable();

}  // namespace

Result<std::string> DecodeBase64Url(std::string_view text) {
  // A lone trailing character carries 6 bits, less than a byte: never valid.
  if (text.size() % 4 == 1) return InvalidArgument("base64url of impossible length");
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t bits = 0;
  int bit_count = 0;
  for (char c : text) {
    int value = kDecodeTable[static_cast<unsigned char>(c)];
    if (value < 0) return InvalidArgument("not base64url (padding or a foreign character)");
    bits = (bits << 6) | static_cast<std::uint32_t>(value);
    bit_count += 6;
    if (bit_count >= 8) {
      bit_count -= 8;
      out.push_back(static_cast<char>((bits >> bit_count) & 0xff));
    }
  }
  return out;
}

Result<JwsHeaderView> InspectCompactJws(std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return Rejection(reason::kMalformed, "longer than 8192 bytes");
  }
  std::vector<std::string_view> segments;
  for (std::size_t start = 0;;) {
    std::size_t dot = token.find('.', start);
    segments.push_back(token.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (segments.size() != 3) {
    // Five segments would be an encrypted JWT (JWE), which is not accepted either.
    return Rejection(reason::kMalformed,
                     "expected 3 dot-separated segments, got " + std::to_string(segments.size()));
  }
  if (segments[0].empty() || segments[1].empty()) {
    return Rejection(reason::kMalformed, "empty header or payload segment");
  }
  Result<std::string> header = DecodeBase64Url(segments[0]);
  if (!header.ok()) return Rejection(reason::kMalformed, "header: " + header.status().message());
  for (std::string_view segment : {segments[1], segments[2]}) {
    Result<std::string> decoded = DecodeBase64Url(segment);
    if (!decoded.ok()) {
      return Rejection(reason::kMalformed, "payload or signature: " + decoded.status().message());
    }
  }
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(*header, ec);
  if (ec || !parsed.is_object()) {
    return Rejection(reason::kMalformed, "the header is not a JSON object");
  }
  const boost::json::object& fields = parsed.get_object();
  const boost::json::value* alg = fields.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) {
    return Rejection(reason::kMalformed, "the header has no string alg");
  }
  if (fields.contains("crit")) {
    return Rejection(reason::kMalformed, "the header lists critical extensions (crit)");
  }
  return JwsHeaderView{std::string(alg->get_string().subview()), !segments[2].empty()};
}

}  // namespace ledger::auth
