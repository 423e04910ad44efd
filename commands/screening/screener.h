// Rights screening of one content item: the term rules over every text field, the visual
// similarity policy and, if configured, the model screener, combined into one verdict with
// every rule that fired and its evidence (DESIGN.md section 6). Pure apart from the model
// call: the same item, rule set and policy always give the same result.
#ifndef LEDGER_COMMANDS_SCREENING_SCREENER_H_
#define LEDGER_COMMANDS_SCREENING_SCREENER_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "commands/screening/content_item.h"
#include "commands/screening/model_screener.h"
#include "commands/screening/term_list.h"
#include "commands/screening/term_matcher.h"

namespace ledger::commands::screening {

// What a rule that may either escalate or block does, by policy.
enum class PolicyAction { kEscalate, kBlock };

struct ScreeningPolicy {
  // Exact matches of high-severity terms always block, of medium ones always escalate.
  PolicyAction phonetic = PolicyAction::kEscalate;
  PolicyAction near_miss = PolicyAction::kEscalate;
  PolicyAction embedded = PolicyAction::kEscalate;
  // visual_similarity at or above these (basis points) escalates / blocks.
  int visual_escalate_at_bp = 8000;
  int visual_block_at_bp = 9500;  // above 10000: never blocks
  // What the model answering "block" does; by default a human confirms.
  PolicyAction model_block = PolicyAction::kEscalate;
  MatchOptions matching;
  // At most this many findings are recorded in the event (all of them decide).
  std::size_t max_recorded_findings = 50;
};

struct Finding {
  std::string rule;  // exact_term, phonetic_match, near_miss, embedded_term,
                     // visual_similarity, model_screener
  Verdict outcome = Verdict::kEscalate;
  // Term rules only:
  const Term* term = nullptr;  // points into the Screener's RuleSet
  std::string field;           // "name", "description", "design_brief", "tags[2]"
  std::size_t begin = 0;       // byte span in the field
  std::size_t end = 0;
  std::string matched_text;  // the field's bytes [begin, end)
  std::string folded;
  std::size_t distance = 0;
  // All rules: similarity in basis points (term rules), the visual score, or the model's
  // confidence.
  int score_bp = 0;
  std::string detail;  // a sentence for reviewers
};

struct ScreeningResult {
  Verdict decision = Verdict::kPass;
  std::vector<Finding> findings;     // strictest first, then in field order
  std::optional<ModelReport> model;  // absent when no model is configured or rules blocked
  std::string reason;                // one line for humans
};

class Screener {
 public:
  // `rules` must outlive the Screener; `model` and `clock` may be null (no model screening),
  // otherwise both must outlive it.
  Screener(const RuleSet* rules, ScreeningPolicy policy, ModelScreener* model, Clock* clock,
           std::chrono::milliseconds model_timeout);

  ScreeningResult Screen(const ContentItem& item) const;

  const RuleSet& rules() const { return *rules_; }
  const ScreeningPolicy& policy() const { return policy_; }

 private:
  void ScreenField(const std::string& field, const std::string& text,
                   std::vector<Finding>& findings) const;
  Verdict ActionFor(MatchRule rule, const Term& term) const;
  void ConsultModel(const ContentItem& item, ScreeningResult& result) const;

  const RuleSet* rules_;
  ScreeningPolicy policy_;
  ModelScreener* model_;
  Clock* clock_;
  std::chrono::milliseconds model_timeout_;
};

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_SCREENER_H_
