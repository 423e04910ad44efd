// The admin console's built files (console/, built by the `ledger_console` target) served by
// `ledger serve` at /console/ (docs/console.md):
//
//   GET /console          -> 301 to /console/
//   GET /console/         -> index.html
//   GET /console/{file}   -> the file, with its content type; 404 for anything else
//
// The files are read once, when the server starts, from one flat directory: only regular
// files directly inside it are served, looked up by exact name in memory, so no request path
// ("..", "%2F", a symlink added later) can reach anything else, and no request touches the
// disk on a network thread. A rebuilt console is served after a restart.
#ifndef LEDGER_ADAPTERS_CONSOLE_STATIC_FILES_H_
#define LEDGER_ADAPTERS_CONSOLE_STATIC_FILES_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/http/server_options.h"
#include "engine/result.h"

namespace ledger::console {

struct StaticFile {
  std::string content_type;
  std::string body;
};

// An immutable set of files by name. Thread-safe (never changes after LoadStaticFiles).
class StaticFiles {
 public:
  explicit StaticFiles(std::map<std::string, StaticFile, std::less<>> files)
      : files_(std::move(files)) {}

  // The file called exactly `name` ("index.html"), or null.
  const StaticFile* Find(std::string_view name) const;
  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
};

// The content type served for a file name, by extension (case-insensitive):
// "text/html; charset=utf-8", "text/javascript; charset=utf-8", ...; unknown extensions are
// "application/octet-stream".
std::string ContentTypeFor(std::string_view file_name);

// Every regular file directly inside `dir` (subdirectories and other entries are skipped).
// NotFound if `dir` does not exist or holds no index.html (a console that cannot open is not
// a console); Internal if a file cannot be read. Files above 16 MiB are refused
// (InvalidArgument): the console is a small page.
Result<std::shared_ptr<const StaticFiles>> LoadStaticFiles(const std::filesystem::path& dir);

// The routes above. Answers carry Cache-Control: no-cache (a rebuilt console is picked up
// after a restart, not hidden by a browser cache), X-Content-Type-Options: nosniff and a
// Content-Security-Policy that allows only the console's own scripts, styles and API calls.
http::RouteRegistrar ConsoleFileRoutes(std::shared_ptr<const StaticFiles> files);

}  // namespace ledger::console

#endif  // LEDGER_ADAPTERS_CONSOLE_STATIC_FILES_H_
