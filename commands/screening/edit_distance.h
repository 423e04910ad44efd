// Edit distance for near-miss matching of brand names ("Adidass", "Reebook"): optimal string
// alignment, i.e. restricted Damerau-Levenshtein. Insertion, deletion, substitution and the
// transposition of two adjacent characters each cost 1, and no substring is edited twice
// (so "ca" -> "abc" is 3, not 2 as in unrestricted Damerau-Levenshtein). Transpositions
// matter here: "Nkie" is one slip away from "Nike", not two.
//
// Thread-safe: pure functions. Operates on bytes; callers pass folded ASCII tokens.
#ifndef LEDGER_COMMANDS_SCREENING_EDIT_DISTANCE_H_
#define LEDGER_COMMANDS_SCREENING_EDIT_DISTANCE_H_

#include <cstddef>
#include <string_view>

namespace ledger::commands::screening {

std::size_t OsaDistance(std::string_view a, std::string_view b);

// The distance if it is at most `max_distance`, otherwise some value above it. Cheaper than
// OsaDistance when most pairs are far apart, which is the common case when screening text.
std::size_t BoundedOsaDistance(std::string_view a, std::string_view b, std::size_t max_distance);

// The largest distance still counted as a near miss of a term `term_length` characters
// long. Short names get none: one letter away from "nike" are "nice", "bike", "mike" and
// "like", so for them only the phonetic rule (which "nikey" meets and "nice" does not) applies.
//   <= 4: 0    5-8: 1    9-12: 2    >= 13: 3
std::size_t NearMissThreshold(std::size_t term_length);

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_EDIT_DISTANCE_H_
