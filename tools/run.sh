#!/usr/bin/env bash
# The README's first command: set up, build, and launch the Ponder desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset default
cmake --build --preset default --target ponder ponder-cli
exec ./build/ponder "$@"
