// The job handlers `ledger worker` and `ledger serve` run (docs/jobs.md "Workers",
// docs/job-kinds.md "Configuration"), and the dispatcher's settings, both from the environment.
//
// A kind whose configuration is missing is not registered: without LEDGER_PRINTIFY_API_TOKEN
// there is no printify.submit_order, without LEDGER_SMTP_URL no email.* kind. A worker
// dead-letters a job of an unregistered kind with the detail `no handler for kind "<kind>" in
// this worker` (requeue it once the worker is configured). A configuration that is present
// but wrong (a bad URL, a shop id that is not a number) is an error at startup instead.
#ifndef LEDGER_ADAPTERS_CLI_JOB_HANDLERS_H_
#define LEDGER_ADAPTERS_CLI_JOB_HANDLERS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/event_store.h"
#include "engine/result.h"
#include "jobs/dispatch_rules.h"
#include "jobs/kinds/mail_transport.h"
#include "jobs/kinds/printify_api.h"
#include "jobs/worker.h"

namespace ledger::cli {

// nullopt for an unset (or empty) variable.
using GetEnvFn = std::function<std::optional<std::string>(const std::string&)>;

// The registry and what its handlers use; keep it alive as long as a worker runs on it.
struct JobHandlerSet {
  std::unique_ptr<jobs::kinds::PrintifyOrderApi> printify;  // null when not configured
  std::unique_ptr<jobs::kinds::MailTransport> mail;         // null when not configured
  jobs::HandlerRegistry registry;
  // The kinds left out, each with the variable that would enable it, for a startup warning.
  std::vector<std::string> not_configured;
};

// Always "ledger.noop" (succeeds at once: a deployment's smoke test); "printify.submit_order"
// given LEDGER_PRINTIFY_API_TOKEN (and LEDGER_PRINTIFY_API_URL, LEDGER_PRINTIFY_SHOP_ID, ...);
// the email.* kinds given LEDGER_SMTP_URL (and LEDGER_SMTP_FROM, ...). `store` must outlive
// the set. InvalidArgument names a variable whose value is wrong, never the value.
Result<std::unique_ptr<JobHandlerSet>> MakeJobHandlers(EventStore& store, const GetEnvFn& get_env);

// "<host>-<pid>": a worker name unique among running workers (WorkerOptions::name).
std::string DefaultWorkerName();

// LEDGER_DAILY_DROP_TO, LEDGER_SHOP_URL, LEDGER_DAILY_DROP_UNSUBSCRIBE_URL,
// LEDGER_DAILY_DROP_NAME, and the send time "08:30 <LEDGER_STORE_TIMEZONE or Europe/London>"
// that subscription confirmations state (jobs/dispatch_rules.h; `ledger serve` replaces it
// with its --store-timezone).
jobs::DispatchSettings DispatchSettingsFrom(const GetEnvFn& get_env);

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_JOB_HANDLERS_H_
