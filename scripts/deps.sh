#!/usr/bin/env bash
# deps.sh - install the Debian packages quarry needs to build and test.
#
# Idempotent and quick: it asks dpkg which packages are missing and only then
# runs apt-get (update + install).  Safe under CI=true: never prompts.
# Prints one line saying what it did.  Exits non-zero if an install fails.
#
#   scripts/deps.sh          what build, test and the matrix need
#   scripts/deps.sh --i386   also the 32-bit toolchain and libraries, so the
#                            matrix adds a gcc -m32 build (adds dpkg's i386
#                            architecture; optional, never needed by CI)
#
# Keep this list the single place that names the project's system packages;
# the Makefile and .ci/run call this script, nothing else installs.
set -euo pipefail

packages=(
    cmake make gcc clang pkg-config
    binutils                 # nm, objdump (tests/purity)
    coreutils diffutils findutils grep sed   # sha256sum, cmp, diff (tests/determinism)
    libjansson-dev           # replay/: JSON
    libxxhash-dev            # kernel/: header-only hash
    libzstd-dev              # adapters/region: zstd region files
    zlib1g-dev               # adapters/region: CRC32; the bench's Anvil baseline
    libedit-dev              # cli/: line editing in quarry repl
    libegl-dev libgles-dev   # adapters/render: EGL + GLES 3.0 headers and loaders
    libegl-mesa0 libgl1-mesa-dri   # Mesa's EGL and llvmpipe (renders with no GPU)
    libpng-dev               # adapters/render: PNG output
    libclang-rt-14-dev       # clang's ASan/UBSan runtimes (dev preset, matrix)
)

case "${1:-}" in
    "") ;;
    # gcc-N-multilib rather than gcc-multilib, which conflicts with the
    # aarch64 cross compiler (gcc-aarch64-linux-gnu).
    --i386) gcc_major=$( (gcc -dumpversion 2>/dev/null || echo 12) | cut -d. -f1)
            packages+=("gcc-$gcc_major-multilib" libc6-dev-i386
                       libjansson-dev:i386 libxxhash-dev:i386 libzstd-dev:i386
                       zlib1g-dev:i386 libedit-dev:i386) ;;
    *) echo "usage: $0 [--i386]" >&2; exit 2 ;;
esac

# One dpkg-query for all of them.  A package may be listed once per
# architecture (libjansson-dev for amd64 and for i386): a plain name wants
# the native or architecture-independent one, name:arch that architecture.
native=$(dpkg --print-architecture)
declare -A installed=()
while IFS=' ' read -r name arch want ok state; do
    [ "$want $ok $state" = "install ok installed" ] && installed[${name%%:*}:$arch]=1
done < <(dpkg-query -W -f='${Package} ${Architecture} ${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
    case "$p" in
        *:*) [ -n "${installed[$p]:-}" ] ;;
        *) [ -n "${installed[$p:$native]:-}${installed[$p:all]:-}" ] ;;
    esac || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#packages[@]} packages present, nothing to do"
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        sudo=(sudo -n)
    else
        echo "deps: missing ${missing[*]} and not root (no sudo): install them and re-run" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# An index that fails to refresh (a mirror mid-sync) is not fatal by itself:
# the install below decides.
if ! { if [ "${1:-}" = --i386 ] && ! dpkg --print-foreign-architectures | grep -qx i386; then
           "${sudo[@]}" dpkg --add-architecture i386
       fi
       "${sudo[@]}" apt-get update -q || echo "deps: apt-get update reported errors, trying the install anyway";
       "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
       >"$log" 2>&1; then
    cat "$log" >&2
    echo "deps: FAILED to install: ${missing[*]}" >&2
    exit 1
fi
echo "deps: installed ${missing[*]}"
