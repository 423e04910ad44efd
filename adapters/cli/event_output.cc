#include "adapters/cli/event_output.h"

#include <chrono>
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

Status WaitForCommittedEvents(EventStore& store, std::ostream& err) {
  constexpr std::chrono::milliseconds kQuietWait{2000};
  constexpr std::chrono::milliseconds kSlice{10000};
  LEDGER_ASSIGN_OR_RETURN(bool whole, store.WaitForCommitted(kQuietWait));
  if (whole) return Status::Ok();
  err << "waiting for transactions older than this command to end: until they do, the "
         "events committed after them cannot be read in log order (docs/storage.md "
         "\"Ordering\")\n";
  err.flush();
  while (!whole) {
    LEDGER_ASSIGN_OR_RETURN(whole, store.WaitForCommitted(kSlice));
  }
  return Status::Ok();
}

}  // namespace ledger::cli
