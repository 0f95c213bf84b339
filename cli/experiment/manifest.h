// The record of one `sgntk run`: what ran, with which params and seeds, where each result is,
// how long it took. Written as OUT/manifest.json, last, so that its presence marks a complete
// run. Non-finite numbers are written as the strings "inf", "-inf" and "nan" (JSON has none).
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "cli/experiment/json.h"

namespace sgntk::experiment {

// One run of a task: one point of its sweep (all of it when it has no sweep).
struct RunRecord {
  std::vector<std::pair<std::string, double>> params;  // the swept params at this point
  std::string dir;                                     // relative to OUT
  std::vector<std::string> files;                      // file names in dir
  std::map<std::string, double> values;                // scalars, e.g. the flow time t
  std::vector<std::string> warnings;
};

struct TaskRecord {
  std::string name, kind;
  std::string args_json;  // the task's arguments as run (a JSON object; predict: the t computed)
  // --quick: the arguments the quick statements changed, with their full-size values (a JSON
  // object); empty without --quick.
  std::string quick_replaced_json;
  double seconds = 0;
  std::vector<RunRecord> runs;
  std::string plot;       // plot tasks: the PNG, relative to OUT; empty when it could not be drawn
  std::vector<std::string> warnings;  // of the task as a whole (a plot that could not be drawn)
};

struct Manifest {
  std::string spec_path, spec_sha1;
  bool quick = false;
  std::vector<std::string> sets;
  std::map<std::string, double> params;
  std::map<std::string, std::string> data_files;  // data set name -> file relative to OUT
  std::vector<TaskRecord> tasks;
  std::string started;    // UTC, ISO 8601
  double seconds = 0;
};

std::string to_json(const Manifest& m);
std::string sha1_hex(const std::string& bytes);

}  // namespace sgntk::experiment
