#!/usr/bin/env bash
# The README's second command: set up, build, and run every test that needs no GPU and no large
# model (labels unit and ui; gpu tests report "skipped" here). `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset ci
cmake --build --preset ci
ctest --preset ci "$@"
