// The kernel job out of core: the memory rule, and the kernel computed band by band into its
// .npy file (runtime/banded_npy_output), resumable with --resume.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>

#include "cli/jobs/jobs.h"
#include "cli/jobs/kinds.h"
#include "runtime/banded_npy_output.h"
#include "runtime/output_lock.h"

namespace sgntk::jobs {
namespace {

// FNV-1a, 64 bits: what the resume fingerprint needs is to tell inputs apart, not secrecy.
class Fingerprint {
 public:
  void add(const void* data, std::size_t bytes) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t k = 0; k < bytes; ++k) hash_ = (hash_ ^ p[k]) * 0x100000001b3ULL;
  }
  void add(const std::string& text) {
    add_size(text.size());
    add(text.data(), text.size());
  }
  void add_size(std::size_t n) {
    const std::uint64_t v = n;
    add(&v, sizeof v);
  }
  void add(const runtime::RowMatrix& x) {
    add_size(static_cast<std::size_t>(x.rows()));
    add_size(static_cast<std::size_t>(x.cols()));
    add(x.data(), static_cast<std::size_t>(x.size()) * sizeof(double));
  }
  std::string hex() const { return fmt::format("{:016x}", hash_); }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace

std::string kernel_fingerprint(const std::string& identity, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                               const runtime::RowMatrix* x2) {
  Fingerprint f;
  f.add(identity);
  f.add(std::string(kind_name(kind)));
  f.add(x1);
  f.add_size(x2 ? 1 : 0);
  if (x2) f.add(*x2);
  return f.hex();
}

std::size_t default_memory_budget() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return std::size_t{1} << 30;  // unknown: 1 GiB
  return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page) / 8;
}

bool kernel_out_of_core(std::size_t rows, std::size_t cols, const KernelFileOptions& file) {
  if (file.out_of_core || file.resume_identity) return true;
  const std::size_t budget = file.memory_budget ? file.memory_budget : default_memory_budget();
  return rows * cols * sizeof(double) > budget;
}

void kernel_bands_to_file(const runtime::KernelProgram& program, runtime::KernelKind kind, const runtime::RowMatrix& x1,
                          const runtime::RowMatrix* x2, const std::string& path, const runtime::KernelOptions& options,
                          const KernelFileOptions& file) {
  const std::size_t rows = static_cast<std::size_t>(x1.rows()), cols = static_cast<std::size_t>(x2 ? x2->rows() : x1.rows());
  const std::size_t budget = file.memory_budget ? file.memory_budget : default_memory_budget();
  std::optional<std::string> fingerprint;
  std::unique_ptr<runtime::OutputLock> lock;  // a resumable run's temporary has a fixed name: one writer
  if (file.resume_identity) {
    fingerprint = kernel_fingerprint(*file.resume_identity, kind, x1, x2);
    lock = std::make_unique<runtime::OutputLock>(path, fmt::format("sgntk kernel --out {} --resume", path));
  }
  runtime::BandedNpyOutput out(path, rows, cols, runtime::kernel_band_rows(cols, budget / 32), fingerprint);
  if (out.bands_done() > 0 && file.notice)
    file.notice(fmt::format("{}: resuming: {} of {} bands from an earlier run", path, out.bands_done(),
                            (rows + out.band_rows() - 1) / out.band_rows()));
  runtime::KernelBandCallbacks callbacks;
  callbacks.band_done = [&out](std::size_t b) { return out.band_done(b); };
  callbacks.band = [&out](const runtime::KernelBand& band) { out.write(band); };
  runtime::KernelSummary summary;
  try {
    summary = runtime::compute_kernel_bands(program, kind, x1, x2, out.band_rows(), callbacks, options);
    if (summary.first_nan || summary.first_infinite) out.abandon();
  } catch (const runtime::EvalError&) {
    out.abandon();  // a divergent entry: a resumed run would only meet it again
    throw;
  }
  refuse_bad_entries(summary, kind);
  out.commit();
}

}  // namespace sgntk::jobs
