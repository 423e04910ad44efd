#include "commands/screening/normalizer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace ledger::commands::screening {
namespace {

std::vector<std::string> Texts(std::string_view s) { return FoldWords(s); }

TEST_CASE("folds case, punctuation and whitespace into words") {
  CHECK(Texts("Under  ARMOUR, inc.") == std::vector<std::string>{"under", "armour", "inc"});
  CHECK(Texts("N.I.K.E") == std::vector<std::string>{"n", "i", "k", "e"});
  CHECK(Texts("Spider-Man") == std::vector<std::string>{"spider", "man"});
  CHECK(Texts("").empty());
  CHECK(Texts(" -- !! ").empty());
}

TEST_CASE("apostrophes split, so a possessive keeps the name") {
  CHECK(Texts("Nike's new tee") == std::vector<std::string>{"nike", "s", "new", "tee"});
  CHECK(Texts("Levi\u2019s") == std::vector<std::string>{"levi", "s"});
}

TEST_CASE("strips Latin-1 and Latin Extended-A accents") {
  CHECK(Texts("Hermès Pokémon NÏKË") == std::vector<std::string>{"hermes", "pokemon", "nike"});
  CHECK(Texts("Straße Œuvre Æon Łódź Ørsted") ==
        std::vector<std::string>{"strasse", "oeuvre", "aeon", "lodz", "orsted"});
  CHECK(Texts("Çà ñ ÿ þorn") == std::vector<std::string>{"ca", "n", "y", "thorn"});
}

TEST_CASE("combining marks, zero-width characters and soft hyphens join") {
  CHECK(Texts("Nike\u0301") == std::vector<std::string>{"nike"});
  CHECK(Texts("Ni\u200Bke") == std::vector<std::string>{"nike"});
  CHECK(Texts("Ad\u00ADidas") == std::vector<std::string>{"adidas"});
  CHECK(Texts("Pu\uFEFFma") == std::vector<std::string>{"puma"});
}

TEST_CASE("Cyrillic and Greek look-alikes and fullwidth letters read as Latin") {
  CHECK(Texts("N\u0456ke") == std::vector<std::string>{"nike"});           // Cyrillic i
  CHECK(Texts("\u0410did\u0430s") == std::vector<std::string>{"adidas"});  // Cyrillic A, a
  CHECK(Texts("P\u03BFkemon") == std::vector<std::string>{"pokemon"});     // Greek omicron
  CHECK(Texts("\uFF2E\uFF29\uFF2B\uFF25") == std::vector<std::string>{"nike"});
}

TEST_CASE("leetspeak inside words") {
  CHECK(Texts("N1K3") == std::vector<std::string>{"nike"});
  CHECK(Texts("4d1d4s") == std::vector<std::string>{"adidas"});
  CHECK(Texts("@didas") == std::vector<std::string>{"adidas"});
  CHECK(Texts("$pider-m4n") == std::vector<std::string>{"spider", "man"});
  CHECK(Texts("p0k3m0n") == std::vector<std::string>{"pokemon"});
  CHECK(Texts("7esla") == std::vector<std::string>{"tesla"});
}

TEST_CASE("leetspeak 1 has an alternative reading as l") {
  std::vector<Token> tokens = Tokenize("1ego");
  REQUIRE(tokens.size() == 1);
  CHECK(tokens[0].text == "iego");
  CHECK(tokens[0].alt_text == "lego");
  CHECK(Tokenize("nike")[0].alt_text.empty());
}

TEST_CASE("numbers stay numbers") {
  CHECK(Texts("2024") == std::vector<std::string>{"2024"});
  CHECK(Texts("nike2024") == std::vector<std::string>{"nike", "2024"});
  CHECK(Texts("tee350") == std::vector<std::string>{"tee", "350"});
  CHECK(Texts("11 oz") == std::vector<std::string>{"11", "oz"});
  CHECK(Texts("$25") == std::vector<std::string>{"25"});
  CHECK(Texts("90s") == std::vector<std::string>{"90", "s"});
}

TEST_CASE("runs of three or more equal characters collapse") {
  CHECK(Texts("Niiiike") == std::vector<std::string>{"nike"});
  CHECK(Texts("coffee") == std::vector<std::string>{"coffee"});  // two stay two
}

TEST_CASE("spans are byte offsets into the original text") {
  std::string text = "Cute Pok\u00E9mon mug";
  std::vector<Token> tokens = Tokenize(text);
  REQUIRE(tokens.size() == 3);
  CHECK(tokens[1].text == "pokemon");
  CHECK(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin) == "Pok\u00E9mon");
  CHECK(tokens[1].letters_only);
  CHECK(Tokenize("a1b2")[0].text == "aib");
  CHECK(Tokenize("a1b2")[0].letters_only);
  CHECK_FALSE(Tokenize("2024")[0].letters_only);
}

TEST_CASE("invalid UTF-8 separates words and never crashes") {
  CHECK(Texts(std::string("ni\xFFke")) == std::vector<std::string>{"ni", "ke"});
  CHECK(Texts(std::string("\xE2\x82")).empty());
}

}  // namespace
}  // namespace ledger::commands::screening
