// ledger rebuild [NAME...]: rebuilds projections from the start of the log into shadow tables
// and swaps them in when caught up (docs/read-models.md, "Versions and rebuilds"), with
// progress on a terminal. Prints one JSON line per rebuilt projector.
#include <algorithm>

#include <boost/json.hpp>

#include "adapters/cli/command.h"
#include "adapters/cli/options.h"
#include "adapters/cli/progress.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/runner.h"

namespace ledger::cli {
namespace {

class RebuildCommand final : public Command {
 public:
  std::string_view Name() const override { return "rebuild"; }
  std::string_view Summary() const override {
    return "rebuild projections from the whole log and swap them in when complete";
  }
  std::string_view Synopsis() const override { return "[NAME...] [--batch-size N]"; }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description& positional) override {
    auto add = options.add_options();
    add("projector", po::value<std::vector<std::string>>()->value_name("NAME"),
        "a projector to rebuild (repeatable; also positional); none: all of them");
    add("batch-size", po::value<std::string>()->default_value("1000")->value_name("N"),
        "events per read of the log and per commit");
    positional.add("projector", -1);
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    if (values.count("projector") > 0) names_ = values["projector"].as<std::vector<std::string>>();
    LEDGER_ASSIGN_OR_RETURN(std::uint64_t batch,
                            ParseUnsigned(StringOption(values, "batch-size"), "batch-size"));
    if (batch == 0 || batch > 100'000) return InvalidArgument("--batch-size must be 1..100000");
    options_.batch_size = static_cast<std::size_t>(batch);
    LEDGER_ASSIGN_OR_RETURN(selected_, catalog_.Select(names_));
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> events,
                            context.env.OpenStore(context.database_url));
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<projections::ReadModelStore> rows,
                            context.env.OpenReadModels(context.database_url));
    std::vector<std::string> force;
    for (projections::Projector* p : selected_) force.emplace_back(p->name());

    ProgressReporter reporter(context.env.Err(), context.env.ErrIsTerminal(), "rebuilt");
    // The head when we began: positions reached against it give the ETA (an estimate: on
    // PostgreSQL log order is commit order, close to but not exactly position order).
    LEDGER_ASSIGN_OR_RETURN(std::optional<GlobalPosition> head, events->HeadPosition());
    std::uint64_t slowest = 0;
    auto progress = [&](std::span<const projections::ProjectorProgress> all) {
      // The slowest rebuild decides when the command ends: report it.
      const projections::ProjectorProgress* lowest = nullptr;
      for (const auto& p : all) {
        if (p.rebuilding && (lowest == nullptr || p.events < lowest->events)) lowest = &p;
      }
      if (lowest == nullptr) return;
      slowest = lowest->events;
      std::optional<double> fraction;
      if (head && head->value() > 0) {
        fraction = std::min(1.0, static_cast<double>(lowest->position.value()) /
                                     static_cast<double>(head->value()));
      }
      reporter.Update(slowest, fraction);
    };
    Status done = projections::ProjectToHead(*events, *rows, selected_, options_, force, progress);
    reporter.Finish(slowest);
    LEDGER_RETURN_IF_ERROR(done);

    for (projections::Projector* p : selected_) {
      LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> checkpoint, rows->LoadCheckpoint(p->name()));
      if (!checkpoint) return Internal("no checkpoint for " + std::string(p->name()) + " after rebuild");
      boost::json::object line{{"projector", std::string(p->name())},
                               {"version", checkpoint->version},
                               {"position", checkpoint->position.value()},
                               {"events", checkpoint->events}};
      context.env.Out() << boost::json::serialize(line) << "\n";
    }
    return Status::Ok();
  }

 private:
  projections::StandardProjectors catalog_;
  std::vector<std::string> names_;
  std::vector<projections::Projector*> selected_;
  projections::RunnerOptions options_;
};

}  // namespace

std::unique_ptr<Command> MakeRebuildCommand() { return std::make_unique<RebuildCommand>(); }

}  // namespace ledger::cli
