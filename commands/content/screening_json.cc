#include "commands/content/screening_json.h"

#include <algorithm>

namespace ledger::commands {
namespace {

namespace json = boost::json;
using screening::Finding;
using screening::PolicyAction;
using screening::VerdictName;

json::array Strings(const std::vector<std::string>& values) {
  json::array out;
  for (const std::string& v : values) out.emplace_back(v);
  return out;
}

json::object FindingToJson(const Finding& f) {
  json::object o;
  o["rule"] = f.rule;
  o["outcome"] = VerdictName(f.outcome);
  if (f.term != nullptr) {
    o["term"] = f.term->display;
    o["category"] = screening::CategoryName(f.term->category);
    o["severity"] = screening::SeverityName(f.term->severity);
    o["term_source"] = f.term->source;
    o["field"] = f.field;
    o["span"] = json::object{{"start", f.begin}, {"end", f.end}};
    o["matched_text"] = f.matched_text;
    o["folded"] = f.folded;
    o["distance"] = f.distance;
  }
  o["score_bp"] = f.score_bp;
  o["detail"] = f.detail;
  return o;
}

std::string_view ActionName(PolicyAction action) {
  return action == PolicyAction::kBlock ? "block" : "escalate";
}

}  // namespace

json::object ItemToJson(const screening::ContentItem& item) {
  json::object o;
  o["name"] = item.name;
  o["description"] = item.description;
  if (item.design_brief) o["design_brief"] = *item.design_brief;
  o["tags"] = Strings(item.tags);
  o["image_hashes"] = Strings(item.image_hashes);
  if (item.visual_similarity_bp) o["visual_similarity_bp"] = *item.visual_similarity_bp;
  return o;
}

json::array FindingsToJson(const screening::ScreeningResult& result,
                           const screening::ScreeningPolicy& policy) {
  json::array out;
  std::size_t n = std::min(result.findings.size(), policy.max_recorded_findings);
  for (std::size_t i = 0; i < n; ++i) out.push_back(FindingToJson(result.findings[i]));
  return out;
}

json::object ModelReportToJson(const screening::ModelReport& report) {
  json::object o;
  o["model"] = report.model;
  o["prompt_version"] = report.prompt_version;
  o["status"] = report.status;
  o["elapsed_ms"] = report.elapsed_ms;
  if (report.verdict) {
    o["decision"] = VerdictName(report.verdict->decision);
    o["labels"] = Strings(report.verdict->labels);
    o["confidence_bp"] = report.verdict->confidence_bp;
    o["rationale"] = report.verdict->rationale;
  } else {
    o["error"] = report.error;
  }
  return o;
}

json::object PolicyToJson(const screening::ScreeningPolicy& policy) {
  return json::object{
      {"phonetic", ActionName(policy.phonetic)},
      {"near_miss", ActionName(policy.near_miss)},
      {"embedded", ActionName(policy.embedded)},
      {"visual_escalate_at_bp", policy.visual_escalate_at_bp},
      {"visual_block_at_bp", policy.visual_block_at_bp},
      {"model_block", ActionName(policy.model_block)},
      {"phonetic_min_similarity_bp", policy.matching.phonetic_min_similarity_bp},
  };
}

}  // namespace ledger::commands
