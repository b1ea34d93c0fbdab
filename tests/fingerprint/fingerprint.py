#!/usr/bin/python3
"""Fingerprint of what salonsim writes: a hash of every dataset and attribute of the outputs of
every shipped scenario at a fixed seed, of a comparison, of a sweep and of a trial.

  fingerprint.py --binary build/salonsim --write tests/fingerprint/fingerprints.txt
  fingerprint.py --binary build/salonsim --check tests/fingerprint/fingerprints.txt
  fingerprint.py --binary build/salonsim --check tests/fingerprint/fingerprints.txt --threads 16

A refactoring must leave every line identical. A deliberate change of behaviour updates the file
in a commit of its own that says which lines changed and why. Attributes that name the build or
the invocation (version, commit, command line, threads, file names) are left out.
"""
import argparse
import hashlib
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCENARIOS = os.path.join(ROOT, "scenarios")

# Attributes that say how or where the output was made, not what the model computed.
VOLATILE_ATTRIBUTES = {"version", "git_commit", "command_line", "scenario_file", "threads",
                       "fingerprint", "sweep_file", "runtime_s"}

# Each shipped scenario, shortened so the whole set runs in about a minute on two cores; the
# settings that matter (towns, interventions, mechanisms) are the shipped ones.
SHORT = ["run.years=2"]
RUNS = [
    ("town", "town.yaml", ["town.population=3000"] + SHORT),
    ("town-entrants", "town.yaml", ["town.population=3000", "town.entrants.enabled=true"] + SHORT),
    ("taketoyo", "taketoyo.yaml", ["town.population=4000"] + SHORT),
    ("taketoyo-no-salons", "taketoyo-no-salons.yaml", ["town.population=4000"] + SHORT),
    ("rural-mobile-shop", "rural-mobile-shop.yaml", SHORT),
    ("rural-no-mobile-shop", "rural-no-mobile-shop.yaml", SHORT),
    ("rural-sparse", "rural-sparse.yaml", SHORT),
    ("rural-sparse-shuttle", "rural-sparse-shuttle.yaml", SHORT),
    ("bench-1m", "bench-1m.yaml", ["town.population=3000", "run.years=1"]),
    ("akita-rural", "akita-rural.yaml", SHORT),
    ("akita-rural-social-prescribing", "akita-rural-social-prescribing.yaml", SHORT),
    ("akita-rural-social-prescribing-shuttle", "akita-rural-social-prescribing-shuttle.yaml",
     SHORT),
    ("town-salons", "town-salons.yaml", ["town.population=3000"] + SHORT),
    ("town-social-prescribing", "town-social-prescribing.yaml", ["town.population=3000"] + SHORT),
    ("town-salons-social-prescribing", "town-salons-social-prescribing.yaml",
     ["town.population=3000"] + SHORT),
    ("coalition-region", "coalition-region.yaml",
     ["region.generate=3", "region.vary[0].min=1500", "region.vary[0].max=2500"] + SHORT),
]
# A comparison long enough for the emulated salon study (six years), against the arm without
# salons so the study runs.
COMPARE = ["taketoyo.yaml", "taketoyo-no-salons.yaml"]
COMPARE_REFERENCE = "taketoyo-no-salons"
COMPARE_SET = ["town.population=2500", "run.years=6"]


def digest(value):
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()[:20]
    if isinstance(value, str):
        return hashlib.sha256(value.encode()).hexdigest()[:20]
    array = np.asarray(value)
    if array.dtype.kind == "O":
        return digest("\x00".join(v.decode() if isinstance(v, bytes) else str(v)
                                  for v in array.ravel()))
    return hashlib.sha256(array.dtype.str.encode() + array.tobytes()).hexdigest()[:20]


def has_references(dtype):
    """Whether values of this type hold object references (the timeseries' dimension scales)."""
    if not isinstance(dtype, np.dtype):  # a vlen's base: bytes, str or a numpy type
        return False
    if h5py.check_ref_dtype(dtype) is not None:
        return True
    if dtype.fields:
        return any(has_references(field[0]) for field in dtype.fields.values())
    vlen = h5py.check_vlen_dtype(dtype)
    return vlen is not None and has_references(vlen)


def resolved(value, f):
    """References replaced by the names of what they point to: their raw bytes are addresses,
    which need not be the same from one run to the next."""
    if isinstance(value, h5py.Reference):
        return f[value].name if value else ""
    if isinstance(value, np.void):
        return tuple(resolved(v, f) for v in value)
    if isinstance(value, (np.ndarray, list, tuple)):
        return [resolved(v, f) for v in value]
    if isinstance(value, np.generic):
        return value.item()  # NumPy 2 writes np.int32(0) where NumPy 1 wrote 0
    return value


def attribute_digest(value, f):
    if isinstance(value, np.ndarray) and has_references(value.dtype):
        return digest(repr(resolved(value, f)))
    return digest(value)


def fingerprint(label, path):
    lines = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for key in sorted(obj.attrs):
                if key not in VOLATILE_ATTRIBUTES:
                    lines.append(f"{label} /{name}@{key} {attribute_digest(obj.attrs[key], f)}")
            if isinstance(obj, h5py.Dataset):
                lines.append(f"{label} /{name} {digest(obj[()])}")
        for key in sorted(f.attrs):
            if key not in VOLATILE_ATTRIBUTES:
                lines.append(f"{label} /@{key} {digest(f.attrs[key])}")
        f.visititems(visit)
    return lines


THREADS = 2  # --threads: results must not depend on it, so any count checks the same lines


def run(binary, args):
    result = subprocess.run([binary] + args + ["-q", "--threads", str(THREADS)], cwd=ROOT,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"fingerprint: {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")


def all_fingerprints(binary, out):
    lines = []
    for label, scenario, overrides in RUNS:
        path = os.path.join(out, label + ".h5")
        sets = [x for o in overrides for x in ("--set", o)]
        run(binary, ["run", os.path.join("scenarios", scenario), "-o", path, "--seed", "7"] + sets)
        lines += fingerprint(label, path)
    path = os.path.join(out, "compare.h5")
    sets = [x for o in COMPARE_SET for x in ("--set", o)]
    run(binary, ["compare"] + [os.path.join("scenarios", s) for s in COMPARE] +
        ["-o", path, "--replicates", "2", "--seed", "7", "--reference", COMPARE_REFERENCE] + sets)
    lines += fingerprint("compare", path)
    with open(path[:-3] + ".csv", "rb") as csv:
        lines.append(f"compare csv {digest(csv.read())}")
    path = os.path.join(out, "sweep.h5")
    run(binary, ["sweep", os.path.join("scenarios", "sweep-demo.yaml"), "-o", path])
    lines += fingerprint("sweep", path)
    path = os.path.join(out, "trial.h5")
    run(binary, ["trial", os.path.join("scenarios", "coalition-demo.yaml"), "-o", path,
                 "--replicates", "2"])
    lines += fingerprint("trial", path)
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write")
    group.add_argument("--check")
    parser.add_argument("--threads", type=int, default=2,
                        help="threads for every run (default 2); the lines must not change")
    args = parser.parse_args()
    global THREADS
    THREADS = args.threads
    with tempfile.TemporaryDirectory() as out:
        lines = all_fingerprints(os.path.abspath(args.binary), out)
    if args.write:
        with open(args.write, "w") as f:
            f.write("\n".join(lines) + "\n")
        print(f"wrote {len(lines)} fingerprints to {args.write}")
        return 0
    with open(args.check) as f:
        expected = f.read().splitlines()
    want, got = set(expected), set(lines)
    missing = [l for l in expected if l not in got]
    extra = [l for l in lines if l not in want]
    for l in missing:
        print(f"expected: {l}")
    for l in extra:
        print(f"got:      {l}")
    passed = not missing and not extra
    print(f"{len(lines) - len(extra)} passed, {len(missing) + len(extra)} failed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
