#include "kernels/hpl/child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

namespace ccb {
namespace {

using Clock = std::chrono::steady_clock;

// Waits for `pid` until `until`; the exit code, or -1 when it is still running then.
int wait_until(pid_t pid, Clock::time_point until) {
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    if (r < 0 && errno != EINTR) return 127;
    if (Clock::now() >= until) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

ChildOutcome run_child(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                       const std::vector<std::string>& env, const std::filesystem::path& log, double timeout_s) {
  std::vector<char*> args, envp;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) throw std::runtime_error(fmt::format("cannot write {}: {}", log.string(), std::strerror(errno)));
  const pid_t pid = fork();
  if (pid < 0) {
    close(out);
    throw std::runtime_error(fmt::format("cannot start {}: {}", argv[0], std::strerror(errno)));
  }
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    if (chdir(dir.c_str()) != 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) _exit(126);
    const int in = open("/dev/null", O_RDONLY);
    if (in >= 0) dup2(in, 0);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(out);
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  ChildOutcome o;
  o.exit_code = wait_until(pid, deadline);
  if (o.exit_code >= 0) return o;
  o.timed_out = true;
  kill(pid, SIGTERM);
  o.exit_code = wait_until(pid, Clock::now() + std::chrono::seconds(10));
  if (o.exit_code < 0) {
    kill(pid, SIGKILL);
    o.exit_code = wait_until(pid, Clock::now() + std::chrono::seconds(10));
  }
  return o;
}

std::filesystem::path find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? std::filesystem::path(name) : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::size_t pos = 0;
  while (pos <= dirs.size()) {
    const std::size_t end = std::min(dirs.find(':', pos), dirs.size());
    const std::filesystem::path candidate = std::filesystem::path(dirs.substr(pos, end - pos)) / name;
    if (end > pos && access(candidate.c_str(), X_OK) == 0) return candidate;
    pos = end + 1;
  }
  return "";
}

}  // namespace ccb
