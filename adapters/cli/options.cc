#include "adapters/cli/options.h"

#include <cctype>
#include <charconv>
#include <exception>
#include <vector>

namespace ledger::cli {
namespace {

// Fills in every option the command line left unset (or at its default) from its
// environment variable. Throws po::error for a bad value; ParseOptions catches it.
void StoreEnvironment(const po::options_description& options, CliEnvironment& env,
                      po::variables_map& values) {
  for (const auto& option : options.options()) {
    const std::string& name = option->long_name();
    if (name == "help") continue;
    if (values.count(name) > 0 && !values[name].defaulted()) continue;
    std::string variable = EnvironmentVariableFor(name);
    std::optional<std::string> value = env.GetEnv(variable);
    if (!value || value->empty()) continue;
    po::parsed_options parsed(&options);
    parsed.options.emplace_back(name, std::vector<std::string>{*value});
    try {
      po::store(parsed, values);
    } catch (const po::error& e) {
      throw po::error("environment variable " + variable + ": " + e.what());
    }
  }
}

}  // namespace

std::string EnvironmentVariableFor(std::string_view option) {
  std::string out = "LEDGER_";
  for (char c : option) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

bool WantsHelp(std::span<const std::string> args) {
  for (const std::string& arg : args) {
    if (arg == "--") return false;
    if (arg == "--help" || arg == "-h") return true;
  }
  return false;
}

Result<po::variables_map> ParseOptions(std::span<const std::string> args,
                                       const po::options_description& options,
                                       const po::positional_options_description& positional,
                                       CliEnvironment& env) {
  // No abbreviations: "--str" silently meaning "--stream" today could mean something else
  // once another option starts with it, and scripts would change meaning unnoticed.
  const int style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
  po::variables_map values;
  try {
    po::store(po::command_line_parser(std::vector<std::string>(args.begin(), args.end()))
                  .options(options)
                  .positional(positional)
                  .style(style)
                  .run(),
              values);
    StoreEnvironment(options, env, values);
    po::notify(values);
  } catch (const po::error& e) {
    return InvalidArgument(e.what());
  } catch (const std::exception& e) {
    return InvalidArgument(std::string("cannot parse the command line: ") + e.what());
  }
  return values;
}

std::string StringOption(const po::variables_map& values, const std::string& name) {
  return values.count(name) > 0 ? values[name].as<std::string>() : std::string();
}

Result<std::uint64_t> ParseUnsigned(std::string_view text, std::string_view option) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("--" + std::string(option) + " must be a non-negative integer, got \"" +
                           std::string(text.substr(0, 40)) + "\"");
  }
  return value;
}

}  // namespace ledger::cli
