#!/usr/bin/env bash
# Enforces docs/architecture.md §1: dependencies point one way only
#   kernels -> engine -> app/core -> app/cli, app/gui -> ui
# A file may include project headers from its own layer and the layers below it; the Qt-free
# layers (kernels, engine, app/core, app/cli) include no Qt header at all.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root"
status=0

check() {  # check <dir> <regex of forbidden includes> <why>
    local dir=$1 forbidden=$2 why=$3 hits
    [ -d "$dir" ] || return 0
    hits=$(grep -rnE "^\s*#\s*include\s*[<\"]($forbidden)" "$dir" \
        --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cu' --include='*.cuh' || true)
    if [ -n "$hits" ]; then
        echo "layer violation ($why):"
        echo "$hits"
        status=1
    fi
}

check kernels    'engine/|app/|ui/|Q[A-Z]|Qt'  'kernels know dtypes and shapes only'
check engine     'app/|ui/|Q[A-Z]|Qt'          'the engine is Qt-free and knows nothing of chats'
check app/core   'app/gui/|app/cli/|ui/|Q[A-Z]|Qt' 'app/core is Qt-free and knows nothing of windows'
check app/cli    'app/gui/|ui/|Q[A-Z]|Qt'      'ponder-cli must build without Qt'
check app/gui    'app/cli/'                    'the GUI and the CLI share app/core, not each other'

if [ $status -eq 0 ]; then echo "layers ok"; fi
exit $status
