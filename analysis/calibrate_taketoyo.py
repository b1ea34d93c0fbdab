#!/usr/bin/python3
"""Calibration of the salon defaults against Taketoyo (SCIENCE.md), with the true effect.

Usage:
  /usr/bin/python3 analysis/calibrate_taketoyo.py [--salonsim build/salonsim] [--replicates R]
      [--seed N] [--out DIR] [--set key=value ...]

Runs scenarios/taketoyo.yaml and scenarios/taketoyo-no-salons.yaml with the same seed (common
random numbers), then prints each published target next to the model's value:
- uptake: attended in year 1; ever attended within 5 years; attending in year 6;
- who takes part: low-income share of participants and non-participants; women; aged 75+;
- the emulated study (Hikichi et al. 2015): residents independent at the start and still alive
  and independent at the survey at the end of year 1; participants = attended in year 1; 5-year
  certification of participants and non-participants; Cox hazard ratio adjusted for age, sex,
  income and isolation (statsmodels PHReg, Breslow ties);
- the true effect: the same residents' certifications with and without salons.
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from statsmodels.duration.hazard_regression import PHReg

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def run(salonsim, scenario, out, replicates, seed, overrides):
    command = [salonsim, "run", os.path.join(ROOT, "scenarios", scenario), "-o", out, "-q",
               "--replicates", str(replicates)]
    if seed is not None:
        command += ["--seed", str(seed)]
    for override in overrides:
        command += ["--set", override]
    subprocess.run(command, check=True)


def groups(path):
    with h5py.File(path, "r") as f:
        replicates = int(f["meta"].attrs["replicates"])
        days = int(f["meta"].attrs["days_per_step"])
        names = ["/"] if replicates == 1 else [f"/replicate_{r}" for r in range(replicates)]
        out = []
        for name in names:
            g = f[name]
            out.append({k: g["agents"][k][()] for k in g["agents"]})
        return out, days


def study(a, b, steps_per_year):
    """Statistics of one replicate: a with salons, b the same town without."""
    year = steps_per_year
    start = a["entry_step"] == 0
    first = a["first_salon_step"]
    participant = (first >= 0) & (first < year)
    stats = {
        "attended_year1": participant[start].mean(),
        "ever_5y": ((first >= 0) & (first < 5 * year))[start].mean(),
        "low_income_participants": a["income_low"][start & participant].mean(),
        "low_income_others": a["income_low"][start & ~participant].mean(),
        "women_participants": (a["sex"][start & participant] == 1).mean(),
        "aged75_participants": (a["age0"][start & participant] >= 75).mean(),
    }
    # The cohort of the emulated study: independent at the start and at the survey (step year).
    def alive_independent_at(x, step):
        return ((x["death_step"] < 0) | (x["death_step"] >= step)) & \
               ((x["disability_step"] < 0) | (x["disability_step"] >= step))
    cohort = start & (a["certified0"] == 0) & alive_independent_at(a, year)
    horizon = year + 5 * year
    d, c = a["death_step"], a["disability_step"]
    event = (c >= year) & (c < horizon)
    end = np.full(len(c), horizon)
    end = np.where((d >= 0) & (d < horizon), d + 1, end)
    end = np.where(event, c + 1, end)
    time = (end - year) / steps_per_year
    stats["cert5_participants"] = event[cohort & participant].mean()
    stats["cert5_others"] = event[cohort & ~participant].mean()
    stats["n_cohort"] = int(cohort.sum())
    stats["n_participants"] = int((cohort & participant).sum())
    x = np.column_stack([participant, a["age0"], a["sex"], a["income_low"], a["isolated0"]])[cohort].astype(float)
    fit = PHReg(time[cohort], x, status=event[cohort].astype(int), ties="breslow").fit()
    stats["hr"] = float(np.exp(fit.params[0]))
    stats["hr_ci"] = tuple(np.exp(fit.params[0] + np.array([-1.96, 1.96]) * fit.bse[0]))
    # The true effect: the same residents without salons (same seed, same town).
    event_b = (b["disability_step"] >= year) & (b["disability_step"] < horizon)
    stats["true_cert5_participants_without"] = event_b[cohort & participant].mean()
    stats["cert5_all_with"] = event[cohort].mean()
    stats["cert5_all_without"] = event_b[cohort].mean()
    return stats


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--salonsim", default=os.path.join(ROOT, "build", "salonsim"))
    parser.add_argument("--replicates", type=int, default=5)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--out", default=None, help="directory for the two HDF5 files")
    parser.add_argument("--set", action="append", default=[], dest="overrides")
    args = parser.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="salonsim-calibration-")
    os.makedirs(out, exist_ok=True)
    with_salons, without = os.path.join(out, "taketoyo.h5"), os.path.join(out, "no-salons.h5")
    run(args.salonsim, "taketoyo.yaml", with_salons, args.replicates, args.seed, args.overrides)
    # Salon parameters do not exist in the arm without salons; everything else applies to both.
    shared = [o for o in args.overrides if not o.startswith("interventions")]
    run(args.salonsim, "taketoyo-no-salons.yaml", without, args.replicates, args.seed, shared)
    a_runs, days = groups(with_salons)
    b_runs, _ = groups(without)
    steps_per_year = int(round(365.25 / days))
    results = [study(a, b, steps_per_year) for a, b in zip(a_runs, b_runs)]
    mean = {k: np.mean([r[k] for r in results], axis=0) for k in results[0]}
    pct = lambda v: f"{100 * v:.1f}%"
    rows = [
        ("attended a salon in year 1", "about 10%", pct(mean["attended_year1"])),
        ("ever attended within 5 years", "about 20%", pct(mean["ever_5y"])),
        ("low-income, participants", "53.2%", pct(mean["low_income_participants"])),
        ("low-income, non-participants", "46.3%", pct(mean["low_income_others"])),
        ("women among participants", "about 80% (national)", pct(mean["women_participants"])),
        ("aged 75+ among participants", "about 70% (national)", pct(mean["aged75_participants"])),
        ("5-year certification, participants", "7.7%", pct(mean["cert5_participants"])),
        ("5-year certification, non-participants", "14.4%", pct(mean["cert5_others"])),
        ("adjusted Cox HR, participants", "0.49 (0.33-0.72); band 0.35-0.7",
         f"{mean['hr']:.2f} ({mean['hr_ci'][0]:.2f}-{mean['hr_ci'][1]:.2f})"),
        ("TRUE: participants' 5-year certification without salons", "(counterfactual)",
         pct(mean["true_cert5_participants_without"])),
        ("TRUE: cohort 5-year certification with / without salons", "(counterfactual)",
         f"{pct(mean['cert5_all_with'])} / {pct(mean['cert5_all_without'])}"),
    ]
    print(f"Taketoyo calibration: {args.replicates} replicate(s), cohort {mean['n_cohort']:.0f} residents, "
          f"{mean['n_participants']:.0f} participants (mean per replicate); files in {out}")
    width = max(len(r[0]) for r in rows)
    print(f"{'target':<{width}}  {'published':>32}  {'model':>18}")
    for name, target, value in rows:
        print(f"{name:<{width}}  {target:>32}  {value:>18}")


if __name__ == "__main__":
    sys.exit(main())
