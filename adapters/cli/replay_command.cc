// ledger replay --to-position N | --as-of TIME --into TARGET: rebuilds every projection from
// the log as it stood at that point into a separate target (a SQLite file, or a PostgreSQL
// schema) and prints the digest (DESIGN.md section 8). Reads history, never writes it, and
// never touches the live read models: the target must be somewhere else.
#include <algorithm>
#include <filesystem>

#include "adapters/cli/command.h"
#include "adapters/cli/options.h"
#include "adapters/cli/progress.h"
#include "engine/history_prefix.h"
#include "engine/time.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/digest.h"
#include "projections/runner.h"

namespace ledger::cli {
namespace {

bool IsSqlite(std::string_view url) { return url.starts_with("sqlite:"); }

// Refuses a target that is, or may be, where the live read models are.
Status CheckTargetIsElsewhere(const std::string& source, const std::string& target) {
  if (target == source) return InvalidArgument("--into names the live database");
  if (IsSqlite(target)) {
    std::string path = target.substr(7);
    if (path == ":memory:") return Status::Ok();
    if (IsSqlite(source) && source.substr(7) != ":memory:") {
      std::error_code ec;
      auto a = std::filesystem::weakly_canonical(path, ec);
      auto b = std::filesystem::weakly_canonical(source.substr(7), ec);
      if (!ec && a == b) return InvalidArgument("--into names the live database file");
    }
    return Status::Ok();
  }
  if (target.find("schema=") == std::string::npos || target.find("schema=public") != std::string::npos) {
    return InvalidArgument(
        "--into a PostgreSQL database must name a schema of its own (postgresql://...?schema=NAME),"
        " so that the live read models in \"public\" are never touched");
  }
  return Status::Ok();
}

class ReplayCommand final : public Command {
 public:
  std::string_view Name() const override { return "replay"; }
  std::string_view Summary() const override {
    return "rebuild every projection as of a point in the log into another target; print its digest";
  }
  std::string_view Synopsis() const override {
    return "--to-position N | --as-of TIME --into sqlite:FILE|postgresql://...?schema=NAME [--tables]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("to-position", po::value<std::string>()->value_name("N"),
        "replay the log up to and including the event at this global position");
    add("as-of", po::value<std::string>()->value_name("TIME"),
        "replay every event recorded at or before this RFC 3339 time");
    add("into", po::value<std::string>()->value_name("TARGET"),
        "where to build: sqlite:FILE, or postgresql://...?schema=NAME (created if missing)");
    add("batch-size", po::value<std::string>()->default_value("1000")->value_name("N"),
        "events per read of the log and per commit");
    add("tables", po::bool_switch(), "also print each table's row count and hash");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    bool by_position = values.count("to-position") > 0;
    bool by_time = values.count("as-of") > 0;
    if (by_position == by_time) return InvalidArgument("give exactly one of --to-position and --as-of");
    if (by_position) {
      LEDGER_ASSIGN_OR_RETURN(std::uint64_t n,
                              ParseUnsigned(StringOption(values, "to-position"), "to-position"));
      if (n == 0) return InvalidArgument("--to-position must name an event (positions start at 1)");
      to_position_ = GlobalPosition(n);
    } else {
      Result<Timestamp> t = ParseRfc3339(StringOption(values, "as-of"));
      if (!t.ok()) return t.status().WithContext("--as-of");
      as_of_ = *t;
    }
    into_ = StringOption(values, "into");
    if (into_.empty()) return InvalidArgument("--into is required");
    LEDGER_ASSIGN_OR_RETURN(std::uint64_t batch,
                            ParseUnsigned(StringOption(values, "batch-size"), "batch-size"));
    if (batch == 0 || batch > 100'000) return InvalidArgument("--batch-size must be 1..100000");
    options_.batch_size = static_cast<std::size_t>(batch);
    tables_ = values["tables"].as<bool>();
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    LEDGER_RETURN_IF_ERROR(CheckTargetIsElsewhere(context.database_url, into_));
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    HistoryPrefix history = to_position_ ? HistoryPrefix::UpTo(store.get(), *to_position_)
                                         : HistoryPrefix::AsOf(store.get(), *as_of_);
    LEDGER_RETURN_IF_ERROR(history.CheckBound());

    // A SQLite target is created and migrated here; a PostgreSQL schema is created by the
    // read-model store in a database that `ledger migrate` has prepared.
    if (IsSqlite(into_)) LEDGER_RETURN_IF_ERROR(context.env.MigrateStore(into_));
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<projections::ReadModelStore> rows,
                            context.env.OpenReadModels(into_));

    projections::StandardProjectors catalog;
    std::vector<std::string> all;
    for (projections::Projector* p : catalog.pointers()) all.emplace_back(p->name());
    ProgressReporter reporter(context.env.Err(), context.env.ErrIsTerminal(), "replayed");
    LEDGER_ASSIGN_OR_RETURN(std::optional<GlobalPosition> head, history.HeadPosition());
    std::uint64_t events = 0;
    auto progress = [&](std::span<const projections::ProjectorProgress> state) {
      GlobalPosition lowest{~std::uint64_t{0}};
      for (const auto& p : state) {
        events = std::max(events, p.events);
        lowest = std::min(lowest, p.position);
      }
      std::optional<double> fraction;
      if (head && head->value() > 0 && !state.empty()) {
        fraction = std::min(1.0, static_cast<double>(lowest.value()) /
                                     static_cast<double>(head->value()));
      }
      reporter.Update(events, fraction);
    };
    Status replayed =
        projections::ProjectToHead(history, *rows, catalog.pointers(), options_, all, progress);
    reporter.Finish(events);
    LEDGER_RETURN_IF_ERROR(replayed);

    LEDGER_ASSIGN_OR_RETURN(projections::ReadModelDigest digest,
                            projections::ComputeDigest(*rows, catalog.pointers()));
    context.env.Out() << (tables_ ? projections::FormatDigest(digest) : HexEncode(digest.digest) + "\n");
    return Status::Ok();
  }

 private:
  std::optional<GlobalPosition> to_position_;
  std::optional<Timestamp> as_of_;
  std::string into_;
  bool tables_ = false;
  projections::RunnerOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeReplayCommand() { return std::make_unique<ReplayCommand>(); }

}  // namespace ledger::cli
