// fork/exec with captured output, for end-to-end tests.
#include "support/child_process.hpp"

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace khaacho::test {

namespace {

std::string temp_path(const char* what) {
  static std::atomic<int> counter{0};
  return "/tmp/khaacho_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_"
         + what;
}

std::string slurp(const std::string& path) {
  std::ifstream in{path};
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

}  // namespace

child_process::child_process(std::vector<std::string> argv, std::map<std::string, std::string> env)
  : out_path_(temp_path("out")), err_path_(temp_path("err")) {
  pid_ = ::fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (::chdir(KHAACHO_SOURCE_DIR) != 0)
      ::_exit(126);
    for (const auto& [k, v] : env)
      ::setenv(k.c_str(), v.c_str(), 1);
    // Tests run with signals possibly blocked by the runner; start clean.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::vector<char*> args;
    for (auto& a : argv)
      args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
}

child_process::~child_process() {
  if (!status_) {
    ::kill(pid_, SIGKILL);
    int st = 0;
    ::waitpid(pid_, &st, 0);
  }
  ::unlink(out_path_.c_str());
  ::unlink(err_path_.c_str());
}

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  if (status_)
    return status_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int st = 0;
    auto rc = ::waitpid(pid_, &st, WNOHANG);
    if (rc == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds{20});
  }
}

void child_process::signal(int sig) {
  if (!status_)
    ::kill(pid_, sig);
}

std::string child_process::out() const { return slurp(out_path_); }
std::string child_process::err() const { return slurp(err_path_); }

run_result run_program(std::vector<std::string> argv, std::map<std::string, std::string> env,
                       std::chrono::milliseconds timeout) {
  child_process p{std::move(argv), std::move(env)};
  run_result r;
  auto code = p.wait(timeout);
  r.code = code.value_or(-1);
  r.out = p.out();
  r.err = p.err();
  return r;
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

std::string khaacho_binary() { return KHAACHO_BINARY; }

}  // namespace khaacho::test
