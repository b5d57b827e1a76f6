#!/usr/bin/env bash
# tools/run-gpu-tests.sh (the gpu test stage of tools/gpu-check.sh) without a GPU: a hand-written
# ctest directory stands in for a build, its "gpu tests" shell commands that pass, fail, skip
# (exit 77), crash, or sleep past their TIMEOUT property or past the stage's limit. Checks that a
# test's own limit stops it and the rest still run, that a cut stage keeps what had finished and
# names what was cut or never ran, that the riskiest tests run first, and the exit status.
set -uo pipefail
runner=${1:?usage: $0 <path to tools/run-gpu-tests.sh>}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect <description> <command...>
    local what=$1
    shift
    if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
result_of() {  # result_of <results file> <test>
    sed -nE "s/^$2 ([^ ]+).*/\1/p" "$1"
}

# gpu_test <name> <shell command> <timeout>: one test as tests/gpu/ponder_gpu_test.cmake makes it.
gpu_test() {
    printf 'add_test(%s "/bin/sh" "-c" "%s")\n' "$1" "$2"
    printf 'set_tests_properties(%s PROPERTIES LABELS gpu SKIP_RETURN_CODE 77 TIMEOUT %s)\n' "$1" "$3"
}

# 1. Per-test limits: the slow test is stopped at its 2 s TIMEOUT (not the stage's 60 s) and
#    every other test still reports; the "riskiest" test runs first even though listed last.
mkdir -p "$work/limits"
{
    gpu_test pass_a "echo PASS a" 600
    gpu_test fail_b "echo FAIL b; exit 1" 600
    gpu_test skip_c "echo SKIP: no device; exit 77" 600
    gpu_test slow_d "sleep 30" 2
    gpu_test crash_e "kill -SEGV \$\$" 600
    gpu_test risky_f "echo PASS f" 600
} > "$work/limits/CTestTestfile.cmake"
PONDER_GPU_TESTS_FIRST='risky_' PONDER_GPU_TEST_JOBS=1 \
    bash "$runner" "$work/limits" 60 "$work/limits-out/tests.log" > "$work/limits.out" 2>&1
status=$?
results=$work/limits-out/tests-results.txt
expect "a failing stage exits non-zero" [ "$status" -ne 0 ]
expect "pass_a passed" [ "$(result_of "$results" pass_a)" = Passed ]
expect "fail_b failed" [ "$(result_of "$results" fail_b)" = Failed ]
expect "skip_c skipped" [ "$(result_of "$results" skip_c)" = Skipped ]
expect "slow_d stopped by its own TIMEOUT" [ "$(result_of "$results" slow_d)" = Timeout ]
expect "crash_e reported as an exception" \
    [ "$(result_of "$results" crash_e | cut -c1-10)" = Exception: ]
expect "risky_f ran first" [ "$(head -1 "$results" | cut -d' ' -f1)" = risky_f ]
expect "the count line is truthful" \
    grep -q "gpu tests: 2 passed, 3 failed, 1 skipped, 0 cut or not run (of 6)" "$work/limits.out"

# 2. A cut stage: the stage's 10 s run out while hang_b sleeps (its own limit is 600 s). pass_a's
#    result survives, hang_b is "cut", late_c "not-run", and the stage fails. (10 s leaves pass_a
#    room to finish on a loaded machine; hang_b would take 300.)
mkdir -p "$work/cut"
{
    gpu_test pass_a "echo PASS a" 600
    gpu_test hang_b "sleep 300" 600
    gpu_test late_c "echo PASS c" 600
} > "$work/cut/CTestTestfile.cmake"
start=$(date +%s)
PONDER_GPU_TEST_JOBS=1 bash "$runner" "$work/cut" 10 "$work/cut-out/tests.log" > "$work/cut.out" 2>&1
status=$?
took=$(( $(date +%s) - start ))
results=$work/cut-out/tests-results.txt
expect "a cut stage exits non-zero" [ "$status" -ne 0 ]
expect "the stage ended near its limit, not at the test's (took ${took}s)" [ "$took" -lt 120 ]
expect "pass_a's result kept" [ "$(result_of "$results" pass_a)" = Passed ]
expect "hang_b reported as cut" [ "$(result_of "$results" hang_b)" = cut ]
expect "late_c reported as not run" [ "$(result_of "$results" late_c)" = not-run ]
expect "the count line says 2 cut or not run" \
    grep -q "gpu tests: 1 passed, 0 failed, 0 skipped, 2 cut or not run (of 3)" "$work/cut.out"

# 3. All passed or skipped: exit 0.
mkdir -p "$work/green"
{
    gpu_test pass_a "echo PASS a" 600
    gpu_test skip_b "exit 77" 600
} > "$work/green/CTestTestfile.cmake"
bash "$runner" "$work/green" 60 "$work/green-out/tests.log" > "$work/green.out" 2>&1
expect "passed + skipped exits 0" [ $? -eq 0 ]

if [ "$failures" -gt 0 ]; then
    echo "--- runner output (limits):"; cat "$work/limits.out"
    echo "--- runner output (cut):"; cat "$work/cut.out"
    exit 1
fi
echo "run-gpu-tests.sh: all checks passed"
