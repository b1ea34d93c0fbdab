#!/usr/bin/python3
"""Prints the SCIENCE.md calibration targets next to what a salonsim run gives.

Usage: /usr/bin/python3 analysis/check_defaults.py OUT.h5

Reads /agents and /meta of a single-replicate run (e.g. of scenarios/town.yaml) and prints,
for each target, the published value and the model's value.
"""
import sys

import h5py
import numpy as np

LIFE_TABLE = {  # annual probability of death (MHLW life tables)
    ("men", 65): 0.0094, ("men", 70): 0.0145, ("men", 75): 0.0226, ("men", 80): 0.0398,
    ("women", 65): 0.0038, ("women", 70): 0.0058, ("women", 75): 0.0095, ("women", 80): 0.0179,
}
CERTIFIED_BY_AGE = [0.028, 0.055, 0.124, 0.264, 0.481, 0.727]  # MHLW 2020


def load(path):
    with h5py.File(path, "r") as f:
        agents = {name: f["agents"][name][()] for name in f["agents"]}
        days_per_step = int(f["meta"].attrs["days_per_step"])
        steps = len(f["timeseries/step"])
    return agents, days_per_step / 365.25, steps


def main(path):
    a, years_per_step, steps = load(path)
    start = a["entry_step"] == 0
    men = a["sex"] == 0
    rows = []

    def row(name, target, value, unit="%"):
        scale = 100.0 if unit == "%" else 1.0
        rows.append((name, f"{target * scale:.2f}{unit}" if isinstance(target, float) else target,
                     f"{value * scale:.2f}{unit}"))

    row("living alone, men", 0.150, a["lives_alone"][start & men].mean())
    row("living alone, women", 0.221, a["lives_alone"][start & ~men].mean())
    row("income < 2M yen", "46-53%", a["income_low"][start].mean())
    row("isolated (<1/week), all", 0.158, a["isolated0"][start].mean())
    row("isolated (<1/week), men", 0.212, a["isolated0"][start & men].mean())
    row("isolated (<1/week), women", 0.106, a["isolated0"][start & ~men].mean())
    bands = np.clip(((a["age0"] - 65) // 5).astype(int), 0, 5)
    for b, target in enumerate(CERTIFIED_BY_AGE):
        label = f"{65 + 5 * b}-{69 + 5 * b}" if b < 5 else "90+"
        row(f"certified at start, {label}", target, a["certified0"][start & (bands == b)].mean())

    # Annual death probability by sex and 5-year band of current age, from all person-time.
    death = a["death_step"]
    exit_step = np.where(death >= 0, death + 1, steps)
    age_in = a["age0"].astype(float)
    age_out = age_in + (exit_step - a["entry_step"]) * years_per_step
    age_at_death = age_in + (death - a["entry_step"] + 0.5) * years_per_step
    for (sex, age), target in LIFE_TABLE.items():
        sel = (a["sex"] == 0) if sex == "men" else (a["sex"] == 1)
        sel &= a["entry_step"] < steps
        exposure = np.clip(np.minimum(age_out[sel], age + 5) - np.maximum(age_in[sel], age), 0, None)
        died = (death[sel] >= 0) & (age_at_death[sel] >= age) & (age_at_death[sel] < age + 5)
        rate = died.sum() / exposure.sum()
        row(f"death probability, {sex} {age}-{age + 4}", target, 1 - np.exp(-rate))

    independent = start & (a["certified0"] == 0)
    three_years = int(round(3 / years_per_step))
    certified3 = (a["disability_step"][independent] >= 0) & (a["disability_step"][independent] < three_years)
    row("certified within 3 years, independent at start", 0.087, certified3.mean())

    width = max(len(r[0]) for r in rows)
    print(f"{'target':<{width}}  {'published':>10}  {'model':>10}")
    for name, target, value in rows:
        print(f"{name:<{width}}  {target:>10}  {value:>10}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
