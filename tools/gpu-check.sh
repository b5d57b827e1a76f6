#!/usr/bin/env bash
# One script for a machine with an NVIDIA GPU (docs/architecture.md §7), made to run once inside a
# short device lease (budget: 9 minutes on an H100 including the build):
#   1. builds for the GPU present (CMAKE_CUDA_ARCHITECTURES from nvidia-smi's compute_cap) in the
#      PONDER_ENGINE_ONLY configuration: engine core, CUDA module, ponder-cli's model commands,
#      gpu tests, kernel benchmark. Needs no Qt, SQLite or PCRE2; nlohmann/json comes from the
#      system, from .gpu-deps/include (tools/stage-gpu-deps.sh, carried along), or from a Python
#      package that ships it. Without any, or with PONDER_GPU_KERNELS_ONLY=1, it builds the kernels
#      and their tests alone (tools/gpu-kernels).
#   2. runs every gpu test (kernels and backend; the riskiest kernels first) through
#      tools/run-gpu-tests.sh: each test stopped after PONDER_GPU_TEST_TIMEOUT seconds (default
#      240, set at configure time: a test's TIMEOUT property overrides ctest's --timeout), full
#      output in <log>-tests.log, one result line per test in <log>-tests-results.txt as it ends;
#   3. benchmarks gpt-oss-20b with random weights made on the GPU (no 13 GB checkpoint to write):
#      decode at context 0, 4k and 32k (the cache filled with synthetic keys/values on the device),
#      prefill of 512 and 4096 tokens;
#   4. runs the per-kernel benchmark, then prints one summary table (last, so a truncated reply
#      still shows it).
# Everything ends by PONDER_GPU_CHECK_LIMIT seconds (default 540): each stage after the build runs
# under a timeout of what is left, and a stage that would get under 20 s is skipped and says so.
# Logs go to $PONDER_GPU_LOG (default gpu-check.log, or $OUT/gpu-check.log when $OUT is set).
# <log>-stages.txt gets one line per stage the moment it ends, so even a run killed from outside
# leaves a truthful record of what finished.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
log=${PONDER_GPU_LOG:-${OUT:+$OUT/}gpu-check.log}
test_log=${log%.log}-tests.log
stages=${log%.log}-stages.txt
limit=${PONDER_GPU_CHECK_LIMIT:-540}
: > "$log"
: > "$stages"
exec > >(tee -a "$log") 2>&1
start=$(date +%s)
say() { printf '%s\n' "$*"; }
elapsed() { echo $(( $(date +%s) - start ))s; }
stage() { printf '%s (at %s)\n' "$*" "$(elapsed)" >> "$stages"; }  # stage <what happened>
# Seconds a stage may take: its own cap, or what is left before the limit (10 s kept for the
# summary); 0 when under 20 s would remain.
allowance() {
    local left=$(( limit - ($(date +%s) - start) - 10 ))
    local cap=$1
    [ "$left" -lt "$cap" ] && cap=$left
    [ "$cap" -lt 20 ] && cap=0
    echo "$cap"
}

say "== gpu-check $(date -u +%FT%TZ) on $(hostname), limit ${limit}s"
nvidia-smi --query-gpu=name,memory.total,memory.used,driver_version,compute_cap,clocks.sm,clocks.mem \
    --format=csv,noheader 2>&1 || say "nvidia-smi failed"
say "$(/usr/local/cuda/bin/nvcc --version 2>&1 | tail -1), cmake $(cmake --version | head -1 | cut -d' ' -f3), $(nproc) cores"

# Build for the GPU that is here: its compute capability without the dot (9.0 -> 90).
cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' .')
arch=${PONDER_CUDA_ARCH:-${cap:-90}}
cuda_flags=(-G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch"
            -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc
            -DPONDER_GPU_TEST_TIMEOUT="${PONDER_GPU_TEST_TIMEOUT:-240}")

# nlohmann/json: the only library the engine core needs (header-only).
json_dir=""
for dir in .gpu-deps/include /usr/include /usr/local/include; do
    if [ -f "$dir/nlohmann/json.hpp" ]; then json_dir=$(cd "$dir" && pwd); break; fi
done
if [ -z "$json_dir" ] && command -v python3 >/dev/null; then
    for site in $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
        hit=$(find "$site" -maxdepth 5 -path '*/nlohmann/json.hpp' 2>/dev/null | head -1)
        if [ -n "$hit" ]; then json_dir=$(dirname "$(dirname "$hit")"); break; fi
    done
fi

full=0
if [ "${PONDER_GPU_KERNELS_ONLY:-0}" != 1 ] && [ -n "$json_dir" ]; then
    say "== configure (sm_$arch, engine only, nlohmann/json from $json_dir) ($(elapsed))"
    if cfg=$(cmake -S . -B build-gpu "${cuda_flags[@]}" -DPONDER_ENGINE_ONLY=ON -DPONDER_CUDA=ON \
                 -DPONDER_JSON_INCLUDE_DIR="$json_dir" 2>&1); then
        build="build-gpu"
        full=1
    else
        say "$cfg" | grep -iE "error|could not|not found" | head -8
    fi
elif [ -z "$json_dir" ]; then
    say "== no nlohmann/json.hpp anywhere (run tools/stage-gpu-deps.sh and carry .gpu-deps):"
    say "   the CUDA backend cannot be built; kernels and their tests only"
fi
if [ "$full" = 0 ]; then
    say "== configure the kernels alone (tools/gpu-kernels, sm_$arch) ($(elapsed))"
    cmake -S tools/gpu-kernels -B build-gpu-kernels "${cuda_flags[@]}" >/dev/null \
        || { say "configure FAILED"; stage "configure FAILED"; exit 1; }
    build="build-gpu-kernels"
fi
say "== build in $build ($(elapsed))"
if ! cmake --build "$build" -j "$(nproc)" > "${log%.log}-build.log" 2>&1; then
    grep -E "error|FAILED" "${log%.log}-build.log" | head -30
    say "build FAILED ($(elapsed)); full output in ${log%.log}-build.log"
    stage "build FAILED in $build"
    exit 1
fi
say "== build done ($(elapsed))"
stage "build done in $build (sm_$arch)"

if [ "$full" = 1 ]; then ./build-gpu/ponder-cli backend --backend cuda; fi

say "== gpu tests ($(elapsed)); full output in $test_log"
test_time=$(allowance 300)
test_summary=""
if [ "$test_time" -gt 0 ]; then
    test_summary=$(bash tools/run-gpu-tests.sh "$build" "$test_time" "$test_log")
    say "$test_summary"
    stage "${test_summary##*$'\n'}"  # its count line
else
    say "gpu tests skipped: the ${limit}s limit is reached" | tee "$test_log"
    stage "gpu tests skipped (time limit)"
fi
# The programs' own result lines (-V prefixes them with the test number).
grep -E "^[0-9]+: (FAIL|SKIP)" "$test_log" | head -60
grep -E "^[0-9]+: PASS .*(rel L2|nucleus|argmax|truncate|cancel|refused|CPU because)" "$test_log" |
    sed 's/^[0-9]*: //' | head -40
passes=$(grep -cE "^[0-9]+: PASS" "$test_log")

# gpt-oss-20b, random weights on the GPU. Rows: label | arguments.
bench_cases=(
    "decode, context 0|--prompt-tokens 1 --gen-tokens 128"
    "decode, context 4k|--prompt-tokens 1 --gen-tokens 128 --context-depth 4096 --depth-fill synthetic"
    "decode, context 32k|--prompt-tokens 1 --gen-tokens 128 --context-depth 32768 --depth-fill synthetic"
    "prefill 512|--prompt-tokens 512 --gen-tokens 16"
    "prefill 4096|--prompt-tokens 4096 --gen-tokens 16"
)
bench_rows=()
if [ "$full" = 1 ]; then
    for case in "${bench_cases[@]}"; do
        label=${case%%|*}
        bench_time=$(allowance 90)
        if [ "$bench_time" = 0 ]; then
            say "== bench '$label' skipped: the ${limit}s limit is reached ($(elapsed))"
            bench_rows+=("$label|skipped (time limit)")
            stage "bench $label: skipped (time limit)"
            continue
        fi
        say "== bench $label ($(elapsed))"
        # shellcheck disable=SC2086  # the case's arguments are meant to split
        out=$(timeout "$bench_time" ./build-gpu/ponder-cli bench --backend cuda \
                  --random-weights 20b ${case#*|} 2>&1)
        say "$out"
        row=$(printf '%s\n' "$out" | grep '^bench-row:' | tail -1)
        bench_rows+=("$label|${row:-failed: $(printf '%s' "$out" | tail -1 | cut -c1-120)}")
        stage "bench $label: ${bench_rows[-1]#*|}"
    done
fi

kernel_bench=""
if [ -x "$build/ponder-kernel-bench" ]; then
    kernel_time=$(allowance 120)
    if [ "$kernel_time" = 0 ]; then
        say "== kernel benchmark skipped: the ${limit}s limit is reached ($(elapsed))"
    else
        say "== kernel benchmark ($(elapsed))"
        kernel_bench=$(timeout "$kernel_time" "./$build/ponder-kernel-bench" 2>&1)
        say "$kernel_bench"
        stage "kernel benchmark ended"
    fi
fi

field() {  # field <bench-row> <key>
    printf '%s\n' "$1" | tr ' ' '\n' | grep "^$2=" | cut -d= -f2
}
say ""
say "================ gpu-check summary ($(elapsed)) ================"
nvidia-smi --query-gpu=name,driver_version,compute_cap --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /'
if [ -n "$test_summary" ]; then
    say "$test_summary"
    say "($passes PASS lines from the tests' own checks; FAIL lines listed above)"
else
    say "gpu tests: none ran (the time limit was reached first)"
fi
if [ -n "$kernel_bench" ]; then
    printf '%s\n' "$kernel_bench" | grep -E "^(kernel|NVIDIA|decode estimate)|^[a-zA-Z0-9_]+.* [0-9]+%" |
        sed 's/^/kernel bench: /'
fi
if [ "${#bench_rows[@]}" -gt 0 ]; then
    say "gpt-oss-20b (random weights), batch 1:"
    printf '%-22s %12s %12s %9s %10s %10s %6s %10s %10s\n' "case" "prefill t/s" "decode t/s" \
        "GB/token" "eff GB/s" "copy GB/s" "ratio" "VRAM GB" "device GB"
    for entry in "${bench_rows[@]}"; do
        label=${entry%%|*}
        row=${entry#*|}
        if [[ "$row" != bench-row:* ]]; then printf '%-22s %s\n' "$label" "$row"; continue; fi
        printf '%-22s %12s %12s %9.3f %10s %10s %6s %10s %10s\n' "$label" \
            "$(field "$row" prefill_tok_s)" "$(field "$row" decode_tok_s)" \
            "$(awk "BEGIN { print $(field "$row" bytes_per_token) / 1e9 }")" \
            "$(field "$row" effective_gb_s)" "$(field "$row" copy_gb_s)" "$(field "$row" ratio)" \
            "$(field "$row" peak_vram_gb)" "$(field "$row" device_used_gb)"
    done
    say "targets (H100): decode >= 600 t/s at 0, >= 500 at 32k; prefill 4096 >= 20000 t/s; VRAM <= 15 GB at 32k"
fi
say "full log: $log; stage record: $stages"
