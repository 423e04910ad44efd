// Seals outside the database (`ledger seal --export FILE`, `ledger verify --seals FILE`): the
// `ledger-seals` events as JSON lines in the export format (docs/formats.md, "The JSON-lines
// log"), so that a seals file is also a fragment of an exported log.
#ifndef LEDGER_REPLAY_SEAL_FILE_H_
#define LEDGER_REPLAY_SEAL_FILE_H_

#include <cstddef>
#include <istream>
#include <ostream>
#include <span>
#include <string>
#include <vector>

#include "engine/event.h"
#include "engine/result.h"
#include "replay/seal.h"

namespace ledger::replay {

// One seal of a seals file.
struct ExportedSeal {
  std::size_t line = 0;  // 1-based, for messages
  EventId event_id;
  std::string payload;  // byte for byte as the log stored it
  Seal seal;
};

// Writes one line per event. Unavailable if `out` fails.
Status WriteSealFile(std::span<const RecordedEvent> seal_events, std::ostream& out);

// Reads a seals file. Strict, like `ledger import`: every line must be a `ledger.sealed` event
// of `ledger-seals` with its stream_version, the seal's number equal to it, numbers
// increasing. InvalidArgument naming the line otherwise. Blank lines are skipped.
Result<std::vector<ExportedSeal>> ReadSealFile(std::istream& in);

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_SEAL_FILE_H_
