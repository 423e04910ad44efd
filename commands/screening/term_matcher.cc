#include "commands/screening/term_matcher.h"

#include <algorithm>
#include <unordered_map>

#include "commands/screening/double_metaphone.h"
#include "commands/screening/edit_distance.h"
#include "commands/screening/normalizer.h"

namespace ledger::commands::screening {
namespace {

// Sound-alikes and near misses of one window of words are looked for over at most this
// many words: no term in a realistic list is longer.
constexpr std::size_t kMaxFuzzyWords = 4;

struct FuzzyHit {
  const Term* term;
  MatchRule rule;
  std::size_t distance;
  int score_bp;
};

class Scan {
 public:
  Scan(const RuleSet& rules, const MatchOptions& options, std::string_view text)
      : rules_(rules), options_(options), tokens_(Tokenize(text)), covered_(tokens_.size()) {}

  std::vector<TermMatch> Run() {
    FindExact();
    FindFuzzy();
    FindEmbedded();
    std::stable_sort(matches_.begin(), matches_.end(),
                     [](const TermMatch& a, const TermMatch& b) { return a.begin < b.begin; });
    return std::move(matches_);
  }

 private:
  const Term* LookupExact(std::string_view folded) const;
  void FindExact();
  void FindFuzzy();
  void FindEmbedded();
  const std::vector<FuzzyHit>& Compare(const std::string& candidate, std::size_t words);
  bool Eligible(std::size_t i) const {
    return tokens_[i].letters_only && !covered_[i] && !rules_.IsAllowlisted(tokens_[i].text);
  }
  void Add(MatchRule rule, const Term* term, std::size_t first, std::size_t last,
           std::string folded, std::size_t distance, int score_bp);

  const RuleSet& rules_;
  const MatchOptions& options_;
  std::vector<Token> tokens_;
  std::vector<bool> covered_;  // token i is part of an exact match
  std::vector<TermMatch> matches_;
  std::unordered_map<std::string, std::vector<FuzzyHit>> fuzzy_cache_;
};

const Term* Scan::LookupExact(std::string_view folded) const {
  if (const Term* term = rules_.FindJoined(folded)) return term;
  // A plural or possessive of a distinctive name ("Nikes", "Pumas") is the name.
  if (folded.size() > 3 && folded.back() == 's') {
    const Term* term = rules_.FindJoined(folded.substr(0, folded.size() - 1));
    if (term != nullptr && term->severity == TermSeverity::kHigh) return term;
  }
  return nullptr;
}

void Scan::Add(MatchRule rule, const Term* term, std::size_t first, std::size_t last,
               std::string folded, std::size_t distance, int score_bp) {
  std::size_t begin = tokens_[first].begin;
  std::size_t end = tokens_[last].end;
  for (const TermMatch& m : matches_) {
    if (m.term == term && m.begin < end && begin < m.end) return;  // already found here
  }
  matches_.push_back(TermMatch{rule, term, begin, end, std::move(folded), distance, score_bp});
}

void Scan::FindExact() {
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    std::string text;
    std::string alt;
    for (std::size_t j = i; j < tokens_.size() && j - i < options_.max_window_words; ++j) {
      text += tokens_[j].text;
      alt += tokens_[j].alt_text.empty() ? tokens_[j].text : tokens_[j].alt_text;
      if (text.size() > rules_.max_joined_length() + 1) break;
      const Term* term = LookupExact(text);
      const std::string* folded = &text;
      if (term == nullptr && alt != text) {
        term = LookupExact(alt);
        folded = &alt;
      }
      if (term == nullptr) continue;
      Add(MatchRule::kExactTerm, term, i, j, *folded, 0, 10000);
      for (std::size_t k = i; k <= j; ++k) covered_[k] = true;
    }
  }
}

const std::vector<FuzzyHit>& Scan::Compare(const std::string& candidate, std::size_t words) {
  std::string key = std::to_string(words) + ":" + candidate;
  auto [it, inserted] = fuzzy_cache_.try_emplace(key);
  if (!inserted) return it->second;
  MetaphoneCodes sound = DoubleMetaphone(candidate, 0);
  const int min_score = options_.phonetic_min_similarity_bp;
  for (const Term& term : rules_.terms()) {
    if (term.severity != TermSeverity::kHigh || term.joined.size() < options_.min_fuzzy_length) {
      continue;
    }
    if (words > 1 && term.words.size() != words) continue;
    std::size_t longest = std::max(candidate.size(), term.joined.size());
    std::size_t phonetic_limit = longest * static_cast<std::size_t>(10000 - min_score) / 10000;
    std::size_t near_limit = NearMissThreshold(term.joined.size());
    std::size_t limit = std::max(phonetic_limit, near_limit);
    std::size_t d = BoundedOsaDistance(candidate, term.joined, limit);
    if (d == 0 || d > limit) continue;
    int score = 10000 - static_cast<int>(d * 10000 / longest);
    if (d <= phonetic_limit && score >= min_score && SoundAlike(sound, term.sound)) {
      it->second.push_back(FuzzyHit{&term, MatchRule::kPhonetic, d, score});
    } else if (d <= near_limit) {
      it->second.push_back(FuzzyHit{&term, MatchRule::kNearMiss, d, score});
    }
  }
  return it->second;
}

void Scan::FindFuzzy() {
  std::size_t max_words = std::min(rules_.max_words(), kMaxFuzzyWords);
  for (std::size_t words = 1; words <= max_words; ++words) {
    for (std::size_t i = 0; i + words <= tokens_.size(); ++i) {
      std::string candidate;
      bool eligible = true;
      for (std::size_t k = i; k < i + words && eligible; ++k) {
        eligible = Eligible(k);
        candidate += tokens_[k].text;
      }
      // "leaf's" is the window "leaf" + "s": an ordinary word once joined.
      if (!eligible || candidate.size() < options_.min_fuzzy_length ||
          rules_.IsAllowlisted(candidate)) {
        continue;
      }
      for (const FuzzyHit& hit : Compare(candidate, words)) {
        Add(hit.rule, hit.term, i, i + words - 1, candidate, hit.distance, hit.score_bp);
      }
    }
  }
}

void Scan::FindEmbedded() {
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    if (!Eligible(i)) continue;
    const std::string& word = tokens_[i].text;
    for (const Term& term : rules_.terms()) {
      if (term.severity != TermSeverity::kHigh ||
          term.joined.size() < options_.min_embedded_length || word.size() <= term.joined.size() ||
          word.find(term.joined) == std::string::npos) {
        continue;
      }
      int score = static_cast<int>(term.joined.size() * 10000 / word.size());
      Add(MatchRule::kEmbedded, &term, i, i, word, word.size() - term.joined.size(), score);
    }
  }
}

}  // namespace

std::string_view MatchRuleName(MatchRule rule) {
  switch (rule) {
    case MatchRule::kExactTerm:
      return "exact_term";
    case MatchRule::kPhonetic:
      return "phonetic_match";
    case MatchRule::kNearMiss:
      return "near_miss";
    case MatchRule::kEmbedded:
      return "embedded_term";
  }
  return "exact_term";
}

std::vector<TermMatch> FindTermMatches(const RuleSet& rules, std::string_view text,
                                       const MatchOptions& options) {
  return Scan(rules, options, text).Run();
}

}  // namespace ledger::commands::screening
