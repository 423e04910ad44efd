// ledger import: restore a JSON-lines event log (engine/event_json.h) into the store.
//
// Lines are parsed and checked here, so a bad line is reported by its number before the
// store sees it; they reach the store in batches, each one EventStore::Import call (atomic).
// One batch is stored on a second thread while the next is parsed, so the file's parsing and
// the store's writing overlap; batches still reach the store one at a time, in file order.
// The first batch is small and each one doubles up to --batch-size, so the store starts
// writing soon after the file is opened instead of waiting for a whole batch to be parsed.
// Import is resumable: events already stored at the same stream and version are skipped,
// so after a failure the same file can simply be imported again.
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <future>
#include <istream>
#include <optional>

#include "adapters/cli/command.h"
#include "adapters/cli/event_output.h"
#include "adapters/cli/options.h"
#include "adapters/cli/progress.h"
#include "engine/event_json.h"
#include "engine/event_validation.h"

namespace ledger::cli {
namespace {

constexpr std::uint64_t kDefaultBatchSize = 50'000;
constexpr std::uint64_t kMaxBatchSize = 100'000;
constexpr std::uint64_t kFirstBatchSize = 5'000;
// A batch also ends after this many bytes of lines, so that large events (up to 4 MiB of
// payload and 4 MiB of raw body each) never hold gigabytes in memory; two batches are.
constexpr std::uint64_t kMaxBatchBytes = 64 << 20;

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Stores name the failing event of an Import call by its index: "event 17: ...". Turns that
// into the line it came from; if the message has no such prefix, names the batch's lines.
Status AtLines(const Status& status, std::span<const std::uint64_t> line_numbers) {
  std::string_view message = status.message();
  constexpr std::string_view kPrefix = "event ";
  std::size_t index = 0;
  if (message.starts_with(kPrefix)) {
    const char* begin = message.data() + kPrefix.size();
    const char* end = message.data() + message.size();
    auto [rest, ec] = std::from_chars(begin, end, index);
    if (ec == std::errc() && rest != begin &&
        std::string_view(rest, end - rest).starts_with(": ") && index < line_numbers.size()) {
      return Status(status.code(), "line " + std::to_string(line_numbers[index]) +
                                       std::string(message.substr(rest - message.data())));
    }
  }
  return status.WithContext("lines " + std::to_string(line_numbers.front()) + "-" +
                            std::to_string(line_numbers.back()));
}

class ImportCommand final : public Command {
 public:
  std::string_view Name() const override { return "import"; }
  std::string_view Summary() const override {
    return "import a JSON-lines event log (as written by export); - reads standard input";
  }
  std::string_view Synopsis() const override {
    return "FILE [--tenant T] [--batch-size N] [--renumber]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description& positional) override {
    auto add = options.add_options();
    add("file", po::value<std::string>()->required()->value_name("FILE"),
        "the log to import, one event per line; - for standard input (also positional)");
    add("tenant", po::value<std::string>()->default_value(kDefaultTenant)->value_name("T"),
        "tenant of events whose line has no tenant_id");
    add("batch-size",
        po::value<std::string>()->default_value(std::to_string(kDefaultBatchSize))->value_name("N"),
        "events per store transaction at most (1-100000); the first batches are smaller");
    // A PostgreSQL export is in log (commit) order, whose positions need not increase; the
    // contract keeps given positions only if they do. Renumbering keeps everything else,
    // hashes included: positions are not part of the stream hash.
    add("renumber", po::bool_switch(),
        "ignore the file's global_position values and let the store assign new ones "
        "(needed for logs exported from PostgreSQL, whose positions are not in order)");
    positional.add("file", 1);
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    file_ = StringOption(values, "file");
    tenant_ = TenantId(StringOption(values, "tenant"));
    LEDGER_RETURN_IF_ERROR(ValidateTenantId(tenant_).WithContext("--tenant"));
    LEDGER_ASSIGN_OR_RETURN(batch_size_,
                            ParseUnsigned(StringOption(values, "batch-size"), "batch-size"));
    if (batch_size_ == 0 || batch_size_ > kMaxBatchSize) {
      return InvalidArgument("--batch-size must be between 1 and " + std::to_string(kMaxBatchSize));
    }
    next_batch_size_ = std::min(batch_size_, kFirstBatchSize);
    renumber_ = values.count("renumber") > 0 && values["renumber"].as<bool>();
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    std::ifstream file;
    std::uintmax_t total_bytes = 0;  // 0: unknown (standard input, a pipe)
    if (file_ != "-") {
      file.open(file_, std::ios::binary);
      if (!file) return NotFound("cannot open " + file_ + " for reading");
      std::error_code ec;
      if (std::filesystem::is_regular_file(file_, ec)) {
        total_bytes = std::filesystem::file_size(file_, ec);
        if (ec) total_bytes = 0;
      }
    }
    std::istream& in = file_ == "-" ? context.env.In() : file;
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    // The storing thread uses `store`: whatever the way out, it finishes first.
    struct WaitForStoring {
      Stored& stored;
      ~WaitForStoring() {
        if (stored.result.valid()) stored.result.wait();
      }
    } wait_for_storing{storing_};
    ProgressReporter progress(context.env.Err(), context.env.ErrIsTerminal(), "imported");

    std::string line;
    std::uint64_t line_number = 0;
    std::uint64_t bytes_read = 0;
    while (std::getline(in, line)) {
      ++line_number;
      bytes_read += line.size() + 1;
      if (IsBlank(line)) continue;
      Result<ImportedEvent> event = ParseEventJson(line, tenant_);
      if (!event.ok()) {
        LEDGER_RETURN_IF_ERROR(FinishStoring());
        return WithProgressNote(event.status().WithContext("line " + std::to_string(line_number)));
      }
      if (renumber_) event->global_position.reset();
      batch_.push_back(std::move(event).value());
      batch_lines_.push_back(line_number);
      batch_bytes_ += line.size();
      if (batch_.size() == next_batch_size_ || batch_bytes_ >= kMaxBatchBytes) {
        LEDGER_RETURN_IF_ERROR(StartStoring(*store));
        next_batch_size_ = std::min(batch_size_, 2 * next_batch_size_);
        std::optional<double> fraction;
        if (total_bytes > 0)
          fraction = static_cast<double>(bytes_read) / static_cast<double>(total_bytes);
        progress.Update(imported_ + already_present_, fraction);
      }
    }
    if (in.bad()) {
      LEDGER_RETURN_IF_ERROR(FinishStoring());
      return Unavailable("reading " + file_ + " failed after line " + std::to_string(line_number));
    }
    LEDGER_RETURN_IF_ERROR(StartStoring(*store));
    LEDGER_RETURN_IF_ERROR(FinishStoring());
    progress.Finish(imported_ + already_present_);
    context.env.Out() << "{\"imported\":" << imported_
                      << ",\"already_present\":" << already_present_ << "}\n";
    return CheckWritten(context.env.Out());
  }

 private:
  // A batch on its way into the store, on the storing thread.
  struct Stored {
    std::vector<ImportedEvent> events;
    std::vector<std::uint64_t> lines;  // events[i] came from line lines[i]
    std::future<Result<ImportResult>> result;
  };

  // Waits for the batch being stored (if any) and counts it; its error, at its lines.
  Status FinishStoring() {
    if (!storing_.result.valid()) return Status::Ok();
    Result<ImportResult> result = storing_.result.get();
    if (!result.ok()) return WithProgressNote(AtLines(result.status(), storing_.lines));
    imported_ += result->imported;
    already_present_ += result->already_present;
    first_pending_line_ = storing_.lines.back() + 1;
    return Status::Ok();
  }

  // Once the previous batch is stored, hands the current one to the storing thread.
  Status StartStoring(EventStore& store) {
    LEDGER_RETURN_IF_ERROR(FinishStoring());
    if (batch_.empty()) return Status::Ok();
    storing_.events.swap(batch_);
    storing_.lines.swap(batch_lines_);
    std::span<const ImportedEvent> events(storing_.events);
    storing_.result =
        std::async(std::launch::async, [&store, events] { return store.Import(events); });
    // The stored batch is freed only now, while the store works on the next one.
    batch_.clear();
    batch_lines_.clear();
    batch_bytes_ = 0;
    return Status::Ok();
  }

  // Batches before a failure stay committed; says so, and how to go on.
  Status WithProgressNote(const Status& status) const {
    if (imported_ + already_present_ == 0) return status;
    return Status(status.code(), status.message() + " (the " +
                                     std::to_string(imported_ + already_present_) +
                                     " events before line " + std::to_string(first_pending_line_) +
                                     " are stored; importing the file again resumes after them)");
  }

  std::string file_;
  TenantId tenant_;
  std::uint64_t batch_size_ = kDefaultBatchSize;
  std::uint64_t next_batch_size_ = kFirstBatchSize;  // grows to batch_size_
  bool renumber_ = false;

  std::vector<ImportedEvent> batch_;        // being parsed
  std::vector<std::uint64_t> batch_lines_;  // batch_[i] came from line batch_lines_[i]
  std::uint64_t batch_bytes_ = 0;           // of batch_'s lines
  Stored storing_;
  std::uint64_t imported_ = 0;
  std::uint64_t already_present_ = 0;
  std::uint64_t first_pending_line_ = 1;
};

}  // namespace

std::unique_ptr<Command> MakeImportCommand() { return std::make_unique<ImportCommand>(); }

}  // namespace ledger::cli
