#include "commands/screening/term_matcher.h"

#include <doctest/doctest.h>

namespace ledger::commands::screening {
namespace {

const RuleSet& Rules() {
  static const RuleSet rules = RuleSet::Embedded().value();
  return rules;
}

std::vector<TermMatch> Find(std::string_view text) {
  return FindTermMatches(Rules(), text, MatchOptions{});
}

// The single match of `text`, which must exist.
TermMatch Only(std::string_view text) {
  std::vector<TermMatch> matches = Find(text);
  INFO(text);
  REQUIRE(matches.size() == 1);
  return matches[0];
}

TEST_CASE("exact whole-word matches, also multi-word and run together") {
  for (const char* text : {"Nike", "nike running tee", "NIKE!", "Just N.I.K.E", "N I K E", "n1ke",
                           "Ñike", "Nikes", "Nike's new drop"}) {
    TermMatch m = Only(text);
    CHECK(m.rule == MatchRule::kExactTerm);
    CHECK(m.term->display == "Nike");
  }
  CHECK(Only("Under Armour hoodie").term->display == "Under Armour");
  CHECK(Only("UnderArmour hoodie").term->display == "Under Armour");
  CHECK(Only("pika chu plush").term->display == "Pikachu");
  CHECK(Only("Sp1der-Man").term->display == "Spider-Man");
}

TEST_CASE("the span covers the matched words in the original text") {
  std::string text = "Vintage Mickey  Mouse tee";
  TermMatch m = Only(text);
  CHECK(m.term->display == "Mickey Mouse");
  CHECK(text.substr(m.begin, m.end - m.begin) == "Mickey  Mouse");
  CHECK(m.folded == "mickeymouse");
  CHECK(m.score_bp == 10000);
}

TEST_CASE("words inside other words are not exact matches") {
  CHECK(Find("Snicker doodle").empty());       // no "nike"
  CHECK(Find("pumpkin spice latte").empty());  // no "puma"
  CHECK(Find("bananas").empty());              // no "nba"
}

TEST_CASE("sound-alikes are phonetic matches") {
  for (auto [text, term] :
       std::vector<std::pair<const char*, const char*>>{{"Nikey", "Nike"},
                                                        {"Nyke", "Nike"},
                                                        {"Addidas", "Adidas"},
                                                        {"Reebock", "Reebok"},
                                                        {"Pickachu", "Pikachu"},
                                                        {"Mikey Mouse", "Mickey Mouse"},
                                                        {"Starbuks", "Starbucks"},
                                                        {"Disnee", "Disney"},
                                                        {"Spyderman", "Spider-Man"}}) {
    TermMatch m = Only(text);
    INFO(text);
    CHECK(m.rule == MatchRule::kPhonetic);
    CHECK(m.term->display == term);
    CHECK(m.distance >= 1);
    CHECK(m.score_bp < 10000);
  }
}

TEST_CASE("spelling near misses that do not sound alike") {
  TermMatch m = Only("Minecraf server tee");
  CHECK(m.rule == MatchRule::kNearMiss);
  CHECK(m.term->display == "Minecraft");
  CHECK(m.distance == 1);
}

TEST_CASE("long names inside longer words") {
  TermMatch m = Only("pikachulove");
  CHECK(m.rule == MatchRule::kEmbedded);
  CHECK(m.term->display == "Pikachu");
}

TEST_CASE("ordinary words near brand names are not flagged") {
  for (const char* text :
       {"nice", "pump", "pima cotton", "logo", "channel", "phone case", "tiger", "speedy", "leaves",
        "surf", "matte", "railings", "formula", "bike", "mike", "like", "maria", "marie", "neko"}) {
    INFO(text);
    CHECK(Find(text).empty());
  }
}

TEST_CASE("medium-severity names are matched exactly only") {
  CHECK(Only("Mario").term->severity == TermSeverity::kMedium);
  CHECK(Find("Marioo").empty());  // no sound-alikes of ambiguous names
  CHECK(Find("Jordon").empty());
}

}  // namespace
}  // namespace ledger::commands::screening
