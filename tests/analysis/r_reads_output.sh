#!/usr/bin/env bash
# analysis/read_output.R reads a run's /agents and /timeseries with Debian's r-cran-hdf5r: the
# coded columns arrive as factors with their names, and the timeseries' axes in the right order
# (R reverses HDF5's order of dimensions; the script turns the array round by its axis labels).
# Every number it prints is checked against h5py reading the same file.
#   r_reads_output.sh SALONSIM
set -euo pipefail
salonsim=$(realpath "$1")
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two replicates, so the run's tables sit in /replicate_<r> and the script is told which.
"$salonsim" run "$source_dir/scenarios/town.yaml" --set run.years=1 --replicates 2 -q \
  -o "$work/run.h5"
Rscript "$source_dir/analysis/read_output.R" "$work/run.h5" /replicate_1 >"$work/r.txt"

# The same lines from h5py: counts by code name, and alive by [step, income_low, sex].
/usr/bin/python3 - "$work/run.h5" >"$work/expected.txt" <<'PY'
import sys
import h5py
import numpy as np

with h5py.File(sys.argv[1], "r") as f:
    run = f["replicate_1"]
    agents = run["agents"]
    print(f"agents: {len(agents['id'])} residents, {len(agents)} columns")
    for coded in ("sex", "transport"):
        names = {code: name for name, code in h5py.check_enum_dtype(agents[coded].dtype).items()}
        values = agents[coded][:]
        print(f"{coded} (factor): " + ", ".join(
            f"{names[code]} {np.count_nonzero(values == code)}" for code in sorted(names)))
    print(f"x_m units: {agents['x_m'].attrs['units']}")
    ts = run["timeseries"]
    alive, dates = ts["alive"][:], ts["date"].asstr()[:]
    last = len(ts["step"]) - 1
    for at in (0, last):
        cells = [f"{income}-income {sex} {alive[at, i, s]}"
                 for s, sex in enumerate(("male", "female"))
                 for i, income in enumerate(("high", "low"))]
        print(f"alive at step {ts['step'][at]} ({dates[at]}): " + ", ".join(cells))
PY

if ! diff -u "$work/expected.txt" "$work/r.txt"; then
  echo "FAIL: R (right) and h5py (left) read the file differently" >&2
  exit 1
fi
echo "R and h5py agree:"
cat "$work/r.txt"
