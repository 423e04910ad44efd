#include "jobs/kinds/printify_submission.h"

#include <spdlog/spdlog.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "commands/intake/printify_link.h"
#include "engine/event_validation.h"
#include "jobs/kinds/json_fields.h"

namespace ledger::jobs::kinds {
namespace {

namespace json = boost::json;

constexpr std::string_view kSource = "job.printify.submit_order";
constexpr std::string_view kActor = "system:jobs";

StreamId OrderStream(std::string_view order_id) {
  return StreamId("order-" + std::string(order_id));
}

Metadata JobMetadata(const Job& job) {
  return Metadata{job.job_id, job.cause_event_id, std::string(kActor), std::string(kSource)};
}

// Transient answers: Printify asks to come back later (429), gave up waiting for our request
// (408) or failed itself (5xx). Everything else that is not 2xx will not change on retry.
bool IsTransient(int status) { return status == 408 || status == 429 || status >= 500; }

Result<PrintifyLineItem> ParseLineItem(const json::value& value, std::size_t index) {
  std::string where = "line_items[" + std::to_string(index) + "]";
  const json::object* item = value.if_object();
  if (item == nullptr) return InvalidArgument(where + " is not an object");
  PrintifyLineItem line;
  LEDGER_ASSIGN_OR_RETURN(line.quantity, RequiredInt(*item, "quantity", where));
  if (line.quantity < 1) return InvalidArgument(where + ".quantity must be at least 1");
  LEDGER_ASSIGN_OR_RETURN(line.sku, OptionalString(*item, "sku", where));
  if (!line.sku.empty()) return line;
  LEDGER_ASSIGN_OR_RETURN(line.product_id, RequiredString(*item, "product_id", where));
  LEDGER_ASSIGN_OR_RETURN(line.variant_id, RequiredInt(*item, "variant_id", where));
  return line;
}

Result<PrintifyAddress> ParseShipping(const json::object& payload) {
  const json::value* value = payload.if_contains("shipping");
  if (value == nullptr || !value->is_object()) {
    return InvalidArgument("payload: shipping must be an object");
  }
  const json::object& s = value->get_object();
  const std::string where = "shipping";
  PrintifyAddress a;
  LEDGER_ASSIGN_OR_RETURN(a.first_name, RequiredString(s, "first_name", where));
  LEDGER_ASSIGN_OR_RETURN(a.last_name, OptionalString(s, "last_name", where));
  LEDGER_ASSIGN_OR_RETURN(a.email, OptionalString(s, "email", where));
  LEDGER_ASSIGN_OR_RETURN(a.phone, OptionalString(s, "phone", where));
  LEDGER_ASSIGN_OR_RETURN(a.country, RequiredString(s, "country", where));
  LEDGER_ASSIGN_OR_RETURN(a.region, OptionalString(s, "region", where));
  LEDGER_ASSIGN_OR_RETURN(a.address1, RequiredString(s, "address1", where));
  LEDGER_ASSIGN_OR_RETURN(a.address2, OptionalString(s, "address2", where));
  LEDGER_ASSIGN_OR_RETURN(a.city, RequiredString(s, "city", where));
  LEDGER_ASSIGN_OR_RETURN(a.zip, OptionalString(s, "zip", where));
  return a;
}

// The recorded printify_order_id of an accepted event already in `history`, if any.
std::optional<std::string> RecordedAcceptance(const std::vector<RecordedEvent>& history,
                                              const EventId& accepted_id) {
  for (const RecordedEvent& e : history) {
    if (e.event_id != accepted_id) continue;
    json::error_code ec;
    json::value v = json::parse(e.payload, ec);
    const json::object* o = ec ? nullptr : v.if_object();
    const json::value* id = o == nullptr ? nullptr : o->if_contains("printify_order_id");
    return id != nullptr && id->is_string() ? std::string(id->get_string()) : std::string();
  }
  return std::nullopt;
}

NewEvent OutcomeEvent(const Job& job, std::string_view type, std::string_view outcome,
                      const json::object& payload) {
  NewEvent e;
  e.event_id = PrintifyOutcomeEventId(job.job_id, outcome);
  e.event_type = std::string(type);
  e.tenant = TenantId(job.tenant_id);
  e.payload = json::serialize(payload);
  e.metadata = JobMetadata(job);
  return e;
}

JobResult Retry(std::string detail) { return {Outcome::kRetry, std::move(detail), "{}"}; }

}  // namespace

Result<PrintifySubmission> ParsePrintifySubmission(std::string_view payload) {
  json::error_code ec;
  json::value value = json::parse(payload, ec);
  if (ec || !value.is_object()) return InvalidArgument("payload is not a JSON object");
  const json::object& p = value.get_object();
  const std::string where = "payload";
  PrintifySubmission s;
  LEDGER_ASSIGN_OR_RETURN(s.order_id, RequiredString(p, "order_id", where));
  LEDGER_RETURN_IF_ERROR(ValidateStreamId(OrderStream(s.order_id)));
  LEDGER_ASSIGN_OR_RETURN(s.shop_id, OptionalInt(p, "shop_id", where));
  LEDGER_ASSIGN_OR_RETURN(s.order.label, OptionalString(p, "label", where));
  if (s.order.label.empty()) s.order.label = s.order_id;
  LEDGER_ASSIGN_OR_RETURN(std::optional<std::int64_t> method,
                          OptionalInt(p, "shipping_method", where));
  if (method) s.order.shipping_method = *method;
  const json::value* lines = p.if_contains("line_items");
  if (lines == nullptr || !lines->is_array() || lines->get_array().empty()) {
    return InvalidArgument("payload: line_items must be a non-empty array");
  }
  for (std::size_t i = 0; i < lines->get_array().size(); ++i) {
    LEDGER_ASSIGN_OR_RETURN(PrintifyLineItem line, ParseLineItem(lines->get_array()[i], i));
    s.order.line_items.push_back(std::move(line));
  }
  LEDGER_ASSIGN_OR_RETURN(s.order.address_to, ParseShipping(p));
  return s;
}

EventId PrintifyOutcomeEventId(std::string_view job_id, std::string_view outcome) {
  std::string name = "job_outcome:";
  name.append(job_id).append(":").append(outcome);
  return Uuid::V5(LedgerNamespace(), name);
}

PrintifySubmissionHandler::PrintifySubmissionHandler(PrintifyOrderApi* api, EventStore* store,
                                                     PrintifySubmissionOptions options)
    : api_(api), store_(store), options_(options) {}

JobResult PrintifySubmissionHandler::Run(const Job& job) {
  Result<PrintifySubmission> parsed = ParsePrintifySubmission(job.payload);
  if (!parsed.ok()) return {Outcome::kFailed, parsed.status().message(), "{}"};
  PrintifySubmission& submission = *parsed;
  std::optional<std::int64_t> shop_id =
      submission.shop_id ? submission.shop_id : options_.default_shop_id;
  if (!shop_id) return {Outcome::kFailed, "no shop_id in the payload and none configured", "{}"};

  // A worker that died after recording success runs the job again: answer from the ledger.
  Result<std::vector<RecordedEvent>> history =
      store_->ReadStream(OrderStream(submission.order_id), StreamReadOptions{});
  if (!history.ok()) return Retry("reading the order stream: " + history.status().ToString());
  if (std::optional<std::string> recorded =
          RecordedAcceptance(*history, PrintifyOutcomeEventId(job.job_id, "accepted"))) {
    json::object result{{"printify_order_id", *recorded}, {"shop_id", *shop_id}};
    return {Outcome::kSucceeded, "already accepted by Printify", json::serialize(result)};
  }

  submission.order.external_id = job.job_id;
  Result<PrintifyReply> reply = api_->CreateOrder(*shop_id, submission.order);
  if (!reply.ok()) {
    spdlog::warn("{} {} for order {}: no answer from Printify: {}", kPrintifySubmitOrderKind,
                 job.job_id, submission.order_id, reply.status().ToString());
    if (reply.status().code() == StatusCode::kUnavailable) {
      return Retry("no answer from Printify: " + reply.status().message());
    }
    return {Outcome::kFailed, "cannot call Printify: " + reply.status().message(), "{}"};
  }
  int status = reply->http_status;
  if (status >= 200 && status < 300) return Accepted(job, submission, *shop_id, *reply);
  if (IsTransient(status)) {
    spdlog::warn("{} {} for order {}: Printify answered {}", kPrintifySubmitOrderKind, job.job_id,
                 submission.order_id, status);
    return Retry("Printify answered " + std::to_string(status));
  }
  return Rejected(job, submission, *shop_id, *reply);
}

JobResult PrintifySubmissionHandler::Accepted(const Job& job, const PrintifySubmission& submission,
                                              std::int64_t shop_id, const PrintifyReply& reply) {
  if (reply.printify_order_id.empty()) {
    // Printify's deduplication on external_id makes asking again safe.
    return Retry("Printify answered " + std::to_string(reply.http_status) + " without an id");
  }
  // The link first: the translator needs it to place Printify's webhooks for this order.
  Result<AppendRequest> link =
      commands::intake::MakePrintifyLinkRequest(TenantId(job.tenant_id), reply.printify_order_id,
                                                submission.order_id, shop_id, JobMetadata(job));
  if (!link.ok()) {
    return {Outcome::kFailed, "unusable Printify order id: " + link.status().message(), "{}"};
  }
  if (Result<AppendResult> r = store_->Append(*link); !r.ok()) {
    return Retry("appending printify.order_linked: " + r.status().ToString());
  }
  json::object payload{{"order_id", submission.order_id},
                       {"printify_order_id", reply.printify_order_id},
                       {"shop_id", shop_id},
                       {"external_id", job.job_id},
                       {"http_status", reply.http_status},
                       {"attempt", job.attempt}};
  AppendRequest request{OrderStream(submission.order_id),
                        ExpectedVersion::Any(),
                        {OutcomeEvent(job, kPrintifySubmissionAccepted, "accepted", payload)}};
  if (Result<AppendResult> r = store_->Append(request); !r.ok()) {
    return Retry("appending " + std::string(kPrintifySubmissionAccepted) + ": " +
                 r.status().ToString());
  }
  spdlog::info("{} {} for order {}: accepted as Printify order {}", kPrintifySubmitOrderKind,
               job.job_id, submission.order_id, reply.printify_order_id);
  json::object result{{"printify_order_id", reply.printify_order_id}, {"shop_id", shop_id}};
  return {Outcome::kSucceeded, "accepted by Printify as " + reply.printify_order_id,
          json::serialize(result)};
}

JobResult PrintifySubmissionHandler::Rejected(const Job& job, const PrintifySubmission& submission,
                                              std::int64_t shop_id, const PrintifyReply& reply) {
  std::string error = Utf8Excerpt(reply.error, kMaxRecordedErrorBytes);
  json::object payload{
      {"order_id", submission.order_id},  {"shop_id", shop_id}, {"external_id", job.job_id},
      {"http_status", reply.http_status}, {"error", error},     {"attempt", job.attempt}};
  AppendRequest request{OrderStream(submission.order_id),
                        ExpectedVersion::Any(),
                        {OutcomeEvent(job, kPrintifySubmissionRejected, "rejected", payload)}};
  if (Result<AppendResult> r = store_->Append(request); !r.ok()) {
    return Retry("appending " + std::string(kPrintifySubmissionRejected) + ": " +
                 r.status().ToString());
  }
  spdlog::warn("{} {} for order {}: Printify rejected the order with {}", kPrintifySubmitOrderKind,
               job.job_id, submission.order_id, reply.http_status);
  json::object result{{"http_status", reply.http_status}, {"error", error}};
  return {Outcome::kFailed, "Printify rejected the order: " + std::to_string(reply.http_status),
          json::serialize(result)};
}

}  // namespace ledger::jobs::kinds
