#!/usr/bin/env bash
# The scaling figures of bench/README.md in one go, for a machine with many cores. Builds
# nothing; run from the repository root. Each part has its own time limit, so a slow part cannot
# take the rest with it, and every log lands in OUT_DIR.
#
#   scripts/scaling_suite.sh [BUILD_DIR] [OUT_DIR]
#
#   BUILD_DIR  holds salonsim and bench/salonsim_scale (default build)
#   OUT_DIR    logs and the summary (default out/scaling)
#
# Parts, most telling first:
#   1. determinism: the fingerprints (tests/fingerprint) at as many threads as there are cores
#   2. bench-1m, 2 years, at 1, 2, 4, 8, 16 threads (<= cores)
#   3. bench-1m-full, 1 year with waves at 0 and 1, at the same counts
#   4. set-up of 5 million residents (bench-1m's city), at 2 threads and at all cores
#   5. the nation's first step (japan-national.yaml, 36 million), at all cores
#   6. where bench-1m's step time goes, mechanism by mechanism (--parts), at 1 thread and all
#      cores: what scales and what does not
#
# Environment: PARTS="1 2 3 4 5 6" picks parts; PART_TIMEOUT=150 seconds a part; PYTHON=python3
# with h5py, for part 1; THREADS as for scripts/thread_scaling.sh.
set -uo pipefail

build=${1:-build}
out=${2:-out/scaling}
parts=${PARTS:-"1 2 3 4 5 6"}
limit=${PART_TIMEOUT:-150}
python=${PYTHON:-/usr/bin/python3}
cores=$(nproc)
scale=$build/bench/salonsim_scale
salonsim=$build/salonsim

for program in "$scale" "$salonsim"; do
  if [[ ! -x $program ]]; then
    echo "error: '$program' is not an executable; build it first" >&2
    exit 2
  fi
done
mkdir -p "$out"
summary=$out/summary.txt
echo "scaling suite on $(hostname), $cores cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)" | tee "$summary"

# part NAME COMMAND...: runs COMMAND under the time limit, its output to OUT_DIR/NAME.log, and
# adds the log's tail and the wall time to the summary.
part() {
  local name=$1 start end rc
  shift
  echo "== $name: $*" | tee -a "$summary"
  start=$(date +%s.%N)
  timeout "$limit" "$@" >"$out/$name.log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  tail -n 12 "$out/$name.log" | tee -a "$summary"
  awk -v a="$start" -v b="$end" -v rc="$rc" \
    'BEGIN { printf "   (exit %d, %.1f s wall)\n", rc, b - a }' | tee -a "$summary"
}

# Runs the command after it and prints its wall and CPU time and peak RSS (python's resource
# module, as /usr/bin/time may be missing).
with_peak=("$python" -c 'import resource, subprocess, sys, time; t = time.time(); \
rc = subprocess.call(sys.argv[1:]); wall = time.time() - t; \
u = resource.getrusage(resource.RUSAGE_CHILDREN); cpu = u.ru_utime + u.ru_stime; \
print("wall %.1f s, CPU %.1f s (%.2f cores busy), peak RSS %.0f MB" % \
      (wall, cpu, cpu / wall, u.ru_maxrss / 1024)); sys.exit(rc)')

for p in $parts; do
  case $p in
    1) part determinism "$python" tests/fingerprint/fingerprint.py --binary "$salonsim" \
         --check tests/fingerprint/fingerprints.txt --threads "$cores" ;;
    2) part bench-1m scripts/thread_scaling.sh "$scale" scenarios/bench-1m.yaml \
         --set run.years=2 ;;
    3) part bench-1m-full scripts/thread_scaling.sh "$scale" scenarios/bench-1m-full.yaml \
         --set run.years=1 --set 'surveys.years=[0, 1]' ;;
    4) for threads in $(printf '%s\n' 2 "$cores" | sort -nu); do
         part "setup-5m-$threads" "$scale" scenarios/bench-1m.yaml --threads "$threads" \
           --setup-breakdown --set town.population=5000000 --set run.years=0.02
       done ;;
    5) part nation-first-step "${with_peak[@]}" "$salonsim" run scenarios/japan-national.yaml \
         --timeseries-only --threads "$cores" --set run.years=0.02 -o "$out/nation.h5" -q ;;
    6) for threads in $(printf '%s\n' 1 "$cores" | sort -nu); do
         part "parts-$threads" "$scale" scenarios/bench-1m.yaml --threads "$threads" --parts \
           --set run.years=1
       done ;;
    *) echo "error: no part '$p' (1 to 6)" >&2; exit 2 ;;
  esac
done
rm -f "$out/nation.h5"
