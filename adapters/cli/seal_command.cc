// ledger seal: runs the sealer (replay/sealer.h) once up to the head of the log and prints the
// seals it wrote, as JSON lines in the export format; --export FILE then writes every seal to
// FILE for safekeeping outside the database; --generate-key FILE makes a sealing key.
#include <filesystem>
#include <fstream>
#include <system_error>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"
#include "adapters/cli/progress.h"
#include "replay/seal_file.h"
#include "replay/seal_key.h"
#include "replay/seal_stream.h"
#include "replay/sealer.h"

namespace ledger::cli {
namespace {

// Writes `seal_events` to `path` through "<path>.partial" and a rename, so that a failed
// export never leaves a truncated seals file that looks whole.
Status ExportSeals(std::span<const RecordedEvent> seal_events, const std::string& path) {
  const std::string partial = path + ".partial";
  std::ofstream file(partial, std::ios::binary | std::ios::trunc);
  if (!file) return FailedPrecondition("cannot open " + partial + " for writing");
  Status written = replay::WriteSealFile(seal_events, file);
  file.close();
  if (written.ok() && !file) written = Unavailable("cannot write to " + partial);
  std::error_code ec;
  if (written.ok()) {
    std::filesystem::rename(partial, path, ec);
    if (ec)
      written =
          FailedPrecondition("cannot rename " + partial + " to " + path + ": " + ec.message());
  }
  if (!written.ok()) std::filesystem::remove(partial, ec);
  return written;
}

class SealCommand final : public Command {
 public:
  std::string_view Name() const override { return "seal"; }
  std::string_view Summary() const override {
    return "seal the log up to its head with a signed seal; --export writes every seal to a file";
  }
  std::string_view Synopsis() const override {
    return "[--seal-key-file FILE] [--export FILE] [--no-seal] [--events-per-seal N] | "
           "--generate-key FILE";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("seal-key-file", po::value<std::string>()->value_name("FILE"),
        "the sealing key: a PEM file with one Ed25519 PRIVATE KEY");
    add("export", po::value<std::string>()->value_name("FILE"),
        "after sealing, write every seal in the log to FILE (JSON lines) for safekeeping");
    add("no-seal", po::bool_switch(), "write no seal; with --export, only export (needs no key)");
    add("events-per-seal", po::value<std::string>()->default_value("1000")->value_name("N"),
        "seal at least every N events while catching up");
    add("generate-key", po::value<std::string>()->value_name("FILE"),
        "create a new Ed25519 sealing key in FILE (mode 0600) and its public key in FILE.pub, "
        "print the key id, and touch no database");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    key_file_ = StringOption(values, "seal-key-file");
    export_file_ = StringOption(values, "export");
    generate_key_ = StringOption(values, "generate-key");
    no_seal_ = values.count("no-seal") > 0 && values["no-seal"].as<bool>();
    LEDGER_ASSIGN_OR_RETURN(events_per_seal_, ParseUnsigned(StringOption(values, "events-per-seal"),
                                                            "events-per-seal"));
    if (events_per_seal_ == 0) return InvalidArgument("--events-per-seal must be at least 1");
    if (!generate_key_.empty()) {
      if (!export_file_.empty() || no_seal_) {
        return InvalidArgument("--generate-key creates a key only; run ledger seal again to seal");
      }
      return Status::Ok();
    }
    if (no_seal_ && export_file_.empty()) return InvalidArgument("--no-seal needs --export FILE");
    if (!no_seal_ && key_file_.empty()) {
      return InvalidArgument(
          "--seal-key-file FILE (or LEDGER_SEAL_KEY_FILE) is required to seal; "
          "ledger seal --generate-key FILE makes one");
    }
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    if (!generate_key_.empty()) return GenerateKey(context);
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    if (!no_seal_) LEDGER_RETURN_IF_ERROR(Seal(*store, context));
    if (export_file_.empty()) return Status::Ok();
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> seals, replay::ReadSealEvents(*store));
    LEDGER_RETURN_IF_ERROR(ExportSeals(seals, export_file_));
    context.env.Err() << "ledger seal: exported " << seals.size() << " seal"
                      << (seals.size() == 1 ? "" : "s") << " to " << export_file_ << "\n";
    return Status::Ok();
  }

 private:
  Status GenerateKey(CommandContext& context) {
    LEDGER_ASSIGN_OR_RETURN(replay::SealKey key, replay::SealKey::Generate());
    LEDGER_RETURN_IF_ERROR(replay::WriteKeyFiles(key, generate_key_));
    context.env.Out() << "{\"key_id\":\"" << key.id() << "\",\"private_key_file\":\""
                      << generate_key_ << "\",\"public_key_file\":\"" << generate_key_
                      << ".pub\"}\n";
    return CheckWritten(context.env.Out());
  }

  Status Seal(EventStore& store, CommandContext& context) {
    LEDGER_ASSIGN_OR_RETURN(replay::SealKey key, replay::LoadSigningKey(key_file_));
    ProgressReporter progress(context.env.Err(), context.env.ErrIsTerminal(), "chained");
    replay::SealerOptions options;
    options.events_per_seal = events_per_seal_;
    options.on_progress = [&progress](std::uint64_t chained) { progress.Update(chained, {}); };
    // No lease: seals are appended with a compare-and-set on `ledger-seals`, so running this
    // beside `ledger serve`'s sealer is safe (sealer.h).
    replay::Sealer sealer(store, std::move(key), options);
    LEDGER_ASSIGN_OR_RETURN(replay::SealerReport report, sealer.RunOnce());
    progress.Finish(report.chained);
    if (report.written.empty()) {
      context.env.Err() << "ledger seal: nothing new to seal: "
                        << (report.seals == 0
                                ? std::string("the log has no events")
                                : "seal " + std::to_string(report.seals) +
                                      " covers the log through sequence " +
                                      std::to_string(report.sealed.sequence) + " (position " +
                                      std::to_string(report.sealed.position.value()) + ")")
                        << "\n";
      return Status::Ok();
    }
    // Print the seals as stored (the export format), read back from the log.
    StreamReadOptions read;
    read.from = StreamVersion(report.written.front().number);
    read.limit = report.written.size();
    LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events,
                            store.ReadStream(StreamId(std::string(replay::kSealStream)), read));
    return WriteEventLines(events, context.env.Out());
  }

  std::string key_file_;
  std::string export_file_;
  std::string generate_key_;
  bool no_seal_ = false;
  std::uint64_t events_per_seal_ = 1000;
};

}  // namespace

std::unique_ptr<Command> MakeSealCommand() { return std::make_unique<SealCommand>(); }

}  // namespace ledger::cli
