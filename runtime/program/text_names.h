// The words of the program text form (text_format.h) that name enum values, shared by its
// writer and reader. Internal to runtime/program.
#pragma once
#include <string_view>

#include "runtime/program/closed_forms.h"

namespace sgntk::program::text {

inline constexpr std::string_view header = "sgntk-program";
inline constexpr int format_version = 1;

inline constexpr std::string_view closed_form_names[closed_form_count] = {
    "erf_erf", "bump_bump", "relu_relu", "relu_moment", "moment", "bump_moment", "erf_moment", "cos_cos", "sin_sin",
    "relu2_relu2"};
inline constexpr std::string_view average_names[average_count] = {"erf", "bump", "moment", "relu", "cos", "sin"};
inline constexpr std::string_view method_names[] = {"gauss_hermite", "conditional", "hermite_series"};

}  // namespace sgntk::program::text
