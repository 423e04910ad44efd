#include "commands/screening/double_metaphone.h"

#include <initializer_list>

namespace ledger::commands::screening {
namespace {

// One encoding run. Mirrors the published code's structure: the word is upper-cased and
// padded with five spaces, so "at the end of the word" tests read as "followed by a space",
// and each letter's handler returns where the next one starts.
class Encoder {
 public:
  Encoder(std::string_view word, std::size_t max_length) : max_(max_length) {
    for (char c : word) s_.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    length_ = static_cast<int>(s_.size());
    last_ = length_ - 1;
    s_ += "     ";
    slavo_germanic_ = s_.find('W') != std::string::npos || s_.find('K') != std::string::npos ||
                      s_.find("CZ") != std::string::npos;
    germanic_ = At(0, 4, {"VAN ", "VON "}) || At(0, 3, {"SCH"});
  }

  MetaphoneCodes Run();

 private:
  char Char(int i) const { return i < 0 || i >= static_cast<int>(s_.size()) ? '\0' : s_[i]; }
  // The published StringAt: does the `len` characters at `start` equal one of `options`?
  bool At(int start, int len, std::initializer_list<std::string_view> options) const {
    if (start < 0 || start + len > static_cast<int>(s_.size())) return false;
    std::string_view sub(s_.data() + start, static_cast<std::size_t>(len));
    for (std::string_view o : options) {
      if (sub == o) return true;
    }
    return false;
  }
  bool IsVowel(int i) const {
    if (i < 0 || i >= length_) return false;
    char c = s_[i];
    return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
  }
  void Add(std::string_view both) { Add(both, both); }
  void Add(std::string_view primary, std::string_view alternate) {
    primary_ += primary;
    alternate_ += alternate;
  }
  bool Complete() const {
    return max_ != 0 && primary_.size() >= max_ && alternate_.size() >= max_;
  }

  int Step(int i);
  int C(int i);
  int Ch(int i);
  int D(int i);
  int G(int i);
  int Gh(int i);
  int H(int i);
  int J(int i);
  int L(int i);
  int M(int i);
  int R(int i);
  int S(int i);
  int Sc(int i);
  int T(int i);
  int W(int i);
  int X(int i);
  int Z(int i);
  // Letters that sound the same doubled: "BB", "FF", "KK", "NN", "QQ", "VV".
  int Simple(int i, char letter, std::string_view code) {
    Add(code);
    return Char(i + 1) == letter ? i + 2 : i + 1;
  }

  std::size_t max_;
  std::string s_;
  int length_ = 0;
  int last_ = 0;
  bool slavo_germanic_ = false;
  bool germanic_ = false;
  std::string primary_;
  std::string alternate_;
};

MetaphoneCodes Encoder::Run() {
  int i = 0;
  if (At(0, 2, {"GN", "KN", "PN", "WR", "PS"})) i = 1;  // silent first letter
  if (Char(0) == 'X') {                                 // "Xavier": initial X sounds like Z
    Add("S");
    i = 1;
  }
  while (!Complete() && i < length_) i = Step(i);
  if (max_ != 0) {
    if (primary_.size() > max_) primary_.resize(max_);
    if (alternate_.size() > max_) alternate_.resize(max_);
  }
  return MetaphoneCodes{primary_, alternate_};
}

int Encoder::Step(int i) {
  switch (Char(i)) {
    case 'A':
    case 'E':
    case 'I':
    case 'O':
    case 'U':
    case 'Y':
      if (i == 0) Add("A");  // only an initial vowel is coded
      return i + 1;
    case 'B':
      return Simple(i, 'B', "P");
    case 'C':
      return C(i);
    case 'D':
      return D(i);
    case 'F':
      return Simple(i, 'F', "F");
    case 'G':
      return G(i);
    case 'H':
      return H(i);
    case 'J':
      return J(i);
    case 'K':
      return Simple(i, 'K', "K");
    case 'L':
      return L(i);
    case 'M':
      return M(i);
    case 'N':
      return Simple(i, 'N', "N");
    case 'P':
      if (Char(i + 1) == 'H') {
        Add("F");
        return i + 2;
      }
      Add("P");  // "campbell", "raspberry"
      return At(i + 1, 1, {"P", "B"}) ? i + 2 : i + 1;
    case 'Q':
      return Simple(i, 'Q', "K");
    case 'R':
      return R(i);
    case 'S':
      return S(i);
    case 'T':
      return T(i);
    case 'V':
      return Simple(i, 'V', "F");
    case 'W':
      return W(i);
    case 'X':
      return X(i);
    case 'Z':
      return Z(i);
    default:
      return i + 1;
  }
}

int Encoder::C(int i) {
  // Germanic "-ach-" ("bacher", "macher") but not "-achi-", "-ache-".
  if (i > 1 && !IsVowel(i - 2) && At(i - 1, 3, {"ACH"}) && Char(i + 2) != 'I' &&
      (Char(i + 2) != 'E' || At(i - 2, 6, {"BACHER", "MACHER"}))) {
    Add("K");
    return i + 2;
  }
  if (i == 0 && At(i, 6, {"CAESAR"})) {
    Add("S");
    return i + 2;
  }
  if (At(i, 4, {"CHIA"})) {  // Italian "chianti"
    Add("K");
    return i + 2;
  }
  if (At(i, 2, {"CH"})) return Ch(i);
  if (At(i, 2, {"CZ"}) && !At(i - 2, 4, {"WICZ"})) {  // "czerny"
    Add("S", "X");
    return i + 2;
  }
  if (At(i + 1, 3, {"CIA"})) {  // "focaccia"
    Add("X");
    return i + 3;
  }
  if (At(i, 2, {"CC"}) && !(i == 1 && Char(0) == 'M')) {           // but not "McClellan"
    if (At(i + 2, 1, {"I", "E", "H"}) && !At(i + 2, 2, {"HU"})) {  // "bellocchio", not "bacchus"
      if ((i == 1 && Char(i - 1) == 'A') || At(i - 1, 5, {"UCCEE", "UCCES"})) {
        Add("KS");  // "accident", "accede", "succeed"
      } else {
        Add("X");  // "bacci", "bertucci"
      }
      return i + 3;
    }
    Add("K");  // Pierce's rule
    return i + 2;
  }
  if (At(i, 2, {"CK", "CG", "CQ"})) {
    Add("K");
    return i + 2;
  }
  if (At(i, 2, {"CI", "CE", "CY"})) {  // Italian vs. English
    if (At(i, 3, {"CIO", "CIE", "CIA"})) {
      Add("S", "X");
    } else {
      Add("S");
    }
    return i + 2;
  }
  Add("K");
  if (At(i + 1, 2, {" C", " Q", " G"})) return i + 3;  // "Mac Caffrey", "Mac Gregor"
  if (At(i + 1, 1, {"C", "K", "Q"}) && !At(i + 1, 2, {"CE", "CI"})) return i + 2;
  return i + 1;
}

int Encoder::Ch(int i) {
  if (i > 0 && At(i, 4, {"CHAE"})) {  // "Michael"
    Add("K", "X");
    return i + 2;
  }
  // Greek roots at the start: "chemistry", "chorus", but not "chore".
  if (i == 0 && (At(i + 1, 5, {"HARAC", "HARIS"}) || At(i + 1, 3, {"HOR", "HYM", "HIA", "HEM"})) &&
      !At(0, 5, {"CHORE"})) {
    Add("K");
    return i + 2;
  }
  // Germanic, Greek, or otherwise "ch" for a "kh" sound: "architect", "orchestra", "wachtler".
  if (germanic_ || At(i - 2, 6, {"ORCHES", "ARCHIT", "ORCHID"}) || At(i + 2, 1, {"T", "S"}) ||
      ((At(i - 1, 1, {"A", "O", "U", "E"}) || i == 0) &&
       At(i + 2, 1, {"L", "R", "N", "M", "B", "H", "F", "V", "W", " "}))) {
    Add("K");
  } else if (i > 0) {
    if (At(0, 2, {"MC"})) {  // "McHugh"
      Add("K");
    } else {
      Add("X", "K");
    }
  } else {
    Add("X");
  }
  return i + 2;
}

int Encoder::D(int i) {
  if (At(i, 2, {"DG"})) {
    if (At(i + 2, 1, {"I", "E", "Y"})) {  // "edge"
      Add("J");
      return i + 3;
    }
    Add("TK");  // "Edgar"
    return i + 2;
  }
  Add("T");
  return At(i, 2, {"DT", "DD"}) ? i + 2 : i + 1;
}

int Encoder::G(int i) {
  if (Char(i + 1) == 'H') return Gh(i);
  if (Char(i + 1) == 'N') {
    if (i == 1 && IsVowel(0) && !slavo_germanic_) {
      Add("KN", "N");
    } else if (!At(i + 2, 2, {"EY"}) && !slavo_germanic_) {  // not like "Cagney"
      Add("N", "KN");
    } else {
      Add("KN");
    }
    return i + 2;
  }
  if (At(i + 1, 2, {"LI"}) && !slavo_germanic_) {  // "Tagliaro"
    Add("KL", "L");
    return i + 2;
  }
  // "-ges-", "-gep-", "-gel-", "-gie-" at the start.
  if (i == 0 &&
      (Char(i + 1) == 'Y' ||
       At(i + 1, 2, {"ES", "EP", "EB", "EL", "EY", "IB", "IL", "IN", "IE", "EI", "ER"}))) {
    Add("K", "J");
    return i + 2;
  }
  // "-ger-", "-gy-", but not "danger", "ranger", "manger", "-egy-", "-rgy-", "-ogy-".
  if ((At(i + 1, 2, {"ER"}) || Char(i + 1) == 'Y') && !At(0, 6, {"DANGER", "RANGER", "MANGER"}) &&
      !At(i - 1, 1, {"E", "I"}) && !At(i - 1, 3, {"RGY", "OGY"})) {
    Add("K", "J");
    return i + 2;
  }
  if (At(i + 1, 1, {"E", "I", "Y"}) || At(i - 1, 4, {"AGGI", "OGGI"})) {  // Italian "biaggi"
    if (germanic_ || At(i + 1, 2, {"ET"})) {
      Add("K");
    } else if (At(i + 1, 4, {"IER "})) {  // always soft in a French ending
      Add("J");
    } else {
      Add("J", "K");
    }
    return i + 2;
  }
  Add("K");
  return Char(i + 1) == 'G' ? i + 2 : i + 1;
}

int Encoder::Gh(int i) {
  if (i > 0 && !IsVowel(i - 1)) {
    Add("K");
    return i + 2;
  }
  if (i == 0) {  // "ghislane", "ghiradelli"
    Add(Char(i + 2) == 'I' ? "J" : "K");
    return i + 2;
  }
  // Parker's rule, refined: silent in "hugh", "bough", "broughton".
  if ((i > 1 && At(i - 2, 1, {"B", "H", "D"})) || (i > 2 && At(i - 3, 1, {"B", "H", "D"})) ||
      (i > 3 && At(i - 4, 1, {"B", "H"}))) {
    return i + 2;
  }
  if (i > 2 && Char(i - 1) == 'U' && At(i - 3, 1, {"C", "G", "L", "R", "T"})) {
    Add("F");  // "laugh", "McLaughlin", "cough", "rough", "tough"
  } else if (Char(i - 1) != 'I') {
    Add("K");
  }
  return i + 2;
}

int Encoder::H(int i) {
  // Kept only when first or between vowels, and followed by a vowel.
  if ((i == 0 || IsVowel(i - 1)) && IsVowel(i + 1)) {
    Add("H");
    return i + 2;
  }
  return i + 1;
}

int Encoder::J(int i) {
  if (At(i, 4, {"JOSE"}) || At(0, 4, {"SAN "})) {  // Spanish "Jose", "San Jacinto"
    if ((i == 0 && Char(i + 4) == ' ') || At(0, 4, {"SAN "})) {
      Add("H");
    } else {
      Add("J", "H");
    }
    return i + 1;
  }
  if (i == 0) {
    Add("J", "A");  // "Yankelovich" / "Jankelowicz"
  } else if (IsVowel(i - 1) && !slavo_germanic_ && (Char(i + 1) == 'A' || Char(i + 1) == 'O')) {
    Add("J", "H");  // Spanish "bajador"
  } else if (i == last_) {
    Add("J", "");
  } else if (!At(i + 1, 1, {"L", "T", "K", "S", "N", "M", "B", "Z"}) &&
             !At(i - 1, 1, {"S", "K", "L"})) {
    Add("J");
  }
  return Char(i + 1) == 'J' ? i + 2 : i + 1;
}

int Encoder::L(int i) {
  if (Char(i + 1) != 'L') {
    Add("L");
    return i + 1;
  }
  // Spanish "cabrillo", "gallegos": the alternate drops the L.
  if ((i == length_ - 3 && At(i - 1, 4, {"ILLO", "ILLA", "ALLE"})) ||
      ((At(last_ - 1, 2, {"AS", "OS"}) || At(last_, 1, {"A", "O"})) && At(i - 1, 4, {"ALLE"}))) {
    Add("L", "");
  } else {
    Add("L");
  }
  return i + 2;
}

int Encoder::M(int i) {
  Add("M");
  // "dumb", "thumb", "plumber": the B is silent.
  if ((At(i - 1, 3, {"UMB"}) && (i + 1 == last_ || At(i + 2, 2, {"ER"}))) || Char(i + 1) == 'M') {
    return i + 2;
  }
  return i + 1;
}

int Encoder::R(int i) {
  // French "Rogier", but not "Hochmeier": the primary drops a final R.
  if (i == last_ && !slavo_germanic_ && At(i - 2, 2, {"IE"}) && !At(i - 4, 2, {"ME", "MA"})) {
    Add("", "R");
  } else {
    Add("R");
  }
  return Char(i + 1) == 'R' ? i + 2 : i + 1;
}

int Encoder::S(int i) {
  if (At(i - 1, 3, {"ISL", "YSL"})) return i + 1;  // "island", "isle", "carlisle"
  if (i == 0 && At(i, 5, {"SUGAR"})) {
    Add("X", "S");
    return i + 1;
  }
  if (At(i, 2, {"SH"})) {
    Add(At(i + 1, 4, {"HEIM", "HOEK", "HOLM", "HOLZ"}) ? "S" : "X");  // Germanic
    return i + 2;
  }
  if (At(i, 3, {"SIO", "SIA"}) || At(i, 4, {"SIAN"})) {  // Italian, Armenian
    if (slavo_germanic_) {
      Add("S");
    } else {
      Add("S", "X");
    }
    return i + 3;
  }
  // "Smith" matches "Schmidt", "Snider" matches "Schneider"; Slavic "-sz-".
  if ((i == 0 && At(i + 1, 1, {"M", "N", "L", "W"})) || At(i + 1, 1, {"Z"})) {
    Add("S", "X");
    return At(i + 1, 1, {"Z"}) ? i + 2 : i + 1;
  }
  if (At(i, 2, {"SC"})) return Sc(i);
  if (i == last_ && At(i - 2, 2, {"AI", "OI"})) {  // French "resnais", "artois"
    Add("", "S");
  } else {
    Add("S");
  }
  return At(i + 1, 1, {"S", "Z"}) ? i + 2 : i + 1;
}

int Encoder::Sc(int i) {
  if (Char(i + 2) == 'H') {                                    // Schlesinger's rule
    if (At(i + 3, 2, {"OO", "ER", "EN", "UY", "ED", "EM"})) {  // Dutch "school", "schooner"
      if (At(i + 3, 2, {"ER", "EN"})) {
        Add("X", "SK");  // "schermerhorn", "schenker"
      } else {
        Add("SK");
      }
    } else if (i == 0 && !IsVowel(3) && Char(3) != 'W') {
      Add("X", "S");
    } else {
      Add("X");
    }
    return i + 3;
  }
  Add(At(i + 2, 1, {"I", "E", "Y"}) ? "S" : "SK");
  return i + 3;
}

int Encoder::T(int i) {
  if (At(i, 4, {"TION"}) || At(i, 3, {"TIA", "TCH"})) {
    Add("X");
    return i + 3;
  }
  if (At(i, 2, {"TH"}) || At(i, 3, {"TTH"})) {
    if (At(i + 2, 2, {"OM", "AM"}) || germanic_) {  // "Thomas", "Thames"
      Add("T");
    } else {
      Add("0", "T");
    }
    return i + 2;
  }
  Add("T");
  return At(i + 1, 1, {"T", "D"}) ? i + 2 : i + 1;
}

int Encoder::W(int i) {
  if (At(i, 2, {"WR"})) {
    Add("R");
    return i + 2;
  }
  if (i == 0 && (IsVowel(i + 1) || At(i, 2, {"WH"}))) {
    if (IsVowel(i + 1)) {
      Add("A", "F");  // "Wasserman" should match "Vasserman"
    } else {
      Add("A");  // "Uomo" should match "Womo"
    }
  }
  // "Arnow" should match "Arnoff"; Polish "-ewski".
  if ((i == last_ && IsVowel(i - 1)) || At(i - 1, 5, {"EWSKI", "EWSKY", "OWSKI", "OWSKY"}) ||
      At(0, 3, {"SCH"})) {
    Add("", "F");
    return i + 1;
  }
  if (At(i, 4, {"WICZ", "WITZ"})) {  // Polish "Filipowicz"
    Add("TS", "FX");
    return i + 4;
  }
  return i + 1;
}

int Encoder::X(int i) {
  // French "breaux": a final X after "au"/"ou" is silent.
  if (!(i == last_ && (At(i - 3, 3, {"IAU", "EAU"}) || At(i - 2, 2, {"AU", "OU"})))) Add("KS");
  return At(i + 1, 1, {"C", "X"}) ? i + 2 : i + 1;
}

int Encoder::Z(int i) {
  if (Char(i + 1) == 'H') {  // Chinese "Zhao"
    Add("J");
    return i + 2;
  }
  if (At(i + 1, 2, {"ZO", "ZI", "ZA"}) || (slavo_germanic_ && i > 0 && Char(i - 1) != 'T')) {
    Add("S", "TS");
  } else {
    Add("S");
  }
  return Char(i + 1) == 'Z' ? i + 2 : i + 1;
}

}  // namespace

MetaphoneCodes DoubleMetaphone(std::string_view word, std::size_t max_length) {
  return Encoder(word, max_length).Run();
}

bool SoundAlike(const MetaphoneCodes& a, const MetaphoneCodes& b) {
  for (const std::string* x : {&a.primary, &a.alternate}) {
    if (x->empty()) continue;
    if (*x == b.primary || *x == b.alternate) return true;
  }
  return false;
}

}  // namespace ledger::commands::screening
