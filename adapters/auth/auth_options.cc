#include "adapters/auth/auth_options.h"

#include <fstream>
#include <iterator>
#include <utility>

namespace ledger::auth {

Result<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot open key file " + path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgument("cannot read key file " + path);
  if (content.empty()) return InvalidArgument("key file " + path + " is empty");
  return content;
}

Result<AuthOptions> LoadAuthOptions(std::string hs256_secret,
                                    std::string_view eddsa_public_key_files) {
  AuthOptions options;
  options.hs256_secret = std::move(hs256_secret);
  if (eddsa_public_key_files.empty()) return options;
  for (std::size_t start = 0;;) {
    std::size_t comma = eddsa_public_key_files.find(',', start);
    std::string_view path = eddsa_public_key_files.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (path.empty()) return InvalidArgument("an empty path in the EdDSA public key list");
    LEDGER_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(std::string(path)));
    options.eddsa_public_keys.push_back(std::move(pem));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return options;
}

}  // namespace ledger::auth
