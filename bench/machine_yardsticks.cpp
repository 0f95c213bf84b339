#include "bench/machine_yardsticks.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "bench/simd_vectors.h"

namespace sgntk::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int chains = 16;        // enough independent chains to cover FMA latency x ports
constexpr long rounds = 20'000'000;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The chains once per instruction set.
#define SGNTK_PER_ISA "bench/fma_chains.inc"
#include "bench/for_each_isa.inc"
#undef SGNTK_PER_ISA

}  // namespace

double measured_fma_per_second_per_core() {
  // Best of three: a busy machine can only make a run slower.
  double best = 0;
  for (int run = 0; run < 3; ++run) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) best = std::max(best, avx512::fma_chains_per_second(rounds));
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
      best = std::max(best, avx2::fma_chains_per_second(rounds));
    else best = std::max(best, scalar::fma_chains_per_second(rounds / 8));
#else
    best = std::max(best, scalar::fma_chains_per_second(rounds / 8));
#endif
  }
  return best;
}

double measured_write_bytes_per_second(const std::string& folder, std::size_t bytes) {
  const std::string path = (std::filesystem::path(folder) / ".sgntk_bench_write_bandwidth.tmp").string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  std::vector<char> chunk(std::size_t(8) << 20, 1);
  const auto t0 = Clock::now();
  bool ok = true;
  for (std::size_t done = 0; ok && done < bytes;) {
    const ssize_t w = ::write(fd, chunk.data(), std::min(chunk.size(), bytes - done));
    ok = w > 0;
    done += ok ? std::size_t(w) : 0;
  }
  ok = ok && ::fsync(fd) == 0;
  const double t = seconds_since(t0);
  ::close(fd);
  std::filesystem::remove(path);
  if (!ok) throw std::runtime_error("cannot write " + path);
  return double(bytes) / t;
}

}  // namespace sgntk::bench
