#include "api/web_site.h"

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <utility>

namespace bg::api {
namespace {

namespace fs = std::filesystem;

// A built console is a few megabytes; a directory far larger is not one
// (a wrong --web), and is refused rather than read into memory.
constexpr uintmax_t kMaxBytes = uintmax_t{128} << 20;

constexpr std::array<std::pair<std::string_view, std::string_view>, 16> kTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".ttf", "font/ttf"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
}};

std::string TypeOf(const fs::path& file) {
  const std::string ext = file.extension().string();
  for (const auto& [suffix, type] : kTypes) {
    if (ext == suffix) return std::string(type);
  }
  return "application/octet-stream";
}

// The last segment of `path` has a dot: it names a file, not a page.
bool NamesAFile(std::string_view path) {
  const size_t slash = path.rfind('/');
  return path.find('.', slash == std::string_view::npos ? 0 : slash) != std::string_view::npos;
}

HttpResponse Serve(const std::string& path, const std::string& type, const std::string& body) {
  HttpResponse out;
  out.content_type = type;
  out.body = body;
  // Vite's assets are named by their content: a name never changes meaning.
  out.headers.push_back({"Cache-Control", path.rfind("/assets/", 0) == 0
                                              ? "public, max-age=31536000, immutable"
                                              : "no-cache"});
  out.headers.push_back({"X-Content-Type-Options", "nosniff"});
  return out;
}

}  // namespace

Result<WebSite> WebSite::Load(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(fs::path(dir) / "index.html", ec)) {
    return NotFound("no web console in " + dir + " (it has no index.html; build it with " +
                    "`npm ci && npm run build` in web/)");
  }
  WebSite site;
  uintmax_t total = 0;
  const fs::path root = fs::canonical(dir, ec);
  if (ec) return InvalidArgument("cannot read " + dir + ": " + ec.message());
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    // Links are not followed: only what is inside the directory is served.
    if (it->is_symlink() || !it->is_regular_file()) continue;
    total += it->file_size();
    if (total > kMaxBytes) {
      return InvalidArgument(dir + " holds more than 128 MB: not a built console");
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) return InvalidArgument("cannot read " + it->path().string());
    const std::string key = "/" + fs::relative(it->path(), root).generic_string();
    site.files_[key] = File{.content_type = TypeOf(it->path()), .body = std::move(body).str()};
  }
  if (ec) return InvalidArgument("cannot read " + dir + ": " + ec.message());
  return site;
}

std::optional<HttpResponse> WebSite::Answer(const std::string& path) const {
  // The API's paths are the API's, also when no route matched.
  if (path.rfind("/v1/", 0) == 0 || path == "/v1" || path == "/metrics" || path == "/healthz") {
    return std::nullopt;
  }
  const std::string key = path == "/" ? "/index.html" : path;
  if (auto it = files_.find(key); it != files_.end()) {
    return Serve(key, it->second.content_type, it->second.body);
  }
  if (NamesAFile(path)) return std::nullopt;
  const File& index = files_.at("/index.html");
  return Serve("/index.html", index.content_type, index.body);
}

size_t WebSite::bytes() const {
  size_t n = 0;
  for (const auto& [path, file] : files_) n += file.body.size();
  return n;
}

std::string FindWebDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  const fs::path dir = exe.parent_path();
  for (const fs::path& candidate : {dir / "web", dir / ".." / "share" / "baygrid" / "web",
                                    dir / ".." / ".." / "web" / "dist"}) {
    if (fs::is_regular_file(candidate / "index.html", ec)) {
      return fs::weakly_canonical(candidate, ec).string();
    }
  }
  return "";
}

}  // namespace bg::api
