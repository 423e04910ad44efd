#include "tests/golden/golden_replay.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string_view.hpp>

#include "projections/canary/canary_projectors.h"
#include "projections/content/content_projectors.h"
#include "projections/orders/order_projectors.h"
#include "projections/runner.h"

namespace ledger::golden {

using projections::Projector;
using projections::ReadModelDigest;
using projections::ReadModelStore;
using projections::Row;
using projections::TableSpec;

void ProjectorSet::Add(std::unique_ptr<Projector> projector) {
  owned_.push_back(std::move(projector));
}

void ProjectorSet::Add(std::vector<std::unique_ptr<Projector>> projectors) {
  for (auto& projector : projectors) Add(std::move(projector));
}

std::vector<Projector*> ProjectorSet::list() const {
  std::vector<Projector*> out;
  for (const auto& projector : owned_) out.push_back(projector.get());
  return out;
}

std::vector<std::string> ProjectorSet::names() const {
  std::vector<std::string> out;
  for (const auto& projector : owned_) out.emplace_back(projector->name());
  return out;
}

const TableSpec* ProjectorSet::FindTable(std::string_view name) const {
  for (const auto& projector : owned_) {
    for (const TableSpec& table : projector->tables()) {
      if (table.name == name) return &table;
    }
  }
  return nullptr;
}

ProjectorSet StandardProjectorSet() {
  ProjectorSet set;
  set.Add(projections::MakeOrderProjectors());
  set.Add(projections::MakeContentProjectors());
  set.Add(projections::MakeCanaryProjectors());
  return set;
}

Status ImportLog(EventStore& store, std::span<const ImportedEvent> log) {
  LEDGER_ASSIGN_OR_RETURN(ImportResult imported, store.Import(log));
  if (imported.already_present != 0 || imported.imported != log.size()) {
    return FailedPrecondition("imported " + std::to_string(imported.imported) + " of " +
                              std::to_string(log.size()) + " events (" +
                              std::to_string(imported.already_present) +
                              " already present): the store was not empty");
  }
  return Status::Ok();
}

Result<ReadModelDigest> ProjectAndDigest(EventStore& events, ReadModelStore& rows,
                                         const ProjectorSet& projectors,
                                         const ProjectOptions& options) {
  std::vector<Projector*> list = projectors.list();
  std::vector<std::string> rebuild;
  if (options.force_rebuild) rebuild = projectors.names();
  LEDGER_RETURN_IF_ERROR(ProjectToHead(
      events, rows, list, projections::RunnerOptions{.batch_size = options.batch_size}, rebuild));
  return ComputeDigest(rows, list);
}

Result<std::string> RowsJson(ReadModelStore& rows, const ProjectorSet& projectors,
                             std::span<const std::string> tables) {
  std::string out = "{\n";
  bool first_table = true;
  for (const std::string& name : tables) {
    const TableSpec* table = projectors.FindTable(name);
    if (table == nullptr) return NotFound("no projector owns a table called " + name);
    out += first_table ? "" : ",\n";
    first_table = false;
    out += boost::json::serialize(boost::json::string_view(name)) + ":[";
    bool first_row = true;
    LEDGER_RETURN_IF_ERROR(rows.Scan(*table, [&](const Row& row) {
      out += first_row ? "\n{" : ",\n{";
      first_row = false;
      for (std::size_t i = 0; i < table->columns.size(); ++i) {
        if (i > 0) out += ',';
        out += boost::json::serialize(boost::json::string_view(table->columns[i].name));
        out += ':';
        out += projections::CanonicalValue(row.values()[i]);
      }
      out += '}';
      return Status::Ok();
    }));
    out += first_row ? "]" : "\n]";
  }
  out += "\n}\n";
  return out;
}

std::string DiffRowsJson(const std::string& expected, const std::string& actual) {
  boost::system::error_code ec;
  boost::json::value want = boost::json::parse(expected, ec);
  if (ec || !want.is_object()) return "the expected rows are not a JSON object";
  boost::json::value got = boost::json::parse(actual, ec);
  if (ec || !got.is_object()) return "the actual rows are not a JSON object";
  for (const auto& [table, want_rows] : want.get_object()) {
    const boost::json::value* got_rows = got.get_object().if_contains(table);
    if (got_rows == nullptr) return "table " + std::string(table) + " is missing";
    const boost::json::array* want_array = want_rows.if_array();
    const boost::json::array* got_array = got_rows->if_array();
    if (want_array == nullptr || got_array == nullptr) {
      return "table " + std::string(table) + " is not a JSON array of rows";
    }
    const boost::json::array& w = *want_array;
    const boost::json::array& g = *got_array;
    for (std::size_t i = 0; i < std::max(w.size(), g.size()); ++i) {
      if (i < w.size() && i < g.size() && w[i] == g[i]) continue;
      std::string diff = "table " + std::string(table) + ", row " + std::to_string(i + 1);
      diff += " of " + std::to_string(w.size()) + " expected:\n  ";
      diff += i < w.size() ? boost::json::serialize(w[i]) : "(no row)";
      diff += "\nactual (of " + std::to_string(g.size()) + "):\n  ";
      diff += i < g.size() ? boost::json::serialize(g[i]) : "(no row)";
      return diff;
    }
  }
  if (got.get_object().size() != want.get_object().size()) {
    return "the actual rows have tables the expected ones do not";
  }
  return "";
}

namespace {

std::string WithoutFinalNewlines(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace

std::string DigestFileText(const ReadModelDigest& digest) {
  return WithoutFinalNewlines(projections::FormatDigest(digest)) + "\n";
}

std::string DiffDigest(const std::string& expected_file, const ReadModelDigest& got) {
  std::string expected = WithoutFinalNewlines(expected_file);
  std::string actual = WithoutFinalNewlines(projections::FormatDigest(got));
  bool digest_only = expected.find('\n') == std::string::npos;
  bool same = digest_only ? expected == HexEncode(got.digest) : expected == actual;
  if (same) return "";
  return "expected:\n" + expected + "\nactual:\n" + actual;
}

std::string RegenerateHint() {
  return "If a change to a projector (or to the digest) was intended, bump the projector's "
         "version and regenerate the goldens on purpose:\n"
         "  cmake --build <build dir> --target regenerate_goldens\n"
         "then review `git diff tests/golden/logs` (only the tables you meant to change may "
         "differ) and commit the new .digest and .rows.json files with the change. If the "
         "change was not intended, the projector now writes different rows from the same "
         "history: fix it.";
}

}  // namespace ledger::golden
