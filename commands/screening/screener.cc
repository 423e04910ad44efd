#include "commands/screening/screener.h"

#include <algorithm>

namespace ledger::commands::screening {
namespace {

Verdict FromAction(PolicyAction action) {
  return action == PolicyAction::kBlock ? Verdict::kBlock : Verdict::kEscalate;
}

std::string Describe(const Finding& f) {
  if (f.term == nullptr) return f.rule + ": " + f.detail;
  return f.rule + " of " + std::string(CategoryName(f.term->category)) + " '" + f.term->display +
         "' in " + f.field;
}

std::string Reason(const ScreeningResult& result) {
  if (result.findings.empty()) return "no screening rule fired";
  std::string reason =
      std::string(VerdictName(result.decision)) + ": " + Describe(result.findings.front());
  if (result.findings.size() > 1) {
    reason += " (and " + std::to_string(result.findings.size() - 1) + " more)";
  }
  return reason;
}

}  // namespace

Screener::Screener(const RuleSet* rules, ScreeningPolicy policy, ModelScreener* model, Clock* clock,
                   std::chrono::milliseconds model_timeout)
    : rules_(rules),
      policy_(policy),
      model_(clock == nullptr ? nullptr : model),
      clock_(clock),
      model_timeout_(model_timeout) {}

Verdict Screener::ActionFor(MatchRule rule, const Term& term) const {
  switch (rule) {
    case MatchRule::kExactTerm:
      return term.severity == TermSeverity::kHigh ? Verdict::kBlock : Verdict::kEscalate;
    case MatchRule::kPhonetic:
      return FromAction(policy_.phonetic);
    case MatchRule::kNearMiss:
      return FromAction(policy_.near_miss);
    case MatchRule::kEmbedded:
      return FromAction(policy_.embedded);
  }
  return Verdict::kEscalate;
}

void Screener::ScreenField(const std::string& field, const std::string& text,
                           std::vector<Finding>& findings) const {
  for (const TermMatch& m : FindTermMatches(*rules_, text, policy_.matching)) {
    Finding f;
    f.rule = std::string(MatchRuleName(m.rule));
    f.outcome = ActionFor(m.rule, *m.term);
    f.term = m.term;
    f.field = field;
    f.begin = m.begin;
    f.end = m.end;
    f.matched_text = text.substr(m.begin, m.end - m.begin);
    f.folded = m.folded;
    f.distance = m.distance;
    f.score_bp = m.score_bp;
    f.detail = "'" + f.matched_text + "' matches " + std::string(SeverityName(m.term->severity)) +
               "-severity " + std::string(CategoryName(m.term->category)) + " '" + m.term->display +
               "'";
    findings.push_back(std::move(f));
  }
}

void Screener::ConsultModel(const ContentItem& item, ScreeningResult& result) const {
  ModelReport report = screening::ConsultModel(*model_, *clock_, item, model_timeout_);
  Finding f;
  f.rule = "model_screener";
  if (report.status != "ok") {
    // A model that cannot answer has not cleared the item: a human must.
    f.outcome = Verdict::kEscalate;
    f.detail = "model " + report.status + ": " + report.error;
    result.findings.push_back(std::move(f));
  } else if (report.verdict->decision != Verdict::kPass) {
    f.outcome = report.verdict->decision == Verdict::kBlock ? FromAction(policy_.model_block)
                                                            : Verdict::kEscalate;
    f.score_bp = report.verdict->confidence_bp;
    f.detail = "model says " + std::string(VerdictName(report.verdict->decision)) + ": " +
               report.verdict->rationale;
    result.findings.push_back(std::move(f));
  }
  result.model = std::move(report);
}

ScreeningResult Screener::Screen(const ContentItem& item) const {
  ScreeningResult result;
  ScreenField("name", item.name, result.findings);
  ScreenField("description", item.description, result.findings);
  if (item.design_brief) ScreenField("design_brief", *item.design_brief, result.findings);
  for (std::size_t i = 0; i < item.tags.size(); ++i) {
    ScreenField("tags[" + std::to_string(i) + "]", item.tags[i], result.findings);
  }
  if (item.visual_similarity_bp) {
    int score = *item.visual_similarity_bp;
    if (score >= policy_.visual_escalate_at_bp || score >= policy_.visual_block_at_bp) {
      Finding f;
      f.rule = "visual_similarity";
      f.outcome = score >= policy_.visual_block_at_bp ? Verdict::kBlock : Verdict::kEscalate;
      f.score_bp = score;
      f.detail = "image similarity " + std::to_string(score) + " bp to a known mark (escalate at " +
                 std::to_string(policy_.visual_escalate_at_bp) + ", block at " +
                 std::to_string(policy_.visual_block_at_bp) + ")";
      result.findings.push_back(std::move(f));
    }
  }
  auto strictest = [](const std::vector<Finding>& fs) {
    Verdict v = Verdict::kPass;
    for (const Finding& f : fs) v = std::max(v, f.outcome);
    return v;
  };
  // Nothing the model says can lift a block, so it is not asked (nor paid for).
  if (model_ != nullptr && strictest(result.findings) != Verdict::kBlock) {
    ConsultModel(item, result);
  }
  std::stable_sort(result.findings.begin(), result.findings.end(),
                   [](const Finding& a, const Finding& b) { return a.outcome > b.outcome; });
  result.decision = strictest(result.findings);
  result.reason = Reason(result);
  return result;
}

}  // namespace ledger::commands::screening
