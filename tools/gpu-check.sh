#!/usr/bin/env bash
# One script for a machine with an NVIDIA GPU (design.md §7): builds the engine, kernels,
# ponder-cli and gpu tests with CUDA for the GPU present (no Qt needed), runs the gpu tests and
# the CUDA benchmark, and prints one short table. The full log goes to $PONDER_GPU_LOG
# (default: gpu-check.log, or $OUT/gpu-check.log when $OUT is set).
set -uo pipefail
cd "$(dirname "$0")/.."
log=${PONDER_GPU_LOG:-${OUT:+$OUT/}gpu-check.log}
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
say "== configure (sm_$arch, no Qt)"
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DPONDER_GUI=OFF -DPONDER_CUDA=ON \
      -DCMAKE_CUDA_ARCHITECTURES="$arch" -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc >/dev/null \
    || { say "configure FAILED"; exit 1; }
say "== build ($(elapsed))"
cmake --build build-gpu -j "$(nproc)" >/dev/null || { cmake --build build-gpu -j 1 2>&1 | tail -40; say "build FAILED"; exit 1; }
say "== build done ($(elapsed))"

./build-gpu/ponder-cli backend --backend cuda
say "== gpu tests ($(elapsed))"
ctest --test-dir build-gpu -L gpu --output-on-failure 2>&1 | tail -30
gpu_tests=$(ctest --test-dir build-gpu -L gpu 2>&1 | grep -E "tests passed|tests failed" | tail -1)

bench_rows=()
model=${PONDER_BENCH_MODEL:-/tmp/ponder-gptoss-20b-random}
if ./build-gpu/ponder-cli help 2>/dev/null | grep -q "make-model"; then
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
    say "== ponder-cli has no make-model yet: benchmark skipped"
fi

say ""
say "================ gpu-check summary ($(elapsed)) ================"
say "gpu tests: ${gpu_tests:-none ran}"
for row in "${bench_rows[@]}"; do say "bench: $row"; done
say "full log: $log"
