// Command-line parsing shared by every command: Boost.program_options with the environment
// as a fallback, and value parsers that give one-line messages naming the option.
//
// The rule: option --NAME reads LEDGER_NAME (upper case, '-' -> '_'), e.g. --database-url
// reads LEDGER_DATABASE_URL and --tenant reads LEDGER_TENANT. The command line wins over the
// environment, the environment over the built-in default; an empty variable counts as unset.
#ifndef LEDGER_ADAPTERS_CLI_OPTIONS_H_
#define LEDGER_ADAPTERS_CLI_OPTIONS_H_

#include <boost/program_options.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "adapters/cli/cli_environment.h"
#include "engine/result.h"

namespace ledger::cli {

namespace po = boost::program_options;

inline constexpr const char* kDefaultDatabaseUrl = "sqlite:ledger.db";

// "database-url" -> "LEDGER_DATABASE_URL".
std::string EnvironmentVariableFor(std::string_view option);

// True if `args` ask for help (-h or --help before any "--").
bool WantsHelp(std::span<const std::string> args);

// Parses `args` against `options` and then the environment, and checks required options.
// Every failure (unknown option, missing or bad value, a bad environment variable) is
// InvalidArgument with a one-line message. Never throws.
Result<po::variables_map> ParseOptions(std::span<const std::string> args,
                                       const po::options_description& options,
                                       const po::positional_options_description& positional,
                                       CliEnvironment& env);

// The value of an option given as a string (empty if absent).
std::string StringOption(const po::variables_map& values, const std::string& name);

// A non-negative integer in decimal; InvalidArgument naming --`option` otherwise. (Boost's
// own conversion to unsigned accepts "-1" and wraps it around.)
Result<std::uint64_t> ParseUnsigned(std::string_view text, std::string_view option);

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_OPTIONS_H_
