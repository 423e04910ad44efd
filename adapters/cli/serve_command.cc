// ledger serve: the HTTP server (adapters/http) on the store named by --database-url, with
// webhook admission, the domain commands and the operations routes. Runs until SIGTERM or
// SIGINT, then drains in-flight requests and exits 0.
#include <charconv>

#include <spdlog/spdlog.h>

#include "adapters/auth/auth_options.h"
#include "adapters/auth/event_feed_routes.h"
#include "adapters/auth/request_auth.h"
#include "adapters/auth/token_verifier.h"
#include "adapters/cli/background_services.h"
#include "adapters/cli/command.h"
#include "adapters/cli/job_handlers.h"
#include "adapters/cli/options.h"
#include "adapters/console/health_route.h"
#include "adapters/console/order_events_route.h"
#include "adapters/console/static_files.h"
#include "adapters/http/command_routes.h"
#include "adapters/http/server.h"
#include "adapters/http/server_options.h"
#include "adapters/query/order_as_of.h"
#include "adapters/query/query_routes.h"
#include "adapters/query/caching_reader.h"
#include "adapters/redis/catalog_cache.h"
#include "adapters/redis/redis_job_queue.h"
#include "adapters/store/open_event_store.h"
#include "adapters/store/open_read_model_reader.h"
#include "commands/dispatcher.h"
#include "engine/event_validation.h"
#include "replay/seal_key.h"

namespace ledger::cli {
namespace {

Result<std::size_t> ParseCount(const std::string& flag, const std::string& text) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("--" + flag + " must be a non-negative integer, got \"" + text + "\"");
  }
  return value;
}

class ServeCommand final : public Command {
 public:
  std::string_view Name() const override { return "serve"; }
  std::string_view Summary() const override {
    return "run the HTTP server (webhooks, commands, queries, the event feed, health, metrics), "
           "the translator, the projectors and, with --redis-url, the job dispatcher and workers";
  }
  std::string_view Synopsis() const override {
    return "[--listen HOST:PORT] [--stripe-webhook-secrets S1,S2] [--printify-webhook-secret S] "
           "[--tenant T] [--max-body-bytes N] [--stripe-tolerance-seconds N] [--threads N] "
           "[--redis-url URL [--job-threads N]] [--console-dir DIR]";
  }

  void DefineOptions(po::options_description& options,
                     po::positional_options_description&) override {
    auto add = options.add_options();
    add("listen", po::value<std::string>()->default_value("127.0.0.1:8080")->value_name("ADDR"),
        "address to listen on: host:port, [v6]:port or :port (all interfaces)");
    add("stripe-webhook-secrets", po::value<std::string>()->value_name("S1,S2"),
        "Stripe endpoint secrets (whsec_...), comma-separated: any one may sign (rotation)");
    add("printify-webhook-secret", po::value<std::string>()->value_name("S"),
        "Printify webhook secret");
    add("tenant", po::value<std::string>()->default_value(kDefaultTenant)->value_name("T"),
        "tenant of webhooks and commands that name none");
    add("max-body-bytes", po::value<std::string>()->value_name("N"),
        "largest request body accepted (default 4194304); larger is 413");
    add("stripe-tolerance-seconds", po::value<std::string>()->value_name("N"),
        "accepted age of a Stripe signature (default 300)");
    add("threads", po::value<std::string>()->value_name("N"),
        "network threads (default: one per CPU)");
    add("jwt-secret", po::value<std::string>()->value_name("S"),
        "HS256 secret of access tokens (at least 32 bytes); with it (or EdDSA keys) every "
        "command request needs a bearer token");
    add("jwt-eddsa-public-keys", po::value<std::string>()->value_name("F1,F2"),
        "Ed25519 public key PEM files of access tokens, comma-separated");
    add("read-database-url", po::value<std::string>()->value_name("URL"),
        "where queries read the read models (a replica); default: --database-url");
    add("seal-key-file", po::value<std::string>()->value_name("FILE"),
        "Ed25519 private key (PEM) to seal the log with (docs/audit.md); without it the server "
        "does not seal");
    add("store-timezone",
        po::value<std::string>()->default_value("Europe/London")->value_name("ZONE"),
        "IANA time zone of the store: the daily drop runs at 08:30 there (with --redis-url)");
    add("redis-url", po::value<std::string>()->value_name("URL"),
        "the job queue (redis://host[:port][/db]): with it the server also runs the job "
        "dispatcher and job workers (docs/jobs.md); without it, no jobs run");
    add("job-threads", po::value<std::string>()->default_value("2")->value_name("N"),
        "with --redis-url: jobs this server runs at the same time");
    add("console-dir",
        po::value<std::string>()->default_value(LEDGER_DEFAULT_CONSOLE_DIR)->value_name("DIR"),
        "the built admin console, served at /console/ (docs/console.md); default: the build's "
        "console directory, skipped when absent; empty: no console");
    add("command-actor",
        po::value<std::string>()->default_value("operator:local")->value_name("WHO"),
        "without token keys (local development only): the admin every command request acts as");
  }

  Status ReadOptions(const po::variables_map& values, CliEnvironment&) override {
    options_.listen = StringOption(values, "listen");
    options_.stripe_secrets = http::SplitSecrets(StringOption(values, "stripe-webhook-secrets"));
    options_.printify_secret = StringOption(values, "printify-webhook-secret");
    tenant_ = TenantId(StringOption(values, "tenant"));
    LEDGER_RETURN_IF_ERROR(ValidateTenantId(tenant_).WithContext("--tenant"));
    options_.default_tenant = tenant_.value();
    if (values.count("max-body-bytes") > 0) {
      LEDGER_ASSIGN_OR_RETURN(options_.max_body_bytes,
                              ParseCount("max-body-bytes", StringOption(values, "max-body-bytes")));
    }
    if (values.count("stripe-tolerance-seconds") > 0) {
      LEDGER_ASSIGN_OR_RETURN(
          std::size_t seconds,
          ParseCount("stripe-tolerance-seconds", StringOption(values, "stripe-tolerance-seconds")));
      options_.stripe_tolerance_seconds = static_cast<int>(std::min<std::size_t>(seconds, 86400));
    }
    if (values.count("threads") > 0) {
      LEDGER_ASSIGN_OR_RETURN(options_.threads,
                              ParseCount("threads", StringOption(values, "threads")));
    }
    if (values.count("redis-url") > 0 && !StringOption(values, "redis-url").empty()) {
      LEDGER_ASSIGN_OR_RETURN(redis::RedisEndpoint endpoint,
                              redis::ParseRedisUrl(StringOption(values, "redis-url")));
      redis_ = endpoint;
      LEDGER_ASSIGN_OR_RETURN(std::size_t job_threads,
                              ParseCount("job-threads", StringOption(values, "job-threads")));
      if (job_threads == 0 || job_threads > 256) {
        return InvalidArgument("--job-threads must be 1..256");
      }
      worker_options_.threads = job_threads;
      worker_options_.name = DefaultWorkerName();
    }
    actor_ = StringOption(values, "command-actor");
    if (actor_.empty()) return InvalidArgument("--command-actor must not be empty");
    LEDGER_ASSIGN_OR_RETURN(auth::AuthOptions auth_options,
                            auth::LoadAuthOptions(StringOption(values, "jwt-secret"),
                                                  StringOption(values, "jwt-eddsa-public-keys")));
    if (!auth_options.hs256_secret.empty() || !auth_options.eddsa_public_keys.empty()) {
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<auth::TokenVerifier> verifier,
                              auth::TokenVerifier::Create(auth_options));
      verifier_ = std::move(verifier);
    }
    console_dir_ = StringOption(values, "console-dir");
    console_dir_given_ = !values["console-dir"].defaulted();
    seal_key_file_ = StringOption(values, "seal-key-file");
    read_database_url_ = StringOption(values, "read-database-url");
    store_timezone_ = StringOption(values, "store-timezone");
    if (!read_database_url_.empty()) {
      LEDGER_RETURN_IF_ERROR(
          ValidateStoreUrl(read_database_url_).WithContext("--read-database-url"));
    }
    return http::ValidateServerOptions(options_);
  }

  Status Run(CommandContext& context) override {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<EventStore> store,
                            context.env.OpenStore(context.database_url));
    Clock* clock = SystemClock::Default();
    // Long streams (a canary route) load from aggregate snapshots: a cache beside the log.
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<SnapshotStore> snapshots,
                            context.env.OpenSnapshots(context.database_url));
    commands::CommandDispatcherOptions dispatcher_options;
    dispatcher_options.snapshots = snapshots.get();
    dispatcher_options.on_snapshot_error = [](const Status& status) {
      spdlog::warn("snapshots: {}", status.ToString());
    };
    LEDGER_ASSIGN_OR_RETURN(
        std::unique_ptr<commands::CommandDispatcher> dispatcher,
        commands::CommandDispatcher::Create(store.get(), clock, std::move(dispatcher_options)));
    // With token keys, a command acts as the bearer token's subject and role; without,
    // every request acts as the --command-actor admin (local development only).
    http::PrincipalResolver resolver =
        verifier_ ? auth::TokenPrincipalResolver(verifier_)
                  : http::FixedPrincipal(
                        commands::Principal{actor_, std::string(commands::kRoleAdmin)}, tenant_);
    options_.extra_routes.push_back(http::CommandRoutes(dispatcher.get(), std::move(resolver)));
    // The event feed is for bearers of auditor and admin tokens only: without token keys
    // there is no feed.
    if (verifier_) options_.extra_routes.push_back(auth::EventFeedRoutes(verifier_));
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<projections::ReadModelStore> rows,
                            context.env.OpenReadModels(context.database_url));
    // With a Redis URL, catalog reads are served cache-aside from Redis and the products
    // projector's changes invalidate them (docs/jobs.md, "Catalog cache").
    std::unique_ptr<redis::CatalogCache> catalog_cache;
    std::unique_ptr<redis::CatalogInvalidator> catalog_invalidator;
    if (redis_) {
      catalog_cache = std::make_unique<redis::CatalogCache>(*redis_, redis::CatalogCacheOptions{});
      catalog_invalidator = std::make_unique<redis::CatalogInvalidator>(*catalog_cache);
    }
    // Queries, like the feed, need token keys: the token's tenant (and customer) is the scope.
    std::shared_ptr<queries::ReadModelReader> reader;
    if (verifier_) {
      const std::string& read_url =
          read_database_url_.empty() ? context.database_url : read_database_url_;
      LEDGER_ASSIGN_OR_RETURN(reader, OpenReadModelReader(read_url, *rows));
      std::shared_ptr<queries::ReadModelReader> served = reader;
      if (catalog_cache) {
        served = std::make_shared<query::CachingReader>(*reader, *catalog_cache,
                                                        catalog_invalidator.get());
      }
      query::QueryRouteOptions query_options;
      query_options.as_of = query::OrderAsOfHandler(*store);
      options_.extra_routes.push_back(
          query::QueryRoutes(verifier_, std::move(served), std::move(query_options)));
      // The console's own routes: an order's timeline and the health summary.
      options_.extra_routes.push_back(console::OrderEventsRoute(verifier_));
      options_.extra_routes.push_back(console::HealthRoute(verifier_, reader));
      // A query waiting for min_position holds a blocking thread for up to two seconds; keep
      // enough of them that a few such waits never stall readiness checks and feed pages.
      options_.blocking_threads = std::max<std::size_t>(options_.blocking_threads, 8);
    }
    LEDGER_RETURN_IF_ERROR(AddConsole());
    BackgroundServices services(*store, *rows, *clock);
    if (!seal_key_file_.empty()) {
      LEDGER_ASSIGN_OR_RETURN(replay::SealKey key, replay::LoadSigningKey(seal_key_file_));
      services.EnableSealer(std::move(key));
    }
    if (redis_) {
      GetEnvFn get_env = [&context](const std::string& name) { return context.env.GetEnv(name); };
      LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<JobHandlerSet> handlers,
                              MakeJobHandlers(*store, get_env));
      jobs::DispatchSettings dispatch = DispatchSettingsFrom(get_env);
      // Subscription confirmations state the drop's time in this server's store zone.
      dispatch.daily_drop.send_time = "08:30 " + store_timezone_;
      services.EnableJobs(
          std::make_unique<redis::RedisJobQueue>(*redis_, redis::RedisJobQueueOptions{}),
          std::move(handlers), worker_options_, std::move(dispatch));
      // The daily drop is a side effect: its drop.due only matters where jobs run.
      jobs::SchedulerOptions drop;
      drop.time_zone = store_timezone_;
      drop.tenants = {tenant_};
      LEDGER_RETURN_IF_ERROR(services.EnableScheduler(std::move(drop)).WithContext("--store-timezone"));
      services.OnLiveChange(catalog_invalidator->Callback());
      options_.extra_metrics.push_back(
          [cache = catalog_cache.get()](std::string& out) { cache->RenderMetrics(out); });
    }
    options_.extra_metrics.push_back(
        [&services](std::string& out) { services.RenderMetrics(out); });
    services.Start();
    std::ostream& err = context.env.Err();
    return http::RunServer(*store, options_, clock, [&err](int port) {
      err << "ledger serve: listening on port " << port << "\n";
      err.flush();
    });
  }

 private:
  // Serves the built console at /console/ when its directory is there. A directory named on
  // the command line (or LEDGER_CONSOLE_DIR) must load; the build's default may be missing
  // (a build without npm), and then there is simply no console.
  Status AddConsole() {
    if (console_dir_.empty()) return Status();
    Result<std::shared_ptr<const console::StaticFiles>> files =
        console::LoadStaticFiles(console_dir_);
    if (!files.ok()) {
      if (console_dir_given_) return files.status().WithContext("--console-dir");
      spdlog::info("console: not served ({})", files.status().ToString());
      return Status();
    }
    spdlog::info("console: serving {} files of {} at /console/", (*files)->size(), console_dir_);
    options_.extra_routes.push_back(console::ConsoleFileRoutes(std::move(*files)));
    return Status();
  }

  http::ServerOptions options_;
  TenantId tenant_{kDefaultTenant};
  std::string actor_;
  std::shared_ptr<const auth::TokenVerifier> verifier_;  // set when token keys are configured
  std::string seal_key_file_;
  std::string console_dir_;          // empty: no console
  bool console_dir_given_ = false;   // named by the user, not the build's default
  std::string read_database_url_;              // empty: queries read --database-url
  std::string store_timezone_;                 // the daily drop's zone
  std::optional<redis::RedisEndpoint> redis_;  // set: run the dispatcher and job workers
  jobs::WorkerOptions worker_options_;
};

}  // namespace

std::unique_ptr<Command> MakeServeCommand() { return std::make_unique<ServeCommand>(); }

}  // namespace ledger::cli
