#include "commands/screening/model_screener.h"

#include <algorithm>
#include <cmath>

#include "commands/internal/json_fields.h"

namespace ledger::commands::screening {
namespace {

constexpr std::size_t kMaxLabels = 20;
constexpr std::size_t kMaxLabelBytes = 64;
constexpr std::size_t kMaxRationaleBytes = 2000;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kEscalate:
      return "escalate";
    case Verdict::kBlock:
      return "block";
  }
  return "escalate";
}

Result<ModelVerdict> ParseModelOutput(std::string_view raw) {
  LEDGER_ASSIGN_OR_RETURN(internal::JsonFields fields, internal::JsonFields::Parse(raw));
  ModelVerdict verdict;
  LEDGER_ASSIGN_OR_RETURN(std::string decision, fields.String("decision", {.max_bytes = 16}));
  if (decision == "pass") {
    verdict.decision = Verdict::kPass;
  } else if (decision == "escalate") {
    verdict.decision = Verdict::kEscalate;
  } else if (decision == "block") {
    verdict.decision = Verdict::kBlock;
  } else {
    return InvalidArgument("field 'decision' must be pass, escalate or block");
  }
  LEDGER_ASSIGN_OR_RETURN(
      std::optional<std::vector<std::string>> labels,
      fields.OptionalStringArray("labels", kMaxLabels, {.max_bytes = kMaxLabelBytes}));
  if (!labels) return InvalidArgument("missing required field 'labels'");
  verdict.labels = std::move(*labels);
  LEDGER_ASSIGN_OR_RETURN(std::optional<double> confidence,
                          fields.OptionalNumber("confidence", 0.0, 1.0));
  if (!confidence) return InvalidArgument("missing required field 'confidence'");
  verdict.confidence_bp = static_cast<int>(std::lround(*confidence * 10000));
  LEDGER_ASSIGN_OR_RETURN(
      verdict.rationale,
      fields.String("rationale", {.max_bytes = kMaxRationaleBytes, .allow_empty = true}));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  return verdict;
}

ModelReport ConsultModel(ModelScreener& screener, Clock& clock, const ContentItem& item,
                         std::chrono::milliseconds timeout) {
  ModelReport report;
  report.model = screener.model();
  report.prompt_version = screener.prompt_version();
  Timestamp start = clock.Now();
  Result<std::string> raw = screener.Screen(item, timeout);
  report.elapsed_ms = (clock.Now().value() - start.value()) / 1000;
  if (report.elapsed_ms > timeout.count()) {
    // Late answers are discarded even if valid: the deadline is part of the contract, and a
    // model that is sometimes slow must not sometimes decide.
    report.status = "timeout";
    report.error = "no answer within " + std::to_string(timeout.count()) + " ms";
    return report;
  }
  if (!raw.ok()) {
    report.status = "error";
    report.error = raw.status().ToString();
    return report;
  }
  Result<ModelVerdict> verdict = ParseModelOutput(*raw);
  if (!verdict.ok()) {
    report.status = "invalid_output";
    report.error = verdict.status().message();
    return report;
  }
  report.status = "ok";
  report.verdict = std::move(verdict).value();
  return report;
}

FakeModelScreener::FakeModelScreener(std::vector<std::string> flag_words,
                                     std::string prompt_version)
    : flag_words_(std::move(flag_words)), prompt_version_(std::move(prompt_version)) {}

Result<std::string> FakeModelScreener::Screen(const ContentItem& item,
                                              std::chrono::milliseconds /*timeout*/) {
  calls_.fetch_add(1);
  if (clock_ != nullptr) clock_->AdvanceMicros(delay_.count() * 1000);
  if (failure_) return *failure_;
  if (fixed_answer_) return *fixed_answer_;
  std::string text =
      Lower(item.name + "\n" + item.description + "\n" + item.design_brief.value_or(""));
  for (const std::string& word : flag_words_) {
    if (text.find(Lower(word)) != std::string::npos) {
      return R"({"decision":"escalate","labels":["possible_reference"],"confidence":0.9,)"
             R"("rationale":"mentions )" +
             word + R"("})";
    }
  }
  return std::string(
      R"({"decision":"pass","labels":[],"confidence":0.8,"rationale":"no protected reference"})");
}

}  // namespace ledger::commands::screening
