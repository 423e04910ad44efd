// The rule set of rights screening: versioned term lists of protected names, shipped in the
// repository under commands/screening/terms/<version>/ and compiled into the binary (see
// commands/EmbedTermLists.cmake), or loaded from a directory an operator names.
//
// File formats (UTF-8):
//   *.tsv          one term per line: term<TAB>category<TAB>severity[<TAB>note]
//                    category: trademark | sports_brand | character
//                    severity: high   (a folded exact or whole-word match blocks)
//                              medium (an ambiguous name that is also an ordinary word or a
//                                      common first name, "Jordan", "Mario": a match escalates
//                                      to a human, and sound-alikes are not looked for)
//   allowlist.txt  one ordinary word per line that the fuzzy rules (sound-alike, near miss,
//                  embedded) must never flag, e.g. "nice" (one letter from "nike"),
//                  "pima" (cotton; sounds like "puma"). Exact term matches still apply.
//   Lines starting with '#' and blank lines are ignored; a line starting "term<TAB>category<TAB>"
//   is a header.
//
// A RuleSet is immutable once built; share it freely between threads.
#ifndef LEDGER_COMMANDS_SCREENING_TERM_LIST_H_
#define LEDGER_COMMANDS_SCREENING_TERM_LIST_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "commands/screening/double_metaphone.h"
#include "engine/result.h"

namespace ledger::commands::screening {

enum class TermCategory { kTrademark, kSportsBrand, kCharacter };
enum class TermSeverity { kHigh, kMedium };

std::string_view CategoryName(TermCategory category);  // "trademark", ...
std::string_view SeverityName(TermSeverity severity);  // "high", "medium"

struct Term {
  std::string display;  // as written in the list: "Under Armour"
  TermCategory category = TermCategory::kTrademark;
  TermSeverity severity = TermSeverity::kHigh;
  std::vector<std::string> words;  // folded: {"under", "armour"}
  std::string joined;              // folded words run together: "underarmour"
  MetaphoneCodes sound;            // Double Metaphone of `joined`, uncut
  std::string source;              // "sports_brands.tsv:12", for messages
};

struct TermFile {
  std::string name;  // "sports_brands.tsv" or "allowlist.txt"
  std::string contents;
};

class RuleSet {
 public:
  // Builds a rule set from term files. InvalidArgument names the file and line of a bad
  // entry: unknown category or severity, a term folding to fewer than 3 characters, or two
  // terms folding to the same text.
  static Result<RuleSet> Parse(std::string version, std::span<const TermFile> files);
  // The rule set compiled into the binary (the newest version in the repository).
  static Result<RuleSet> Embedded();
  // Every *.tsv file and allowlist.txt in `directory`; the version is the directory's name.
  static Result<RuleSet> LoadDirectory(const std::string& directory);

  const std::string& version() const { return version_; }
  // "sha256:<hex>" over the files' names and contents: two rule sets with the same version
  // but edited lists are told apart in the audit trail.
  const std::string& digest() const { return digest_; }
  const std::vector<Term>& terms() const { return terms_; }
  std::size_t max_joined_length() const { return max_joined_length_; }
  std::size_t max_words() const { return max_words_; }

  bool IsAllowlisted(std::string_view folded_word) const;
  // The term whose joined form is `joined`, or nullptr.
  const Term* FindJoined(std::string_view joined) const;

 private:
  std::string version_;
  std::string digest_;
  std::vector<Term> terms_;
  std::unordered_map<std::string, std::size_t> by_joined_;
  std::unordered_set<std::string> allowlist_;
  std::size_t max_joined_length_ = 0;
  std::size_t max_words_ = 0;
};

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_TERM_LIST_H_
