#!/usr/bin/env bash
# Installs what is missing (OpenMPI too, for the MPI tests), builds, and runs the whole test
# suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --mpi
scripts/build.sh
ctest --test-dir "${SALONSIM_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
