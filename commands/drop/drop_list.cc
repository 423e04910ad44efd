#include "commands/drop/drop_list.h"

#include <boost/json.hpp>
#include <cctype>

#include "engine/uuid.h"

namespace ledger::commands {

StreamId DropListStream(const TenantId& tenant) {
  return StreamId("drop_subscribers-" + tenant.value());
}

std::string DropSubscriberId(std::string_view email) {
  std::string lower(email);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Uuid::V5(LedgerNamespace(), "drop-subscriber:" + lower).ToString();
}

Result<std::map<std::string, DropSubscriber>> FoldDropList(std::span<const RecordedEvent> events) {
  std::map<std::string, DropSubscriber> list;
  for (const RecordedEvent& e : events) {
    if (e.event_type != kDropSubscribed && e.event_type != kDropUnsubscribed) continue;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(e.payload, ec);
    const boost::json::object* o = ec ? nullptr : v.if_object();
    const boost::json::value* id = o == nullptr ? nullptr : o->if_contains("subscriber_id");
    if (id == nullptr || !id->is_string()) {
      return DataLoss("event " + e.event_id.ToString() + " (" + e.event_type +
                      ") of the daily-drop list has no subscriber_id");
    }
    DropSubscriber& s = list[std::string(id->get_string())];
    if (e.event_type == kDropUnsubscribed) {
      s.active = false;
      continue;
    }
    const boost::json::value* email = o->if_contains("email");
    const boost::json::value* name = o->if_contains("name");
    if (email == nullptr || !email->is_string()) {
      return DataLoss("event " + e.event_id.ToString() + " (drop.subscribed) has no email");
    }
    s.email = std::string(email->get_string());
    s.name = name != nullptr && name->is_string() ? std::string(name->get_string()) : "";
    s.active = true;
  }
  return list;
}

}  // namespace ledger::commands
