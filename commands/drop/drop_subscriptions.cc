// subscribe-drop and unsubscribe-drop: the tenant's daily-drop list (commands/drop/drop_list.h).
#include "commands/drop/drop_list.h"
#include "commands/event_types.h"
#include "commands/internal/handler_env.h"
#include "commands/internal/json_fields.h"

namespace ledger::commands::internal {
namespace {

namespace json = boost::json;

constexpr char kNoSuchList[] = "there is no daily-drop list";

// A deliverable single address, checked only as far as an SMTP envelope needs: one '@' with
// something on both sides, no whitespace or control characters (a line break would let a
// caller add headers), at most 254 bytes (RFC 5321's path limit).
Status CheckEmail(const std::string& email) {
  std::size_t at = email.find('@');
  bool ok = at != std::string::npos && at > 0 && at + 1 < email.size() &&
            email.find('@', at + 1) == std::string::npos && email.size() <= 254;
  for (unsigned char c : email) ok = ok && c > 0x20 && c != 0x7f;
  if (!ok) return InvalidArgument("email: not a single email address");
  return Status::Ok();
}

json::object Answer(const std::string& id, bool subscribed) {
  return json::object{{"subscriber_id", id}, {"status", subscribed ? "subscribed" : "unsubscribed"}};
}

}  // namespace

Result<CommandOutcome> SubscribeDrop(const HandlerEnv& env, std::string_view body,
                                     const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(std::string email, fields.String("email", {.max_bytes = 254}));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> name,
                          fields.OptionalString("name", {.max_bytes = 200, .allow_empty = true}));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> reason,
                          fields.OptionalString("reason", {.max_bytes = 1000}));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  LEDGER_RETURN_IF_ERROR(CheckEmail(email));
  const std::string id = DropSubscriberId(email);
  auto decide = [&](std::span<const RecordedEvent> history) -> Result<Decision> {
    LEDGER_ASSIGN_OR_RETURN(auto list, FoldDropList(history));
    Decision d;
    d.response = Answer(id, true);
    auto it = list.find(id);
    if (it != list.end() && it->second.active) return d;  // already on the list: nothing new
    json::object payload{{"subscriber_id", id},
                         {"email", email},
                         {"name", name.value_or("")},
                         {"reason", reason.value_or("subscribed")}};
    d.events.push_back(PlannedEvent{std::string(kDropSubscribed), 1, std::move(payload), ""});
    return d;
  };
  return RunStreamCommand(env.command, context, "subscribe-drop", DropListStream(context.tenant),
                          kNoSuchList, decide);
}

Result<CommandOutcome> UnsubscribeDrop(const HandlerEnv& env, std::string_view body,
                                       const CommandContext& context) {
  LEDGER_ASSIGN_OR_RETURN(JsonFields fields, JsonFields::Parse(body));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> email,
                          fields.OptionalString("email", {.max_bytes = 254}));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> subscriber_id,
                          fields.OptionalString("subscriber_id", {.max_bytes = 36}));
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::string> reason,
                          fields.OptionalString("reason", {.max_bytes = 1000}));
  LEDGER_RETURN_IF_ERROR(fields.Finish());
  if (email.has_value() == subscriber_id.has_value()) {
    return InvalidArgument("give exactly one of email and subscriber_id");
  }
  if (email) LEDGER_RETURN_IF_ERROR(CheckEmail(*email));
  const std::string id = email ? DropSubscriberId(*email) : *subscriber_id;
  auto decide = [&](std::span<const RecordedEvent> history) -> Result<Decision> {
    LEDGER_ASSIGN_OR_RETURN(auto list, FoldDropList(history));
    auto it = list.find(id);
    if (it == list.end()) return NotFound("no subscriber " + id + " on the daily-drop list");
    Decision d;
    d.response = Answer(id, false);
    if (!it->second.active) return d;  // already off the list
    json::object payload{{"subscriber_id", id}, {"reason", reason.value_or("unsubscribed")}};
    d.events.push_back(PlannedEvent{std::string(kDropUnsubscribed), 1, std::move(payload), ""});
    return d;
  };
  return RunStreamCommand(env.command, context, "unsubscribe-drop",
                          DropListStream(context.tenant), kNoSuchList, decide);
}

}  // namespace ledger::commands::internal
