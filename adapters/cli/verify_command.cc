// ledger verify: recomputes every stream chain and the global chain from the log and checks
// every seal (replay/verifier.h). Prints a JSON summary; exits 0 if the log verifies and 1
// naming the first altered, deleted, inserted or reordered event (or bad seal) otherwise.
#include <boost/json.hpp>
#include <fstream>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"
#include "adapters/cli/progress.h"
#include "replay/seal_file.h"
#include "replay/seal_key.h"
#include "replay/verifier.h"

namespace ledger::cli {
namespace {

namespace json = boost::json;

json::object ChainJson(const replay::ChainHead& head) {
  json::object o;
  o["sequence"] = head.sequence;
  o["position"] = head.position.value();
  o["chain_hash"] = HexEncode(head.hash);
  return o;
}

json::object SummaryJson(const replay::VerifyReport& report) {
  json::object o;
  o["ok"] = !report.problem.has_value();
  o["events"] = report.events;
  o["streams"] = report.streams;
  o["seals"] = report.seals;
  o["exported_seals"] = report.exported_seals;
  o["head"] = ChainJson(report.head);
  o["sealed_through"] = ChainJson(report.sealed);
  o["unsealed_events"] = report.unsealed_events;
  o["keys"] = report.keys_trusted ? "trusted" : "untrusted";
  if (report.problem) {
    const replay::VerifyProblem& p = *report.problem;
    json::object problem;
    problem["kind"] = replay::ProblemKindName(p.kind);
    problem["message"] = p.message;
    if (p.stream) problem["stream_id"] = p.stream->value();
    if (p.version) problem["stream_version"] = p.version->value();
    if (p.position) problem["global_position"] = p.position->value();
    o["problem"] = std::move(problem);
  }
  return o;
}

class VerifyCommand final : public Command {
 public:
  std::string_view Name() const override { return "verify"; }
  std::string_view Summary() const override {
    return "check every stream's hash chain, the global chain and the seals";
  }
  std::string_view Synopsis() const override {
    return "[--seals FILE] [--seal-key-file FILE] [--require-sealed]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("seals", po::value<std::string>()->value_name("FILE"),
        "seals exported earlier (ledger seal --export): each must still be in the log, "
        "unchanged, and match the log");
    add("seal-key-file", po::value<std::string>()->value_name("FILE"),
        "the keys seals must be signed with: PEM PUBLIC KEY (or PRIVATE KEY) blocks; without "
        "it, each seal is checked only against the key it names itself");
    add("require-sealed", po::bool_switch(),
        "fail if any event (other than a seal) is not covered by a seal yet");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    seals_file_ = StringOption(values, "seals");
    key_file_ = StringOption(values, "seal-key-file");
    options_.require_sealed =
        values.count("require-sealed") > 0 && values["require-sealed"].as<bool>();
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    if (!key_file_.empty()) {
      LEDGER_ASSIGN_OR_RETURN(options_.trusted_keys, replay::LoadSealKeys(key_file_));
    }
    if (!seals_file_.empty()) {
      std::ifstream in(seals_file_, std::ios::binary);
      if (!in) return NotFound("cannot open " + seals_file_ + " for reading");
      Result<std::vector<replay::ExportedSeal>> seals = replay::ReadSealFile(in);
      if (!seals.ok()) return seals.status().WithContext(seals_file_);
      options_.exported_seals = std::move(*seals);
    }
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    ProgressReporter progress(context.env.Err(), context.env.ErrIsTerminal(), "verified");
    options_.on_progress = [&progress](std::uint64_t events) { progress.Update(events, {}); };
    LEDGER_ASSIGN_OR_RETURN(replay::VerifyReport report, replay::VerifyLog(*store, options_));
    progress.Finish(report.events);
    context.env.Out() << json::serialize(SummaryJson(report)) << "\n";
    LEDGER_RETURN_IF_ERROR(CheckWritten(context.env.Out()));
    if (report.problem) return DataLoss(report.problem->message);
    if (!report.keys_trusted && report.seals > 0) {
      context.env.Err() << "ledger verify: note: seals were checked against the keys they name, "
                           "not against a key you trust; pass --seal-key-file\n";
    }
    return Status::Ok();
  }

 private:
  std::string seals_file_;
  std::string key_file_;
  replay::VerifyOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeVerifyCommand() { return std::make_unique<VerifyCommand>(); }

}  // namespace ledger::cli
