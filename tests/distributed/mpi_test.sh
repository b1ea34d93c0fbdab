#!/usr/bin/env bash
# The MPI back end against threads: the same commands under `mpirun -n 3` write the same
# datasets, bit for bit, as without MPI (compare, a run with survey waves, sweep, run of a
# region, trial); a sweep killed under MPI resumes, with another number of ranks, to the same
# file; misuse is refused before any run, leaving nothing behind.
#
#   tests/distributed/mpi_test.sh SALONSIM [MPIRUN]
set -euo pipefail
salonsim=$(realpath "$1")
mpirun=${2:-mpirun}
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
same="/usr/bin/python3 $source_dir/tests/distributed/same_datasets.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
scenarios=$source_dir/scenarios

launch=("$mpirun" --oversubscribe)
[[ $(id -u) -eq 0 ]] && launch+=(--allow-run-as-root)
# Quiet OpenMPI's notes about the network of a container.
export OMPI_MCA_btl_base_warn_component_unused=0 OMPI_MCA_btl=self,vader
mpi() { "${launch[@]}" -n "$1" "${@:2}"; }

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

step "compare: 3 ranks = threads"
"$salonsim" compare "$scenarios/town.yaml" "$scenarios/town-salons.yaml" --replicates 3 \
  --set run.years=2 -q -o threads.h5
mpi 3 "$salonsim" compare "$scenarios/town.yaml" "$scenarios/town-salons.yaml" --replicates 3 \
  --set run.years=2 -q -o ranks.h5
$same threads.h5 ranks.h5
cmp threads.csv ranks.csv || fail "compare's CSV differs under MPI"

step "run with survey waves: 3 ranks = threads"
# Waves are written as they are taken on the rank that writes the output, and held and packed
# with the run on the others: the same datasets either way, and no scratch file left behind.
"$salonsim" run "$scenarios/town.yaml" --replicates 3 --set run.years=2 \
  --set 'surveys.years=[0, 1, 2]' -q -o waves-threads.h5
mpi 3 "$salonsim" run "$scenarios/town.yaml" --replicates 3 --set run.years=2 \
  --set 'surveys.years=[0, 1, 2]' -q -o waves-ranks.h5
$same waves-threads.h5 waves-ranks.h5
/usr/bin/python3 -c "import h5py, sys
assert list(h5py.File(sys.argv[1])['replicate_2/surveys']) == ['wave_0', 'wave_1', 'wave_2']" \
  waves-ranks.h5 || fail "the waves of a replicate are missing"
left=$(find . -mindepth 1 -name '.*')
[[ -z $left ]] || fail "scratch files left: $left"

step "sweep: 3 ranks = threads"
"$salonsim" sweep "$scenarios/sweep-demo.yaml" -q -o sweep-threads.h5
mpi 3 "$salonsim" sweep "$scenarios/sweep-demo.yaml" -q -o sweep-ranks.h5
$same sweep-threads.h5 sweep-ranks.h5

step "sweep killed under MPI resumes on 2 ranks"
if SALONSIM_SWEEP_KILL_AFTER_RUNS=15 mpi 3 -x SALONSIM_SWEEP_KILL_AFTER_RUNS "$salonsim" sweep \
  "$scenarios/sweep-demo.yaml" -q -o sweep-killed.h5 >/dev/null 2>&1; then
  fail "the killed sweep exited 0"
fi
[[ -f sweep-killed.h5.partial && ! -e sweep-killed.h5 ]] || fail "no partial file after the kill"
mpi 2 "$salonsim" sweep "$scenarios/sweep-demo.yaml" -o sweep-killed.h5 >resumed.txt
grep -q "resuming sweep-killed.h5.partial: 15 of 40 runs already done" resumed.txt ||
  fail "did not resume: $(cat resumed.txt)"
$same sweep-threads.h5 sweep-killed.h5
[[ ! -e sweep-killed.h5.partial ]] || fail "partial file left after finishing"

step "run of a region: 3 ranks = threads"
"$salonsim" run "$scenarios/coalition-region.yaml" --set run.years=1 --set region.generate=6 \
  -q -o region-threads.h5
mpi 3 "$salonsim" run "$scenarios/coalition-region.yaml" --set run.years=1 \
  --set region.generate=6 -q -o region-ranks.h5
$same region-threads.h5 region-ranks.h5

step "compare of regions: 3 ranks = threads"
cat >region-salons.yaml <<YAML
extends: $scenarios/coalition-region.yaml
name: region-salons
interventions:
  - type: salons
    placement: {rule: gaps, venues_per_100k: 366, coverage_radius_m: 350}
YAML
"$salonsim" compare "$scenarios/coalition-region.yaml" region-salons.yaml --replicates 2 \
  --set region.generate=4 --set run.years=1 -q -o regions-threads.h5
mpi 3 "$salonsim" compare "$scenarios/coalition-region.yaml" region-salons.yaml --replicates 2 \
  --set region.generate=4 --set run.years=1 -q -o regions-ranks.h5
$same regions-threads.h5 regions-ranks.h5

step "trial: 3 ranks = threads"
"$salonsim" trial "$scenarios/coalition-demo.yaml" --replicates 2 -q -o trial-threads.h5
mpi 3 "$salonsim" trial "$scenarios/coalition-demo.yaml" --replicates 2 -q -o trial-ranks.h5
$same trial-threads.h5 trial-ranks.h5

step "calibrate: 3 ranks = threads; killed under MPI, resumed on 2 ranks"
cat >calibration.yaml <<YAML
name: tiny
scenario: $scenarios/town.yaml
set: [town.population=500, run.years=0.02]
parameters:
  - {key: network.friends.mean_ties.men, min: 0, max: 4}
targets:
  - {survey: {year: 0, column: isolated}, group: men, observed: 0.2, sd: 0.03}
replicates: 2
abc: {particles: 20, generations: 3, max_simulations: 600}
posterior_predictive: 6
YAML
"$salonsim" calibrate calibration.yaml -q -o calib-threads.h5
mpi 3 "$salonsim" calibrate calibration.yaml -q -o calib-ranks.h5
$same calib-threads.h5 calib-ranks.h5
if SALONSIM_CALIBRATION_KILL_AFTER_RUNS=50 mpi 3 -x SALONSIM_CALIBRATION_KILL_AFTER_RUNS \
  "$salonsim" calibrate calibration.yaml -q -o calib-killed.h5 >/dev/null 2>&1; then
  fail "the killed calibration exited 0"
fi
[[ -f calib-killed.h5.partial && ! -e calib-killed.h5 ]] || fail "no partial calibration"
mpi 2 "$salonsim" calibrate calibration.yaml -o calib-killed.h5 >resumed.txt
grep -q "50 simulations already done" resumed.txt || fail "did not resume: $(cat resumed.txt)"
$same calib-threads.h5 calib-killed.h5

step "misuse: an output directory that is not there, refused by every rank, nothing left"
mkdir empty && cd empty
if mpi 3 "$salonsim" compare "$scenarios/town.yaml" "$scenarios/town-salons.yaml" \
  --replicates 2 -q -o missing/out.h5 2>err.txt; then
  fail "an unwritable output was accepted"
fi
grep -q "directory 'missing' does not exist" err.txt || fail "unclear error: $(cat err.txt)"
[[ $(grep -c "does not exist" err.txt) -eq 1 ]] || fail "the error was printed by every rank"
[[ $(ls -A | grep -v '^err.txt$' | wc -l) -eq 0 ]] || fail "files left behind: $(ls -A)"
cd ..

echo "PASS"
