// Reading and writing 2-D float64 matrices as .csv (one row per line, comma separated, no
// header, '#' comment lines allowed) or .npy, chosen by the file extension. An npy read may hold
// any little-endian float, integer or bool type, in C or Fortran order, 2-D or 1-D (one point);
// npy is written as float64, C order, version 1.0. Every write of sgntk goes through
// write_files_atomically() (or, for a kernel written as it is computed, mapped_npy_output.h or
// banded_npy_output.h, which share its pieces), so a failed run leaves no partial output.
#pragma once
#include <Eigen/Core>
#include <string>
#include <utility>
#include <vector>

namespace sgntk::runtime {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Throws DataError ("FILE:LINE: ..." for csv) on any problem: missing file, unknown extension,
// ragged rows, non-numeric fields, NaN or inf values, an empty file, a bad npy header.
RowMatrix read_matrix(const std::string& path);

// Throws DataError when the path cannot be written; never leaves a partial file.
void write_matrix(const std::string& path, const Eigen::Ref<const RowMatrix>& m);

// Writes an npy array of any rank (float64, C order); shape.size() >= 1. Atomic as above.
void write_npy(const std::string& path, const double* data, const std::vector<long>& shape);

// The bytes write_matrix() and write_npy() write, for write_files_atomically().
std::string matrix_bytes(const std::string& path, const Eigen::Ref<const RowMatrix>& m);
std::string npy_array_bytes(const std::string& path, const double* data, const std::vector<long>& shape);

// The one atomic writer. Each (path, bytes) goes to a fresh temporary in the target's folder,
// is flushed to disk (fsync), and only when every file is complete are they renamed into place
// (a rename within one folder is atomic). A target that is a folder, or a path named twice, is
// refused before anything is written. On an error the temporaries are removed and no target has
// changed (but those renamed before a rename that still fails); throws DataError naming the path.
void write_files_atomically(const std::vector<std::pair<std::string, std::string>>& files);
void write_file_atomically(const std::string& path, const std::string& bytes);

// The pieces of the atomic writer that the kernel's file writers (mapped_npy_output.h in place,
// banded_npy_output.h and band_journal.h out of core) share with it.
// The npy version 1.0 header (magic to '\n', a multiple of 64 bytes) of a float64 C-order array.
std::string npy_header(const std::vector<long>& shape);
// Throws DataError "PATH: cannot write: Is a directory" when the target is a folder.
void refuse_folder_target(const std::string& path);
// Creates a fresh temporary file beside `path` (same folder, so a rename onto `path` is atomic),
// open for reading and writing, with the permissions the umask gives; its name goes to `temp`.
// Returns the descriptor, or -1 with errno set.
int create_temporary(const std::string& path, std::string& temp);
// Writes all of `bytes` to `fd` (at its offset, or its end with O_APPEND) and flushes the file to
// disk (fsync); 0 or the errno of the failure.
int write_and_sync(int fd, const std::string& bytes);
// Flushes a folder's entries (names created, renamed or removed in it) to disk, so that a rename
// into it survives a crash; 0 or the errno of the failure.
int sync_folder(const std::string& folder);
// The folder holding `path` ("." for a bare name).
std::string folder_of(const std::string& path);

}  // namespace sgntk::runtime
