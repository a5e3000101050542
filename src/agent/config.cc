#include "agent/config.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace bg::agent {
namespace {

namespace fs = std::filesystem;

std::string Resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || fs::path(path).is_absolute()) return path;
  return (fs::path(dir) / path).lexically_normal().string();
}

// Reads a table's keys, each once, and says which it did not know.
class Keys {
 public:
  Keys(const toml::table& t, std::string where) : t_(t), where_(std::move(where)) {}
  Result<std::string> Str(const char* key, bool required, std::string fallback = "") {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) {
      if (required) return InvalidArgument(where_ + ": `" + key + "` is required");
      return fallback;
    }
    if (!n->is_string()) return InvalidArgument(where_ + ": `" + key + "` must be a string");
    return std::string(*n->value<std::string>());
  }
  Result<uint64_t> Num(const char* key, bool required, uint64_t fallback, uint64_t min,
                       uint64_t max) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) {
      if (required) return InvalidArgument(where_ + ": `" + key + "` is required");
      return fallback;
    }
    const std::optional<int64_t> v = n->value<int64_t>();
    if (!n->is_integer() || !v || *v < 0 || static_cast<uint64_t>(*v) < min ||
        static_cast<uint64_t>(*v) > max) {
      return InvalidArgument(where_ + ": `" + key + "` must be a whole number from " +
                             std::to_string(min) + " to " + std::to_string(max));
    }
    return static_cast<uint64_t>(*v);
  }
  Result<bool> Bool(const char* key, bool fallback) {
    seen_.insert(key);
    const toml::node* n = t_.get(key);
    if (n == nullptr) return fallback;
    if (!n->is_boolean()) return InvalidArgument(where_ + ": `" + key + "` must be true or false");
    return *n->value<bool>();
  }
  Status Done() const {
    for (const auto& [key, value] : t_) {
      if (!seen_.contains(std::string(key.str()))) {
        return InvalidArgument(where_ + ": unknown key `" + std::string(key.str()) + "`");
      }
    }
    return Status::Ok();
  }
  void Skip(const char* key) { seen_.insert(key); }

 private:
  const toml::table& t_;
  std::string where_;
  std::set<std::string> seen_;
};

Result<PoolMap> ReadPool(const toml::table& t, const std::string& where) {
  Keys k(t, where);
  PoolMap p;
  BG_ASSIGN_OR_RETURN(p.pool, k.Num("id", true, 0, 1, UINT64_MAX >> 1));
  BG_ASSIGN_OR_RETURN(p.partition, k.Str("partition", false));
  BG_ASSIGN_OR_RETURN(p.account, k.Str("account", false));
  BG_ASSIGN_OR_RETURN(p.gres, k.Str("gres", false));
  BG_ASSIGN_OR_RETURN(p.command, k.Str("command", false));
  BG_ASSIGN_OR_RETURN(uint64_t cards, k.Num("local_cards", false, 0, 0, 100'000));
  p.local_cards = static_cast<uint32_t>(cards);
  BG_RETURN_IF_ERROR(k.Done());
  return p;
}

Status ReadToken(Config* c, Keys* k, const std::string& dir, const std::string& source) {
  BG_ASSIGN_OR_RETURN(c->token, k->Str("token", false));
  BG_ASSIGN_OR_RETURN(std::string file, k->Str("token_file", false));
  if (c->token.empty() == file.empty()) {
    return InvalidArgument(source + ": give one of `token` and `token_file`");
  }
  if (file.empty()) return Status::Ok();
  std::ifstream in(Resolve(dir, file));
  if (!in) return InvalidArgument(source + ": cannot read token_file " + Resolve(dir, file));
  std::getline(in, c->token);
  while (!c->token.empty() && std::isspace(static_cast<unsigned char>(c->token.back()))) {
    c->token.pop_back();
  }
  if (c->token.empty()) return InvalidArgument(source + ": token_file is empty");
  return Status::Ok();
}

Result<Config> Read(const toml::table& root, const std::string& source, const std::string& dir) {
  Config c;
  Keys k(root, source);
  BG_ASSIGN_OR_RETURN(c.server, k.Str("server", true));
  if (c.server.rfind("http://", 0) != 0) {
    return InvalidArgument(source + ": `server` must be an http:// URL (no TLS client yet)");
  }
  while (!c.server.empty() && c.server.back() == '/') c.server.pop_back();
  BG_RETURN_IF_ERROR(ReadToken(&c, &k, dir, source));
  BG_ASSIGN_OR_RETURN(c.key_file, k.Str("key_file", true));
  c.key_file = Resolve(dir, c.key_file);
  BG_ASSIGN_OR_RETURN(c.provider, k.Num("provider", true, 0, 1, UINT64_MAX >> 1));
  BG_ASSIGN_OR_RETURN(c.cluster, k.Str("cluster", true));
  if (c.cluster.empty() ||
      c.cluster.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return InvalidArgument(source + ": `cluster` must be lower-case letters, digits or _");
  }
  BG_ASSIGN_OR_RETURN(c.state, k.Str("state", true));
  c.state = Resolve(dir, c.state);
  BG_ASSIGN_OR_RETURN(c.executor, k.Str("executor", false, "slurm"));
  if (c.executor != "slurm" && c.executor != "local") {
    return InvalidArgument(source + ": `executor` must be \"slurm\" or \"local\"");
  }
  BG_ASSIGN_OR_RETURN(c.local_dir, k.Str("local_dir", c.executor == "local"));
  c.local_dir = Resolve(dir, c.local_dir);
  BG_ASSIGN_OR_RETURN(c.command, k.Str("command", false, c.command));
  BG_ASSIGN_OR_RETURN(c.poll_ms, k.Num("poll_ms", false, c.poll_ms, 10, 3'600'000));
  BG_ASSIGN_OR_RETURN(c.full_sync_ms, k.Num("full_sync_ms", false, c.full_sync_ms, 0, 86'400'000));
  BG_ASSIGN_OR_RETURN(c.usage_window_s,
                      k.Num("usage_window_s", false, c.usage_window_s, 1, 86'400));
  BG_ASSIGN_OR_RETURN(c.margin_s, k.Num("margin_s", false, c.margin_s, 0, 86'400));
  BG_ASSIGN_OR_RETURN(c.lookback_s, k.Num("lookback_s", false, c.lookback_s, 3'600, 7'776'000));
  BG_ASSIGN_OR_RETURN(c.offer_capacity, k.Bool("offer_capacity", true));
  BG_ASSIGN_OR_RETURN(c.metrics_listen, k.Str("metrics_listen", false));
  if (!c.metrics_listen.empty()) {
    const size_t colon = c.metrics_listen.rfind(':');
    const std::string port = colon == std::string::npos ? "" : c.metrics_listen.substr(colon + 1);
    uint32_t number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (colon == 0 || port.empty() || ec != std::errc() || end != port.data() + port.size() ||
        number > 65'535) {
      return InvalidArgument(source +
                             ": `metrics_listen` must be host:port (port 0-65535), got \"" +
                             c.metrics_listen + "\"");
    }
    c.metrics_host = c.metrics_listen.substr(0, colon);
    c.metrics_port = static_cast<uint16_t>(number);
  }
  k.Skip("pool");
  BG_RETURN_IF_ERROR(k.Done());
  const toml::array* pools = root["pool"].as_array();
  if (pools == nullptr || pools->empty()) {
    return InvalidArgument(source + ": at least one [[pool]] is required");
  }
  std::set<uint64_t> ids;
  std::set<std::pair<std::string, std::string>> targets;
  for (size_t i = 0; i < pools->size(); ++i) {
    const std::string where = source + ": pool[" + std::to_string(i) + "]";
    const toml::table* t = (*pools)[i].as_table();
    if (t == nullptr) return InvalidArgument(where + " must be a table");
    BG_ASSIGN_OR_RETURN(PoolMap p, ReadPool(*t, where));
    if (!ids.insert(p.pool).second) {
      return InvalidArgument(where + ": pool " + std::to_string(p.pool) + " is mapped twice");
    }
    // Capacity is reported per (partition, GPU type): two pools on the same
    // would each offer all of it.
    if (!targets.insert({p.partition, p.gres}).second) {
      return InvalidArgument(where + ": another pool maps to partition \"" + p.partition +
                             "\" and gres \"" + p.gres + "\"");
    }
    if (c.executor == "local" && p.local_cards == 0) {
      return InvalidArgument(where + ": the local executor needs `local_cards`");
    }
    c.pools.push_back(std::move(p));
  }
  return c;
}

}  // namespace

const PoolMap* Config::FindPool(uint64_t pool) const {
  for (const PoolMap& p : pools) {
    if (p.pool == pool) return &p;
  }
  return nullptr;
}

Result<Config> ParseConfig(const std::string& text, const std::string& source,
                           const std::string& dir) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(source + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  return Read(root, source, dir);
}

Result<Config> LoadConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgument("cannot read the agent's config " + path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), path, fs::path(path).parent_path().string());
}

}  // namespace bg::agent
