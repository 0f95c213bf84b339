#include "cli/experiment/network_store.h"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "runtime/errors.h"
#include "runtime/matrix_io.h"

namespace sgntk::experiment {

namespace fs = std::filesystem;

namespace {

std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

NetworkStore::NetworkStore(fs::path dir, const std::string& stamp, bool resume) : dir_(std::move(dir)) {
  const fs::path stamp_file = dir_ / "stamp.txt";
  if (resume && fs::exists(stamp_file) && read_all(stamp_file) == stamp) return;
  fs::remove_all(dir_);
  fs::create_directories(dir_);
  runtime::write_file_atomically(stamp_file.string(), stamp);
}

fs::path NetworkStore::file(long first, long count, const char* what) const {
  return dir_ / fmt::format("networks_{}_{}.{}.npy", first, count, what);
}

std::optional<runtime::EnsembleResult> NetworkStore::load(long first, long count, long saves, long points,
                                                          long outputs, const std::vector<long>& loss_steps) const {
  const fs::path out_file = file(first, count, "outputs"), loss_file = file(first, count, "loss");
  if (!fs::exists(out_file) || !fs::exists(loss_file)) return std::nullopt;
  runtime::RowMatrix out, loss;
  try {
    out = runtime::read_matrix(out_file.string());
    loss = runtime::read_matrix(loss_file.string());
  } catch (const runtime::DataError&) {
    return std::nullopt;  // unreadable: trained again
  }
  const auto records = static_cast<long>(loss_steps.size());
  if (out.rows() != saves * count || out.cols() != points * outputs || loss.rows() != count || loss.cols() != records)
    return std::nullopt;
  runtime::EnsembleResult chunk;
  chunk.outputs.assign(out.data(), out.data() + out.size());
  chunk.outputs_shape = {saves, count, points, outputs};
  chunk.loss.assign(loss.data(), loss.data() + loss.size());
  chunk.loss_steps = loss_steps;
  return chunk;
}

void NetworkStore::save(long first, const runtime::EnsembleResult& chunk) const {
  const long saves = chunk.outputs_shape[0], count = chunk.outputs_shape[1];
  const long row = chunk.outputs_shape[2] * chunk.outputs_shape[3];
  const auto records = static_cast<long>(chunk.loss_steps.size());
  runtime::write_files_atomically(
      {{file(first, count, "outputs").string(),
        runtime::npy_array_bytes(file(first, count, "outputs").string(), chunk.outputs.data(), {saves * count, row})},
       {file(first, count, "loss").string(),
        runtime::npy_array_bytes(file(first, count, "loss").string(), chunk.loss.data(), {count, records})}});
}

void place_chunk(runtime::EnsembleResult& whole, long first, const runtime::EnsembleResult& chunk) {
  const long saves = whole.outputs_shape[0], ensemble = whole.outputs_shape[1];
  const long row = whole.outputs_shape[2] * whole.outputs_shape[3], count = chunk.outputs_shape[1];
  const auto records = static_cast<long>(whole.loss_steps.size());
  for (long s = 0; s < saves; ++s)
    std::copy_n(chunk.outputs.begin() + s * count * row, count * row, whole.outputs.begin() + (s * ensemble + first) * row);
  std::copy_n(chunk.loss.begin(), count * records, whole.loss.begin() + first * records);
}

}  // namespace sgntk::experiment
