// The JSON-lines form of events (docs/formats.md, "The JSON-lines log"): what `ledger read`,
// `events` and `export` print, what `ledger import` reads, and what the HTTP events feed
// serves. One event is one line: a JSON object with its fields in a fixed order, so that
// exporting an imported log reproduces it byte for byte:
//
//   {"global_position":7,"stream_id":"order-1","stream_version":2,"event_id":"<uuid>",
//    "event_type":"order.paid","schema_version":1,"tenant_id":"default",
//    "recorded_at":"2026-11-23T08:30:00.000000Z","metadata":{"actor":"stripe"},
//    "payload":{...},"raw_body":"<base64>","stream_hash":"<64 hex digits>"}
//
// `metadata` holds only the non-empty keys among correlation_id, causation_id, actor and
// source (in that order; it may be `{}`); `raw_body` appears only when the event has one.
// `payload` is the stored payload bytes verbatim.
//
// Round trip: ParseEventJson(FormatEventJson(e)) gives back every field of e, and formatting
// that again reproduces the line exactly.
//
// Thread safety: all functions are thread-safe.
#ifndef LEDGER_ENGINE_EVENT_JSON_H_
#define LEDGER_ENGINE_EVENT_JSON_H_

#include <string>
#include <string_view>

#include "engine/event.h"
#include "engine/event_store.h"
#include "engine/result.h"

namespace ledger {

// Appends the line for `event` to `out`, without a trailing newline.
// REQUIRES: event.payload is minified valid JSON (as every store returns it).
void AppendEventJson(const RecordedEvent& event, std::string& out);
std::string FormatEventJson(const RecordedEvent& event);

// Parses one line (surrounding whitespace allowed, no newline inside) into an event to import.
//
// Required: stream_id, event_id, event_type, payload (a JSON object). Optional:
// global_position, stream_version, schema_version (default 1), tenant_id (default
// `default_tenant`), recorded_at, metadata, raw_body, stream_hash; `null` is never accepted.
// Fields may come in any order; unknown or repeated fields are refused, so a typo never
// silently drops data. The payload is taken byte for byte from the line and minified (never
// re-serialized), so number spelling, key order and escapes survive.
//
// Every field is validated as an append would (stream id, type, tenant, metadata, payload),
// so a bad line is reported here, by field, rather than later by the store. Errors are
// InvalidArgument whose message names the field and why: `field "payload": must be a JSON
// object`. The store still checks what needs the stored log (versions, positions, hashes).
Result<ImportedEvent> ParseEventJson(std::string_view line, const TenantId& default_tenant);

// Standard base64 (RFC 4648 section 4) with padding, as raw_body is written.
std::string Base64Encode(std::string_view bytes);
// Strict: refuses whitespace, a missing or misplaced '=', and non-zero unused bits, so that
// exactly one text decodes to given bytes.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace ledger

#endif  // LEDGER_ENGINE_EVENT_JSON_H_
