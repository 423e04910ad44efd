// The daily drop's subscriber list of a tenant: one stream, `drop_subscribers-<tenant>`, that
// `subscribe-drop` and `unsubscribe-drop` append to (docs/commands.md "The daily-drop list").
//
// Why one stream per tenant rather than one per subscriber: the list is the aggregate whose
// invariant the commands keep (an address is on it at most once), and the daily drop's
// fan-out must be exact and repeatable: the jobs dispatcher folds this one stream up to the
// drop's own position (jobs/dispatch_rules.cc) and gets the same recipients however often it
// re-reads the log. The cost is that every subscribe reads the whole list (fine for a shop's
// thousands of subscribers; aggregate snapshots are the next step if it grows past that).
//
// A library of its own (ledger::drop_list, engine only), shared by the commands and the jobs
// dispatcher.
#ifndef LEDGER_COMMANDS_DROP_DROP_LIST_H_
#define LEDGER_COMMANDS_DROP_DROP_LIST_H_

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "engine/event.h"
#include "engine/ids.h"
#include "engine/result.h"

namespace ledger::commands {

// The list's events (also in event_types.h's catalog). Payloads (docs/events.md):
//   drop.subscribed    subscriber_id, email, name ("" if none), reason
//   drop.unsubscribed  subscriber_id, reason
inline constexpr std::string_view kDropSubscribed = "drop.subscribed";
inline constexpr std::string_view kDropUnsubscribed = "drop.unsubscribed";

// drop_subscribers-<tenant>
StreamId DropListStream(const TenantId& tenant);

// The subscriber id of `email` on a tenant's list: a UUIDv5 of the address lowercased, so the
// same address is one subscriber however it is spelt, and unsubscribe links can carry the id
// rather than the address.
std::string DropSubscriberId(std::string_view email);

struct DropSubscriber {
  std::string email;
  std::string name;  // may be empty
  bool active = false;
};

// subscriber id -> subscriber, from the list stream's events. DataLoss for an event of the
// list that does not decode.
Result<std::map<std::string, DropSubscriber>> FoldDropList(std::span<const RecordedEvent> events);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_DROP_DROP_LIST_H_
