// Starts the real khaacho binary (or any program) for end-to-end tests, with
// its own environment, capturing stdout and stderr to files.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

namespace khaacho::test {

class child_process {
public:
  /// Starts `argv[0]` with `argv`; `env` is added to (and overrides) the
  /// current environment. Working directory: the source tree.
  child_process(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
  ~child_process();  // kills the child if still running
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Waits for exit up to `timeout`; returns the exit code, or nullopt on timeout.
  /// A child killed by a signal reports 128 + signal.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  /// Sends `sig` to the child.
  void signal(int sig);

  std::string out() const;  ///< everything written to stdout so far
  std::string err() const;  ///< everything written to stderr so far
  pid_t pid() const { return pid_; }

private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_path_;
  std::string err_path_;
};

/// Runs a program to completion (with a timeout) and returns its exit code.
struct run_result {
  int code = -1;
  std::string out;
  std::string err;
};
run_result run_program(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds{60});

/// A TCP port on 127.0.0.1 that was free a moment ago.
int free_port();

/// Path of the khaacho binary under test.
std::string khaacho_binary();

}  // namespace khaacho::test
