#include "bench/machine_yardsticks.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sgntk::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int chains = 16;        // enough independent chains to cover FMA latency x ports
constexpr long rounds = 20'000'000;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Each returns lane-FMAs per second. acc = acc * 1 + tiny stays finite for any number of rounds.
double fma_scalar() {
  double acc[chains];
  for (int k = 0; k < chains; ++k) acc[k] = k;
  volatile double mul_in = 1.0, add_in = 1e-300;
  const double mul = mul_in, add = add_in;
  const auto t0 = Clock::now();
  for (long r = 0; r < rounds / 8; ++r)
    for (int k = 0; k < chains; ++k) acc[k] = acc[k] * mul + add;
  const double t = seconds_since(t0);
  volatile double sink = 0;
  for (double v : acc) sink = sink + v;
  return double(rounds / 8) * chains / t;
}

#if defined(__x86_64__)
__attribute__((target("avx512f"))) double fma_avx512() {
  __m512d acc[chains];
  for (int k = 0; k < chains; ++k) acc[k] = _mm512_set1_pd(k);
  volatile double mul_in = 1.0, add_in = 1e-300;
  const __m512d mul = _mm512_set1_pd(mul_in), add = _mm512_set1_pd(add_in);
  const auto t0 = Clock::now();
  for (long r = 0; r < rounds; ++r)
#pragma GCC unroll 16
    for (int k = 0; k < chains; ++k) acc[k] = _mm512_fmadd_pd(acc[k], mul, add);
  const double t = seconds_since(t0);
  alignas(64) double lanes[8];
  volatile double sink = 0;
  for (const auto& v : acc) {
    _mm512_store_pd(lanes, v);
    sink = sink + lanes[0] + lanes[7];
  }
  return double(rounds) * chains * 8 / t;
}

__attribute__((target("avx2,fma"))) double fma_avx2() {
  __m256d acc[chains];
  for (int k = 0; k < chains; ++k) acc[k] = _mm256_set1_pd(k);
  volatile double mul_in = 1.0, add_in = 1e-300;
  const __m256d mul = _mm256_set1_pd(mul_in), add = _mm256_set1_pd(add_in);
  const auto t0 = Clock::now();
  for (long r = 0; r < rounds; ++r)
#pragma GCC unroll 16
    for (int k = 0; k < chains; ++k) acc[k] = _mm256_fmadd_pd(acc[k], mul, add);
  const double t = seconds_since(t0);
  alignas(32) double lanes[4];
  volatile double sink = 0;
  for (const auto& v : acc) {
    _mm256_store_pd(lanes, v);
    sink = sink + lanes[0] + lanes[3];
  }
  return double(rounds) * chains * 4 / t;
}
#endif

}  // namespace

double measured_fma_per_second_per_core() {
  // Best of three: a busy machine can only make a run slower.
  double best = 0;
  for (int run = 0; run < 3; ++run) {
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx512f")) best = std::max(best, fma_avx512());
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) best = std::max(best, fma_avx2());
    else best = std::max(best, fma_scalar());
#else
    best = std::max(best, fma_scalar());
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
