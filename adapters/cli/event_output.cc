#include "adapters/cli/event_output.h"

#include <string>

#include "engine/event_json.h"

namespace ledger::cli {

Status WriteEventLines(std::span<const RecordedEvent> events, std::ostream& out,
                       std::string_view what) {
  std::string text;
  for (const RecordedEvent& event : events) {
    AppendEventJson(event, text);
    text += '\n';
  }
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  return CheckWritten(out, what);
}

Status CheckWritten(std::ostream& out, std::string_view what) {
  out.flush();
  if (!out) return Unavailable("cannot write to " + std::string(what));
  return Status::Ok();
}

}  // namespace ledger::cli
