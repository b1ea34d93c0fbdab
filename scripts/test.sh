#!/usr/bin/env bash
# Installs what is missing (OpenMPI for the MPI tests; Node.js, the page's npm packages and
# Debian's Chromium for the browser tests of the teaching demo and the reports; R with hdf5r for
# the R reading example), builds, and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --mpi --web --browser --r
scripts/build.sh -DSALONSIM_BROWSER_TEST=ON -DSALONSIM_R_TEST=ON
ctest --test-dir "${SALONSIM_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
