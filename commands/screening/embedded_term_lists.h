// The term-list files compiled into the binary by commands/EmbedTermLists.cmake, so that
// screening works with no files beside the binary and no network. Use RuleSet::Embedded().
#ifndef LEDGER_COMMANDS_SCREENING_EMBEDDED_TERM_LISTS_H_
#define LEDGER_COMMANDS_SCREENING_EMBEDDED_TERM_LISTS_H_

#include <cstddef>
#include <string_view>

namespace ledger::commands::screening::internal {

struct EmbeddedFile {
  std::string_view name;
  std::string_view contents;
};

extern const char kEmbeddedTermListVersion[];
extern const EmbeddedFile kEmbeddedTermFiles[];
extern const std::size_t kEmbeddedTermFileCount;

}  // namespace ledger::commands::screening::internal

#endif  // LEDGER_COMMANDS_SCREENING_EMBEDDED_TERM_LISTS_H_
