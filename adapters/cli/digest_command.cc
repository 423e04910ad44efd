// ledger digest: the canonical hash of every read-model row (docs/read-models.md, "Digest"),
// as the read models stand; `--catch-up` first brings them to the head of the log.
#include "adapters/cli/command.h"
#include "adapters/cli/options.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/digest.h"
#include "projections/runner.h"

namespace ledger::cli {
namespace {

class DigestCommand final : public Command {
 public:
  std::string_view Name() const override { return "digest"; }
  std::string_view Summary() const override {
    return "print the canonical SHA-256 of every read-model row";
  }
  std::string_view Synopsis() const override { return "[--catch-up] [--tables]"; }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("catch-up", po::bool_switch(), "first apply every event not yet projected");
    add("tables", po::bool_switch(), "also print each table's row count and hash");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    catch_up_ = values["catch-up"].as<bool>();
    tables_ = values["tables"].as<bool>();
    return Status::Ok();
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<projections::ReadModelStore> rows,
                            context.env.OpenReadModels(context.database_url));
    projections::StandardProjectors catalog;
    if (catch_up_) {
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> events,
                              context.env.OpenStore(context.database_url));
      LEDGER_RETURN_IF_ERROR(projections::ProjectToHead(*events, *rows, catalog.pointers()));
    } else {
      // A read model never built has no tables yet: create them empty, so that an empty
      // ledger has a digest too (CreateTables leaves existing tables alone).
      for (projections::Projector* p : catalog.pointers()) {
        LEDGER_RETURN_IF_ERROR(rows->CreateTables(p->tables(), projections::TableSet::kLive));
      }
    }
    LEDGER_ASSIGN_OR_RETURN(projections::ReadModelDigest digest,
                            projections::ComputeDigest(*rows, catalog.pointers()));
    if (tables_) {
      context.env.Out() << projections::FormatDigest(digest);
    } else {
      context.env.Out() << HexEncode(digest.digest) << "\n";
    }
    return Status::Ok();
  }

 private:
  bool catch_up_ = false;
  bool tables_ = false;
};

}  // namespace

std::unique_ptr<Command> MakeDigestCommand() { return std::make_unique<DigestCommand>(); }

}  // namespace ledger::cli
