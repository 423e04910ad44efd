// Prints the words read from standard input (one per line, e.g. /usr/share/dict/words) that
// only a fuzzy screening rule flags against the term lists in argv[1]: the candidates for
// that rule set's allowlist.txt (see the comment at its top). A developer tool; not installed.
#include <iostream>
#include <set>
#include <string>

#include "commands/screening/term_list.h"
#include "commands/screening/term_matcher.h"

int main(int argc, char** argv) {
  namespace screening = ledger::commands::screening;
  if (argc != 2) {
    std::cerr << "usage: ledger_allowlist_candidates TERM_LIST_DIR < words\n";
    return 2;
  }
  ledger::Result<screening::RuleSet> rules = screening::RuleSet::LoadDirectory(argv[1]);
  if (!rules.ok()) {
    std::cerr << rules.status().ToString() << "\n";
    return 1;
  }
  std::set<std::string> candidates;
  std::string line;
  while (std::getline(std::cin, line)) {
    bool exact = false;
    bool fuzzy = false;
    std::string folded;
    for (const screening::TermMatch& m :
         screening::FindTermMatches(*rules, line, screening::MatchOptions{})) {
      (m.rule == screening::MatchRule::kExactTerm ? exact : fuzzy) = true;
      folded = m.folded;
    }
    if (fuzzy && !exact) candidates.insert(folded);
  }
  for (const std::string& word : candidates) std::cout << word << "\n";
  return 0;
}
