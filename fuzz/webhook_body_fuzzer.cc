// Fuzzes the webhook body decoders (stripe::DecodeEvent, printify::DecodeEvent) and what
// follows a successful decode.
//
// Input: a request body, given to both decoders. Checked beyond "no crash": an event a
// decoder admits is one the store accepts (its payload is always storable, DESIGN.md section
// 5: an authenticated event is never dropped), a redelivery of it deduplicates, and the stored
// event survives the export/import line format (engine/event_json.h) unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/printify/event_decoder.h"
#include "adapters/stripe/event_decoder.h"
#include "engine/clock.h"
#include "engine/event_json.h"
#include "engine/memory_store.h"

namespace {

void Require(bool condition, const char* what, const ledger::Status& status = ledger::Status::Ok()) {
  if (!condition) {
    __builtin_printf("invariant violated: %s (%s)\n", what, status.ToString().c_str());
    std::abort();
  }
}

void CheckAdmitted(const ledger::Result<ledger::webhook::ProviderEvent>& decoded) {
  if (!decoded.ok()) {
    Require(decoded.status().code() == ledger::StatusCode::kInvalidArgument,
            "decoder failed other than InvalidArgument", decoded.status());
    return;
  }
  ledger::ManualClock clock(ledger::Timestamp(1'787'133'647'000'000));
  ledger::MemoryEventStore store(&clock);
  const ledger::AppendRequest& request = decoded->request;
  ledger::Result<ledger::AppendResult> first = store.Append(request);
  Require(first.ok(), "the store refused an admitted webhook event", first.status());
  ledger::Result<ledger::AppendResult> again = store.Append(request);
  Require(again.ok() && again->deduplicated, "a redelivery did not deduplicate", again.status());

  ledger::Result<std::vector<ledger::RecordedEvent>> stored =
      store.ReadAll(ledger::GlobalPosition(0), 10);
  Require(stored.ok() && stored->size() == 1, "the admitted event is not stored once",
          stored.status());
  const ledger::RecordedEvent& event = stored->front();
  std::string line = ledger::FormatEventJson(event);
  ledger::Result<ledger::ImportedEvent> parsed =
      ledger::ParseEventJson(line, ledger::TenantId(ledger::kDefaultTenant));
  Require(parsed.ok(), "the exported line of a webhook event does not parse", parsed.status());
  Require(parsed->event.payload == event.payload && parsed->event.raw_body == event.raw_body &&
              parsed->event.event_id == event.event_id && parsed->stream == event.stream_id,
          "the exported line of a webhook event does not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  ledger::webhook::AdmissionScope scope;
  CheckAdmitted(ledger::stripe::DecodeEvent(body, scope));
  scope.tenant = ledger::TenantId("acme");
  scope.named_in_route = true;
  CheckAdmitted(ledger::printify::DecodeEvent(body, scope));
  return 0;
}
