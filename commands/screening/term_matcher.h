// Finding protected names in one text field. Four rules, strongest first:
//
//   exact_term     the folded words of a term appear as whole words ("Under Armour"), run
//                  together ("UnderArmour", "N I K E", "Pika chu"), or with a plural or
//                  possessive "s" ("Nikes"; high-severity terms only).
//   phonetic_match a word (or as many adjacent words as the term has) sounds like a term
//                  (Double Metaphone) and is close in spelling: similarity 1 - d/max(len) at
//                  least MatchOptions::phonetic_min_similarity_bp. "Nikey" ~ "Nike".
//   near_miss      within NearMissThreshold(len) edits of a term without sounding like it.
//                  "Adidsa" ~ "Adidas".
//   embedded_term  a long term inside a longer word: "Pikachulove".
//
// Only high-severity terms are looked for by the three fuzzy rules; words on the rule set's
// allowlist and words that are an exact match of some term are never fuzzily matched.
//
// Thread-safe: pure functions over an immutable RuleSet.
#ifndef LEDGER_COMMANDS_SCREENING_TERM_MATCHER_H_
#define LEDGER_COMMANDS_SCREENING_TERM_MATCHER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "commands/screening/term_list.h"

namespace ledger::commands::screening {

enum class MatchRule { kExactTerm, kPhonetic, kNearMiss, kEmbedded };

std::string_view MatchRuleName(MatchRule rule);  // "exact_term", "phonetic_match", ...

struct TermMatch {
  MatchRule rule = MatchRule::kExactTerm;
  const Term* term = nullptr;  // points into the RuleSet, which must outlive the match
  std::size_t begin = 0;       // byte span [begin, end) in the field's original text
  std::size_t end = 0;
  std::string folded;        // the folded text that matched
  std::size_t distance = 0;  // edit distance between `folded` and the term
  int score_bp = 10000;      // similarity in basis points: 10000 = identical
};

struct MatchOptions {
  int phonetic_min_similarity_bp = 6000;
  std::size_t max_window_words = 12;    // words run together when looking for exact matches
  std::size_t min_fuzzy_length = 4;     // shorter words and terms are matched exactly only
  std::size_t min_embedded_length = 5;  // shorter terms are too often parts of ordinary words
};

// Every match in `text`, in text order; at most one per term and overlapping span.
std::vector<TermMatch> FindTermMatches(const RuleSet& rules, std::string_view text,
                                       const MatchOptions& options);

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_TERM_MATCHER_H_
