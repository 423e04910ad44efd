#include "jobs/kinds/mail_transport.h"

namespace ledger::jobs::kinds {

std::string RedactAddress(std::string_view address) {
  std::size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size() ||
      address.find('@') != at) {
    return "***";
  }
  // One ASCII character of the local part: a multi-byte one would be cut in half.
  unsigned char first = static_cast<unsigned char>(address[0]);
  std::string redacted(1, first < 0x80 && first > 0x20 ? address[0] : '*');
  redacted.append("***").append(address.substr(at));
  return redacted;
}

std::string RedactAddressesIn(std::string_view text) {
  constexpr std::string_view kDelimiters = " \t\r\n<>\",;:()";
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = text.find_first_of(kDelimiters, i);
    if (end == i) {
      out.push_back(text[i++]);
      continue;
    }
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(i, end - i);
    if (word.find('@') == std::string_view::npos) {
      out.append(word);
    } else {
      out.append(RedactAddress(word));
    }
    i = end;
  }
  return out;
}

}  // namespace ledger::jobs::kinds
