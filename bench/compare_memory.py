#!/usr/bin/python3
"""Peak memory of `salonsim compare` against the number of replicates. The analyses take each run
as it finishes and keep only what their estimates need: the hazard ratios keep counts by length
of follow-up (flat however many replicates), the emulated studies about 30 bytes a resident of
each replicate plus their pooled fit at the end.

    /usr/bin/python3 bench/compare_memory.py [--salonsim build/salonsim] [--replicates 2 8 32]

Compares Taketoyo with and without salons (13,000 residents): over two years (hazard ratios
only: the studies need three and six) and over six (the salon and group studies too). Prints
wall time and the process's peak resident memory (from wait4's rusage: salonsim alone).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(here)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--salonsim", default=os.path.join(root, "build", "salonsim"))
    parser.add_argument("--replicates", type=int, nargs="+", default=[2, 8, 32])
    parser.add_argument("--threads", type=int, default=0)
    args = parser.parse_args()
    if not os.access(args.salonsim, os.X_OK):
        sys.exit(f"error: no salonsim at {args.salonsim} (build first, or pass --salonsim)")
    scenarios = [os.path.join(root, "scenarios", s)
                 for s in ("taketoyo.yaml", "taketoyo-no-salons.yaml")]
    print(f"{'years':>5} {'replicates':>10} {'wall s':>8} {'peak MiB':>9}")
    with tempfile.TemporaryDirectory() as tmp:
        for years in (2, 6):
            peaks = []
            for replicates in args.replicates:
                output = os.path.join(tmp, f"c{years}-{replicates}.h5")
                command = [args.salonsim, "compare", *scenarios, "-o", output, "-q",
                           "--replicates", str(replicates), "--set", f"run.years={years}"]
                if args.threads:
                    command += ["--threads", str(args.threads)]
                start = time.monotonic()
                process = subprocess.Popen(command)
                _, status, usage = os.wait4(process.pid, 0)
                wall = time.monotonic() - start
                if os.waitstatus_to_exitcode(status) != 0:
                    sys.exit(f"error: {' '.join(command)} failed")
                peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
                print(f"{years:>5} {replicates:>10} {wall:>8.1f} {peaks[-1]:>9.1f}")
                os.remove(output)
            span = args.replicates[-1] - args.replicates[0]
            if span > 0:
                per = (peaks[-1] - peaks[0]) * 1024 * 1024 / span
                print(f"{years:>5} years: {per / 13000:.0f} bytes a resident per replicate more")


if __name__ == "__main__":
    main()
