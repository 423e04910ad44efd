// ledger migrate: create the store, or bring its schema up to this binary's migrations.
#include "adapters/cli/command.h"

namespace ledger::cli {
namespace {

class MigrateCommand final : public Command {
 public:
  std::string_view Name() const override { return "migrate"; }
  std::string_view Summary() const override { return "create or upgrade the store"; }
  std::string_view Synopsis() const override { return "[--database-url URL]"; }

  void DefineOptions(po::options_description&, po::positional_options_description&) override {}
  Status ReadOptions(const po::variables_map&, CliEnvironment&) override { return Status::Ok(); }

  // Quiet on success, like the other commands that only change state: scripts check $?.
  Status Run(CommandContext& context) override {
    return context.env.MigrateStore(context.database_url);
  }
};

}  // namespace

std::unique_ptr<Command> MakeMigrateCommand() { return std::make_unique<MigrateCommand>(); }

}  // namespace ledger::cli
