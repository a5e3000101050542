#include "agent/config.h"

#include <gtest/gtest.h>

namespace bg::agent {
namespace {

constexpr const char* kGood = R"(
server = "http://127.0.0.1:8080/"
token = "bgt_secret"
key_file = "provider.key"
provider = 1
cluster = "shaoguan"
state = "agent.db"
usage_window_s = 30

[[pool]]
id = 2
partition = "gpu"
account = "bg"
gres = "a800"

[[pool]]
id = 3
partition = "gpu"
gres = "910b"
command = "sleep 1"
)";

TEST(AgentConfig, ReadsEveryKeyAndResolvesPathsFromItsFolder) {
  auto c = ParseConfig(kGood, "agent.toml", "/etc/baygrid");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->server, "http://127.0.0.1:8080");
  EXPECT_EQ(c->key_file, "/etc/baygrid/provider.key");
  EXPECT_EQ(c->state, "/etc/baygrid/agent.db");
  EXPECT_EQ(c->usage_window_s, 30u);
  EXPECT_EQ(c->executor, "slurm");
  ASSERT_EQ(c->pools.size(), 2u);
  EXPECT_EQ(c->FindPool(3)->gres, "910b");
  EXPECT_EQ(c->FindPool(3)->command, "sleep 1");
  EXPECT_EQ(c->FindPool(4), nullptr);
}

void ExpectRefused(const std::string& text, const std::string& says) {
  auto c = ParseConfig(text, "agent.toml", "/tmp");
  ASSERT_FALSE(c.ok()) << text;
  EXPECT_NE(c.status().message().find(says), std::string::npos) << c.status();
}

TEST(AgentConfig, SaysWhatIsWrong) {
  const std::string good = kGood;
  ExpectRefused("colour = \"red\"\n" + good, "unknown key `colour`");
  ExpectRefused("server = \"https://x\"\n", "http:// URL");
  ExpectRefused(good + "[[pool]]\nid = 2\ngres = \"h100\"\n", "mapped twice");
  ExpectRefused(good + "[[pool]]\nid = 9\npartition = \"gpu\"\ngres = \"a800\"\n",
                "another pool maps");
  ExpectRefused(good + "[[pool]]\nid = 9\nspeed = 1\n", "unknown key `speed`");
  ExpectRefused(R"(server = "http://x"
token = "t"
key_file = "k"
provider = 1
cluster = "Big Cluster"
state = "s"
)",
                "lower-case");
  ExpectRefused("poll_ms = 1\n" + good, "`poll_ms` must be a whole number from 10");
  ExpectRefused("server = \"http://x\"\ntoken = \"t\"\ntoken_file = \"f\"\n", "one of `token`");
  ExpectRefused("server = [", "agent.toml:1");
  ExpectRefused("metrics_listen = \"127.0.0.1\"\n" + good, "`metrics_listen` must be host:port");
  ExpectRefused("metrics_listen = \"127.0.0.1:http\"\n" + good, "got \"127.0.0.1:http\"");
  ExpectRefused("metrics_listen = \"127.0.0.1:70000\"\n" + good, "port 0-65535");
}

}  // namespace
}  // namespace bg::agent
