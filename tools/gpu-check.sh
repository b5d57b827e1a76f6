#!/usr/bin/env bash
# One script for a machine with an NVIDIA GPU (design.md §7): builds the engine, kernels,
# ponder-cli and gpu tests with CUDA for the GPU present (no Qt needed), runs the gpu tests, the
# per-kernel benchmark and the CUDA model benchmark, and prints one short table. Where the app's
# libraries (SQLite, nlohmann/json, PCRE2) are missing it builds the kernels and their gpu tests
# alone (tools/gpu-kernels; also with PONDER_GPU_KERNELS_ONLY=1). Logs go to $PONDER_GPU_LOG (default gpu-check.log, or
# $OUT/gpu-check.log when $OUT is set); every gpu test's full output to <log>-tests.log.
set -uo pipefail
cd "$(dirname "$0")/.."
log=${PONDER_GPU_LOG:-${OUT:+$OUT/}gpu-check.log}
test_log=${log%.log}-tests.log
: > "$log"
exec > >(tee -a "$log") 2>&1
start=$(date +%s)
say() { printf '%s\n' "$*"; }
elapsed() { echo $(( $(date +%s) - start ))s; }

say "== gpu-check $(date -u +%FT%TZ) on $(hostname)"
nvidia-smi --query-gpu=name,memory.total,driver_version,compute_cap --format=csv,noheader 2>&1 || say "nvidia-smi failed"

# Build for the GPU that is here: its compute capability, without the dot (9.0 -> 90).
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
arch=${PONDER_CUDA_ARCH:-${cap:-90}}
cuda_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch"
            -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc)
say "== configure (sm_$arch, no Qt)"
# PONDER_GPU_KERNELS_ONLY=1 skips the app and builds only the kernels and their tests (faster).
if [ "${PONDER_GPU_KERNELS_ONLY:-0}" != 1 ] &&
   cfg=$(cmake -S . -B build-gpu "${cuda_flags[@]}" -DPONDER_GUI=OFF -DPONDER_CUDA=ON 2>&1); then
    build=build-gpu
    full=1
else
    [ -n "${cfg:-}" ] && say "$cfg" | grep -iE "error|could not|not found" | head -5
    say "== building the kernels alone (tools/gpu-kernels)"
    cmake -S tools/gpu-kernels -B build-gpu-kernels "${cuda_flags[@]}" >/dev/null \
        || { say "configure FAILED"; exit 1; }
    build=build-gpu-kernels
    full=0
fi
say "== build in $build ($(elapsed))"
cmake --build "$build" -j "$(nproc)" >/dev/null || { cmake --build "$build" -j 1 2>&1 | tail -40; say "build FAILED"; exit 1; }
say "== build done ($(elapsed))"

[ "$full" = 1 ] && ./build-gpu/ponder-cli backend --backend cuda
say "== gpu tests ($(elapsed)); full output in $test_log"
ctest --test-dir "$build" -L gpu -j 4 -V > "$test_log" 2>&1
grep -E "^[0-9]+: (PASS|FAIL|SKIP)" "$test_log" | grep -vE ": PASS" | head -60
grep -E "tests passed|tests failed|\(Failed\)|\(Not Run\)|\(Timeout\)|\(Skipped\)" "$test_log" | tail -20
gpu_tests=$(grep -E "tests passed|tests failed" "$test_log" | tail -1)
passes=$(grep -cE "^[0-9]+: PASS" "$test_log")

kernel_bench=""
if [ -x "$build/ponder-kernel-bench" ]; then
    say "== kernel benchmark ($(elapsed))"
    kernel_bench=$("./$build/ponder-kernel-bench" 2>&1)
    say "$kernel_bench"
fi

bench_rows=()
model=${PONDER_BENCH_MODEL:-/tmp/ponder-gptoss-20b-random}
if [ "$full" = 1 ] && ./build-gpu/ponder-cli help 2>/dev/null | grep -q "make-model"; then
    if [ ! -f "$model/config.json" ]; then
        say "== writing a random 20b-shaped checkpoint to $model ($(elapsed))"
        ./build-gpu/ponder-cli make-model --preset 20b --out "$model" --seed 1 || say "make-model FAILED"
    fi
    for args in "--prompt-tokens 1 --gen-tokens 64 --context-depth 0" \
                "--prompt-tokens 1 --gen-tokens 64 --context-depth 4096" \
                "--prompt-tokens 1 --gen-tokens 64 --context-depth 32768" \
                "--prompt-tokens 512 --gen-tokens 1" \
                "--prompt-tokens 4096 --gen-tokens 1"; do
        say "== bench $args ($(elapsed))"
        out=$(./build-gpu/ponder-cli bench --model "$model" --backend cuda $args 2>&1)
        say "$out"
        bench_rows+=("$args | $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-160)")
    done
else
    say "== ponder-cli bench skipped (no full build, or ponder-cli has no make-model yet)"
fi

say ""
say "================ gpu-check summary ($(elapsed)) ================"
say "gpu tests: ${gpu_tests:-none ran} ($passes PASS lines; failures listed above)"
if [ -n "$kernel_bench" ]; then
    printf '%s\n' "$kernel_bench" | grep -E "^(kernel|NVIDIA|decode estimate)|^[a-zA-Z0-9_]+.* [0-9]+%" | sed 's/^/kernel bench: /'
fi
for row in "${bench_rows[@]}"; do say "bench: $row"; done
say "full log: $log"
