#!/usr/bin/env bash
# Installs exactly what Ponder's build and tests need from Debian/Ubuntu packages.
# Idempotent: when everything is present it changes nothing and needs no network.
# Runs as root, or through sudo for a normal user.
set -euo pipefail

# Build: compiler, CMake, Qt 6.4+ (Quick/Controls/Test), SQLite, nlohmann/json, PCRE2.
# Run time: the QML modules (each is its own package; a missing one fails only at run time).
# Tests: a headless X server, strace and unshare (the offline tests), and fonts that cover
# Korean/CJK and emoji.
# The local API (`ponder-cli serve`): cpp-httplib, chosen over Qt HttpServer 6.4 because it
# streams a response in chunks from the request's own thread (server-sent events) and reports a
# failed write, and it needs no Qt (ponder-cli builds without Qt); Qt HttpServer 6.4 can only send
# a whole response at once (chunked streaming came in 6.8). Node.js runs the API test with the
# official `openai` npm package.
packages=(
    cmake ninja-build g++ pkg-config ccache git
    qt6-base-dev qt6-declarative-dev
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-templates
    qml6-module-qtquick-layouts qml6-module-qtquick-dialogs qml6-module-qtquick-window
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
    qml6-module-qt-labs-folderlistmodel qml6-module-qttest
    nlohmann-json3-dev libsqlite3-dev libpcre2-dev libcpp-httplib-dev
    xvfb xauth strace util-linux
    fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji
)

die() { echo "setup: $*" >&2; exit 1; }

[ -r /etc/os-release ] || die "cannot tell which system this is (no /etc/os-release); Ponder's setup supports Debian 12+ and Ubuntu 24.04+"
# shellcheck disable=SC1091
. /etc/os-release
case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "*|*" ubuntu "*) ;;
    *) die "this is ${PRETTY_NAME:-an unknown system}; the setup script supports Debian 12+ and Ubuntu 24.04+ (apt). Install the packages listed in tools/setup.sh by hand elsewhere." ;;
esac
if [ "${ID:-}" = debian ] && [ -n "${VERSION_ID:-}" ] && [ "${VERSION_ID%%.*}" -lt 12 ]; then
    die "Debian ${VERSION_ID} ships no Qt 6.4; Ponder needs Debian 12 (bookworm) or newer"
fi
if [ "${ID:-}" = ubuntu ] && [ -n "${VERSION_ID:-}" ] && [ "${VERSION_ID%%.*}" -lt 24 ]; then
    die "Ubuntu ${VERSION_ID} ships Qt older than 6.4; Ponder needs Ubuntu 24.04 or newer"
fi

# npm comes with Node.js from NodeSource and is a package of its own in Debian: ask for it only
# where no npm is on the PATH, so that a NodeSource install is not fought over.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#packages[@]} packages are installed"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null; then
    sudo=(sudo)
else
    die "need root or sudo to install: ${missing[*]}"
fi

echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}"
echo "setup: done"
