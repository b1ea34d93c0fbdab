#!/usr/bin/env bash
# Installs what is missing (OpenMPI for the MPI tests; Node.js, the page's npm packages and
# Debian's Chromium for the browser tests of the teaching demo and the reports; R with hdf5r for
# the R reading example; Clang with libFuzzer for the fuzz run), builds, runs the whole test
# suite, then fuzzes the scenario, override and sweep loaders for a minute (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --mpi --web --browser --r --fuzz
scripts/build.sh -DSALONSIM_BROWSER_TEST=ON -DSALONSIM_R_TEST=ON
ctest --test-dir "${SALONSIM_BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
scripts/fuzz.sh 60
