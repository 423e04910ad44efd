// What `ledger serve` runs beside the HTTP server (DESIGN.md sections 5, 7 and 8): the
// translator (provider events -> order and payment events), the projectors and, given a key,
// the sealer; each on its own thread and each led by one server process at a time.
#ifndef LEDGER_ADAPTERS_CLI_BACKGROUND_SERVICES_H_
#define LEDGER_ADAPTERS_CLI_BACKGROUND_SERVICES_H_

#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "engine/clock.h"
#include "engine/event_store.h"
#include "projections/catalog/standard_projectors.h"
#include "projections/projection_service.h"
#include "projections/read_model_store.h"
#include "replay/seal_key.h"

namespace ledger::cli {

class BackgroundServices {
 public:
  // `events` and `rows` must outlive the services. Errors are logged, never fatal: each
  // service retries after a pause, so a database outage delays it and nothing else.
  BackgroundServices(EventStore& events, projections::ReadModelStore& rows, Clock& clock);
  ~BackgroundServices();  // Stop()

  // Also runs the sealer (replay/sealer.h), led by one server at a time, signing with `key`.
  void EnableSealer(replay::SealKey key);

  void Start();
  void Stop();

  // Appends the projection lag gauges (docs/read-models.md, "Lag") to Prometheus text.
  void RenderMetrics(std::string& out) const;

 private:
  void RunTranslator(std::stop_token stop);

  EventStore& events_;
  projections::ReadModelStore& rows_;
  Clock& clock_;
  projections::StandardProjectors catalog_;
  std::unique_ptr<projections::ProjectionService> projections_;
  std::jthread translator_;
  std::optional<replay::SealKey> seal_key_;
  std::jthread sealer_;
};

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_BACKGROUND_SERVICES_H_
