#include "commands/screening/normalizer.h"

#include <algorithm>
#include <cstddef>
#include <span>
#include <utility>

namespace ledger::commands::screening {
namespace {

// One folded character with the byte span of the code point it came from.
struct FoldedChar {
  char c;
  char alt;  // its alternative leetspeak reading ('l' for '1'); same as c otherwise
  std::size_t begin;
  std::size_t end;
};
using RawToken = std::vector<FoldedChar>;

enum class Kind { kChars, kIgnore, kSeparator };
struct Folding {
  Kind kind;
  std::string_view chars;
};

struct Range {
  char32_t first;
  char32_t last;
  std::string_view fold;
};

// Latin-1 Supplement and Latin Extended-A letters, case-folded with accents stripped.
// U+00D7 (multiplication sign) and U+00F7 (division sign) are symbols: not listed.
constexpr Range kLatinFolds[] = {
    {0x00C0, 0x00C5, "a"},  {0x00C6, 0x00C6, "ae"}, {0x00C7, 0x00C7, "c"},  {0x00C8, 0x00CB, "e"},
    {0x00CC, 0x00CF, "i"},  {0x00D0, 0x00D0, "d"},  {0x00D1, 0x00D1, "n"},  {0x00D2, 0x00D6, "o"},
    {0x00D8, 0x00D8, "o"},  {0x00D9, 0x00DC, "u"},  {0x00DD, 0x00DD, "y"},  {0x00DE, 0x00DE, "th"},
    {0x00DF, 0x00DF, "ss"}, {0x00E0, 0x00E5, "a"},  {0x00E6, 0x00E6, "ae"}, {0x00E7, 0x00E7, "c"},
    {0x00E8, 0x00EB, "e"},  {0x00EC, 0x00EF, "i"},  {0x00F0, 0x00F0, "d"},  {0x00F1, 0x00F1, "n"},
    {0x00F2, 0x00F6, "o"},  {0x00F8, 0x00F8, "o"},  {0x00F9, 0x00FC, "u"},  {0x00FD, 0x00FD, "y"},
    {0x00FE, 0x00FE, "th"}, {0x00FF, 0x00FF, "y"},  {0x0100, 0x0105, "a"},  {0x0106, 0x010D, "c"},
    {0x010E, 0x0111, "d"},  {0x0112, 0x011B, "e"},  {0x011C, 0x0123, "g"},  {0x0124, 0x0127, "h"},
    {0x0128, 0x0131, "i"},  {0x0132, 0x0133, "ij"}, {0x0134, 0x0135, "j"},  {0x0136, 0x0138, "k"},
    {0x0139, 0x0142, "l"},  {0x0143, 0x014B, "n"},  {0x014C, 0x0151, "o"},  {0x0152, 0x0153, "oe"},
    {0x0154, 0x0159, "r"},  {0x015A, 0x0161, "s"},  {0x0162, 0x0167, "t"},  {0x0168, 0x0173, "u"},
    {0x0174, 0x0175, "w"},  {0x0176, 0x0178, "y"},  {0x0179, 0x017E, "z"},  {0x017F, 0x017F, "s"},
};

// Greek and Cyrillic letters that render like Latin ones: the classic way to slip a brand
// name past a filter ("Nіke" with a Cyrillic i).
constexpr Range kLookalikes[] = {
    {0x0391, 0x0391, "a"}, {0x0392, 0x0392, "b"}, {0x0395, 0x0395, "e"}, {0x0396, 0x0396, "z"},
    {0x0397, 0x0397, "h"}, {0x0399, 0x0399, "i"}, {0x039A, 0x039A, "k"}, {0x039C, 0x039C, "m"},
    {0x039D, 0x039D, "n"}, {0x039F, 0x039F, "o"}, {0x03A1, 0x03A1, "p"}, {0x03A4, 0x03A4, "t"},
    {0x03A5, 0x03A5, "y"}, {0x03A7, 0x03A7, "x"}, {0x03B1, 0x03B1, "a"}, {0x03B2, 0x03B2, "b"},
    {0x03B5, 0x03B5, "e"}, {0x03B9, 0x03B9, "i"}, {0x03BA, 0x03BA, "k"}, {0x03BD, 0x03BD, "v"},
    {0x03BF, 0x03BF, "o"}, {0x03C1, 0x03C1, "p"}, {0x03C4, 0x03C4, "t"}, {0x03C5, 0x03C5, "u"},
    {0x03C7, 0x03C7, "x"}, {0x0401, 0x0401, "e"}, {0x0405, 0x0405, "s"}, {0x0406, 0x0406, "i"},
    {0x0408, 0x0408, "j"}, {0x0410, 0x0410, "a"}, {0x0412, 0x0412, "b"}, {0x0415, 0x0415, "e"},
    {0x041A, 0x041A, "k"}, {0x041C, 0x041C, "m"}, {0x041D, 0x041D, "h"}, {0x041E, 0x041E, "o"},
    {0x0420, 0x0420, "p"}, {0x0421, 0x0421, "c"}, {0x0422, 0x0422, "t"}, {0x0423, 0x0423, "y"},
    {0x0425, 0x0425, "x"}, {0x0430, 0x0430, "a"}, {0x0435, 0x0435, "e"}, {0x043A, 0x043A, "k"},
    {0x043C, 0x043C, "m"}, {0x043E, 0x043E, "o"}, {0x0440, 0x0440, "p"}, {0x0441, 0x0441, "c"},
    {0x0443, 0x0443, "y"}, {0x0445, 0x0445, "x"}, {0x0451, 0x0451, "e"}, {0x0455, 0x0455, "s"},
    {0x0456, 0x0456, "i"}, {0x0458, 0x0458, "j"}, {0x0501, 0x0501, "d"},
};

constexpr std::string_view kAsciiKeep = "abcdefghijklmnopqrstuvwxyz0123456789@$";

bool IsLetter(char c) { return c >= 'a' && c <= 'z'; }
bool IsLeet(char c) { return std::string_view("013457@$").find(c) != std::string_view::npos; }

// Decodes the code point at s[i]; invalid or truncated sequences decode as one U+FFFD byte.
std::pair<char32_t, std::size_t> Decode(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0;
  if (len == 0 || i + len > s.size()) return {0xFFFD, 1};
  char32_t cp = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {0xFFFD, 1};
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  return {cp, len};
}

std::string_view Lookup(std::span<const Range> ranges, char32_t cp) {
  for (const Range& r : ranges) {
    if (cp >= r.first && cp <= r.last) return r.fold;
  }
  return {};
}

Folding Fold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // fullwidth ASCII
  if (cp < 0x80) {
    char c = static_cast<char>(cp);
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    std::size_t at = kAsciiKeep.find(c);
    if (at != std::string_view::npos) return {Kind::kChars, kAsciiKeep.substr(at, 1)};
    return {Kind::kSeparator, {}};
  }
  if (cp == 0x00AD || (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x200B && cp <= 0x200D) ||
      cp == 0x2060 || cp == 0xFEFF) {
    return {Kind::kIgnore, {}};
  }
  std::string_view fold = Lookup(kLatinFolds, cp);
  if (fold.empty()) fold = Lookup(kLookalikes, cp);
  if (!fold.empty()) return {Kind::kChars, fold};
  return {Kind::kSeparator, {}};
}

std::vector<RawToken> SplitRaw(std::string_view text) {
  std::vector<RawToken> raw(1);
  for (std::size_t i = 0; i < text.size();) {
    auto [cp, len] = Decode(text, i);
    Folding f = Fold(cp);
    if (f.kind == Kind::kSeparator) {
      if (!raw.back().empty()) raw.emplace_back();
    } else {
      for (char c : f.chars) raw.back().push_back({c, c, i, i + len});
    }
    i += len;
  }
  if (raw.back().empty()) raw.pop_back();
  return raw;
}

void MapLeet(FoldedChar& fc) {
  switch (fc.c) {
    case '0':
      fc.c = fc.alt = 'o';
      break;
    case '1':
      fc.c = 'i';
      fc.alt = 'l';
      break;
    case '3':
      fc.c = fc.alt = 'e';
      break;
    case '4':
      fc.c = fc.alt = 'a';
      break;
    case '5':
    case '$':
      fc.c = fc.alt = 's';
      break;
    case '7':
      fc.c = fc.alt = 't';
      break;
    case '@':
      fc.c = fc.alt = 'a';
      break;
    default:
      break;
  }
}

// A number standing alone: digits kept, '@' and '$' dropped.
RawToken NumberPart(const RawToken& raw, std::size_t from, std::size_t to) {
  RawToken out;
  for (std::size_t k = from; k < to; ++k) {
    if (raw[k].c != '@' && raw[k].c != '$') out.push_back(raw[k]);
  }
  return out;
}

// Reads leetspeak in one raw token, splitting off runs of digits that are numbers.
std::vector<RawToken> ResolveDigits(const RawToken& raw) {
  bool has_letter =
      std::any_of(raw.begin(), raw.end(), [](const FoldedChar& f) { return IsLetter(f.c); });
  if (!has_letter) return {NumberPart(raw, 0, raw.size())};
  std::vector<RawToken> out(1);
  for (std::size_t i = 0; i < raw.size();) {
    if (IsLetter(raw[i].c)) {
      out.back().push_back(raw[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < raw.size() && !IsLetter(raw[j].c)) ++j;
    auto run_begin = raw.begin() + static_cast<std::ptrdiff_t>(i);
    auto run_end = raw.begin() + static_cast<std::ptrdiff_t>(j);
    bool all_leet =
        std::all_of(run_begin, run_end, [](const FoldedChar& f) { return IsLeet(f.c); });
    bool at_edge = i == 0 || j == raw.size();
    if (all_leet && !(at_edge && j - i >= 2)) {
      for (std::size_t k = i; k < j; ++k) {
        FoldedChar fc = raw[k];
        MapLeet(fc);
        out.back().push_back(fc);
      }
    } else {
      out.push_back(NumberPart(raw, i, j));
      out.emplace_back();
    }
    i = j;
  }
  return out;
}

// Invariant: no three equal characters in a row survive.
RawToken CollapseRuns(const RawToken& in) {
  RawToken out;
  for (std::size_t i = 0; i < in.size();) {
    std::size_t j = i;
    while (j < in.size() && in[j].c == in[i].c) ++j;
    if (j - i >= 3) {
      out.push_back(in[i]);
    } else {
      out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(i),
                 in.begin() + static_cast<std::ptrdiff_t>(j));
    }
    i = j;
  }
  return out;
}

Token MakeToken(const RawToken& chars) {
  Token t;
  for (const FoldedChar& fc : chars) {
    t.text.push_back(fc.c);
    t.alt_text.push_back(fc.alt);
  }
  if (t.alt_text == t.text) t.alt_text.clear();
  t.begin = chars.front().begin;
  t.end = chars.back().end;
  t.letters_only = std::all_of(t.text.begin(), t.text.end(), IsLetter);
  return t;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view utf8) {
  std::vector<Token> tokens;
  for (const RawToken& raw : SplitRaw(utf8)) {
    for (const RawToken& part : ResolveDigits(raw)) {
      if (part.empty()) continue;
      tokens.push_back(MakeToken(CollapseRuns(part)));
    }
  }
  return tokens;
}

std::vector<std::string> FoldWords(std::string_view utf8) {
  std::vector<std::string> words;
  for (Token& t : Tokenize(utf8)) words.push_back(std::move(t.text));
  return words;
}

}  // namespace ledger::commands::screening
