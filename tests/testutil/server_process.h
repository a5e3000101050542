// The real `baygrid` binary as a child process, for integration tests: a
// server started on port 0 (its port read from its first line), and a
// command run to completion with its output and exit code.
#pragma once

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

namespace bg::testutil {

struct ServerProcess {
  pid_t pid = -1;
  uint16_t port = 0;
};

// Starts `binary serve --db db --listen 127.0.0.1:0` plus `extra` arguments
// and reads the port from "baygrid serving http://127.0.0.1:PORT on ...".
inline ServerProcess StartServer(const std::string& binary, const std::string& db,
                                 std::vector<std::string> extra = {}) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  std::vector<std::string> args = {binary, "serve", "--db", db, "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  const pid_t pid = fork();
  if (pid == 0) {
    // The parent reads the first line only and closes its end: later lines
    // (the drain on SIGTERM) must not kill the server with SIGPIPE.
    signal(SIGPIPE, SIG_IGN);
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string line;
  char c = 0;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  const size_t colon = line.find(':', line.find("127.0.0.1"));
  ServerProcess s{pid, 0};
  if (colon != std::string::npos) s.port = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
  EXPECT_NE(s.port, 0) << "the server said: " << line;
  return s;
}

// Kills a child process with SIGKILL when the scope ends, unless it was
// reaped already, so that a failed assertion never leaves a server behind
// holding the test runner's output pipe.
class KillOnExit {
 public:
  explicit KillOnExit(pid_t pid) : pid_(pid) {}
  KillOnExit(const KillOnExit&) = delete;
  KillOnExit& operator=(const KillOnExit&) = delete;
  ~KillOnExit() {
    if (pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0) {
      ::kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

 private:
  pid_t pid_;
};

struct CommandOutput {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command line to completion.
inline CommandOutput RunCommand(const std::string& command_line) {
  CommandOutput r;
  FILE* p = popen((command_line + " 2>&1").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace bg::testutil
