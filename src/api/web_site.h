// The web console's files (web/dist, built by Vite), served by `baygrid
// serve` at `/` beside the API under `/v1`.
//
// The directory is read once, at start, into memory: a built console is a
// few megabytes, an I/O thread never touches the disk, and only the files
// found then can be answered — a request path is a key of that table, so
// no `..` or symlink reaches outside it. What a browser needs of a single
// page application:
//   - a file by its path, with its content type;
//   - files under /assets/ (Vite names them by a hash of their content)
//     cached for a year as immutable; everything else (index.html above
//     all) revalidated on every load, so a new build is seen at once;
//   - any other path without a file extension (a page of the console, such
//     as /programmes/1/pacing, opened or reloaded directly) answered with
//     index.html, whose router shows that page; a missing path with an
//     extension (a stale asset) is 404, never HTML in place of a script.
//
// Thread-safety: immutable after Load; Answer is safe from any thread.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/http.h"
#include "common/result.h"

namespace bg::api {

class WebSite {
 public:
  // Reads every regular file under `dir`, which must hold index.html.
  static Result<WebSite> Load(const std::string& dir);

  // The answer to GET `path` (no query), or nothing when the path is not
  // the console's (the API's own, or a missing file with an extension).
  std::optional<HttpResponse> Answer(const std::string& path) const;

  size_t files() const { return files_.size(); }
  size_t bytes() const;

 private:
  struct File {
    std::string content_type;
    std::string body;
  };
  std::map<std::string, File> files_;  // by path: "/index.html", "/assets/app-1a2b.js"
};

// Where the console was built, for a binary started from anywhere: beside
// the binary (`<dir>/web`), in an install tree (`<dir>/../share/baygrid/web`)
// or in the source tree the binary was built in (`<dir>/../../web/dist`,
// build/<preset>/baygrid). The first that holds index.html; "" when none.
std::string FindWebDir();

}  // namespace bg::api
