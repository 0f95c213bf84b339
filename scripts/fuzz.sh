#!/usr/bin/env bash
# Fuzzes the front end: builds tests/fuzz (libFuzzer + ASan + UBSan, clang-14) in build-fuzz/,
# seeds a corpus with every spec of specs/, tests/errors/ and tests/fuzz/corpus/ (experiment
# statements, nested lists, d/dx chains: what the others barely reach), and runs for
# ${SGNTK_FUZZ_SECONDS:-60} seconds. Exits non-zero on any crash, leak, timeout or UB; the
# failing input is left in build-fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
build=build-fuzz
seconds="${SGNTK_FUZZ_SECONDS:-60}"

# The libraries get coverage instrumentation and sanitizers too, so the fuzzer sees inside them.
sanitize="-fsanitize=address,undefined -fno-sanitize-recover=all -fsanitize=fuzzer-no-link"
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSGNTK_BUILD_FUZZ=ON -DSGNTK_BUILD_TESTS=OFF -DSGNTK_BUILD_BENCH=OFF \
  -DCMAKE_C_FLAGS="$sanitize" -DCMAKE_CXX_FLAGS="$sanitize" >/dev/null
cmake --build "$build" --target fuzz_load_spec -j "${SGNTK_JOBS:-2}"

seeds="$build/seeds"
corpus="$build/corpus"
rm -rf "$seeds"
mkdir -p "$seeds" "$corpus" "$build/artifacts"
find specs tests/errors tests/fuzz/corpus -name '*.sgntk' -exec cp {} "$seeds/" \;

echo "fuzz: running for ${seconds}s on $(ls "$seeds" | wc -l) seed specs"
"$build/fuzz_load_spec" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=8192 \
  -artifact_prefix="$build/artifacts/" -print_final_stats=1 "$corpus" "$seeds"
