// Folding text into matchable tokens, the first step of rights screening. Content and term
// lists go through the same folding, so "NÏKE", "N.I.K.E", "n1ke" and "Ni\u200bke" all meet
// the term "Nike" as the token "nike".
//
// What folding does, in order:
//   - decodes UTF-8; zero-width characters, soft hyphens and combining marks are dropped (they
//     split nothing), fullwidth ASCII is read as ASCII, Cyrillic and Greek letters that look
//     like Latin ones ("а", "ο") are read as those Latin letters;
//   - folds case and strips accents from Latin-1 and Latin Extended-A letters ("é" -> "e",
//     "ß" -> "ss", "Œ" -> "oe");
//   - splits on everything that is not a letter, a digit, '@' or '$' (apostrophes included, so
//     "Nike's" keeps the token "nike");
//   - reads leetspeak inside a word: 0->o 1->i (and, as an alternative reading, l) 3->e 4->a
//     5->s 7->t @->a $->s. A run of digits that is not all leetspeak, or that stands at the
//     start or end of a word and is longer than one character ("nike2024", "tee350"), is a
//     number: it becomes its own token;
//   - collapses a run of three or more identical characters to one ("niiiike" -> "nike").
//
// Thread-safe: pure functions.
#ifndef LEDGER_COMMANDS_SCREENING_NORMALIZER_H_
#define LEDGER_COMMANDS_SCREENING_NORMALIZER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ledger::commands::screening {

struct Token {
  std::string text;       // folded: a-z and 0-9 only
  std::string alt_text;   // `text` with leetspeak '1' read as 'l'; empty when the same
  std::size_t begin = 0;  // byte span [begin, end) of the token in the original text
  std::size_t end = 0;
  bool letters_only = false;  // only a-z: eligible for the phonetic and edit-distance rules
};

// The tokens of `utf8`, in order. Invalid UTF-8 bytes separate tokens.
std::vector<Token> Tokenize(std::string_view utf8);

// The tokens' texts, for folding a term from a term list exactly as content is folded.
std::vector<std::string> FoldWords(std::string_view utf8);

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_NORMALIZER_H_
