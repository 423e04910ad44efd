// Double Metaphone (Lawrence Philips, C/C++ Users Journal, June 2000): a phonetic code for
// English words and names, with an alternate code where a spelling has two common
// pronunciations ("Schmidt": XMT / SMT). Two words "sound alike" when any code of one equals
// any code of the other. Rights screening uses it to catch sound-alike brand names
// ("Nikey" ~ "Nike": NK, "Addidas" ~ "Adidas": ATTS).
//
// This is a port of the published algorithm, rule for rule, including its Germanic, Slavic,
// Romance and Greek special cases; codes use the usual alphabet (0 for "th", X for "sh").
//
// Thread-safe: a pure function.
#ifndef LEDGER_COMMANDS_SCREENING_DOUBLE_METAPHONE_H_
#define LEDGER_COMMANDS_SCREENING_DOUBLE_METAPHONE_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace ledger::commands::screening {

struct MetaphoneCodes {
  std::string primary;
  std::string alternate;  // equal to primary when the word has one pronunciation

  friend bool operator==(const MetaphoneCodes&, const MetaphoneCodes&) = default;
};

inline constexpr std::size_t kPublishedMetaphoneLength = 4;

// Codes for `word` (ASCII letters; other bytes are skipped as silent), each cut to
// `max_length` characters (0: uncut). The published algorithm cuts at 4; screening uses
// longer codes so that long brand names need more than their first syllables to match.
MetaphoneCodes DoubleMetaphone(std::string_view word,
                               std::size_t max_length = kPublishedMetaphoneLength);

// True if any code of `a` equals any code of `b` and that code is non-empty.
bool SoundAlike(const MetaphoneCodes& a, const MetaphoneCodes& b);

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_DOUBLE_METAPHONE_H_
