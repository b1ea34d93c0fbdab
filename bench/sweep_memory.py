#!/usr/bin/python3
"""Peak memory of `salonsim sweep` against the number of runs: it must stay flat, because each
run is built, run, written and freed (only the design and one row per run are kept).

    /usr/bin/python3 bench/sweep_memory.py [--salonsim build/salonsim] [--runs 8 32 128 512]

Prints, for sweeps of a small town with more and more runs, the wall time, runs per second and
the process's peak resident memory (from wait4's rusage, so it measures salonsim alone).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

SWEEP = """name: memory
scenario: {scenarios}/town.yaml
set: [town.population=2000, run.years=1]
design: {{type: latin_hypercube, samples: {samples}, seed: 1}}
replicates: 1
parameters:
  - {{key: health.certification.rate_at_65, min: 0.003, max: 0.005}}
  - {{key: network.friends.mean_ties.men, min: 2.5, max: 4.5}}
outputs: [certifications, deaths]
groups: [all, low_income, high_income]
"""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--salonsim", default=os.path.join(root, "build", "salonsim"))
    parser.add_argument("--runs", type=int, nargs="+", default=[8, 64, 512, 2048])
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if not os.access(args.salonsim, os.X_OK):
        sys.exit(f"error: no salonsim at {args.salonsim} (build first, or pass --salonsim)")
    print(f"{'runs':>6} {'wall s':>8} {'runs/s':>8} {'peak MiB':>9}")
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for runs in args.runs:
            sweep = os.path.join(tmp, f"memory-{runs}.yaml")
            with open(sweep, "w") as f:
                f.write(SWEEP.format(scenarios=os.path.join(root, "scenarios"), samples=runs))
            command = [args.salonsim, "sweep", sweep, "-o", os.path.join(tmp, f"m{runs}.h5"), "-q"]
            if args.threads:
                command += ["--threads", str(args.threads)]
            start = time.monotonic()
            process = subprocess.Popen(command)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.monotonic() - start
            if os.waitstatus_to_exitcode(status) != 0:
                sys.exit(f"error: {' '.join(command)} failed")
            peak = usage.ru_maxrss / 1024  # KiB on Linux
            peaks.append(peak)
            print(f"{runs:>6} {wall:>8.1f} {runs / wall:>8.1f} {peak:>9.1f}")
    growth = peaks[-1] / peaks[0]
    print(f"peak memory with {args.runs[-1]} runs / with {args.runs[0]}: {growth:.2f}x")


if __name__ == "__main__":
    main()
