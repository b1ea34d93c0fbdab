#!/usr/bin/env bash
# The flagship demo: installs what is missing, builds, runs the town scenario and prints the
# calibration targets next to the model's values, then runs the Taketoyo-like town with and
# without salons on the same seed and prints the Taketoyo targets and the salons' true effect.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
mkdir -p out
build/salonsim run scenarios/town.yaml -o out/town.h5
echo
/usr/bin/python3 analysis/check_defaults.py out/town.h5
echo
/usr/bin/python3 analysis/calibrate_taketoyo.py --replicates 3 --out out
