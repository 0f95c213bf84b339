// A KernelProgram as text, and back: so that a program can be cached, compared, golden-tested
// and sent to another process. The format is line-oriented and versioned ("sgntk-program 1"),
// numbers are written in their shortest exact form (read back bit for bit), strings quoted
// with \" \\ \n escapes. write(read(text)) == text for every text write produced.
#pragma once
#include <stdexcept>
#include <string>
#include <string_view>

#include "runtime/program/program.h"

namespace sgntk::program {

std::string write_program(const KernelProgram& program);

// Malformed text: the message says where ("line 12: expected 'width', found 'widht'").
struct ReadError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws ReadError for text that is not a well-formed program (unknown names, bad numbers,
// register or plugin indices out of range, trailing text).
KernelProgram read_program(std::string_view text);

}  // namespace sgntk::program
