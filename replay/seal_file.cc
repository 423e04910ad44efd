#include "replay/seal_file.h"

#include "engine/event_json.h"

namespace ledger::replay {
namespace {

Result<ExportedSeal> ParseLine(std::string_view text, std::size_t line) {
  LEDGER_ASSIGN_OR_RETURN(ImportedEvent imported,
                          ParseEventJson(text, TenantId(std::string(kSealTenant))));
  if (imported.stream.value() != kSealStream || imported.event.event_type != kSealEventType) {
    return InvalidArgument("not a " + std::string(kSealEventType) + " event of " +
                           std::string(kSealStream));
  }
  if (!imported.stream_version) return InvalidArgument("no stream_version");
  LEDGER_ASSIGN_OR_RETURN(Seal seal, ParseSealPayload(imported.event.payload));
  if (seal.number != imported.stream_version->value()) {
    return InvalidArgument("seal number " + std::to_string(seal.number) +
                           " is not its stream_version " +
                           std::to_string(imported.stream_version->value()));
  }
  return ExportedSeal{line, imported.event.event_id, std::move(imported.event.payload),
                      std::move(seal)};
}

}  // namespace

Status WriteSealFile(std::span<const RecordedEvent> seal_events, std::ostream& out) {
  std::string text;
  for (const RecordedEvent& event : seal_events) {
    AppendEventJson(event, text);
    text.push_back('\n');
  }
  out << text;
  out.flush();
  if (!out) return Unavailable("cannot write the seals");
  return Status::Ok();
}

Result<std::vector<ExportedSeal>> ReadSealFile(std::istream& in) {
  std::vector<ExportedSeal> seals;
  std::string text;
  for (std::size_t line = 1; std::getline(in, text); ++line) {
    if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
    Result<ExportedSeal> seal = ParseLine(text, line);
    if (!seal.ok()) return seal.status().WithContext("line " + std::to_string(line));
    if (!seals.empty() && seal->seal.number <= seals.back().seal.number) {
      return InvalidArgument("line " + std::to_string(line) + ": seal " +
                             std::to_string(seal->seal.number) + " follows seal " +
                             std::to_string(seals.back().seal.number));
    }
    seals.push_back(std::move(*seal));
  }
  if (in.bad()) return Unavailable("cannot read the seals file");
  return seals;
}

}  // namespace ledger::replay
