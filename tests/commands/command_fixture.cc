#include "tests/commands/command_fixture.h"

#include <atomic>
#include <boost/json/parse.hpp>
#include <memory>

namespace ledger::commands::testing {

CommandFixture::CommandFixture(CommandDispatcherOptions options) {
  Result<std::unique_ptr<CommandDispatcher>> created =
      CommandDispatcher::Create(&store, &clock, std::move(options));
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  dispatcher = std::move(created).value();
}

Result<CommandOutcome> CommandFixture::Run(std::string_view name, std::string_view body,
                                           const Principal& who) {
  return dispatcher->Execute(name, body, CommandContext{who, TenantId(kDefaultTenant), "test"});
}

boost::json::object CommandFixture::Ok(std::string_view name, std::string_view body,
                                       const Principal& who) {
  Result<CommandOutcome> out = Run(name, body, who);
  REQUIRE_MESSAGE(out.ok(), (std::string(name) + ": " + out.status().ToString()));
  boost::json::object response = Parse(out->response_json);
  CHECK(response.at("global_position").to_number<std::uint64_t>() == out->position.value());
  CHECK(response.at("stream_version").to_number<std::uint64_t>() == out->stream_version.value());
  return response;
}

Status CommandFixture::Fails(std::string_view name, std::string_view body, const Principal& who) {
  std::size_t before = Log().size();
  Result<CommandOutcome> out = Run(name, body, who);
  REQUIRE_MESSAGE(!out.ok(), (std::string(name) +
                              " unexpectedly succeeded: " + (out.ok() ? out->response_json : "")));
  CHECK_MESSAGE(Log().size() == before, "a failed command appended events");
  return out.status();
}

std::vector<RecordedEvent> CommandFixture::Stream(const std::string& stream) {
  return ledger::testing::ReadWholeStream(store, stream);
}

std::vector<RecordedEvent> CommandFixture::Log() { return ledger::testing::ReadWholeLog(store); }

boost::json::object Parse(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  REQUIRE_MESSAGE(!ec, std::string(json));
  REQUIRE(v.is_object());
  return v.get_object();
}

boost::json::object PayloadOf(const RecordedEvent& event) { return Parse(event.payload); }

std::vector<std::string> TypesOf(const std::vector<RecordedEvent>& events) {
  std::vector<std::string> types;
  types.reserve(events.size());
  for (const RecordedEvent& e : events) types.push_back(e.event_type);
  return types;
}

std::function<EventId()> SeededEventIds(std::string seed) {
  auto counter = std::make_shared<std::atomic<int>>(0);
  return [seed = std::move(seed), counter] {
    return Uuid::V5(LedgerNamespace(), seed + ":" + std::to_string(counter->fetch_add(1)));
  };
}

}  // namespace ledger::commands::testing
