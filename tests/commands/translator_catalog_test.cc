// docs/events.md lists every event type the translator appends, with its schema version and
// stream, and no type is registered twice across the commands module.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "commands/event_types.h"

namespace ledger::commands {
namespace {

TEST_CASE("every translator event type is in the catalog with its version and stream") {
  std::ifstream in(LEDGER_SOURCE_DIR "/docs/events.md");
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  std::string doc = text.str();
  REQUIRE(TranslatorEventTypes().size() == 23);
  for (const EventTypeInfo& info : TranslatorEventTypes()) {
    std::string row = "| `" + std::string(info.type) + "` | " +
                      std::to_string(info.schema_version) + " | `" +
                      std::string(info.stream_category) + "-";
    INFO(info.type);
    CHECK(doc.find(row) != std::string::npos);
    // The payload section documents it too.
    CHECK(doc.find("**`" + std::string(info.type) + "`**") != std::string::npos);
  }
}

TEST_CASE("no event type is registered twice") {
  std::set<std::string_view> seen;
  for (const EventTypeInfo& info : CommandEventTypes()) CHECK(seen.insert(info.type).second);
  for (const EventTypeInfo& info : TranslatorEventTypes()) CHECK(seen.insert(info.type).second);
}

}  // namespace
}  // namespace ledger::commands
