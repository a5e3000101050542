#include "agent/executor.h"

#include <charconv>

namespace bg::agent {

std::string RunName(const std::string& cluster, uint64_t job) {
  return "bg-" + cluster + "-" + std::to_string(job);
}

uint64_t JobOfName(const std::string& cluster, const std::string& name) {
  const std::string prefix = "bg-" + cluster + "-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return 0;
  uint64_t job = 0;
  const char* end = name.data() + name.size();
  const auto [p, ec] = std::from_chars(name.data() + prefix.size(), end, job);
  return ec == std::errc() && p == end ? job : 0;
}

}  // namespace bg::agent
