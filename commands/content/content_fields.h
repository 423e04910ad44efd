// Decoding helpers shared by the content commands.
#ifndef LEDGER_COMMANDS_CONTENT_CONTENT_FIELDS_H_
#define LEDGER_COMMANDS_CONTENT_CONTENT_FIELDS_H_

#include <string>

#include "commands/content/content_state.h"
#include "commands/internal/json_fields.h"

namespace ledger::commands {

inline constexpr std::size_t kMaxContentIdBytes = 200;
inline constexpr std::size_t kMaxReasonBytes = 2000;

struct ContentRef {
  std::string content_id;
  StreamId stream;
};

// Reads the required "content_id" and forms content-<content_id>.
Result<ContentRef> DecodeContentRef(internal::JsonFields& fields);

// "unknown content <id>" for the 404s of every content command.
std::string UnknownContent(const std::string& content_id);

// The explanation for refusing a command that needs a review decision or a cleared stage.
std::string DescribeState(const ContentState& state);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CONTENT_CONTENT_FIELDS_H_
