// The two JSON atoms the manifest and the task arguments are written with. Non-finite numbers
// become the strings "inf", "-inf" and "nan" (JSON has none).
#pragma once
#include <string>

namespace sgntk::experiment {

std::string json_string(const std::string& s);  // quoted and escaped
std::string json_number(double v);              // the shortest form that reads back exactly

}  // namespace sgntk::experiment
