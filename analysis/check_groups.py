#!/usr/bin/python3
"""Prints participation in community groups, by kind and sex, next to the brief's figures.

Usage: /usr/bin/python3 analysis/check_groups.py OUT.h5

OUT.h5 is a run of scenarios/town.yaml (any number of replicates; entrants on for the
stability check), e.g.
  build/salonsim run scenarios/town.yaml -o out/town.h5 --replicates 20 \\
      --set run.years=10 --set town.entrants.enabled=true
Prints the share of residents alive who belong to each kind of group (and to any group) at the
end of the first step and at the end of each year, by sex, averaged over replicates, beside the
targets (SCIENCE.md, "Social participation of several kinds"), and the largest drift from the
start. The Cabinet Office figures are for people aged 60+, the town's residents are 65+.
"""
import argparse

import h5py
import numpy as np

# (men, women) or a single figure for both; source in the comment.
TARGETS = {
    "any_group": (0.575, 0.526),  # Cabinet Office 2003, any activity in the past year, 60+
    "sports": (0.285, 0.229),  # Cabinet Office 2003, health or sports
    "hobby": (0.206, 0.280),  # Cabinet Office 2003, hobby
    "neighbourhood_association": (0.249, 0.154),  # Cabinet Office 2003, local events
    "volunteer": (0.106, 0.106),  # Tamura et al. 2021 (JAGES 2013), both sexes
    "senior_club": (0.12, 0.12),  # National Federation of Senior Clubs 2022, crude, both sexes
}
KINDS = ["any_group", "sports", "hobby", "volunteer", "senior_club", "neighbourhood_association"]


def indicator(kind):
    return "any_group_members" if kind == "any_group" else f"{kind}_members"


def load(path):
    """Per replicate: {indicator: array (steps, income, sex)}, and steps per year."""
    runs = []
    with h5py.File(path, "r") as f:
        steps_per_year = round(365.25 / int(f["meta"].attrs["days_per_step"]))
        groups = [f[k] for k in sorted(f.keys()) if k.startswith("replicate_")] or [f]
        for g in groups:
            ts = g["timeseries"]
            runs.append({name: ts[name][()] for name in ts if name == "alive" or
                         name.endswith("_members")})
    return runs, steps_per_year


def shares(runs, kind, step):
    """Share of residents alive who belong, (men, women, all), pooled over replicates."""
    name = indicator(kind)
    members = sum(r[name][step].sum(axis=0) for r in runs if name in r)
    alive = sum(r["alive"][step].sum(axis=0) for r in runs)
    if np.isscalar(members):
        return None
    return members[0] / alive[0], members[1] / alive[1], members.sum() / alive.sum()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    args = parser.parse_args()
    runs, per_year = load(args.file)
    steps = min(len(r["alive"]) for r in runs)
    years = list(range(0, steps // per_year + 1))
    print(f"{len(runs)} replicate(s), {steps} steps")
    print(f"{'kind':28s} {'target men/women':>17s} {'start men/women':>16s} "
          f"{'all':>6s}  largest drift from the start (points, men/women, by year)")
    for kind in KINDS:
        start = shares(runs, kind, 0)
        if start is None:
            continue
        target = TARGETS[kind]
        drift = [0.0, 0.0]
        for year in years[1:]:
            at = shares(runs, kind, min(year * per_year, steps) - 1)
            for s in range(2):
                if abs(at[s] - start[s]) > abs(drift[s]):
                    drift[s] = at[s] - start[s]
        print(f"{kind:28s} {100 * target[0]:7.1f} / {100 * target[1]:5.1f}   "
              f"{100 * start[0]:6.1f} / {100 * start[1]:5.1f} {100 * start[2]:6.1f}  "
              f"{100 * drift[0]:+5.1f} / {100 * drift[1]:+5.1f}")
    if len(years) > 1:
        print("\nby year (men / women, %):")
        for kind in KINDS:
            if shares(runs, kind, 0) is None:
                continue
            cells = []
            for year in years:
                at = shares(runs, kind, 0 if year == 0 else min(year * per_year, steps) - 1)
                cells.append(f"{100 * at[0]:4.1f}/{100 * at[1]:4.1f}")
            print(f"  {kind:26s} " + " ".join(cells))


if __name__ == "__main__":
    main()
