#include "runtime/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fmt/format.h>

extern char** environ;

namespace sgntk::runtime {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kept_errors = 4096;  // bytes of a child's stderr worth showing

struct Active {
  ChildRun* run = nullptr;
  pid_t pid = -1;
  int report_fd = -1, errors_fd = -1;  // parent ends, non-blocking; -1 once at EOF
  Clock::time_point last_report;
};

// Reads what is there; returns false at EOF or on an error other than "nothing yet".
bool drain(int fd, std::string& into, std::size_t keep = 0) {
  char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      into.append(buffer, static_cast<std::size_t>(n));
      if (keep && into.size() > keep) into.erase(0, into.size() - keep);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void record_status(ChildRun& run, int status) {
  if (WIFSIGNALED(status)) {
    run.end = ChildRun::End::signalled;
    run.code = WTERMSIG(status);
  } else {
    run.end = ChildRun::End::exited;
    run.code = WEXITSTATUS(status);
  }
}

bool start(ChildRun& run, Active& a) {
  int report[2], errors[2];
  if (::pipe2(report, O_CLOEXEC) != 0) {
    run.start_error = std::strerror(errno);
    return false;
  }
  if (::pipe2(errors, O_CLOEXEC) != 0) {
    run.start_error = std::strerror(errno);
    ::close(report[0]);
    ::close(report[1]);
    return false;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, report[1], 3);
  posix_spawn_file_actions_adddup2(&actions, errors[1], 2);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addclosefrom_np(&actions, 4);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  std::vector<char*> argv;
  for (std::string& s : run.argv) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(report[1]);
  ::close(errors[1]);
  if (rc != 0) {
    run.start_error = std::strerror(rc);
    ::close(report[0]);
    ::close(errors[0]);
    return false;
  }
  ::fcntl(report[0], F_SETFL, O_NONBLOCK);
  ::fcntl(errors[0], F_SETFL, O_NONBLOCK);
  a = Active{&run, pid, report[0], errors[0], Clock::now()};
  return true;
}

// Reads the pipes of `a`; true when the child has ended (and is reaped).
bool service(Active& a, std::chrono::milliseconds idle_timeout) {
  if (a.report_fd >= 0) {
    const std::size_t before = a.run->report.size();
    if (!drain(a.report_fd, a.run->report)) close_fd(a.report_fd);
    if (a.run->report.size() != before) a.last_report = Clock::now();
  }
  if (a.errors_fd >= 0 && !drain(a.errors_fd, a.run->errors, kept_errors)) close_fd(a.errors_fd);
  int status = 0;
  // Both pipes closed: the child is gone or about to be. Otherwise look without blocking, so
  // that a grandchild holding a pipe open cannot keep us waiting.
  const bool closed = a.report_fd < 0 && a.errors_fd < 0;
  pid_t done = ::waitpid(a.pid, &status, closed ? 0 : WNOHANG);
  while (done < 0 && errno == EINTR) done = ::waitpid(a.pid, &status, closed ? 0 : WNOHANG);
  // ECHILD: the child was reaped for us (SIGCHLD ignored by the embedding program); its
  // status is lost, and what it reported on fd 3 has to speak for it.
  const bool lost = done < 0 && errno == ECHILD;
  if (lost) status = 0;
  if (done == a.pid || lost) {
    if (a.report_fd >= 0) drain(a.report_fd, a.run->report);
    if (a.errors_fd >= 0) drain(a.errors_fd, a.run->errors, kept_errors);
    record_status(*a.run, status);
  } else if (Clock::now() - a.last_report > idle_timeout) {
    ::kill(a.pid, SIGKILL);
    while (::waitpid(a.pid, &status, 0) < 0 && errno == EINTR) {
    }
    a.run->end = ChildRun::End::timed_out;
  } else {
    return false;
  }
  close_fd(a.report_fd);
  close_fd(a.errors_fd);
  return true;
}

}  // namespace

void run_children(std::vector<ChildRun>& runs, std::chrono::milliseconds idle_timeout, std::size_t parallel) {
  parallel = std::max<std::size_t>(parallel, 1);
  std::vector<Active> active;
  std::size_t next = 0;
  while (next < runs.size() || !active.empty()) {
    while (next < runs.size() && active.size() < parallel) {
      Active a;
      if (start(runs[next], a)) active.push_back(a);
      else runs[next].end = ChildRun::End::not_started;
      ++next;
    }
    if (active.empty()) continue;
    std::vector<pollfd> fds;
    for (const Active& a : active)
      for (int fd : {a.report_fd, a.errors_fd})
        if (fd >= 0) fds.push_back({fd, POLLIN, 0});
    // Short slices: a child whose pipes stay open (a grandchild holds them) is still noticed.
    ::poll(fds.data(), fds.size(), 50);
    std::erase_if(active, [&](Active& a) { return service(a, idle_timeout); });
  }
}

std::string signal_text(int signal) {
  const char* name = sigabbrev_np(signal);
  return name ? fmt::format("SIG{} (signal {})", name, signal) : fmt::format("signal {}", signal);
}

}  // namespace sgntk::runtime
