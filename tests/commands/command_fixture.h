// A CommandDispatcher over a MemoryEventStore and a ManualClock, with helpers to run
// commands and read back what they appended.
#ifndef LEDGER_TESTS_COMMANDS_COMMAND_FIXTURE_H_
#define LEDGER_TESTS_COMMANDS_COMMAND_FIXTURE_H_

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_status.h"
#include "commands/dispatcher.h"
#include "engine/memory_store.h"
#include "tests/support/test_events.h"

namespace ledger::commands::testing {

inline const Principal kOperator{"user:olivia", "operator"};
inline const Principal kReviewer{"user:rita", "reviewer"};
inline const Principal kAdmin{"user:ada", "admin"};
inline const Principal kSystem{"system:prober", "system"};
inline const Principal kCustomer{"user:carl", "customer"};

inline constexpr std::int64_t kStartMicros = 1'763'884'800'000'000;  // 2025-11-23T08:00:00Z

class CommandFixture {
 public:
  explicit CommandFixture(CommandDispatcherOptions options = {});

  Result<CommandOutcome> Run(std::string_view name, std::string_view body,
                             const Principal& who = kOperator);
  // Runs a command that must succeed; returns its parsed response.
  boost::json::object Ok(std::string_view name, std::string_view body,
                         const Principal& who = kOperator);
  // Runs a command that must fail and append nothing; returns its status.
  Status Fails(std::string_view name, std::string_view body, const Principal& who = kOperator);

  std::vector<RecordedEvent> Stream(const std::string& stream);
  std::vector<RecordedEvent> Log();

  ManualClock clock{Timestamp(kStartMicros)};
  MemoryEventStore store{&clock};
  std::unique_ptr<CommandDispatcher> dispatcher;
};

boost::json::object Parse(std::string_view json);
boost::json::object PayloadOf(const RecordedEvent& event);
// The event types of `events`, in order.
std::vector<std::string> TypesOf(const std::vector<RecordedEvent>& events);

// Event ids from a counter: the same sequence of commands appends the same ids.
std::function<EventId()> SeededEventIds(std::string seed);

}  // namespace ledger::commands::testing

#endif  // LEDGER_TESTS_COMMANDS_COMMAND_FIXTURE_H_
