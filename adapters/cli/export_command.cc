// ledger export: the whole log, in log order, as JSON lines that `ledger import` restores
// byte for byte. "Whole": every event committed before the export began, and any committed
// while it runs that it reaches before the log's end.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"

namespace ledger::cli {
namespace {

constexpr std::size_t kPageSize = 5000;

class ExportCommand final : public Command {
 public:
  std::string_view Name() const override { return "export"; }
  std::string_view Summary() const override {
    return "write the whole log in log order as JSON lines (the import format)";
  }
  std::string_view Synopsis() const override { return "[--after POSITION] [--output FILE]"; }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("after", po::value<std::string>()->default_value("0")->value_name("POSITION"),
        "start after the event at this global position (0: the whole log)");
    add("output", po::value<std::string>()->value_name("FILE"),
        "write to FILE instead of standard output; a regular file appears only when complete");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    LEDGER_ASSIGN_OR_RETURN(std::uint64_t after,
                            ParseUnsigned(StringOption(values, "after"), "after"));
    after_ = GlobalPosition(after);
    output_ = StringOption(values, "output");
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    LEDGER_RETURN_IF_ERROR(WaitForCommittedEvents(*store, context.env.Err()));
    if (output_.empty() || output_ == "-")
      return WriteLog(*store, context.env.Out(), "standard output");

    // A regular file is written beside its name and renamed when complete, so that a
    // failed export never leaves a truncated log that looks whole. Anything else (a pipe,
    // /dev/stdout) is written in place.
    std::error_code ec;
    auto status = std::filesystem::status(output_, ec);
    bool in_place = std::filesystem::exists(status) && !std::filesystem::is_regular_file(status);
    std::string path = in_place ? output_ : output_ + ".partial";
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) return FailedPrecondition("cannot open " + path + " for writing");
    Status written = WriteLog(*store, file, path);
    file.close();
    if (written.ok() && !file) written = Unavailable("cannot write to " + path);
    if (in_place) return written;
    if (written.ok()) {
      std::filesystem::rename(path, output_, ec);
      if (ec)
        written =
            FailedPrecondition("cannot rename " + path + " to " + output_ + ": " + ec.message());
    }
    if (!written.ok()) std::filesystem::remove(path, ec);
    return written;
  }

 private:
  Status WriteLog(EventStore& store, std::ostream& out, std::string_view what) {
    // Invariant: `after` is the position of the last event written (see event_store.h).
    GlobalPosition after = after_;
    while (true) {
      LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> events, store.ReadAll(after, kPageSize));
      if (events.empty()) return Status::Ok();
      LEDGER_RETURN_IF_ERROR(WriteEventLines(events, out, what));
      after = events.back().global_position;
    }
  }

  GlobalPosition after_{0};
  std::string output_;
};

}  // namespace

std::unique_ptr<Command> MakeExportCommand() { return std::make_unique<ExportCommand>(); }

}  // namespace ledger::cli
