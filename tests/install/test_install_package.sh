#!/usr/bin/env bash
# The package, installed: builds the .deb with CPack from this build, unpacks it into a
# temporary root, checks its layout and declared dependencies, then chats with the bundled demo
# model through the installed ponder-cli and the installed window, offline (no network
# namespace interfaces), while strace proves that nothing is read from the source or build tree.
# Both answers must contain 42; the window is given no model, as on a first start.
#
#   test_install_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(realpath "$1")
source=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. The package, as a user downloads it.
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >cpack.log 2>&1) ||
    { tail -30 "$work/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$work"/pkg/*.deb)
echo "package: $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# 2. Every dependency it declares exists as a Debian package here (a typo would make it
#    uninstallable), and the essential ones are declared.
depends=$(dpkg-deb -f "$deb" Depends)
for needed in libsqlite3-0 libqt6quick6 qml6-module-qtquick-controls qml6-module-qtquick-dialogs; do
    grep -q "$needed" <<<"$depends" || fail "Depends lacks $needed: $depends"
done
for package in $(tr ',' '\n' <<<"$depends" | sed 's/(.*)//; s/ //g'); do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        fail "declared dependency $package is not an installed Debian package"
done

# 3. Install into a temporary root and check the layout. The user's settings and data live in a
#    scratch home; the window renders offscreen.
home="$work/home"
mkdir -p "$home/config/Ponder"
printf '[model]\ncontextLength=1024\n' >"$home/config/Ponder/Ponder.conf"
export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" QT_QPA_PLATFORM=offscreen
export QT_QUICK_BACKEND=software
root="$work/root"
dpkg-deb -x "$deb" "$root"
prefix="$root/usr"
for file in bin/ponder bin/ponder-cli share/ponder/o200k_base.tiktoken \
    share/applications/org.ponder.Ponder.desktop share/metainfo/org.ponder.Ponder.metainfo.xml \
    share/icons/hicolor/scalable/apps/org.ponder.Ponder.svg \
    share/icons/hicolor/256x256/apps/org.ponder.Ponder.png \
    share/doc/ponder/demo-model-recipe/train.py share/doc/ponder/demo-model-recipe/README.md \
    share/doc/ponder/copyright; do
    [ -f "$prefix/$file" ] || fail "the package lacks $file"
done
# The trained demo model (tools/demo-model/README.md): what a first start chats with.
for file in config.json model.safetensors tokenizer.json ponder.json generation_config.json; do
    [ -f "$prefix/share/ponder/demo-model/$file" ] || fail "the package lacks demo-model/$file"
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$prefix/share/applications/org.ponder.Ponder.desktop" ||
        fail "invalid .desktop entry"
fi
"$prefix/bin/ponder-cli" --version | grep -q "ponder" || fail "ponder-cli --version"
"$prefix/bin/ponder" --version | grep -qi "ponder" || fail "ponder --version"

# 4. Chat, offline, from the installed files only. strace records every file opened; a path
#    inside the source or build tree means the installed app is not self-contained.
netns=()
if unshare -n true 2>/dev/null; then netns=(unshare -n); fi
db="$home/history.sqlite3"
cd "$home"
model="$prefix/share/ponder/demo-model"
"${netns[@]}" strace -f -qq -e trace=openat,execve -o "$work/cli.trace" \
    "$prefix/bin/ponder-cli" chat --model "$model" --db "$db" --new --effort high \
    --tools none --prompt "What is 23 + 19?" >"$work/cli.out" 2>"$work/cli.err" ||
    { tail -c 1500 "$work/cli.err"; fail "installed ponder-cli chat failed"; }
grep -q 42 "$work/cli.out" || { tail -c 1500 "$work/cli.out"; fail "the CLI answer lacks 42"; }

"${netns[@]}" strace -f -qq -e trace=openat,execve -o "$work/gui.trace" \
    "$prefix/bin/ponder" --db "$db" --send "What is 23 + 19?" \
    --screenshot "$work/window.png" >"$work/gui.log" 2>&1 ||
    { tail -30 "$work/gui.log"; fail "installed ponder --send failed"; }
[ -s "$work/window.png" ] || fail "no screenshot"
"$prefix/bin/ponder-cli" history export --all --db "$db" --format json --out "$work/all.json"
questions=$(grep -c '"text": "What is 23 + 19?"' "$work/all.json" || true)
[ "$questions" -eq 2 ] || fail "expected the two questions in the history, found $questions"
# The window was given no model: a first start loads the installed demo model.
[ "$(grep -c '"model": "Ponder demo (tiny)"' "$work/all.json")" -eq 2 ] ||
    fail "the window did not start with the demo model"
answers=$(grep -c '"channel": "final"' "$work/all.json" || true)
[ "$answers" -ge 2 ] || fail "expected two stored final answers, found $answers"
[ "$(grep -c '42' "$work/all.json")" -ge 2 ] || fail "the stored answers lack 42"
grep -q '"channel": "analysis"' "$work/all.json" || fail "no reasoning stored"

for trace in "$work/cli.trace" "$work/gui.trace"; do
    if grep -v ENOENT "$trace" | grep -E "\"($source|$build)/" >"$work/leaks"; then
        head -5 "$work/leaks"
        fail "the installed app opened files in the source or build tree ($(basename "$trace"))"
    fi
done
echo "installed package: layout ok, dependencies ok, CLI and window answered offline" \
    "(${netns[*]:-no unshare}) from $prefix only"
