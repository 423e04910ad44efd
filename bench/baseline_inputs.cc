// ledger_bench_baseline: writes the plain-PostgreSQL baselines' inputs from the very rows the
// engine side writes (bench_rows.h), so both sides store the same bytes.
//
//   ledger_bench_baseline pgbench-script append                > append.sql
//   ledger_bench_baseline pgbench-script webhook --body FILE   > webhook.sql
//   ledger_bench_baseline copy-rows LOG.jsonl ROWS.copy
//   ledger_bench_baseline copy-columns      (the column list for \copy, one line)
//
// pgbench-script: one INSERT into plain_events (bench/sql/plain_events.sql) of the append or
//   webhook row with a fresh event id and stream, for `pgbench -M prepared -f`: one row per
//   transaction. Text goes in E'' literals with ':' written \x3a, because pgbench replaces
//   every ":name" in a script, inside quotes too, by a variable.
// copy-rows: the events of an exported JSON-lines log (every envelope field present, as
//   generate_event_log writes them) as COPY text rows for
//   \copy plain_events (kCopyColumns) FROM ROWS.copy
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "bench/bench_rows.h"
#include "engine/event_json.h"
#include "engine/sha256.h"
#include "engine/time.h"

namespace ledger::bench {
namespace {

constexpr char kUsage[] =
    "usage: ledger_bench_baseline pgbench-script append|webhook [--body FILE]\n"
    "       ledger_bench_baseline copy-rows LOG.jsonl ROWS.copy\n"
    "       ledger_bench_baseline copy-columns\n";

// The column list copy-rows writes, in order; bench/run passes it to \copy.
constexpr char kCopyColumns[] =
    "global_position, stream_id, stream_version, event_id, event_type, schema_version, "
    "tenant_id, payload, correlation_id, causation_id, actor, source, raw_body, recorded_at, "
    "stream_hash";

// An E'' string literal with no ':' in it (see the file comment).
std::string Literal(std::string_view text) {
  std::string out = "E'";
  for (unsigned char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "''";
        break;
      case ':':
        out += "\\x3a";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          out += hex;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "'";
}

std::string ByteaLiteral(std::string_view bytes) { return "'\\x" + HexEncode(bytes) + "'"; }

// `stream_prefix` || a random uuid is the stream; the event id is another random uuid.
std::string InsertScript(const NewEvent& e, std::string_view stream_prefix) {
  std::string hash(32, '\x5a');  // the engine's is a SHA-256: the same 32 bytes' size
  std::string sql =
      "INSERT INTO plain_events (stream_id, stream_version, event_id, event_type, "
      "schema_version, tenant_id, payload, correlation_id, causation_id, actor, source, "
      "raw_body, recorded_at, stream_hash) VALUES (";
  sql += Literal(stream_prefix) + " || gen_random_uuid(), 1, gen_random_uuid(), ";
  sql += Literal(e.event_type) + ", " + std::to_string(e.schema_version) + ", ";
  sql += Literal(e.tenant.value()) + ", " + Literal(e.payload) + ", ";
  sql += Literal(e.metadata.correlation_id) + ", " + Literal(e.metadata.causation_id) + ", ";
  sql += Literal(e.metadata.actor) + ", " + Literal(e.metadata.source) + ", ";
  sql += e.raw_body ? ByteaLiteral(*e.raw_body) : std::string("NULL");
  sql += ", now(), " + ByteaLiteral(hash) + ");\n";
  return sql;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status PgbenchScript(std::string_view row, const std::string& body_file) {
  if (row == "append") {
    AppendRequest request = AppendRowRequest(Uuid::V4());
    std::cout << InsertScript(request.events.front(), "bench-");
    return Status::Ok();
  }
  if (row != "webhook" || body_file.empty()) return InvalidArgument(kUsage);
  LEDGER_ASSIGN_OR_RETURN(std::string template_body, ReadFile(body_file));
  // The stored row of a webhook is the same for every id of the same length; this one is
  // as long as the driver's ("evt_bench_<8 hex>_<n>").
  LEDGER_ASSIGN_OR_RETURN(std::string body,
                          StripeBodyWithId(template_body, "evt_bench_0a1b2c3d_1234"));
  LEDGER_ASSIGN_OR_RETURN(NewEvent event, WebhookRowEvent(std::move(body)));
  std::cout << InsertScript(event, "stripe-evt_");
  return Status::Ok();
}

// COPY text format: backslash, tab, newline and carriage return escaped.
void AppendCopyText(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
}

void AppendCopyBytea(std::string_view bytes, std::string& out) {
  out += "\\\\x";  // COPY unescapes "\\" to the "\" of bytea's hex format
  out += HexEncode(bytes);
}

Status CopyRows(const std::string& in_path, const std::string& out_path) {
  std::ifstream in(in_path, std::ios::binary);
  if (!in) return NotFound("cannot open " + in_path);
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  if (!out) return Unavailable("cannot write " + out_path);
  std::string line;
  std::string row;
  std::uint64_t number = 0;
  const TenantId default_tenant(kDefaultTenant);
  while (std::getline(in, line)) {
    ++number;
    Result<ImportedEvent> parsed = ParseEventJson(line, default_tenant);
    if (!parsed.ok()) return parsed.status().WithContext("line " + std::to_string(number));
    const ImportedEvent& e = *parsed;
    if (!e.global_position || !e.stream_version || !e.recorded_at || !e.stream_hash) {
      return InvalidArgument("line " + std::to_string(number) +
                             ": copy-rows needs every envelope field (an exported log)");
    }
    const Metadata& m = e.event.metadata;
    row += std::to_string(e.global_position->value()) + '\t';
    AppendCopyText(e.stream.value(), row);
    row += '\t' + std::to_string(e.stream_version->value()) + '\t';
    row += e.event.event_id.ToString() + '\t';
    AppendCopyText(e.event.event_type, row);
    row += '\t' + std::to_string(e.event.schema_version) + '\t';
    for (const std::string* text : {&e.event.tenant.value(), &e.event.payload, &m.correlation_id,
                                    &m.causation_id, &m.actor, &m.source}) {
      AppendCopyText(*text, row);
      row += '\t';
    }
    if (e.event.raw_body) {
      AppendCopyBytea(*e.event.raw_body, row);
    } else {
      row += "\\N";
    }
    row += '\t' + FormatRfc3339(*e.recorded_at) + '\t';
    AppendCopyBytea(std::string_view(reinterpret_cast<const char*>(e.stream_hash->data()),
                                     e.stream_hash->size()),
                    row);
    row += '\n';
    if (row.size() > (1 << 20)) {
      out << row;
      row.clear();
    }
  }
  out << row;
  out.flush();
  if (in.bad() || !out) return Unavailable("copy-rows: reading or writing failed");
  return Status::Ok();
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  using ledger::bench::kUsage;
  std::vector<std::string> args(argv + 1, argv + argc);
  ledger::Status status = ledger::InvalidArgument(kUsage);
  if (args.size() == 1 && args[0] == "copy-columns") {
    std::cout << ledger::bench::kCopyColumns << "\n";
    return EXIT_SUCCESS;
  }
  if (args.size() >= 2 && args[0] == "pgbench-script") {
    std::string body = args.size() == 4 && args[2] == "--body" ? args[3] : "";
    if (args.size() == 2 || !body.empty()) status = ledger::bench::PgbenchScript(args[1], body);
  } else if (args.size() == 3 && args[0] == "copy-rows") {
    status = ledger::bench::CopyRows(args[1], args[2]);
  }
  if (!status.ok()) {
    std::cerr << "ledger_bench_baseline: " << status.message()
              << (status.message() == kUsage ? "" : "\n");
    return status.code() == ledger::StatusCode::kInvalidArgument && status.message() == kUsage ? 2
                                                                                               : 1;
  }
  return EXIT_SUCCESS;
}
