#!/usr/bin/env bash
# Run on a build machine BEFORE a GPU session: copies the one header-only library the engine
# needs (nlohmann/json) into .gpu-deps/include, for GPU machines that lack the package (they have
# CUDA, CMake and ninja, but no Qt and no -dev packages, and nothing can be installed there).
# .gpu-deps is git-ignored: pass it along with the working tree, e.g. the device tool's
# carry=[".gpu-deps"]. tools/gpu-check.sh uses it when the system has no nlohmann/json.
set -euo pipefail
cd "$(dirname "$0")/.."
source=""
for dir in /usr/include /usr/local/include; do
    if [ -f "$dir/nlohmann/json.hpp" ]; then source=$dir/nlohmann; break; fi
done
if [ -z "$source" ]; then
    echo "stage-gpu-deps: no nlohmann/json.hpp here (apt-get install nlohmann-json3-dev)" >&2
    exit 1
fi
rm -rf .gpu-deps
mkdir -p .gpu-deps/include
cp -r "$source" .gpu-deps/include/
echo "staged $(du -sh .gpu-deps | cut -f1) from $source into .gpu-deps/include (carry .gpu-deps)"
