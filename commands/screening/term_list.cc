#include "commands/screening/term_list.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "commands/screening/embedded_term_lists.h"
#include "commands/screening/normalizer.h"
#include "engine/sha256.h"

namespace ledger::commands::screening {
namespace {

constexpr std::string_view kAllowlistFile = "allowlist.txt";
constexpr std::size_t kMinJoinedLength = 3;

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    std::size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab == std::string_view::npos ? tab : tab - start));
    if (tab == std::string_view::npos) return fields;
    start = tab + 1;
  }
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Calls `each(line_number, line)` for every line that is not blank or a comment.
template <typename F>
Status ForEachLine(std::string_view contents, F each) {
  std::size_t number = 0;
  while (!contents.empty()) {
    std::size_t nl = contents.find('\n');
    std::string_view line = Trim(contents.substr(0, nl));
    contents.remove_prefix(nl == std::string_view::npos ? contents.size() : nl + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    LEDGER_RETURN_IF_ERROR(each(number, line));
  }
  return Status::Ok();
}

Result<TermCategory> ParseCategory(std::string_view s) {
  if (s == "trademark") return TermCategory::kTrademark;
  if (s == "sports_brand") return TermCategory::kSportsBrand;
  if (s == "character") return TermCategory::kCharacter;
  return InvalidArgument("unknown category '" + std::string(s) +
                         "' (want trademark, sports_brand or character)");
}

Result<TermSeverity> ParseSeverity(std::string_view s) {
  if (s == "high") return TermSeverity::kHigh;
  if (s == "medium") return TermSeverity::kMedium;
  return InvalidArgument("unknown severity '" + std::string(s) + "' (want high or medium)");
}

Result<Term> ParseTermLine(std::string_view line, const std::string& source) {
  std::vector<std::string_view> fields = SplitTabs(line);
  if (fields.size() < 3 || fields.size() > 4) {
    return InvalidArgument("want term<TAB>category<TAB>severity[<TAB>note]");
  }
  Term term;
  term.display = std::string(Trim(fields[0]));
  LEDGER_ASSIGN_OR_RETURN(term.category, ParseCategory(Trim(fields[1])));
  LEDGER_ASSIGN_OR_RETURN(term.severity, ParseSeverity(Trim(fields[2])));
  term.words = FoldWords(term.display);
  for (const std::string& w : term.words) term.joined += w;
  if (term.joined.size() < kMinJoinedLength) {
    return InvalidArgument("term '" + term.display + "' folds to fewer than " +
                           std::to_string(kMinJoinedLength) + " characters");
  }
  term.sound = DoubleMetaphone(term.joined, 0);
  term.source = source;
  return term;
}

}  // namespace

std::string_view CategoryName(TermCategory category) {
  switch (category) {
    case TermCategory::kTrademark:
      return "trademark";
    case TermCategory::kSportsBrand:
      return "sports_brand";
    case TermCategory::kCharacter:
      return "character";
  }
  return "trademark";
}

std::string_view SeverityName(TermSeverity severity) {
  return severity == TermSeverity::kHigh ? "high" : "medium";
}

Result<RuleSet> RuleSet::Parse(std::string version, std::span<const TermFile> files) {
  RuleSet rules;
  rules.version_ = std::move(version);
  std::vector<const TermFile*> sorted;
  for (const TermFile& f : files) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(),
            [](const TermFile* a, const TermFile* b) { return a->name < b->name; });
  Sha256 digest;
  for (const TermFile* file : sorted) {
    digest.Update(file->name);
    digest.Update(std::string_view("\0", 1));
    digest.Update(file->contents);
    digest.Update(std::string_view("\0", 1));
    bool allowlist = file->name == kAllowlistFile;
    Status parsed = ForEachLine(file->contents, [&](std::size_t number, std::string_view line) {
      std::string source = file->name + ":" + std::to_string(number);
      if (allowlist) {
        std::vector<std::string> words = FoldWords(line);
        if (words.size() != 1) return InvalidArgument(source + ": want one word per line");
        rules.allowlist_.insert(words.front());
        return Status::Ok();
      }
      if (line.starts_with("term\tcategory\t")) return Status::Ok();  // header
      Result<Term> term = ParseTermLine(line, source);
      if (!term.ok()) return term.status().WithContext(source);
      auto [it, inserted] = rules.by_joined_.emplace(term->joined, rules.terms_.size());
      if (!inserted) {
        return InvalidArgument(source + ": term '" + term->display + "' folds to '" + term->joined +
                               "' like '" + rules.terms_[it->second].display + "' (" +
                               rules.terms_[it->second].source + ")");
      }
      rules.max_joined_length_ = std::max(rules.max_joined_length_, term->joined.size());
      rules.max_words_ = std::max(rules.max_words_, term->words.size());
      rules.terms_.push_back(std::move(term).value());
      return Status::Ok();
    });
    LEDGER_RETURN_IF_ERROR(parsed);
  }
  if (rules.terms_.empty()) return InvalidArgument("the rule set has no terms");
  rules.digest_ = "sha256:" + HexEncode(digest.Finish());
  return rules;
}

Result<RuleSet> RuleSet::Embedded() {
  std::vector<TermFile> files;
  for (std::size_t i = 0; i < internal::kEmbeddedTermFileCount; ++i) {
    files.push_back(TermFile{std::string(internal::kEmbeddedTermFiles[i].name),
                             std::string(internal::kEmbeddedTermFiles[i].contents)});
  }
  return Parse(internal::kEmbeddedTermListVersion, files);
}

Result<RuleSet> RuleSet::LoadDirectory(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(directory, ec);
  if (ec) return NotFound("term list directory " + directory + ": " + ec.message());
  std::vector<TermFile> files;
  for (const fs::directory_entry& entry : it) {
    std::string name = entry.path().filename().string();
    if (!entry.is_regular_file() ||
        (entry.path().extension() != ".tsv" && name != kAllowlistFile)) {
      continue;
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream contents;
    contents << in.rdbuf();
    if (!in) return Unavailable("cannot read term list " + entry.path().string());
    files.push_back(TermFile{std::move(name), contents.str()});
  }
  std::string version = fs::path(directory).lexically_normal().filename().string();
  if (version.empty()) {
    version = fs::path(directory).lexically_normal().parent_path().filename().string();
  }
  return Parse(std::move(version), files);
}

bool RuleSet::IsAllowlisted(std::string_view folded_word) const {
  return allowlist_.count(std::string(folded_word)) > 0;
}

const Term* RuleSet::FindJoined(std::string_view joined) const {
  auto it = by_joined_.find(std::string(joined));
  return it == by_joined_.end() ? nullptr : &terms_[it->second];
}

}  // namespace ledger::commands::screening
