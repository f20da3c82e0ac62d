#!/bin/sh
# Install the Debian packages gprior needs, only those that are missing.
# Usage: scripts/install-deps.sh [extra-package ...]
# Called by the Makefile before every build, so it must be quick when all is there.
set -eu

packages="build-essential pkg-config liblua5.4-dev lua5.4 libopenblas-dev liblapacke-dev \
gnuplot-nox libcmocka-dev libfftw3-dev libgsl-dev libnlopt-dev libreadline-dev parallel $*"

missing=""
for p in $packages; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"ok installed"*) ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing$missing" >&2
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    echo "install-deps: need root (or sudo) to install:$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
# shellcheck disable=SC2086
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
