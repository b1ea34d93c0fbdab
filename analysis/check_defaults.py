#!/usr/bin/python3
"""Prints the baseline's calibration targets next to what salonsim runs give.

Usage: /usr/bin/python3 analysis/check_defaults.py OUT.h5 [--no-cox]

OUT.h5 is a run of scenarios/town.yaml (any number of replicates; entrants on for the
isolation-over-time and mortality checks, e.g.
  build/salonsim run scenarios/town.yaml -o out/town.h5 --replicates 10 \\
      --set run.years=20 --set town.entrants.enabled=true).
Prints: the start population against SCIENCE.md; deaths by sex and 5-year band against the
2020 life table applied to the same person-years (observed / expected); survival 65 -> 75 and
75 -> 90 from the run's single-year death rates against the table; the share isolated by year
and sex; 3-year certification; and hazard ratios of certification and death by income quintile
(Cox, age-adjusted, by sex) beside the published JAGES range.
"""
import argparse
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
LIFE_TABLE = os.path.join(HERE, "..", "models", "health", "life_table_japan_2020.csv")
CERTIFIED_BY_AGE = [0.028, 0.055, 0.124, 0.264, 0.481, 0.727]  # MHLW 2020
ISOLATED = {"all": 0.158, "men": 0.212, "women": 0.106}  # Saito et al. 2015
SURVIVAL = {("men", 65, 75): 0.847, ("women", 65, 75): 0.934,
            ("men", 75, 90): 0.369, ("women", 75, 90): 0.595}  # 2020 life table
INCOME_HR = {"men": "1.55-1.75", "women": "0.92-1.22 (n.s.)"}  # Kondo K et al. 2012
SEXES = ("men", "women")


def life_table():
    import pandas as pd

    table = pd.read_csv(LIFE_TABLE, comment="#")
    first = int(table["age"].iloc[0])
    return first, {"men": table["male_qx"].to_numpy(), "women": table["female_qx"].to_numpy()}


def load(path):
    runs = []
    with h5py.File(path, "r") as f:
        years_per_step = int(f["meta"].attrs["days_per_step"]) / 365.25
        groups = [f[k] for k in sorted(f.keys()) if k.startswith("replicate_")] or [f]
        for g in groups:
            agents = {name: g["agents"][name][()] for name in g["agents"]}
            series = {name: g["timeseries"][name][()]
                      for name in ("alive", "certified", "isolated", "isolated_independent")}
            runs.append((agents, series, len(g["timeseries/step"])))
    return runs, years_per_step


def exposure_by_age(a, steps, years_per_step, sex, last_age):
    """Person-years and deaths by single year of age (65 .. last_age) of one sex."""
    sel = (a["sex"] == sex) & (a["entry_step"] < steps)
    death = a["death_step"][sel]
    exit_step = np.where(death >= 0, death + 1, steps)
    age_in = a["age0"][sel].astype(float)
    age_out = age_in + (exit_step - a["entry_step"][sel]) * years_per_step
    at_death = age_in + (death - a["entry_step"][sel] + 0.5) * years_per_step
    ages = np.arange(65, last_age + 1)
    years = np.array([np.clip(np.minimum(age_out, x + 1) - np.maximum(age_in, x), 0, None).sum()
                      for x in ages])
    died = death >= 0
    deaths = np.array([(died & (np.floor(at_death) == x)).sum() for x in ages])
    return years, deaths


def mortality(runs, years_per_step, rows):
    first, q = life_table()
    last = first + len(q["men"]) - 1
    print("\nDeaths by sex and 5-year band: observed against the 2020 life table applied to the "
          "run's person-years")
    print(f"{'band':<8}{'sex':<7}{'person-yrs':>11}{'deaths':>8}{'expected':>10}{'O/E':>7}"
          f"{'+-2se':>7}{'rate':>8}{'table':>8}")
    for s, sex in enumerate(SEXES):
        years = np.zeros(last - 64)
        deaths = np.zeros(last - 64)
        for a, _, steps in runs:
            y, d = exposure_by_age(a, steps, years_per_step, s, last)
            years += y
            deaths += d
        hazard = -np.log1p(-np.minimum(q[sex][65 - first:], 1 - 1e-6))
        for lo in range(65, 105, 5):
            hi = lo + 5 if lo < 100 else last + 1
            k = slice(lo - 65, hi - 65)
            e = (years[k] * hazard[k]).sum()
            o = deaths[k].sum()
            if years[k].sum() <= 0:
                continue
            label = f"{lo}-{hi - 1}" if lo < 100 else "100+"
            print(f"{label:<8}{sex:<7}{years[k].sum():>11.0f}{o:>8.0f}{e:>10.1f}{o / e:>7.3f}"
                  f"{2 * np.sqrt(max(o, 1)) / e:>7.3f}{1 - np.exp(-o / years[k].sum()):>8.4f}"
                  f"{1 - np.exp(-e / years[k].sum()):>8.4f}")
        rate = np.where(years > 0, deaths / np.maximum(years, 1e-9), hazard)
        for lo, hi in ((65, 75), (75, 90)):
            model = np.exp(-rate[lo - 65:hi - 65].sum())
            rows.append((f"survival {lo} -> {hi}, {sex}", f"{100 * SURVIVAL[(sex, lo, hi)]:.1f}%",
                         f"{100 * model:.1f}%"))


def isolation(runs, years_per_step, rows):
    """Share isolated among residents who are not certified (JAGES surveys only them)."""
    steps = min(r[2] for r in runs)
    alive = sum(r[1]["alive"][:steps] - r[1]["certified"][:steps] for r in runs)
    isolated = sum(r[1]["isolated_independent"][:steps] for r in runs)
    for year in (0, 1, 5, 10, 15, 20):
        step = int(round(year / years_per_step))
        if step >= steps:
            continue
        shares = {"all": isolated[step].sum() / alive[step].sum()}
        for s, sex in enumerate(SEXES):
            shares[sex] = isolated[step][:, s].sum() / alive[step][:, s].sum()
        for group, value in shares.items():
            rows.append((f"isolated (<1/week), independent, year {year}, {group}",
                         f"{100 * ISOLATED[group]:.1f}%", f"{100 * value:.1f}%"))


def certified_by_age(runs, years_per_step, rows):
    """Share certified by age band among the living at the last step (MHLW 2020 at the start)."""
    a = {k: np.concatenate([r[0][k] for r in runs]) for k in runs[0][0]}
    steps = runs[0][2]
    alive = (a["entry_step"] < steps) & (a["death_step"] < 0)
    age = a["age0"] + (steps - a["entry_step"]) * years_per_step
    certified = (a["disability_step"] >= 0) | (a["certified0"] == 1)
    bands = np.clip(((age - 65) // 5).astype(int), 0, 5)
    years = steps * years_per_step
    for b, target in enumerate(CERTIFIED_BY_AGE):
        label = f"{65 + 5 * b}-{69 + 5 * b}" if b < 5 else "90+"
        sel = alive & (bands == b)
        rows.append((f"certified at year {years:.0f}, {label}", f"{100 * target:.1f}%",
                     f"{100 * certified[sel].mean():.1f}%"))


def start_population(runs, years_per_step, rows):
    a = {k: np.concatenate([r[0][k] for r in runs]) for k in runs[0][0]}
    start = a["entry_step"] == 0
    men = a["sex"] == 0
    rows.append(("living alone, men", "15.0%", f"{100 * a['lives_alone'][start & men].mean():.1f}%"))
    rows.append(("living alone, women", "22.1%",
                 f"{100 * a['lives_alone'][start & ~men].mean():.1f}%"))
    rows.append(("income < 2M yen", "46-53%", f"{100 * a['income_low'][start].mean():.1f}%"))
    bands = np.clip(((a["age0"] - 65) // 5).astype(int), 0, 5)
    for b, target in enumerate(CERTIFIED_BY_AGE):
        label = f"{65 + 5 * b}-{69 + 5 * b}" if b < 5 else "90+"
        rows.append((f"certified at start, {label}", f"{100 * target:.1f}%",
                     f"{100 * a['certified0'][start & (bands == b)].mean():.1f}%"))
    rows.append(("oldest resident at the start", "the table's last ages",
                 f"{a['age0'][start].max():.1f}"))
    rows.append(("aged 100+ at the start", "about 0.2% of 65+ (2020 Census)",
                 f"{100 * (a['age0'][start] >= 100).mean():.2f}%"))
    independent = start & (a["certified0"] == 0)
    three = int(round(3 / years_per_step))
    d = a["disability_step"][independent]
    rows.append(("certified within 3 years, independent at start", "8.7%",
                 f"{100 * ((d >= 0) & (d < three)).mean():.1f}%"))


def income_gradient(runs, years_per_step):
    """Cox HR by income quintile (Q1 lowest, Q5 reference), age-adjusted, by sex, among the
    starting residents independent at the start, followed for up to 4 years as in AGES."""
    import statsmodels.api as sm

    follow = int(round(4 / years_per_step))
    print("\nHazard ratios by income quintile (Q5 = highest = 1), age-adjusted, independent at "
          "the start, 4 years")
    for outcome in ("certification", "death"):
        for s, sex in enumerate(SEXES):
            times, events, covariates = [], [], []
            for r, (a, _, steps) in enumerate(runs):
                sel = (a["entry_step"] == 0) & (a["certified0"] == 0)
                income = a["income"][a["entry_step"] == 0]
                cuts = np.quantile(income, [0.2, 0.4, 0.6, 0.8])
                sel &= a["sex"] == s
                end = min(follow, steps)
                death = np.where(a["death_step"][sel] >= 0, a["death_step"][sel], end)
                if outcome == "certification":
                    event_step = np.where(a["disability_step"][sel] >= 0,
                                          a["disability_step"][sel], end)
                else:
                    event_step = death
                stop = np.minimum(np.minimum(event_step, death), end)
                event = (event_step < end) & (event_step <= death)
                quintile = np.searchsorted(cuts, a["income"][sel])
                dummies = np.stack([(quintile == k).astype(float) for k in range(4)], axis=1)
                covariates.append(np.column_stack([dummies, a["age0"][sel] - 75.0]))
                times.append(stop + 1.0)
                events.append(event.astype(float))
            fit = sm.PHReg(np.concatenate(times), np.concatenate(covariates),
                           status=np.concatenate(events), ties="breslow").fit()
            hr = np.exp(fit.params[:4])
            lo = np.exp(fit.params[:4] - 1.96 * fit.bse[:4])
            hi = np.exp(fit.params[:4] + 1.96 * fit.bse[:4])
            cells = "  ".join(f"Q{k + 1} {hr[k]:.2f} ({lo[k]:.2f}-{hi[k]:.2f})" for k in range(4))
            print(f"{outcome:<14}{sex:<6} {cells}   published Q1: {INCOME_HR[sex]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--no-cox", action="store_true", help="skip the income hazard ratios")
    args = parser.parse_args()
    runs, years_per_step = load(args.output)
    rows = []
    start_population(runs, years_per_step, rows)
    isolation(runs, years_per_step, rows)
    certified_by_age(runs, years_per_step, rows)
    mortality(runs, years_per_step, rows)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'target':<{width}}  {'published':>12}  {'model':>8}")
    for name, target, value in rows:
        print(f"{name:<{width}}  {target:>12}  {value:>8}")
    if not args.no_cox:
        income_gradient(runs, years_per_step)


if __name__ == "__main__":
    main()
