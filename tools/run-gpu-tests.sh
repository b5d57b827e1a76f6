#!/usr/bin/env bash
# Runs the gpu tests of one build within a time limit and records each test's result the moment
# ctest reports it, so a run that is cut short still says what passed (tools/gpu-check.sh's test
# stage):
#   tools/run-gpu-tests.sh <build dir> <seconds> <log>
# <log> gets ctest's full output (-V). <log minus .log>-results.txt gets one line per test as it
# ends, "<name> <result> <seconds>" (result: Passed, Failed, Skipped, Timeout, Exception:...), and,
# once the run ends or is cut, "<name> cut" for a test that had started and "<name> not-run" for
# one that had not. Prints one line per test and a count; exit 0 when every test passed or was
# skipped.
#
# Each test's own limit is its TIMEOUT property, set at configure time from PONDER_GPU_TEST_TIMEOUT
# (tests/gpu/ponder_gpu_test.cmake): ctest's --timeout only applies to tests without that property
# (ctest 3.25), so it would change nothing here. Tests matching $PONDER_GPU_TESTS_FIRST (the
# riskiest kernels) run before the rest, so a cut run has tried them.
set -uo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 <build dir> <seconds> <log>" >&2
    exit 2
fi
build=$1
seconds=$2
log=$3
results=${log%.log}-results.txt
first=${PONDER_GPU_TESTS_FIRST:-gpu_kernels_(primitives|attention|moe|graph)}
jobs=${PONDER_GPU_TEST_JOBS:-3}
deadline=$(( $(date +%s) + seconds ))
mkdir -p "$(dirname "$log")"
: > "$log"
: > "$results"

# Every gpu test of the build, in ctest's order.
mapfile -t tests < <(ctest --test-dir "$build" -N -L gpu | sed -nE 's/^ *Test +#[0-9]+: +([^ ]+).*/\1/p')

started=" "
# run_pass <ctest selection args...>: one ctest run under the time that is left; result lines
# are appended as ctest prints them.
run_pass() {
    local left=$(( deadline - $(date +%s) )) line name
    [ "$left" -gt 0 ] || return 0
    # timeout signals ctest's whole process group, so a test running when the time is up ends too.
    while IFS= read -r line; do
        printf '%s\n' "$line" >> "$log"
        if [[ "$line" =~ ^\ *Start\ +[0-9]+:\ +([^ ]+) ]]; then
            started+="${BASH_REMATCH[1]} "
        elif [[ "$line" =~ ^\ *[0-9]+/[0-9]+\ Test\ +#[0-9]+:\ +([^ ]+)\ [.]*\ *(\*\*\*)?(.*[^ ])\ +([0-9.]+)\ sec ]]; then
            name=${BASH_REMATCH[1]}
            printf '%s %s %s\n' "$name" "${BASH_REMATCH[3]// /_}" "${BASH_REMATCH[4]}" >> "$results"
        fi
    done < <(timeout -k 5 "$left" ctest --test-dir "$build" -L gpu -j "$jobs" -V "$@" 2>&1)
}
run_pass -R "$first"
run_pass -E "$first"

# Tests that never reported a result: cut while running, or never started.
for name in "${tests[@]}"; do
    grep -q "^$name " "$results" && continue
    if [[ "$started" == *" $name "* ]]; then echo "$name cut" >> "$results"
    else echo "$name not-run" >> "$results"; fi
done

passed=0 failed=0 skipped=0 missing=0
while read -r name result secs; do
    case "$result" in
        Passed) passed=$((passed + 1)) ;;
        Skipped) skipped=$((skipped + 1)) ;;
        cut|not-run) missing=$((missing + 1)) ;;
        *) failed=$((failed + 1)) ;;
    esac
    printf '  %-28s %-22s %s\n' "$name" "$result" "${secs:+${secs} s}"
done < "$results"
echo "gpu tests: $passed passed, $failed failed, $skipped skipped, $missing cut or not run (of ${#tests[@]})"
[ "$failed" -eq 0 ] && [ "$missing" -eq 0 ]
