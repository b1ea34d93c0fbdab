#!/usr/bin/env bash
# Configures and builds salonsim (Release) in build/ (or $SALONSIM_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${SALONSIM_BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DSALONSIM_WERROR=ON "$@" >/dev/null
cmake --build "$build_dir" -j "$(nproc)"
