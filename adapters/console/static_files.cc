#include "adapters/console/static_files.h"

#include <array>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

#include "adapters/http/router.h"

namespace ledger::console {
namespace {

constexpr std::uintmax_t kMaxFileBytes = 16u << 20;

// The console's own files and the API on the same origin; nothing else. Styles allow inline
// `style` attributes because the chart library positions its legend and cursor with them.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'";

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<std::string> ReadWholeFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("cannot open " + path.string());
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) return Internal("cannot read " + path.string());
  return std::move(bytes).str();
}

http::HttpResponse FileResponse(const StaticFile& file) {
  http::HttpResponse response;
  response.content_type = file.content_type;
  response.body = file.body;
  response.headers = {{"Cache-Control", "no-cache"},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Content-Security-Policy", std::string(kContentSecurityPolicy)}};
  return response;
}

http::HttpResponse NotFoundResponse(std::string_view name) {
  return http::ErrorResponse(404, "not_found", "console: no file '" + std::string(name) + "'");
}

}  // namespace

const StaticFile* StaticFiles::Find(std::string_view name) const {
  auto it = files_.find(name);
  return it == files_.end() ? nullptr : &it->second;
}

std::string ContentTypeFor(std::string_view file_name) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 12> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".webmanifest", "application/manifest+json"},
  }};
  const std::string name = Lower(file_name);
  for (const auto& [extension, type] : kTypes) {
    if (name.size() > extension.size() && name.ends_with(extension)) return std::string(type);
  }
  return "application/octet-stream";
}

Result<std::shared_ptr<const StaticFiles>> LoadStaticFiles(const std::filesystem::path& dir) {
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) {
    return NotFound("console directory " + dir.string() + " does not exist");
  }
  std::map<std::string, StaticFile, std::less<>> files;
  std::filesystem::directory_iterator it(dir, error);
  if (error) return Internal("cannot list " + dir.string() + ": " + error.message());
  for (const std::filesystem::directory_entry& entry : it) {
    // Only regular files (symlinks are followed once, here, at start-up); a subdirectory is
    // never served, so request names need no path handling at all.
    if (!entry.is_regular_file(error)) continue;
    std::uintmax_t bytes = entry.file_size(error);
    if (error) return Internal("cannot stat " + entry.path().string() + ": " + error.message());
    if (bytes > kMaxFileBytes) {
      return InvalidArgument("console file " + entry.path().string() + " is over 16 MiB");
    }
    LEDGER_ASSIGN_OR_RETURN(std::string body, ReadWholeFile(entry.path()));
    std::string name = entry.path().filename().string();
    files.emplace(name, StaticFile{ContentTypeFor(name), std::move(body)});
  }
  if (files.find("index.html") == files.end()) {
    return NotFound("console directory " + dir.string() + " has no index.html");
  }
  return std::shared_ptr<const StaticFiles>(std::make_shared<StaticFiles>(std::move(files)));
}

http::RouteRegistrar ConsoleFileRoutes(std::shared_ptr<const StaticFiles> files) {
  return [files = std::move(files)](http::Router& router, const http::ServiceContext&) {
    // Relative links in index.html ("app.js") resolve against /console/, not /.
    router.Add("GET", "/console", [](const http::HttpRequest&, const http::Responder& respond) {
      http::HttpResponse response = http::JsonResponse(301, R"({"location":"/console/"})");
      response.headers.push_back({"Location", "/console/"});
      respond(std::move(response));
    });
    router.Add("GET", "/console/",
               [files](const http::HttpRequest&, const http::Responder& respond) {
                 const StaticFile* index = files->Find("index.html");
                 respond(index != nullptr ? FileResponse(*index) : NotFoundResponse("index.html"));
               });
    // The router has percent-decoded {file}; the name is only ever a map key.
    router.Add("GET", "/console/{file}",
               [files](const http::HttpRequest& request, const http::Responder& respond) {
                 const std::string& name = request.params.at("file");
                 const StaticFile* file = files->Find(name);
                 respond(file != nullptr ? FileResponse(*file) : NotFoundResponse(name));
               });
  };
}

}  // namespace ledger::console
