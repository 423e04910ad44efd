// Fuzzes the JSON-lines importer as `ledger import` runs it (adapters/cli/import_command.cc):
// each non-blank line through ParseEventJson, the parsed events through EventStore::Import (a
// MemoryEventStore here; the durable stores share its contract), and the base64 of raw_body.
//
// Input: up to kMaxLines lines. Checked beyond "no crash": what was imported exports to lines
// that parse and format back to the same line (engine/event_json.h, "Round trip"), and the
// strict base64 decoder accepts exactly the encoder's output.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "engine/clock.h"
#include "engine/event_json.h"
#include "engine/memory_store.h"

namespace {

constexpr std::size_t kMaxLines = 64;

void Require(bool condition, const char* what, const ledger::Status& status = ledger::Status::Ok()) {
  if (!condition) {
    __builtin_printf("invariant violated: %s (%s)\n", what, status.ToString().c_str());
    std::abort();
  }
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

void CheckBase64(std::string_view bytes) {
  ledger::Result<std::string> decoded = ledger::Base64Decode(bytes);
  if (decoded.ok()) {
    Require(ledger::Base64Encode(*decoded) == bytes, "base64 text is not the canonical encoding");
  }
  ledger::Result<std::string> round = ledger::Base64Decode(ledger::Base64Encode(bytes));
  Require(round.ok() && *round == bytes, "base64 round trip failed", round.status());
}

// `imported`: how many events the Import calls reported as imported.
void CheckExportRoundTrip(ledger::EventStore& store, std::size_t imported) {
  ledger::Result<std::vector<ledger::RecordedEvent>> stored =
      store.ReadAll(ledger::GlobalPosition(0), kMaxLines + 1);
  Require(stored.ok(), "reading the imported events failed", stored.status());
  Require(stored->size() == imported, "ReadAll does not return every imported event");
  ledger::GlobalPosition previous(0);
  for (const ledger::RecordedEvent& event : *stored) {
    Require(event.global_position > previous, "global positions are not increasing from 1");
    previous = event.global_position;
    std::string line = ledger::FormatEventJson(event);
    ledger::Result<ledger::ImportedEvent> parsed =
        ledger::ParseEventJson(line, ledger::TenantId(ledger::kDefaultTenant));
    Require(parsed.ok(), "an exported line does not parse", parsed.status());
    ledger::RecordedEvent again;
    again.global_position = parsed->global_position.value_or(ledger::GlobalPosition(0));
    again.stream_id = parsed->stream;
    again.stream_version = parsed->stream_version.value_or(ledger::StreamVersion(0));
    again.event_id = parsed->event.event_id;
    again.event_type = parsed->event.event_type;
    again.schema_version = parsed->event.schema_version;
    again.tenant = parsed->event.tenant;
    again.payload = parsed->event.payload;
    again.metadata = parsed->event.metadata;
    again.raw_body = parsed->event.raw_body;
    again.recorded_at = parsed->recorded_at.value_or(ledger::Timestamp(0));
    if (parsed->stream_hash.has_value()) again.stream_hash = *parsed->stream_hash;
    Require(again == event, "an exported line parses to a different event");
    Require(ledger::FormatEventJson(again) == line, "formatting a parsed line changed it");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  CheckBase64(input.substr(0, 512));

  const ledger::TenantId default_tenant(ledger::kDefaultTenant);
  std::vector<ledger::ImportedEvent> batch;
  std::size_t lines = 0;
  for (std::size_t from = 0; from <= input.size() && lines < kMaxLines; ++lines) {
    std::size_t end = input.find('\n', from);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(from, end - from);
    from = end + 1;
    if (IsBlank(line)) continue;
    ledger::Result<ledger::ImportedEvent> event = ledger::ParseEventJson(line, default_tenant);
    if (!event.ok()) {
      Require(event.status().code() == ledger::StatusCode::kInvalidArgument,
              "a bad line failed other than InvalidArgument", event.status());
      continue;
    }
    batch.push_back(std::move(event).value());
  }
  if (batch.empty()) return 0;

  ledger::ManualClock clock(ledger::Timestamp(1'787'133'647'000'000));
  ledger::MemoryEventStore store(&clock);
  std::size_t imported = 0;
  ledger::Result<ledger::ImportResult> whole = store.Import(batch);
  if (whole.ok()) {
    imported = whole->imported;
  } else {
    // The whole batch is refused atomically; importing it one event at a time instead
    // reaches the events before the bad one, as a resumed import would.
    for (const ledger::ImportedEvent& event : batch) {
      ledger::Result<ledger::ImportResult> one =
          store.Import(std::span<const ledger::ImportedEvent>(&event, 1));
      if (one.ok()) imported += one->imported;
    }
  }
  CheckExportRoundTrip(store, imported);
  return 0;
}
