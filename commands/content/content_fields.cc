#include "commands/content/content_fields.h"

#include "commands/internal/stream_command.h"

namespace ledger::commands {

Result<ContentRef> DecodeContentRef(internal::JsonFields& fields) {
  LEDGER_ASSIGN_OR_RETURN(std::string id,
                          fields.String("content_id", {.max_bytes = kMaxContentIdBytes}));
  LEDGER_ASSIGN_OR_RETURN(StreamId stream, internal::MakeStreamId("content", "content_id", id));
  return ContentRef{std::move(id), std::move(stream)};
}

std::string UnknownContent(const std::string& content_id) {
  return "unknown content '" + content_id + "': screen it first (screen-content)";
}

std::string DescribeState(const ContentState& s) {
  std::string status = s.Status();
  if (status == "in_review") {
    return "it is waiting for a review of its " + std::string(ReviewOriginName(s.pending->origin)) +
           " (decide-review)";
  }
  if (status == "rejected") return "it was rejected in review";
  if (status == "blocked") return "rights screening blocked it";
  if (status == "unscreened") return "it has not been screened";
  if (status == "published") {
    return "it was already published (stream version " + std::to_string(s.published_at.value()) +
           ")";
  }
  return "its status is " + status;
}

}  // namespace ledger::commands
