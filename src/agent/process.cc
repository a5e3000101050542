#include "agent/process.h"

#include <cerrno>
#include <string_view>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bg::agent {
namespace {

// In the child, between fork and exec: only async-signal-safe calls.
[[noreturn]] void Exec(const std::vector<char*>& args, char* const* envp, bool detach, int out_fd,
                       int err_fd, pid_t parent) {
  if (detach) {
    // A grandchild in a session of its own, reparented to init when this
    // child exits at once: never a zombie of the agent's, never killed with it.
    if (fork() != 0) _exit(0);
    setsid();
    const int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
  } else {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the agent died before prctl
    const int null = open("/dev/null", O_RDONLY);
    dup2(null, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
  }
  execvpe(args[0], args.data(), envp);
  _exit(127);
}

// The agent's environment with `extra` set over it.
std::vector<std::string> Environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const auto& [n, v] : extra) replaced = replaced || n == name;
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [n, v] : extra) {
    std::string entry = n;
    entry += '=';
    entry += v;
    env.push_back(std::move(entry));
  }
  return env;
}

// Reads both pipes until they close or the deadline passes.
bool Drain(int out_fd, int err_fd, std::chrono::steady_clock::time_point deadline,
           ProcessResult* r) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  std::string* sinks[2] = {&r->out, &r->err};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    const int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        sinks[i]->append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  return true;
}

}  // namespace

std::string CommandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) {
    if (!line.empty()) line += ' ';
    const bool plain = !a.empty() && a.find_first_of(" \t'\"$;|&<>()*?") == std::string::npos;
    line += plain ? a : "'" + a + "'";
  }
  return line;
}

Result<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                 const ProcessOptions& options) {
  if (argv.empty()) return InvalidArgument("no program to run");
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    return Internal(std::string("pipe: ") +
                    std::error_code(errno, std::generic_category()).message());
  }
  // Everything exec needs is built before fork: the child only calls
  // async-signal-safe functions.
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env = Environment(options.env);
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) Exec(args, envp.data(), options.detach, out[1], err[1], parent);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(out[0]);
    close(err[0]);
    return Internal(std::string("fork: ") +
                    std::error_code(errno, std::generic_category()).message());
  }
  ProcessResult r;
  if (options.detach) {
    close(out[0]);
    close(err[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.exit_code = 0;
    return r;
  }
  const bool drained =
      Drain(out[0], err[0], std::chrono::steady_clock::now() + options.timeout, &r);
  close(out[0]);
  close(err[0]);
  if (!drained) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!drained) {
    return Unavailable(CommandLine(argv) + ": no answer within " +
                       std::to_string(options.timeout.count()) + " ms");
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && r.out.empty()) {
    return NotFound(CommandLine(argv) + ": cannot run " + argv[0] +
                    (r.err.empty() ? "" : ": " + r.err));
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace bg::agent
