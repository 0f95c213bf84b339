// What this machine can do at best, measured in the benchmark's own process: the FMA peak of
// one core and the write bandwidth of a disk, the yardsticks the kernel benchmark reports
// against.
#pragma once
#include <cstddef>
#include <string>

namespace sgntk::bench {

// Double-precision fused multiply-adds per second on one core (each vector lane counts one):
// independent FMA chains held in registers, with the widest vectors this CPU has.
double measured_fma_per_second_per_core();

// Bytes per second of writing `bytes` to a fresh file in `folder`, fsync included (the file is
// removed afterwards). Throws std::runtime_error when the file cannot be written.
double measured_write_bytes_per_second(const std::string& folder, std::size_t bytes);

}  // namespace sgntk::bench
