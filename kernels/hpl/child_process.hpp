#pragma once
// Runs an external program (mpirun) with a deadline: its output goes to a log file, and past
// the deadline it is sent SIGTERM (mpirun then ends every rank it started), then SIGKILL.
#include <filesystem>
#include <string>
#include <vector>

namespace ccb {

struct ChildOutcome {
  int exit_code = -1;      // the program's exit status; 128 + signal when a signal ended it
  bool timed_out = false;  // ended by us at the deadline
};

// `argv[0]` is a path. Runs in `dir` with exactly `env` ("NAME=value"); stdout and stderr to
// `log`. Throws std::runtime_error when the program cannot be started.
ChildOutcome run_child(const std::vector<std::string>& argv, const std::filesystem::path& dir,
                       const std::vector<std::string>& env, const std::filesystem::path& log, double timeout_s);

// The first executable `name` on PATH (or `name` itself when it holds a slash and is
// executable); empty when none.
std::filesystem::path find_program(const std::string& name);

}  // namespace ccb
