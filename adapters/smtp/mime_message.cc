#include "adapters/smtp/mime_message.h"

#include <openssl/evp.h>

#include <ctime>

namespace ledger::smtp {
namespace {

constexpr std::size_t kMaxQpLine = 76;         // RFC 2045: encoded lines at most 76 characters
constexpr std::size_t kEncodedWordBytes = 45;  // 60 base64 characters: words stay under 75

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

bool IsPlainAscii(std::string_view text) {
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F) return false;
  }
  // "=?" would read as the start of an encoded word.
  return text.find("=?") == std::string_view::npos;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// RFC 5322 date-time in UTC: "Fri, 14 Mar 2025 08:30:00 +0000".
std::string MailDate(Timestamp date) {
  std::time_t seconds = static_cast<std::time_t>(date.value() / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::size_t n = std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return std::string(buffer, n);
}

// A boundary that cannot occur in quoted-printable text ("=_" is never produced by the
// encoding, since '=' is always followed by two hex digits or a line end).
std::string BoundaryFor(std::string_view message_id) {
  std::string boundary = "=_ledger_";
  for (char c : message_id) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) boundary.push_back(c);
  }
  return boundary;
}

bool IsMessageId(std::string_view id) {
  return id.size() > 4 && id.front() == '<' && id.back() == '>' &&
         id.find('@') != std::string_view::npos && id.find(' ') == std::string_view::npos;
}

void AppendPart(std::string& out, std::string_view boundary, std::string_view type,
                std::string_view body) {
  out.append("--").append(boundary).append("\r\n");
  out.append("Content-Type: ").append(type).append("; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n");
  out.append(QuotedPrintable(body));
}

}  // namespace

std::string QuotedPrintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  std::size_t line_length = 0;
  auto emit = [&](std::string_view piece) {
    // A soft line break ("=" at the end) keeps each line within the limit.
    if (line_length + piece.size() > kMaxQpLine - 1) {
      out.append("=\r\n");
      line_length = 0;
    }
    out.append(piece);
    line_length += piece.size();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    if (c == '\n') {
      // Trailing white space before a line break must be encoded, or transports may drop it.
      if (!out.empty() && (out.back() == ' ' || out.back() == '\t')) {
        char last = out.back();
        out.pop_back();
        --line_length;
        const char encoded[] = {'=', kHex[static_cast<unsigned char>(last) >> 4],
                                kHex[static_cast<unsigned char>(last) & 0xF], '\0'};
        emit(encoded);
      }
      out.append("\r\n");
      line_length = 0;
      continue;
    }
    auto u = static_cast<unsigned char>(c);
    bool literal = (u >= 33 && u <= 126 && c != '=') || c == ' ' || c == '\t';
    // A '.' opening a line is encoded too: some relays mangle it (dot-stuffing bugs).
    if (c == '.' && line_length == 0) literal = false;
    if (literal) {
      emit(std::string_view(&text[i], 1));
    } else {
      const char encoded[] = {'=', kHex[u >> 4], kHex[u & 0xF], '\0'};
      emit(encoded);
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out.append("\r\n");
  return out;
}

std::string EncodeHeaderText(std::string_view text) {
  if (IsPlainAscii(text)) return std::string(text);
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    // Cut at a character boundary: never before a UTF-8 continuation byte.
    std::size_t end = std::min(text.size(), i + kEncodedWordBytes);
    while (end < text.size() && end > i + 1 &&
           (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
      --end;
    }
    if (!out.empty()) out.append("\r\n ");
    out.append("=?UTF-8?B?").append(Base64(text.substr(i, end - i))).append("?=");
    i = end;
  }
  return out;
}

Result<std::string> BuildMimeMessage(std::string_view from, const jobs::kinds::OutgoingMail& mail,
                                     Timestamp date) {
  if (HasLineBreak(from) || HasLineBreak(mail.to) || HasLineBreak(mail.subject) ||
      HasLineBreak(mail.message_id)) {
    return InvalidArgument("a mail header value holds a line break");
  }
  if (!IsMessageId(mail.message_id)) return InvalidArgument("not a Message-ID: " + mail.message_id);
  std::string boundary = BoundaryFor(mail.message_id);
  std::string out;
  out.append("From: ").append(from).append("\r\n");
  out.append("To: ").append(mail.to).append("\r\n");
  out.append("Subject: ").append(EncodeHeaderText(mail.subject)).append("\r\n");
  out.append("Date: ").append(MailDate(date)).append("\r\n");
  out.append("Message-ID: ").append(mail.message_id).append("\r\n");
  out.append("MIME-Version: 1.0\r\n");
  out.append("Content-Type: multipart/alternative; boundary=\"").append(boundary).append("\"\r\n");
  out.append("\r\n");
  AppendPart(out, boundary, "text/plain", mail.text);
  AppendPart(out, boundary, "text/html", mail.html);
  out.append("--").append(boundary).append("--\r\n");
  return out;
}

}  // namespace ledger::smtp
