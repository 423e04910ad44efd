#include "commands/screening/term_list.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/test_events.h"

namespace ledger::commands::screening {
namespace {

TEST_CASE("the embedded v1 rule set loads with realistic coverage") {
  Result<RuleSet> rules = RuleSet::Embedded();
  REQUIRE_MESSAGE(rules.ok(), rules.status().ToString());
  CHECK(rules->version() == "v1");
  CHECK(rules->digest().starts_with("sha256:"));
  CHECK(rules->digest().size() == 7 + 64);
  CHECK(rules->terms().size() > 250);
  for (const char* name : {"nike", "adidas", "puma", "underarmour", "reebok", "newbalance", "nfl",
                           "nba", "fifa", "mickeymouse", "pikachu", "spiderman", "harrypotter",
                           "mario", "elsa", "cocacola", "disney"}) {
    INFO(name);
    CHECK(rules->FindJoined(name) != nullptr);
  }
  const Term* nike = rules->FindJoined("nike");
  REQUIRE(nike != nullptr);
  CHECK(nike->display == "Nike");
  CHECK(nike->category == TermCategory::kSportsBrand);
  CHECK(nike->severity == TermSeverity::kHigh);
  CHECK(nike->source.starts_with("sports_brands.tsv:"));
  CHECK(rules->FindJoined("mario")->severity == TermSeverity::kMedium);
  CHECK(rules->FindJoined("hermes")->display == "Hermès");
  CHECK(rules->IsAllowlisted("phone"));  // near "iPhone"
  CHECK(rules->IsAllowlisted("pima"));   // sounds like "Puma"
  CHECK_FALSE(rules->IsAllowlisted("nike"));
}

TEST_CASE("term lines are parsed and folded") {
  std::vector<TermFile> files{
      {"a.tsv",
       "# comment\nterm\tcategory\tseverity\tnote\n\nUnder Armour\tsports_brand\thigh\n"
       "Pokémon\tcharacter\tmedium\tnote here\r\n"},
      {"allowlist.txt", "# words\nNice\n"}};
  Result<RuleSet> rules = RuleSet::Parse("test", files);
  REQUIRE_MESSAGE(rules.ok(), rules.status().ToString());
  REQUIRE(rules->terms().size() == 2);
  const Term& ua = rules->terms()[0];
  CHECK(ua.words == std::vector<std::string>{"under", "armour"});
  CHECK(ua.joined == "underarmour");
  CHECK(ua.source == "a.tsv:4");
  CHECK(rules->terms()[1].joined == "pokemon");
  CHECK(rules->terms()[1].severity == TermSeverity::kMedium);
  CHECK(rules->max_words() == 2);
  CHECK(rules->IsAllowlisted("nice"));
}

TEST_CASE("bad term files are refused with file and line") {
  auto parse_error = [](std::string contents) {
    std::vector<TermFile> files{{"bad.tsv", std::move(contents)}};
    Result<RuleSet> rules = RuleSet::Parse("test", files);
    REQUIRE_FALSE(rules.ok());
    CHECK(rules.status().code() == StatusCode::kInvalidArgument);
    return rules.status().message();
  };
  CHECK(parse_error("Nike\tbrand\thigh\n").find("bad.tsv:1") != std::string::npos);
  CHECK(parse_error("Nike\tsports_brand\tsevere\n").find("severity") != std::string::npos);
  CHECK(parse_error("Nike\n").find("want term") != std::string::npos);
  CHECK(parse_error("3M\ttrademark\thigh\n").find("fewer than 3") != std::string::npos);
  std::string dup = parse_error("Spider-Man\tcharacter\thigh\nSpiderman\tcharacter\thigh\n");
  CHECK(dup.find("bad.tsv:2") != std::string::npos);
  CHECK(dup.find("Spider-Man") != std::string::npos);
  CHECK(parse_error("").find("no terms") != std::string::npos);
}

TEST_CASE("the digest changes when a list changes") {
  std::vector<TermFile> a{{"x.tsv", "Nike\tsports_brand\thigh\n"}};
  std::vector<TermFile> b{{"x.tsv", "Nike\tsports_brand\tmedium\n"}};
  CHECK(RuleSet::Parse("v", a)->digest() != RuleSet::Parse("v", b)->digest());
  CHECK(RuleSet::Parse("v", a)->digest() == RuleSet::Parse("other", a)->digest());
}

TEST_CASE("a rule set loads from a directory named after its version") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ledger::testing::UniqueStream("terms") / "v7";
  fs::create_directories(dir);
  std::ofstream(dir / "brands.tsv") << "Acme Rockets\ttrademark\thigh\n";
  std::ofstream(dir / "allowlist.txt") << "rocket\n";
  std::ofstream(dir / "README") << "ignored\n";
  Result<RuleSet> rules = RuleSet::LoadDirectory(dir.string());
  REQUIRE_MESSAGE(rules.ok(), rules.status().ToString());
  CHECK(rules->version() == "v7");
  CHECK(rules->terms().size() == 1);
  CHECK(rules->IsAllowlisted("rocket"));
  CHECK(RuleSet::LoadDirectory((dir / "missing").string()).status().code() ==
        StatusCode::kNotFound);
  fs::remove_all(dir.parent_path());
}

}  // namespace
}  // namespace ledger::commands::screening
