#include "common/work_dir.h"

#include <cstdlib>
#include <filesystem>

namespace bg {

Result<std::string> WorkDir(const std::string& asked) {
  if (asked.empty()) {
    char tmpl[] = "/tmp/baygrid-bench-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return Unavailable("cannot create a temp dir under /tmp");
    return std::string(tmpl);
  }
  std::error_code ec;
  std::filesystem::create_directories(asked, ec);
  if (ec) return Unavailable("cannot create " + asked + ": " + ec.message());
  return asked;
}

}  // namespace bg
