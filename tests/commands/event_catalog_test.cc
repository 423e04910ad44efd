// docs/events.md lists every event type the commands append, with its schema version.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "commands/event_types.h"

namespace ledger::commands {
namespace {

std::string ReadDoc() {
  std::ifstream in(LEDGER_SOURCE_DIR "/docs/events.md");
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("every command event type is in the catalog with its version") {
  std::string doc = ReadDoc();
  for (const EventTypeInfo& info : CommandEventTypes()) {
    std::string row = "| `" + std::string(info.type) + "` | " +
                      std::to_string(info.schema_version) + " | `" +
                      std::string(info.stream_category) + "-";
    INFO(info.type);
    CHECK(doc.find(row) != std::string::npos);
  }
}

TEST_CASE("the registry has no duplicates") {
  auto types = CommandEventTypes();
  for (std::size_t i = 0; i < types.size(); ++i) {
    for (std::size_t j = i + 1; j < types.size(); ++j) CHECK(types[i].type != types[j].type);
  }
}

}  // namespace
}  // namespace ledger::commands
