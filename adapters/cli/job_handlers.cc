#include "adapters/cli/job_handlers.h"

#include <unistd.h>

#include <charconv>

#include "adapters/printify/api_client.h"
#include "adapters/smtp/smtp_transport.h"
#include "jobs/kinds/email_delivery.h"
#include "jobs/scheduler_drop_run.h"
#include "jobs/kinds/printify_submission.h"

namespace ledger::cli {
namespace {

class NoopHandler final : public jobs::JobHandler {
 public:
  std::string_view kind() const override { return "ledger.noop"; }
  jobs::JobResult Run(const jobs::Job&) override {
    return jobs::JobResult{jobs::Outcome::kSucceeded, "nothing to do", "{}"};
  }
};

std::string Get(const GetEnvFn& get_env, const std::string& name) {
  std::optional<std::string> value = get_env(name);
  return value ? *value : std::string();
}

Result<std::optional<std::int64_t>> ShopId(const GetEnvFn& get_env) {
  std::string text = Get(get_env, "LEDGER_PRINTIFY_SHOP_ID");
  if (text.empty()) return std::optional<std::int64_t>();
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidArgument("LEDGER_PRINTIFY_SHOP_ID must be a positive integer");
  }
  return std::optional<std::int64_t>(id);
}

Status AddPrintify(JobHandlerSet& set, EventStore& store, const GetEnvFn& get_env) {
  if (Get(get_env, "LEDGER_PRINTIFY_API_TOKEN").empty()) {
    set.not_configured.push_back("printify.submit_order (LEDGER_PRINTIFY_API_TOKEN)");
    return Status::Ok();
  }
  LEDGER_ASSIGN_OR_RETURN(printify::ApiClientOptions options,
                          printify::ApiClientOptionsFrom(get_env));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<printify::ApiClient> client,
                          printify::ApiClient::Create(std::move(options)));
  jobs::kinds::PrintifySubmissionOptions submission;
  LEDGER_ASSIGN_OR_RETURN(submission.default_shop_id, ShopId(get_env));
  set.printify = std::move(client);
  return set.registry.Register(std::make_unique<jobs::kinds::PrintifySubmissionHandler>(
      set.printify.get(), &store, submission));
}

Status AddEmail(JobHandlerSet& set, EventStore& store, const GetEnvFn& get_env) {
  if (Get(get_env, "LEDGER_SMTP_URL").empty()) {
    set.not_configured.push_back("email.* (LEDGER_SMTP_URL)");
    return Status::Ok();
  }
  LEDGER_ASSIGN_OR_RETURN(smtp::SmtpOptions options, smtp::SmtpOptionsFrom(get_env));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<smtp::SmtpTransport> transport,
                          smtp::SmtpTransport::Create(std::move(options)));
  jobs::kinds::EmailDeliveryOptions email;
  if (std::string name = Get(get_env, "LEDGER_STORE_NAME"); !name.empty()) {
    email.brand.store_name = name;
  }
  email.brand.support_email = Get(get_env, "LEDGER_SUPPORT_EMAIL");
  if (std::string domain = Get(get_env, "LEDGER_MESSAGE_ID_DOMAIN"); !domain.empty()) {
    email.message_id_domain = domain;
  }
  set.mail = std::move(transport);
  for (auto& handler : jobs::kinds::MakeEmailHandlers(set.mail.get(), &store, email)) {
    // A daily drop's email records the run's drop.started and drop.completed (docs/jobs.md).
    if (handler->kind() == "email.daily_drop") {
      handler = std::make_unique<jobs::DropRunRecorder>(std::move(handler), store);
    }
    LEDGER_RETURN_IF_ERROR(set.registry.Register(std::move(handler)));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<JobHandlerSet>> MakeJobHandlers(EventStore& store, const GetEnvFn& get_env) {
  // Empty counts as unset, as for every option (run_ledger.cc).
  GetEnvFn env = [&get_env](const std::string& name) -> std::optional<std::string> {
    std::optional<std::string> value = get_env(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  auto set = std::make_unique<JobHandlerSet>();
  LEDGER_RETURN_IF_ERROR(set->registry.Register(std::make_unique<NoopHandler>()));
  LEDGER_RETURN_IF_ERROR(AddPrintify(*set, store, env));
  LEDGER_RETURN_IF_ERROR(AddEmail(*set, store, env));
  return set;
}

std::string DefaultWorkerName() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "worker") + "-" + std::to_string(::getpid());
}

jobs::DispatchSettings DispatchSettingsFrom(const GetEnvFn& get_env) {
  jobs::DispatchSettings settings;
  settings.daily_drop.to = Get(get_env, "LEDGER_DAILY_DROP_TO");
  settings.daily_drop.shop_url = Get(get_env, "LEDGER_SHOP_URL");
  settings.daily_drop.unsubscribe_url = Get(get_env, "LEDGER_DAILY_DROP_UNSUBSCRIBE_URL");
  std::string name = Get(get_env, "LEDGER_DAILY_DROP_NAME");
  if (!name.empty()) settings.daily_drop.drop_name = name;
  std::string zone = Get(get_env, "LEDGER_STORE_TIMEZONE");
  settings.daily_drop.send_time = "08:30 " + (zone.empty() ? std::string("Europe/London") : zone);
  return settings;
}

}  // namespace ledger::cli
