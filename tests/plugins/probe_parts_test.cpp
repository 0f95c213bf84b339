// The parts of the plugin probe: helper processes under watch (runtime/child_process.h) and the
// helper's report format (runtime/plugin_wire.h).
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <limits>

#include "runtime/child_process.h"
#include "runtime/plugin_wire.h"

using namespace sgntk::runtime;

namespace {

ChildRun shell(const std::string& script) {
  ChildRun run;
  run.argv = {"/bin/sh", "-c", script};
  return run;
}

}  // namespace

TEST_CASE("a watched child: its report on fd 3, its exit status, its signal, its stderr") {
  std::vector<ChildRun> runs{shell("echo report >&3; echo noise; echo last words >&2; exit 7"),
                             shell("echo before >&3; kill -SEGV $$"), shell("exit 0")};
  run_children(runs, std::chrono::seconds(10), 2);
  CHECK(runs[0].end == ChildRun::End::exited);
  CHECK(runs[0].code == 7);
  CHECK(runs[0].report == "report\n");  // stdout went to /dev/null
  CHECK(runs[0].errors == "last words\n");
  CHECK(runs[1].end == ChildRun::End::signalled);
  CHECK(runs[1].code == 11);
  CHECK(runs[1].report == "before\n");
  CHECK(signal_text(runs[1].code) == "SIGSEGV (signal 11)");
  CHECK(runs[2].end == ChildRun::End::exited);
  CHECK(runs[2].code == 0);
}

TEST_CASE("a child silent on fd 3 for the idle timeout is killed, one that keeps reporting is not") {
  std::vector<ChildRun> runs{shell("echo start >&3; while :; do echo busy >&2; sleep 0.05; done"),
                             shell("for i in 1 2 3 4 5 6; do echo tick >&3; sleep 0.1; done")};
  const auto start = std::chrono::steady_clock::now();
  run_children(runs, std::chrono::milliseconds(400), 2);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(runs[0].end == ChildRun::End::timed_out);  // stderr output is no sign of progress
  CHECK(runs[0].report == "start\n");
  CHECK(runs[1].end == ChildRun::End::exited);      // 0.6 s in all, never 0.4 s silent
  CHECK(runs[1].code == 0);
  CHECK(seconds < 5.0);
}

TEST_CASE("a program that cannot be started is reported as such") {
  std::vector<ChildRun> runs(1);
  runs[0].argv = {"/no/such/program"};
  run_children(runs, std::chrono::seconds(1), 1);
  CHECK(runs[0].end == ChildRun::End::not_started);
  CHECK(!runs[0].start_error.empty());
}

TEST_CASE("report records carry any text and exact numbers across") {
  const wire::Record record{"fail", "tab\there, newline\nthere, backslash \\ and \\t literally", ""};
  const std::string line = wire::encode(record);
  CHECK(line.find('\n') == line.size() - 1);
  std::string text = line;
  text.append("torn\tlast");  // an unfinished last line is dropped
  const auto back = wire::decode(text);
  REQUIRE(back.size() == 1);
  CHECK(back[0] == record);
  for (double v : {0.1, -1e-300, 5e-324, 1.0 / 3.0, std::numeric_limits<double>::infinity(), -0.0})
    CHECK(wire::to_number(wire::number(v)) == v);
  CHECK(std::isnan(wire::to_number(wire::number(std::nan("")))));
}
