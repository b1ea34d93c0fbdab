#!/usr/bin/env bash
# Thread scaling of the end-to-end scale run: runs salonsim_scale once per thread count and
# prints a table (and the RESULT lines, for machines). Builds nothing; run from the repository
# root.
#
#   scripts/thread_scaling.sh [BINARY] [SCENARIO] [--set key=value]...
#
#   BINARY    salonsim_scale to run (default build/bench/salonsim_scale)
#   SCENARIO  scenario file (default scenarios/bench-1m.yaml)
#   --set     passed on to salonsim_scale (e.g. --set run.years=2 for a shorter run)
#
# Environment:
#   THREADS="1 2 4 8 16"  thread counts to try (default); counts above nproc are skipped
#   FORCE=1               run every count even if above nproc
#   REPEATS=1             runs per count; the table shows the fastest (least disturbed) run
set -euo pipefail

binary=${1:-build/bench/salonsim_scale}
scenario=${2:-scenarios/bench-1m.yaml}
shift $(($# < 2 ? $# : 2))
threads_list=${THREADS:-"1 2 4 8 16"}
repeats=${REPEATS:-1}
cores=$(nproc)

if [[ ! -x $binary ]]; then
  echo "error: '$binary' is not an executable; build it first (target salonsim_scale)" >&2
  exit 2
fi
if [[ ! -f $scenario ]]; then
  echo "error: scenario '$scenario' not found (run from the repository root)" >&2
  exit 2
fi

# Value of key=... in a RESULT line.
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "scale run: $scenario on $(hostname), $cores cores, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
results=()
for threads in $threads_list; do
  if ((threads > cores)) && [[ ${FORCE:-0} != 1 ]]; then
    echo "skipping $threads threads (more than the $cores cores; FORCE=1 runs it)" >&2
    continue
  fi
  best=""
  for ((r = 0; r < repeats; ++r)); do
    line=$("$binary" "$scenario" --threads "$threads" "$@" | grep '^RESULT ')
    echo "$line"
    if [[ -z $best ]] || awk -v a="$(field step_s "$line")" -v b="$(field step_s "$best")" \
      'BEGIN { exit !(a < b) }'; then
      best=$line
    fi
  done
  results+=("$best")
done

((${#results[@]} > 0)) || exit 0
base=$(field agent_steps_per_s "${results[0]}")
base_threads=$(field threads "${results[0]}")
echo
printf '%7s %10s %10s %14s %8s %10s %9s %12s\n' threads setup_s step_s agent_steps/s speedup efficiency cores_busy peak_B/res
for line in "${results[@]}"; do
  t=$(field threads "$line")
  awk -v t="$t" -v setup="$(field setup_s "$line")" -v step="$(field step_s "$line")" \
    -v cpu="$(field step_cpu_s "$line")" -v rate="$(field agent_steps_per_s "$line")" \
    -v peak="$(field peak_bytes_per_resident "$line")" -v base="$base" -v bt="$base_threads" \
    'BEGIN { s = rate / base; printf "%7d %10.2f %10.2f %14.4g %8.2f %10.2f %9.2f %12.1f\n",
             t, setup, step, rate, s, s * bt / t, cpu / step, peak }'
done
