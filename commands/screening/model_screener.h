// An optional model-based screener (an LLM or classifier behind some API), consulted after
// the term rules. It can only make a decision stricter: its "pass" never overrides a rule,
// and its failure, timeout or malformed answer escalates to a human, never passes.
//
// The model's answer must be exactly this JSON object (no other fields):
//   {"decision": "pass" | "escalate" | "block",
//    "labels": ["trademark", ...],        // at most 20 strings of at most 64 bytes
//    "confidence": 0.0 .. 1.0,
//    "rationale": "..."}                    // at most 2000 bytes
#ifndef LEDGER_COMMANDS_SCREENING_MODEL_SCREENER_H_
#define LEDGER_COMMANDS_SCREENING_MODEL_SCREENER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "commands/screening/content_item.h"
#include "engine/clock.h"
#include "engine/result.h"

namespace ledger::commands::screening {

enum class Verdict { kPass, kEscalate, kBlock };  // ordered: a later one is stricter
std::string_view VerdictName(Verdict verdict);    // "pass", "escalate", "block"

class ModelScreener {
 public:
  virtual ~ModelScreener() = default;

  // Identify the model and its prompt; both are recorded with every decision so an audit can
  // tell which prompt said what.
  virtual std::string model() const = 0;
  virtual std::string prompt_version() const = 0;

  // Asks the model about `item` and returns its raw answer, or an error (Unavailable when the
  // service is away). Implementations must give up by `timeout`; an answer that arrives later
  // is discarded anyway. Must be thread-safe: commands run concurrently.
  virtual Result<std::string> Screen(const ContentItem& item,
                                     std::chrono::milliseconds timeout) = 0;
};

struct ModelVerdict {
  Verdict decision = Verdict::kPass;
  std::vector<std::string> labels;
  int confidence_bp = 0;  // 0..10000
  std::string rationale;
};

// Strictly validates a model's raw answer (see the format above). InvalidArgument says what
// is wrong.
Result<ModelVerdict> ParseModelOutput(std::string_view raw);

// What happened when the model was consulted, as recorded in screening.decided.
struct ModelReport {
  std::string model;
  std::string prompt_version;
  std::string status;                   // "ok", "error", "timeout" or "invalid_output"
  std::optional<ModelVerdict> verdict;  // when status is "ok"
  std::string error;                    // otherwise
  std::int64_t elapsed_ms = 0;
};

// Consults `screener`, timing it with `clock`, and validates the answer.
ModelReport ConsultModel(ModelScreener& screener, Clock& clock, const ContentItem& item,
                         std::chrono::milliseconds timeout);

// A deterministic stand-in for tests and offline demos: answers "escalate" when the item's
// name, description or design brief contains one of `flag_words` (case-insensitively),
// otherwise "pass". Its answer, failure and delay can be scripted.
class FakeModelScreener final : public ModelScreener {
 public:
  explicit FakeModelScreener(std::vector<std::string> flag_words = {},
                             std::string prompt_version = "fake-prompt-v1");

  std::string model() const override { return "fake-model"; }
  std::string prompt_version() const override { return prompt_version_; }
  Result<std::string> Screen(const ContentItem& item, std::chrono::milliseconds timeout) override;

  // Every later call answers exactly `raw` (which may be malformed on purpose).
  void AnswerWith(std::string raw) { fixed_answer_ = std::move(raw); }
  // Every later call fails with `status`.
  void FailWith(Status status) { failure_ = std::move(status); }
  // Every later call advances `clock` by `delay` before answering, simulating a slow model.
  void DelayBy(ManualClock* clock, std::chrono::milliseconds delay) {
    clock_ = clock;
    delay_ = delay;
  }
  int calls() const { return calls_.load(); }

 private:
  std::vector<std::string> flag_words_;
  std::string prompt_version_;
  std::optional<std::string> fixed_answer_;
  std::optional<Status> failure_;
  ManualClock* clock_ = nullptr;
  std::chrono::milliseconds delay_{0};
  std::atomic<int> calls_{0};
};

}  // namespace ledger::commands::screening

#endif  // LEDGER_COMMANDS_SCREENING_MODEL_SCREENER_H_
