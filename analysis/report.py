#!/usr/bin/python3
"""An HTML report of a scenario comparison written by `salonsim compare`.

    /usr/bin/python3 analysis/report.py out/cmp.h5 -o out/report

writes out/report/index.html, the PNG figures it links to (relative links, so the folder can be
moved or zipped) and summary.csv (a copy of the comparison table stored in the file).

Contents: the arms, seed, replicates and version; the per-arm outcomes with 95% intervals and the
differences from the reference arm by income group and sex; and five figures:
  (a) certification-free survival (Kaplan-Meier, pooled over replicates) by arm, and by arm and
      income group;
  (b) salon participation over time, for arms with salons;
  (c) a map of replicate 0 of the first arm with salons (or with a mobile shop, or the
      reference arm), with salon venues, food stores and mobile-shop stops;
  (d) certifications averted and disability-free years gained by group, with 95% intervals;
  (e) the standard error of each difference with common random numbers vs independent seeds.
When an arm has social prescribing, a section on it comes before the figures: a sentence per arm,
how far residents got along the pathway (screened, positive, link-worker clients, took up each
destination, the wait), the same by income group and sex, who was reached
(/social_prescribing_reach) and the link workers' waiting list over time.

Only Debian's Python packages are needed: h5py, numpy, pandas and matplotlib (Agg).
Exit status: 0 on success, 2 when the input is missing or not a comparison file, 1 when the
report cannot be written.
"""
from __future__ import annotations

import argparse
import html
import io
import os
import sys
import time

import numpy as np

try:
    import h5py
    import pandas as pd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"report.py: error: a required Python package is missing ({error}); "
             "on Debian: apt-get install python3-h5py python3-pandas python3-matplotlib")

from report_common import (EXIT_FAILED, EXIT_INVALID_INPUT, InputError, figure,
                           includes_zero, interval_text, meta_table, num, page,
                           provenance_rows, save, section, sig, t_interval, text_attr,
                           write_page)
from report_planner import (GROUP_WORDS, GROUPS as TALLY_GROUPS, MAP_AGENT_COLUMNS, ArmRuns, TownMap, cost_effectiveness,
                            cost_sentences, coverage_by_district, district_sentence,
                            effect_phrase, figure_cost_effectiveness, figure_equity,
                            figure_town_map, group_effects, map_block, paired_costs,
                            replicates_of, table_cost_per_year, table_costs, table_districts,
                            where_next_sentence)


GROUPS = ["all", "low_income_women", "low_income_men", "high_income_women", "high_income_men"]
GROUP_LABELS = {
    "all": "all residents",
    "low_income_women": "low-income women",
    "low_income_men": "low-income men",
    "high_income_women": "high-income women",
    "high_income_men": "high-income men",
}
# name: (label, scale, digits, unit suffix)
OUTCOMES = {
    "certifications": ("new LTC certifications", 1.0, 1, ""),
    "deaths": ("deaths", 1.0, 1, ""),
    "disability_free_years": ("disability-free years", 1.0, 0, ""),
    "certifications_per_1000_py": ("certifications per 1,000 disability-free person-years", 1.0, 2, ""),
    "cumulative_certification": ("certified by the end (% of those independent at entry)", 100.0, 2, "%"),
    "cumulative_death": ("died by the end (% of residents)", 100.0, 2, "%"),
    "participation": ("ever attended a salon (% of residents)", 100.0, 1, "%"),
    "group_participation": ("in a community group of any kind at the end (% alive)", 100.0, 1, "%"),
    "sports_participation": ("in a sports group at the end (% alive)", 100.0, 1, "%"),
    "hobby_participation": ("in a hobby group at the end (% alive)", 100.0, 1, "%"),
}
SUMMARY_COLUMNS = ["arm", "group", "outcome", "mean", "low", "high", "difference",
                   "difference_low", "difference_high", "se_common_random_numbers",
                   "se_independent_seeds", "variance_reduction"]
AGENT_COLUMNS = ["entry_step", "certified0", "disability_step", "death_step", "income_low", "sex"]
# Timeseries groups are indexed [income_low, sex].
TS_GROUPS = [("low_income_women", 1, 1), ("low_income_men", 1, 0),
             ("high_income_women", 0, 1), ("high_income_men", 0, 0)]
GROUP_COLOURS = {"low_income_women": "#d62728", "low_income_men": "#ff7f0e",
                 "high_income_women": "#1f77b4", "high_income_men": "#17becf", "all": "black"}
LINESTYLES = ["-", "--", ":", "-."]
DAYS_PER_YEAR = 365.25
# Social prescribing (docs/output.md): an arm has it when its runs have this table.
SP_REACH = "social_prescribing_reach"
SP_AGENT_COLUMNS = ["sp_screens", "sp_first_positive_step", "sp_intakes", "sp_took_up",
                    "sp_waited_steps"]
SP_REACH_COLUMNS = ["residents", "screened", "positive", "clients", "took_up", "took_up_group"]
# sp_took_up bits: (bit, name, as a destination in a sentence)
SP_DESTINATIONS = [(1, "group", "a group"), (2, "mobile shop", "the mobile shop"),
                   (4, "shuttle", "the shuttle"), (8, "welfare", "welfare counselling")]
SP_REACH_LABELS = {"all": "all residents", "low_income": "low income", "high_income": "high income",
                   "men": "men", "women": "women", "isolated": "isolated (contact < 1/week)",
                   "living_alone": "living alone", "without_car": "without a car"}


# ---- reading ---------------------------------------------------------------------------------

class Comparison:
    """What the report needs from a comparison file, read once."""

    def __init__(self, path: str):
        if not os.path.exists(path):
            raise InputError(f"no such file: {path}")
        if os.path.isdir(path):
            raise InputError(f"{path} is a directory, not a salonsim output file")
        if not h5py.is_hdf5(path):
            raise InputError(f"{path} is not an HDF5 file")
        self.path = path
        try:
            with h5py.File(path, "r") as f:
                self._read(f)
        except InputError:
            raise
        except (OSError, KeyError, ValueError, TypeError) as error:
            raise InputError(f"{path}: cannot read the file ({error})") from error

    is_run = False

    def _read(self, f: "h5py.File") -> None:
        path = self.path
        if "comparison" not in f or "arms" not in f:
            raise InputError(f"{path} has no /comparison or /arms: not written by "
                             "`salonsim compare` (for a single run see docs/output.md)")
        cmp_attrs = f["comparison"].attrs
        for key in ("reference", "arms", "summary_csv"):
            if key not in cmp_attrs:
                raise InputError(f"{path}: /comparison lacks the attribute '{key}'")
        self.meta = {k: v for k, v in f["meta"].attrs.items()} if "meta" in f else {}
        self.reference = text_attr(cmp_attrs["reference"])
        self.arms = [a for a in text_attr(cmp_attrs["arms"]).split("\n") if a]
        self.summary_csv = text_attr(cmp_attrs["summary_csv"])
        # salonsim's own text summary and further analyses (hazard ratios), where written.
        self.text_table = text_attr(cmp_attrs["table"]) if "table" in cmp_attrs else ""
        self.text_analyses = text_attr(cmp_attrs["analyses"]) if "analyses" in cmp_attrs else ""
        if self.reference not in self.arms:
            raise InputError(f"{path}: reference arm '{self.reference}' is not among the arms")
        try:
            self.summary = pd.read_csv(io.StringIO(self.summary_csv))
        except Exception as error:  # pandas raises several kinds
            raise InputError(f"{path}: /comparison summary_csv is not CSV ({error})") from error
        missing = [c for c in SUMMARY_COLUMNS if c not in self.summary.columns]
        if missing:
            raise InputError(f"{path}: summary_csv lacks the columns {', '.join(missing)}")
        self.days_per_step = int(self.meta.get("days_per_step", 7))

        self._read_arms({arm: self._arm_group(f, arm) for arm in self.arms})

        self._read_map()

    def _read_map(self) -> None:
        """The map: replicate 0 of the first arm with salons, else of the first with a mobile
        shop, else of the reference arm; with its venue layers and districts."""
        path = self.path

        def first_replicate(arm):
            return self.replicate_groups[arm][0]

        self.map_arm = next(
            (a for a in self.arms if self.has_salons[a]),
            next((a for a in self.arms if "mobile_shop_stops" in first_replicate(a)),
                 self.reference))
        rep = first_replicate(self.map_arm)
        for c in ("x_m", "y_m"):
            if c not in rep["agents"]:
                raise InputError(f"{path}: {rep.name}/agents/{c} is missing")
        self.map_agents = {c: rep["agents"][c][:] for c in
                           ("x_m", "y_m", "disability_step", "death_step")}
        self.map_salons = None
        if "salons" in rep and "x_m" in rep["salons"] and "y_m" in rep["salons"]:
            self.map_salons = {c: rep["salons"][c][:] for c in rep["salons"].keys()}
        # Food stores and mobile-shop stops, when the run had them.
        self.map_stores = self.map_stops = None
        if "stores" in rep and "x_m" in rep["stores"]:
            self.map_stores = {c: rep["stores"][c][:] for c in rep["stores"].keys()}
        if "mobile_shop_stops" in rep and "x_m" in rep["mobile_shop_stops"]:
            self.map_stops = {c: rep["mobile_shop_stops"][c][:]
                              for c in rep["mobile_shop_stops"].keys()}
        self.map_steps = self.n_steps[self.map_arm]
        self.town = TownMap(rep, self.map_arm, self.map_steps) if all(
            c in rep["agents"] for c in MAP_AGENT_COLUMNS) else None
        self.map_reps = self.replicate_groups[self.map_arm]
        self.coverage = None
        if self.town is not None and self.town.layers and self.runs[self.map_arm].has_districts:
            self.coverage = coverage_by_district(
                self.map_reps, self.town.layers[0].table,
                len(self.runs[self.map_arm].district_names))

    def _arm_group(self, f, arm: str):
        if arm not in f["arms"]:
            raise InputError(f"{self.path}: arm '{arm}' is listed in /comparison but /arms/{arm} "
                             "is missing")
        return f["arms"][arm]

    def _read_arms(self, groups: dict, where=lambda arm: f"/arms/{arm}") -> None:
        """Reads each arm's replicates (groups: arm -> the group holding its replicate_<r>
        groups, or a run's root)."""
        path = self.path
        self.arm_attrs = {}
        self.replicates = {}   # arm -> list of replicate group names, by index
        self.agents = {}       # arm -> dict column -> (concatenated array), plus "replicate"
        self.timeseries = {}   # arm -> dict name -> array (replicates, steps, 2, 2); day, step
        self.n_steps = {}      # arm -> steps recorded
        self.has_salons = {}
        self.has_sp = {}       # arm -> whether its runs had social prescribing
        self.sp_reach = {}     # arm -> (row names, dict column -> counts summed over replicates)
        self.runs = {}         # arm -> ArmRuns: tallies, costs, districts
        self.replicate_groups = {}
        for arm, group in groups.items():
            self.arm_attrs[arm] = {k: text_attr(v) for k, v in group.attrs.items()}
            reps = replicates_of(group)
            if reps == [group] and "agents" not in group:
                raise InputError(f"{path}: {where(arm)} has no replicate_<r> groups")
            self.replicate_groups[arm] = reps
            names = [r.name.split("/")[-1] for r in reps]
            self.replicates[arm] = names
            # Social prescribing is per arm: every replicate has it or none does.
            sp = [SP_REACH in rep for rep in reps]
            if any(sp) and not all(sp):
                raise InputError(f"{path}: {where(arm)}: only some replicates have "
                                 f"/{SP_REACH}")
            self.has_sp[arm] = all(sp)
            wanted = AGENT_COLUMNS + (SP_AGENT_COLUMNS if self.has_sp[arm] else [])
            columns = {c: [] for c in wanted}
            replicate_index = []
            series = {}
            reach_rows, reach = None, {}
            for r, rep in enumerate(reps):
                name = rep.name
                for sub in ("agents", "timeseries"):
                    if sub not in rep:
                        raise InputError(f"{path}: {name}/{sub} is missing")
                agents = rep["agents"]
                for c in wanted:
                    if c not in agents:
                        raise InputError(f"{path}: {name}/agents/{c} is missing")
                    columns[c].append(agents[c][:])
                replicate_index.append(np.full(len(columns["sex"][-1]), r, dtype=np.int32))
                ts = rep["timeseries"]
                for k in ts.keys():
                    if isinstance(ts[k], h5py.Dataset) and ts[k].dtype.kind not in "OSU":
                        series.setdefault(k, []).append(ts[k][:])
                if self.has_sp[arm]:
                    reach_rows = self._read_reach(rep[SP_REACH], name, reach_rows, reach)
            self.agents[arm] = {c: np.concatenate(v) for c, v in columns.items()}
            self.agents[arm]["replicate"] = np.concatenate(replicate_index)
            if "step" not in series or "alive" not in series:
                raise InputError(f"{path}: {where(arm)}: timeseries/step or timeseries/alive is "
                                 "missing")
            steps = {len(s) for s in series["step"]}
            if len(steps) != 1:
                raise InputError(f"{path}: {where(arm)}: replicates differ in their number of "
                                 "steps")
            self.n_steps[arm] = steps.pop()
            self.timeseries[arm] = {k: np.stack(v) for k, v in series.items()
                                    if all(len(x) == self.n_steps[arm] for x in v)}
            self.has_salons[arm] = ("salon_ever" in self.timeseries[arm]
                                    and "salon_attendance" in self.timeseries[arm]
                                    and "salons" in reps[0])
            if self.has_sp[arm]:
                self.sp_reach[arm] = (reach_rows, reach)
            self.runs[arm] = ArmRuns(arm, reps, where(arm), self.n_steps[arm])

    def _read_reach(self, table, where: str, rows, totals: dict):
        """Adds one replicate's /social_prescribing_reach into totals (column -> counts by row);
        returns its row names, which must be those of the replicates before it."""
        if "rows" not in table.attrs:
            raise InputError(f"{self.path}: {where}/{SP_REACH} lacks the attribute 'rows'")
        names = [n for n in text_attr(table.attrs["rows"]).replace("\n", ",").split(",") if n]
        if rows is not None and names != rows:
            raise InputError(f"{self.path}: {where}/{SP_REACH}: rows differ between replicates")
        for col in SP_REACH_COLUMNS:
            if col not in table or len(table[col]) != len(names):
                raise InputError(f"{self.path}: {where}/{SP_REACH}/{col} is missing or does not "
                                 "have one value per row")
            totals[col] = totals.get(col, 0) + table[col][:].astype(np.int64)
        return names


class RunFile(Comparison):
    """A `salonsim run` file read as a comparison of one arm (the run), so that the figures of
    the comparison report draw it too."""

    is_run = True

    def _read(self, f: "h5py.File") -> None:
        if "agents" not in f and "replicate_0" not in f:
            raise InputError(f"{self.path} has no /agents, /replicate_0 or /comparison: not "
                             "written by `salonsim run` or `salonsim compare`")
        self.meta = {k: v for k, v in f["meta"].attrs.items()} if "meta" in f else {}
        scenario = text_attr(self.meta.get("scenario_file", "")) or "run"
        name = os.path.splitext(os.path.basename(scenario))[0] or "run"
        self.arms, self.reference = [name], name
        self.summary, self.summary_csv = None, ""
        self.text_table = self.text_analyses = ""
        self.days_per_step = int(self.meta.get("days_per_step", 7))
        self._read_arms({name: f}, where=lambda arm: "/")
        self.arm_attrs[name].update({k: text_attr(v) for k, v in self.meta.items()
                                     if k in ("scenario_file", "scenario_yaml")})
        self._read_map()


def load(path: str) -> Comparison:
    """A comparison or a single run, whichever the file is."""
    kind = Comparison
    if os.path.isfile(path) and h5py.is_hdf5(path):
        try:
            with h5py.File(path, "r") as f:
                if "comparison" not in f and ("agents" in f or "replicate_0" in f):
                    kind = RunFile
        except OSError:
            pass  # Comparison says why
    return kind(path)


# ---- statistics ------------------------------------------------------------------------------

def kaplan_meier(duration: np.ndarray, event: np.ndarray, n_max: int):
    """Kaplan-Meier survival for integer durations 1..n_max (in steps); vectorised.

    Returns (times, survival) with times 0..n_max and survival[0] = 1 (a step function: the
    value at t holds from t to the next time)."""
    duration = np.clip(duration, 0, n_max)
    events = np.bincount(duration[event], minlength=n_max + 1)
    leaving = np.bincount(duration, minlength=n_max + 1)
    at_risk = len(duration) - np.concatenate([[0], np.cumsum(leaving)[:-1]])
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(at_risk > 0, events / np.maximum(at_risk, 1), 0.0)
    return np.arange(n_max + 1), np.cumprod(1.0 - hazard)


def certification_free(agents: dict, n_steps: int, mask=None):
    """Time to certification among residents independent at entry, censored at death or at the
    end of the run. A certification or death in step s is counted at the end of step s."""
    keep = agents["certified0"] == 0
    if mask is not None:
        keep &= mask
    entry = agents["entry_step"][keep].astype(np.int64)
    dis = agents["disability_step"][keep].astype(np.int64)
    death = agents["death_step"][keep].astype(np.int64)
    event = dis >= 0
    end = np.where(event, dis + 1, np.where(death >= 0, death + 1, n_steps))
    duration = end - entry
    return kaplan_meier(duration, event, n_steps), int(keep.sum())


def sp_pathway(c: Comparison, arm: str, mask=None) -> dict:
    """How far residents of an arm got along the social-prescribing pathway: means over
    replicates of residents, screened, positive, clients, took_up and took up each destination
    (a resident counts once however often screened or taken), and wait_weeks, the mean wait for
    a link worker per intake (pooled over replicates). Only residents who entered during the run
    count, as in /social_prescribing_reach."""
    agents = c.agents[arm]
    keep = agents["entry_step"] < c.n_steps[arm]
    if mask is not None:
        keep = keep & mask
    replicate = agents["replicate"][keep]
    n_replicates = len(c.replicates[arm])

    def mean(flag):
        return float(np.bincount(replicate, weights=flag[keep], minlength=n_replicates).mean())

    took_up = agents["sp_took_up"]
    result = {
        "residents": mean(np.ones(len(keep))),
        "screened": mean(agents["sp_screens"] > 0),
        "positive": mean(agents["sp_first_positive_step"] != -1),
        "clients": mean(agents["sp_intakes"] > 0),
        "took_up": mean(took_up > 0),
    }
    for bit, name, _ in SP_DESTINATIONS:
        result[name] = mean((took_up & bit) != 0)
    intakes = int(agents["sp_intakes"][keep].sum())
    waited = int(agents["sp_waited_steps"][keep].sum())
    result["wait_weeks"] = waited * c.days_per_step / 7 / intakes if intakes else float("nan")
    return result


# ---- figures ---------------------------------------------------------------------------------

def fmt_vr(v: float) -> str:
    """A variance reduction factor, short: 9.5×, 37×, 2.4k×, 1.0M×, ∞ (no paired variance)."""
    if v is None or np.isnan(v):
        return "–"
    if np.isinf(v):
        return "∞"
    if v < 10:
        return f"{v:.1f}×"
    if v < 1000:
        return f"{v:.0f}×"
    if v < 1e6:
        return f"{v / 1e3:.1f}k×"
    return f"{v / 1e6:.1f}M×"


def arm_colours(arms):
    cycle = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    return {arm: cycle[i % len(cycle)] for i, arm in enumerate(arms)}


def figure_survival(c: Comparison, out_dir: str, colours) -> tuple[str, str]:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8), sharey=True, constrained_layout=True)
    years_per_step = c.days_per_step / DAYS_PER_YEAR
    notes = []
    for arm in c.arms:
        n = c.n_steps[arm]
        (t, s), count = certification_free(c.agents[arm], n)
        axes[0].step(t * years_per_step, 100 * s, where="post", color=colours[arm],
                     label=f"{arm} (n={count:,})")
        notes.append(f"{html.escape(arm)}: {100 * s[-1]:.2f}% certification-free at "
                     f"{t[-1] * years_per_step:.1f} years")
        for k, (low, label) in enumerate([(0, "high income"), (1, "low income")]):
            mask = c.agents[arm]["income_low"] == low
            (t, s), count = certification_free(c.agents[arm], n, mask)
            axes[1].step(t * years_per_step, 100 * s, where="post", color=colours[arm],
                         linestyle=LINESTYLES[k], label=f"{arm}, {label} (n={count:,})")
    axes[0].set_title("by arm")
    axes[1].set_title("by arm and income group")
    for ax in axes:
        ax.set_xlabel("years since entry")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    axes[0].set_ylabel("certification-free (%)")
    fig.suptitle("Certification-free survival (Kaplan-Meier; residents independent at entry; "
                 "censored at death or end; pooled over replicates)", fontsize=10)
    return save(fig, out_dir, "survival.png"), "; ".join(notes)


def figure_participation(c: Comparison, out_dir: str, colours):
    salon_arms = [a for a in c.arms if c.has_salons[a]]
    if not salon_arms:
        return None
    fig, axes = plt.subplots(1, 3, figsize=(15, 4.6), constrained_layout=True)
    window = max(1, int(round(28 / c.days_per_step)))  # four weeks
    for i, arm in enumerate(salon_arms):
        ts = c.timeseries[arm]
        day = ts["day"][0] if "day" in ts else (ts["step"][0] + 1) * c.days_per_step
        years = day / DAYS_PER_YEAR
        alive = ts["alive"].sum(axis=(2, 3)).astype(float)  # (replicates, steps)
        with np.errstate(divide="ignore", invalid="ignore"):
            ever = np.where(alive > 0, ts["salon_ever"].sum(axis=(2, 3)) / alive, np.nan)
            attend = np.where(alive > 0, ts["salon_attendance"].sum(axis=(2, 3)) / alive, np.nan)
        ever_mean = np.nanmean(ever, axis=0)
        attend_mean = np.nanmean(attend, axis=0)
        axes[0].plot(years, 100 * ever_mean, color=colours[arm], label=arm)
        if len(attend_mean) >= window:  # sessions are fortnightly or monthly: smooth
            rolling = np.convolve(attend_mean, np.ones(window) / window, mode="valid")
            axes[1].plot(years[window - 1:], 100 * rolling, color=colours[arm], label=arm)
        else:
            axes[1].plot(years, 100 * attend_mean, color=colours[arm], label=arm)
        for g, low, sex in TS_GROUPS:
            a = ts["alive"][:, :, low, sex].astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                share = np.where(a > 0, ts["salon_ever"][:, :, low, sex] / a, np.nan)
            axes[2].plot(years, 100 * np.nanmean(share, axis=0), color=GROUP_COLOURS[g],
                         linestyle=LINESTYLES[i % len(LINESTYLES)],
                         label=GROUP_LABELS[g] + (f" ({arm})" if len(salon_arms) > 1 else ""))
    axes[0].set_title("ever attended, % of residents alive")
    axes[1].set_title(f"attended in a step, % alive ({window * c.days_per_step}-day mean)")
    axes[2].set_title("ever attended by group, % alive"
                      + (f" ({salon_arms[0]})" if len(salon_arms) == 1 else ""))
    for ax in axes:
        ax.set_xlabel("years")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"Salon participation (mean over {len(c.replicates[salon_arms[0]])} replicates)",
                 fontsize=10)
    return save(fig, out_dir, "participation.png")


def figure_sp_waiting(c: Comparison, out_dir: str, colours):
    """Link workers' waiting list and caseload over time, one line per arm with social
    prescribing."""
    sp_arms = [a for a in c.arms if c.has_sp[a] and "sp_waiting" in c.timeseries[a]
               and "sp_clients" in c.timeseries[a]]
    if not sp_arms:
        return None
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), constrained_layout=True)
    panels = [("sp_waiting", "residents waiting for a link worker"),
              ("sp_clients", "link workers' current clients")]
    for i, arm in enumerate(sp_arms):
        ts = c.timeseries[arm]
        day = ts["day"][0] if "day" in ts else (ts["step"][0] + 1) * c.days_per_step
        for ax, (name, _) in zip(axes, panels):
            # Summed over income group and sex, then averaged over replicates. Arms often
            # share their waiting list, so the line styles differ to show both.
            ax.plot(day / DAYS_PER_YEAR, ts[name].sum(axis=(2, 3)).mean(axis=0),
                    color=colours[arm], linestyle=LINESTYLES[i % len(LINESTYLES)], label=arm)
    for ax, (_, title) in zip(axes, panels):
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("years")
        ax.set_ylabel("residents")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    return save(fig, out_dir, "sp_waiting.png")


def figure_map(c: Comparison, out_dir: str):
    arm, agents, salons = c.map_arm, c.map_agents, c.map_salons
    certified = agents["disability_step"] >= 0
    died = (agents["death_step"] >= 0) & ~certified
    neither = ~certified & ~died
    fig, ax = plt.subplots(figsize=(8.5, 8.5))
    for mask, colour, label, size in [
        (neither, "#b0b0b0", "neither", 1.5),
        (died, "#222222", "died (not certified during the run)", 3),
        (certified, "#e6550d", "certified during the run", 3),
    ]:
        ax.scatter(agents["x_m"][mask], agents["y_m"][mask], s=size, c=colour, linewidths=0,
                   label=f"{label}: {int(mask.sum()):,}", rasterized=True)
    venue_note = "no salon venues in this arm"
    if salons is not None and len(salons.get("x_m", [])) > 0:
        x, y = salons["x_m"], salons["y_m"]
        attendance = salons.get("attendance_total", np.ones(len(x)))
        sizes = 120 + 400 * attendance / max(float(np.max(attendance)), 1.0)
        ax.scatter(x, y, s=sizes, marker="*", c="#3182bd", edgecolors="black", linewidths=0.8,
                   zorder=5, label=f"salon venues: {len(x)} (size: attendance)")
        for xi, yi in zip(x, y):
            ax.add_patch(plt.Circle((xi, yi), 350, fill=False, linestyle="--", linewidth=0.7,
                                    edgecolor="#3182bd", zorder=4))
        for k, (xi, yi) in enumerate(zip(x, y)):
            ax.annotate(f"{k}", (xi, yi), xytext=(6, 6), textcoords="offset points",
                        fontsize=7, color="#08519c", zorder=6)
        venue_note = "dashed circles: 350 m around each venue; numbers: venue row in /salons"
    stores = c.map_stores
    if stores is not None and len(stores["x_m"]) > 0:
        closes = stores.get("closes_step", np.full(len(stores["x_m"]), -1))
        open_at_end = (closes < 0) | (closes >= c.map_steps)
        for mask, face, label in [(open_at_end, "#31a354", "food stores open at the end"),
                                  (~open_at_end, "none", "food stores that closed")]:
            if mask.any():
                ax.scatter(stores["x_m"][mask], stores["y_m"][mask], s=45, marker="s",
                           c=face, edgecolors="#006d2c", linewidths=1.0, zorder=5,
                           label=f"{label}: {int(mask.sum())}")
    stops = c.map_stops
    if stops is not None and len(stops["x_m"]) > 0:
        lunch = stops.get("lunch_salon", np.zeros(len(stops["x_m"]))) > 0
        ax.scatter(stops["x_m"], stops["y_m"], s=70, marker="^", c=np.where(lunch, "#fd8d3c",
                                                                           "#fdd0a2"),
                   edgecolors="black", linewidths=0.6, zorder=5,
                   label=f"mobile shop stops: {len(stops['x_m'])} (dark: lunch salon)")
    ax.set_aspect("equal")
    ax.set_xlabel("east (m)")
    ax.set_ylabel("north (m)")
    ax.grid(alpha=0.2)
    # Legend markers of one size, whatever the sizes on the map.
    handles, labels = ax.get_legend_handles_labels()
    markers = []
    for h, label in zip(handles, labels):
        venue = "venues" in label
        shape = "*" if venue else "s" if "stores" in label else "^" if "stops" in label else "o"
        faces = h.get_facecolor()
        face = faces[0] if len(faces) else "none"
        edge = "black" if venue or shape == "^" else "#006d2c" if shape == "s" else face
        markers.append(Line2D([], [], linestyle="", marker=shape,
                              markersize=13 if venue else 7 if shape != "o" else 5,
                              markerfacecolor=face, markeredgecolor=edge))
    ax.legend(markers, labels, fontsize=8, loc="upper center", ncol=2,
              bbox_to_anchor=(0.5, -0.07), frameon=False)
    ax.set_title(f"{arm}, replicate 0: residents by outcome\n({venue_note})", fontsize=10)
    return save(fig, out_dir, "map.png"), arm


def figure_standard_errors(c: Comparison, out_dir: str, colours):
    others = [a for a in c.arms if a != c.reference]
    if not others:
        return None
    s = c.summary
    outcomes = [o for o in OUTCOMES if o != "participation"]
    ncols = 3
    nrows = int(np.ceil(len(outcomes) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(15, 3.8 * nrows), squeeze=False,
                             constrained_layout=True)
    x = np.arange(len(GROUPS))
    width = 0.8 / (2 * len(others))
    for ax, outcome in zip(axes.flat, outcomes):
        label, scale, _, unit = OUTCOMES[outcome]
        for k, arm in enumerate(others):
            rows = s[(s.arm == arm) & (s.outcome == outcome)].set_index("group").reindex(GROUPS)
            crn = scale * rows["se_common_random_numbers"].to_numpy(float)
            ind = scale * rows["se_independent_seeds"].to_numpy(float)
            vr = rows["variance_reduction"].to_numpy(float)
            base = x - 0.4 + 2 * k * width
            hatch = None if k == 0 else "//"
            ax.bar(base + width / 2, crn, width, color=colours[arm], hatch=hatch,
                   label=f"common random numbers ({arm})" if len(others) > 1
                   else "common random numbers")
            ax.bar(base + 1.5 * width, ind, width, color=colours[arm], alpha=0.35, hatch=hatch,
                   label=f"independent seeds ({arm})" if len(others) > 1 else "independent seeds")
            for xi, top, v in zip(base + width, np.fmax(crn, ind), vr):
                if np.isfinite(top):
                    ax.annotate(fmt_vr(v), (xi, top), xytext=(0, 2), textcoords="offset points",
                                ha="center", fontsize=7 if len(others) == 1 else 6)
        ax.set_title(label + (" (points)" if unit == "%" else ""), fontsize=9)
        ax.set_xticks(x)
        ax.set_xticklabels([GROUP_LABELS[g].replace(" ", "\n", 1) for g in GROUPS], fontsize=7)
        ax.set_ylabel("standard error of the difference", fontsize=8)
        ax.margins(y=0.15)
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(outcomes):]:
        ax.axis("off")
    axes[0][0].legend(fontsize=7, loc="upper right")
    fig.suptitle("Standard error of the difference from the reference: common random numbers "
                 "(paired seeds) vs independent seeds; labels: variance reduction", fontsize=10)
    return save(fig, out_dir, "standard_errors.png")


# ---- HTML ------------------------------------------------------------------------------------

def fmt_value(outcome: str, value: float) -> str:
    _, scale, digits, unit = OUTCOMES.get(outcome, (outcome, 1.0, 3, ""))
    if value is None or not np.isfinite(value):
        return "–" if value is None or np.isnan(value) else ("∞" if value > 0 else "−∞")
    text = f"{scale * value:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]  # no "-0.0"
    return text.replace("-", "−") + unit


def fmt_interval(outcome: str, mean, low, high) -> str:
    return (f"{fmt_value(outcome, mean)} <span class=ci>({fmt_value(outcome, low)} to "
            f"{fmt_value(outcome, high)})</span>")


def table_arms(c: Comparison) -> str:
    s = c.summary[c.summary.group == "all"]
    head = "".join(f"<th>{html.escape(a)}{' (reference)' if a == c.reference else ''}</th>"
                   for a in c.arms)
    body = []
    for outcome, (label, *_rest) in OUTCOMES.items():
        cells = []
        for arm in c.arms:
            row = s[(s.arm == arm) & (s.outcome == outcome)]
            if row.empty:
                cells.append("<td>–</td>")
            else:
                r = row.iloc[0]
                cells.append(f"<td>{fmt_interval(outcome, r['mean'], r['low'], r['high'])}</td>")
        body.append(f"<tr><th class=row>{html.escape(label)}</th>{''.join(cells)}</tr>")
    return (f"<table class=summary id=arms><thead><tr><th>outcome (all residents)</th>{head}"
            f"</tr></thead><tbody>{''.join(body)}</tbody></table>")


def table_differences(c: Comparison, arm: str) -> str:
    s = c.summary[c.summary.arm == arm]
    outcomes = [o for o in OUTCOMES if o in set(s.outcome)]
    head = "".join(f"<th>{html.escape(OUTCOMES[o][0])}</th>" for o in outcomes)
    body = []
    for group in GROUPS:
        cells = []
        for outcome in outcomes:
            row = s[(s.group == group) & (s.outcome == outcome)]
            if row.empty:
                cells.append("<td>–</td>")
                continue
            r = row.iloc[0]
            cells.append("<td>" + fmt_interval(outcome, r["difference"], r["difference_low"],
                                               r["difference_high"]) + "</td>")
        body.append(f"<tr><th class=row>{html.escape(GROUP_LABELS.get(group, group))}</th>"
                    f"{''.join(cells)}</tr>")
    return (f"<div class=scroll><table class='summary differences' data-arm='{html.escape(arm, quote=True)}'>"
            f"<thead><tr><th>group</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def fmt_count(value: float) -> str:
    """A mean count over replicates: whole numbers from 10 up, one decimal below (so that half a
    resident a replicate does not read as none)."""
    if not np.isfinite(value):
        return "–"
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def fmt_share(part: float, whole: float, short: bool = False) -> str:
    """part as a percentage of whole, as HTML; short: whole percent from 10%, as in a
    sentence."""
    if not whole > 0:
        return "–"
    share = 100 * part / whole
    if 0 < share < 0.05:
        return "&lt;0.1%"  # a few residents should not read as none
    return f"{share:.0f}%" if short and share >= 10 else f"{share:.1f}%"


def count_cell(part: float, whole: float) -> str:
    return f"<td>{fmt_count(part)}<span class=pct>{fmt_share(part, whole)}</span></td>"


def sp_sentence(arm: str, p: dict) -> str:
    """One plain-language sentence on how far residents got along an arm's pathway."""
    n = p["residents"]
    text = (f"In {html.escape(arm)}, doctors screened {fmt_share(p['screened'], n, True)} of the "
            f"{fmt_count(n)} residents; {fmt_share(p['positive'], n, True)} screened positive; "
            f"link workers took {fmt_share(p['clients'], n, True)} as clients")
    if np.isfinite(p["wait_weeks"]):
        text += f", after {p['wait_weeks']:.1f} weeks on average"
    if p["took_up"] > 0:
        _, name, phrase = max(SP_DESTINATIONS, key=lambda d: p[d[1]])
        text += (f"; {fmt_share(p['took_up'], n, True)} took up a referral, most often to "
                 f"{phrase} ({fmt_share(p[name], n, True)})")
    else:
        text += "; none took up a referral"
    return f"<p class=sp-summary>{text}.</p>"


def table_sp_pathway(pathways: dict) -> str:
    """One row per arm with social prescribing: how many residents got how far."""
    steps = ["screened", "positive", "clients", "took_up"]
    labels = ["screened", "screened positive", "link-worker clients", "took up any referral"]
    head = ("<tr><th rowspan=2>arm</th><th rowspan=2>residents</th>"
            + "".join(f"<th rowspan=2>{label}</th>" for label in labels)
            + f"<th colspan={len(SP_DESTINATIONS)}>took up a referral to</th>"
            "<th rowspan=2>mean wait for a link worker (weeks)</th></tr><tr>"
            + "".join(f"<th>{name}</th>" for _, name, _ in SP_DESTINATIONS) + "</tr>")
    body = []
    for arm, p in pathways.items():
        cells = [count_cell(p[k], p["residents"]) for k in steps]
        cells += [count_cell(p[name], p["residents"]) for _, name, _ in SP_DESTINATIONS]
        wait = f"{p['wait_weeks']:.1f}" if np.isfinite(p["wait_weeks"]) else "–"
        body.append(f"<tr><th class=row>{html.escape(arm)}</th><td>{fmt_count(p['residents'])}"
                    f"</td>{''.join(cells)}<td>{wait}</td></tr>")
    return (f"<div class=scroll><table class='summary sp' id=sp-pathway><thead>{head}</thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def table_sp_groups(c: Comparison, arms: list) -> str:
    """The pathway by income group and sex, for each arm with social prescribing."""
    columns = [("screened", "screened"), ("positive", "screened positive"),
               ("clients", "link-worker clients"), ("took_up", "took up any referral"),
               ("group", "took up a group"), ("welfare", "took up welfare counselling")]
    head = ("<tr><th>income group and sex</th><th>residents</th>"
            + "".join(f"<th>{label}</th>" for _, label in columns) + "</tr>")
    body = []
    for arm in arms:
        body.append(f"<tr class=arm><th colspan={len(columns) + 2}>{html.escape(arm)}</th></tr>")
        agents = c.agents[arm]
        for group, low, sex in TS_GROUPS:
            mask = (agents["income_low"] == low) & (agents["sex"] == sex)
            p = sp_pathway(c, arm, mask)
            cells = "".join(count_cell(p[k], p["residents"]) for k, _ in columns)
            body.append(f"<tr><th class=row>{html.escape(GROUP_LABELS[group])}</th>"
                        f"<td>{fmt_count(p['residents'])}</td>{cells}</tr>")
    return (f"<div class=scroll><table class='summary sp' id=sp-groups><thead>{head}</thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def table_sp_reach(c: Comparison, arms: list) -> str:
    """/social_prescribing_reach summed over replicates: the share of residents with each
    characteristic at entry who got how far."""
    columns = [("screened", "screened"), ("positive", "screened positive"),
               ("clients", "link-worker clients"), ("took_up", "took up any referral"),
               ("took_up_group", "took up a group")]
    head = ("<tr><th>residents at entry</th><th>residents</th>"
            + "".join(f"<th>{label} (%)</th>" for _, label in columns) + "</tr>")
    body = []
    for arm in arms:
        body.append(f"<tr class=arm><th colspan={len(columns) + 2}>{html.escape(arm)}</th></tr>")
        rows, reach = c.sp_reach[arm]
        n_replicates = len(c.replicates[arm])
        for k, row in enumerate(rows):
            residents = reach["residents"][k]
            cells = "".join(f"<td>{fmt_share(reach[col][k], residents)}</td>"
                            for col, _ in columns)
            label = SP_REACH_LABELS.get(row, row.replace("_", " "))
            body.append(f"<tr><th class=row>{html.escape(label)}</th>"
                        f"<td>{fmt_count(residents / n_replicates)}</td>{cells}</tr>")
    return (f"<div class=scroll><table class='summary sp' id=sp-reach><thead>{head}</thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


def section_social_prescribing(c: Comparison, figure) -> list:
    """The social-prescribing section: a sentence per arm, the pathway, the pathway by income
    group and sex, who was reached, and the waiting list. Empty when no arm has it."""
    arms = [a for a in c.arms if c.has_sp[a]]
    if not arms:
        return []
    pathways = {arm: sp_pathway(c, arm) for arm in arms}
    replicates = len(c.replicates[arms[0]])
    parts = ["<h2 id=social-prescribing>Social prescribing</h2>"]
    parts += [sp_sentence(arm, p) for arm, p in pathways.items()]
    parts.append("<h3>The pathway</h3>")
    parts.append(f"<p class=note>Residents who entered during the run, mean per replicate "
                 f"({replicates} replicates), and below each count its share of the residents. "
                 "A resident counts once however often screened or taken as a client. Screened: "
                 "by a doctor at a clinic; positive: on the 4-item screen (money or contact); "
                 "clients: taken by a link worker from the waiting list; took up: went to a "
                 "destination they were referred to (a group the shuttle takes them to counts "
                 "for the shuttle too). The mean wait is over every time a link worker took "
                 "someone on, pooled over replicates.</p>")
    parts.append(table_sp_pathway(pathways))
    parts.append("<h3>By income group and sex</h3>")
    parts.append("<p class=note>As above, for each group; shares are of the group's residents."
                 "</p>")
    parts.append(table_sp_groups(c, arms))
    parts.append("<h3>Who was reached</h3>")
    parts.append("<p class=note>From <code>/social_prescribing_reach</code>, summed over "
                 "replicates: residents by their characteristics at entry (mean per replicate) "
                 "and the share of them who got each step along the pathway. Rows overlap.</p>")
    parts.append(table_sp_reach(c, arms))
    parts.append("<h3>Link workers' waiting list</h3>")
    parts.append(figure("sp_waiting",
                        "Residents waiting for a link worker (left) and link workers' current "
                        "clients (right), all income groups and both sexes, mean over "
                        "replicates."))
    return parts


CSS = """
table.differences .ci { display: block; }
.vr { color: #777; font-size: 0.85em; }
table.sp .pct { display: block; color: #777; font-size: 0.85em; }
table.sp tr.arm th { text-align: left; background: #f6f6f6; }
p.sp-summary { max-width: 1000px; margin: 0.4em 0; }
ol.where-next li { margin: 0.35em 0; }
"""


def years_of(c: Comparison) -> float:
    return float(np.mean(c.runs[c.reference].years))


def for_whom_sentence(arm: str, effects: dict, replicates: int) -> str:
    """Which income group and sex gains most (per 1,000), and the equity gap, plainly."""
    e = effects["certifications"]
    clear = [(e[g][0], g) for g, _, _ in TALLY_GROUPS[1:]
             if e[g][0] > 0 and not includes_zero(e[g][1], e[g][2])]
    if clear:
        best = max(clear)[1]
        text = (f"<b>For whom.</b> With {html.escape(arm)}, {GROUP_WORDS[best]} benefit most: "
                f"{interval_text(*e[best])} fewer certifications per 1,000 of them.")
    else:
        text = (f"<b>For whom.</b> With {html.escape(arm)}, no income group and sex shows an "
                f"effect we can tell from no effect with {replicates} replicates.")
    gap = e["gap"]
    if includes_zero(gap[1], gap[2]):
        text += (f" The equity gap (low-income minus high-income effect) is {interval_text(*gap)}"
                 " per 1,000: we cannot tell whether it narrows or widens the gap between "
                 "incomes.")
    else:
        who = "low-income" if gap[0] > 0 else "high-income"
        text += (f" The effect is larger for {who} residents by {interval_text(*map(abs, gap))}"
                 " certifications averted per 1,000: it "
                 + ("narrows" if gap[0] > 0 else "widens") + " the gap between incomes.")
    return text


def compare_summary(c: Comparison, ce: dict, effects: dict) -> list[str]:
    """The planner's summary of a comparison: what, what changed, for whom, at what cost,
    where, how sure."""
    esc = html.escape
    ref = esc(c.reference)
    reps = len(c.replicates[c.reference])
    years = years_of(c)
    others = [a for a in c.arms if a != c.reference]
    residents = float(np.mean(c.runs[c.reference].total("residents")))
    items = [f"<b>What was compared.</b> {', '.join(esc(a) for a in others)} against {ref} "
             f"(the reference), in a town of about {num(residents, 0)} residents aged 65 or over, "
             f"over {num(years, 0)} years; each simulated {reps} times on the same residents and "
             "chance events, so the differences are the interventions' own."]
    for arm in others:
        p = ce[arm]
        averted = effect_phrase(p["averted_per_1000"], "certifications per 1,000 residents",
                                "fewer", "more", reps)
        gained = effect_phrase(p["gained_per_1000"], "disability-free years per 1,000 residents",
                               "more", "fewer", reps)
        items.append(f"<b>What changed.</b> With {esc(arm)}: {averted} over {num(years, 0)} "
                     f"years, and {gained}.")
        items.append(for_whom_sentence(arm, effects[arm], reps))
        items.append(" ".join(cost_sentences(arm, c.reference, p, reps, years)))
    if c.runs[c.reference].has_districts and others:
        items.append(district_sentence([c.runs[a] for a in c.arms], c.runs[c.reference]))
    if c.town is not None:
        items.append(where_next_sentence(c.town))
    items.append(f"<b>How sure.</b> Every number comes with its 95% interval over the {reps} "
                 "replicates; where an interval includes zero we say so and claim no effect. "
                 "More replicates (<code>--replicates</code>) narrow the intervals.")
    return ["<ul>"] + [f"<li>{i}</li>" for i in items if i] + ["</ul>"]


def map_sections(c: Comparison, figures: dict) -> list[str]:
    """The map section (venue coverage and where next per venue kind, salons first) and the
    results by district."""
    esc = html.escape
    sections = []
    if c.town is not None and c.town.layers:
        blocks = [map_block(c.town, layer, figures[("map", k)], k == 0)
                  for k, layer in enumerate(c.town.layers)]
        sections.append(section("map", "Map: who the venues leave uncovered, and where next",
                                blocks))
    else:
        sections.append(section("map", "Map", figure(
            figures.get("map"), f"Replicate 0 of {esc(c.map_arm)}: each resident at home, "
            "coloured by outcome; stars: salon venues.", "map")))
    runs = c.runs[c.map_arm]
    if runs.has_districts:
        arms = [c.runs[a] for a in c.arms]
        word = c.town.layers[0].word if c.town is not None and c.town.layers else "venue"
        sections.append(section("districts", "Results by district", [
            f"<p class=note>Residents: ever in the town during the run (mean per replicate). "
            f"At need with a {esc(word)} within reach: residents alive and not certified at the "
            f"end of {esc(c.map_arm)} with a venue open within the coverage radius, over all "
            "replicates. Certifications per 1,000 residents over the run, mean over replicates "
            "(95% interval); the difference is paired replicate by replicate (green: clear of "
            "zero).</p>",
            table_districts(arms, None if c.is_run else c.runs[c.reference], c.coverage,
                            word)]))
    return sections


def methodology(c: Comparison, figures: dict, elapsed: float) -> list[str]:
    esc = html.escape
    m = c.meta
    reps = len(c.replicates[c.reference])
    seed = esc(text_attr(m.get("seed", "?")))
    parts = [f"<p>Every arm ran with seed {seed} and {reps} replicates. Replicate r of every arm "
             "draws the same random numbers for the same events (common random numbers), so the "
             "arms differ only by what the scenarios change; differences are taken replicate by "
             "replicate (paired) and their 95% intervals are Student t intervals over the "
             "replicates (mean ± t<sub>0.975, R−1</sub> · sd / √R). Pairing shrinks the "
             "standard errors: the variance reduction below compares them with what independent "
             "seeds would give.</p>" if not c.is_run else
             f"<p>The run used seed {seed} and {reps} replicate{'s' if reps != 1 else ''}; "
             "intervals are Student t intervals over the replicates (mean ± t<sub>0.975, "
             "R−1</sub> · sd / √R); with one replicate there is no interval.</p>"]
    if not c.is_run:
        parts.append("<p>Costs: each arm's interventions cost (<code>/costs</code>, yen per year, "
                     "times the run's years) minus the reference's; long-term-care benefits "
                     "avoided: the reference's <code>ltc_benefits_yen</code> tally minus the "
                     "arm's; net cost: the extra cost minus the benefits avoided. Costs per "
                     "certification averted and per disability-free year gained are ratios of "
                     "the means, with 95% intervals from 2,000 paired bootstrap resamples of the "
                     "replicates (fixed seed); they are not defined when the effect's interval "
                     "includes zero. Effects per 1,000 residents use the <code>/tallies</code> "
                     "of each income group and sex (certifications over residents ever in the "
                     "town during the run).</p>")
        parts.append("<h3>Standard errors: common random numbers vs independent seeds</h3>")
        parts.append(table_standard_errors(c))
        parts.append(figure(figures.get("standard_errors"),
                            "Standard error of the difference from the reference with common "
                            "random numbers (paired) against independent seeds; the label is "
                            "the variance reduction, their squared ratio.", "standard_errors"))
    if c.text_table.strip() or c.text_analyses.strip():
        parts.append("<h3>salonsim's own summary, with the emulated cohort study</h3>")
        parts.append("<p class=note>As printed by <code>salonsim compare</code> (attributes "
                     "<code>table</code> and <code>analyses</code> of <code>/comparison</code>): "
                     "the analyses emulate a cohort study of the simulated residents (hazard "
                     "ratios of participants against non-participants), as published studies "
                     "would estimate them.</p>")
        text = "\n\n".join(t.strip("\n") for t in (c.text_table, c.text_analyses) if t.strip())
        parts.append(f"<pre>{esc(text)}</pre>")
    rows = [("arms", ", ".join(esc(a) for a in c.arms)),
            ("reference arm", esc(c.reference)), ("replicates", str(reps)),
            ("start date", esc(text_attr(m.get("start_date", "?")))),
            ("days per step", str(c.days_per_step)),
            ("steps", ", ".join(f"{esc(a)}: {c.n_steps[a]}" for a in c.arms))]
    parts.append("<h3>Provenance</h3>")
    parts.append(meta_table(rows + provenance_rows(m, c.path, elapsed)))
    for arm in c.arms:
        attrs = c.arm_attrs.get(arm, {})
        parts.append(f"<details><summary>Scenario of {esc(arm)} "
                     f"(<code>{esc(attrs.get('scenario_file', ''))}</code>)</summary>"
                     f"<pre>{esc(attrs.get('scenario_yaml', ''))}</pre></details>")
    return parts


def table_standard_errors(c: Comparison) -> str:
    """All residents: each difference's standard error with and without pairing, and the VR."""
    s = c.summary[c.summary.group == "all"]
    rows = []
    for arm in c.arms:
        if arm == c.reference:
            continue
        for outcome, (label, *_rest) in OUTCOMES.items():
            row = s[(s.arm == arm) & (s.outcome == outcome)]
            if row.empty:
                continue
            r = row.iloc[0]
            rows.append(f"<tr><th class=row>{html.escape(arm)}</th><th class=row>"
                        f"{html.escape(label)}</th><td>{fmt_value(outcome, r['se_common_random_numbers'])}"
                        f"</td><td>{fmt_value(outcome, r['se_independent_seeds'])}</td>"
                        f"<td>{fmt_vr(r['variance_reduction'])}</td></tr>")
    return ("<div class=scroll><table class=summary id=standard-errors><thead><tr><th>arm</th>"
            "<th>outcome (all residents)</th><th>SE, common random numbers</th>"
            "<th>SE, independent seeds</th><th>VR (variance reduction)</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def details_sections(c: Comparison, fig) -> list[str]:
    """The outcome tables, social prescribing and the figures over time."""
    reps = len(c.replicates[c.reference])
    parts = [f"<p class=note>Means over {reps} replicates with 95% intervals, all residents. "
             "Full table: <a href='summary.csv'>summary.csv</a>.</p>", table_arms(c)]
    for arm in c.arms:
        if arm == c.reference:
            continue
        parts.append(f"<h3>Differences: {html.escape(arm)} − {html.escape(c.reference)}</h3>")
        parts.append("<p class=note>Mean paired difference over replicates with its 95% "
                     "interval. Negative certifications or deaths are events averted.</p>")
        parts.append(table_differences(c, arm))
    return [section("outcomes", "Outcomes by arm", parts)]


def figure_sections(c: Comparison, fig, survival_note: str) -> list[str]:
    fig_b = ("Salon participation over time: residents alive who have ever attended "
             "(salon_ever / alive) and who attended in the step (four-week mean, since sessions "
             "are fortnightly or monthly), per replicate and averaged; right: ever attended by "
             "income group and sex.")
    return ["<h2>Figures</h2>",
            fig("survival", "Certification-free survival: Kaplan-Meier estimate of the time to "
                "LTC certification among residents independent at entry, censored at death or "
                "the end of the run, residents of all replicates pooled; left by arm, right by "
                "arm and income group (solid high, dashed low income). " + survival_note),
            fig("participation", fig_b)]


def against_reference(c: Comparison) -> tuple[dict, dict]:
    """Each arm's costs and effects against the reference, paired over replicates."""
    ref = c.runs[c.reference]
    others = [a for a in c.arms if a != c.reference]
    ce = {a: cost_effectiveness(paired_costs(c.runs[a], ref)) for a in others}
    effects = {a: {t: group_effects(c.runs[a], ref, t, s)
                   for t, s in (("certifications", -1.0), ("disability_free_years", 1.0))}
               for a in others}
    return ce, effects


def write_html(c: Comparison, out_dir: str, figures: dict, survival_note: str,
               elapsed: float) -> str:
    esc = html.escape

    def fig(key, caption):
        return figure(figures.get(key), caption, key)

    reps = len(c.replicates[c.reference])
    if c.is_run:
        return write_run_html(c, out_dir, figures, fig, survival_note, elapsed)
    others = [a for a in c.arms if a != c.reference]
    ce, effects = against_reference(c)
    title = f"salonsim comparison: {', '.join(esc(a) for a in c.arms)}"
    lede = (f"What {', '.join(esc(a) for a in others)} change{'s' if len(others) == 1 else ''} "
            f"against {esc(c.reference)}: {reps} replicates of each, over "
            f"{num(years_of(c), 0)} years.")
    sections = [section("costs", "Costs, counting long-term care", [
        "<p class=note>Over the whole run, against the reference arm, mean over replicates "
        "(95% interval), million yen; effects per 1,000 residents ever in the town.</p>",
        table_costs(ce, c.reference),
        fig("cost_effectiveness", "Net cost against effect, one point per arm with 95% "
            "intervals both ways; the reference is at the origin. Below the zero line the arm "
            "saves money; to the right it prevents certifications."),
        "<h3>Yearly cost of each intervention (million yen per year)</h3>",
        table_cost_per_year([c.runs[a] for a in c.arms])])]
    gap_text = " ".join(for_whom_sentence(a, effects[a], reps).replace("<b>For whom.</b> ", "")
                        for a in others)
    sections.append(section("equity", "Who benefits: effects by income and sex", [
        f"<p>{gap_text}</p>",
        fig("effects", "Certifications averted (reference minus arm) and disability-free years "
            "gained (arm minus reference) per 1,000 residents of each group over the run, with "
            "95% intervals of the paired difference over replicates; below the dotted line the "
            "equity gap, the low-income effect minus the high-income effect (above zero: the arm "
            "helps low-income residents more).")]))
    sections += map_sections(c, figures)
    sections += details_sections(c, fig)
    sections += section_social_prescribing(c, fig)
    sections += figure_sections(c, fig, survival_note)
    text = page(title, lede, compare_summary(c, ce, effects), sections,
                methodology(c, figures, elapsed), CSS)
    return write_page(out_dir, text)


def run_summary(c: Comparison) -> list[str]:
    """A single run's summary: who lives there, what happened to them, participation, cost and
    where the next venue should go."""
    esc = html.escape
    arm = c.reference
    runs = c.runs[arm]
    reps = runs.n_replicates
    years = float(np.mean(runs.years))
    residents = runs.total("residents")

    def rate(tally):
        values = runs.per_1000(tally)
        if reps < 2:
            return f"{sig(values[0])} (one replicate: no interval)"
        return interval_text(*t_interval(values))

    share = lambda part: f"{100 * np.mean(part / residents):.0f}%"  # noqa: E731
    items = [f"<b>Who lives there.</b> {num(np.mean(residents), 0)} residents aged 65 or over "
             f"lived in the town during the {num(years, 0)} years of the run: "
             f"{share(runs.total('residents', low=1))} low-income and "
             f"{share(runs.total('residents', sex=1))} women."]
    items.append(f"<b>What happened.</b> {rate('certifications')} new long-term-care "
                 f"certifications and {rate('deaths')} deaths per 1,000 residents over the run.")
    ts = c.timeseries[arm]
    if c.has_salons[arm]:
        alive = ts["alive"][:, -1].sum(axis=(1, 2)).astype(float)
        ever = ts["salon_ever"][:, -1].sum(axis=(1, 2)) / alive
        items.append(f"<b>Participation.</b> By the end, {100 * np.mean(ever):.0f}% of residents "
                     "alive had ever attended a salon.")
    if runs.cost_per_year:
        total = sum(np.mean(v) for v in runs.cost_per_year.values())
        items.append(f"<b>Cost.</b> The interventions cost {sig(total / 1e6)} million yen a "
                     "year (" + ", ".join(f"{esc(k.replace('_', ' '))} "
                                          f"{sig(np.mean(v) / 1e6)}"
                                          for k, v in runs.cost_per_year.items()) + ").")
    if c.town is not None:
        items.append(where_next_sentence(c.town))
    items.append(f"<b>How sure.</b> {reps} replicate{'s' if reps != 1 else ''}; "
                 + ("intervals are 95% intervals over them." if reps > 1 else
                    "run with <code>--replicates</code> 2 or more for intervals."))
    return ["<ul>"] + [f"<li>{i}</li>" for i in items if i] + ["</ul>"]


def write_run_html(c: Comparison, out_dir: str, figures: dict, fig, survival_note: str,
                   elapsed: float) -> str:
    arm = c.reference
    reps = len(c.replicates[arm])
    title = f"salonsim run: {html.escape(arm)}"
    lede = (f"One scenario, {reps} replicate{'s' if reps != 1 else ''}, over "
            f"{num(years_of(c), 0)} years: who lives in the town, what happened to them, and "
            "where the next venue should go.")
    sections = map_sections(c, figures) + section_social_prescribing(c, fig)
    sections += figure_sections(c, fig, survival_note)
    text = page(title, lede, run_summary(c), sections, methodology(c, figures, elapsed), CSS)
    return write_page(out_dir, text)


# ---- main ------------------------------------------------------------------------------------

def make_figures(c: Comparison, out_dir: str) -> tuple[dict, str]:
    colours = arm_colours(c.arms)
    figures = {}
    figures["survival"], survival_note = figure_survival(c, out_dir, colours)
    figures["participation"] = figure_participation(c, out_dir, colours)
    if c.town is not None and c.town.layers:
        for k, layer in enumerate(c.town.layers):
            # Numbered files: arm and table names never become file names.
            figures[("map", k)] = figure_town_map(c.town, layer, out_dir,
                                                  "map.png" if k == 0 else f"map_{k + 1}.png")
    else:
        figures["map"], _ = figure_map(c, out_dir)
    figures["sp_waiting"] = figure_sp_waiting(c, out_dir, colours)
    if not c.is_run:
        ce, effects = against_reference(c)
        if ce:
            figures["cost_effectiveness"] = figure_cost_effectiveness(ce, c.reference, colours,
                                                                      out_dir)
            figures["effects"] = figure_equity(effects, c.reference, colours, out_dir)
        figures["standard_errors"] = figure_standard_errors(c, out_dir, colours)
    return figures, survival_note


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write an HTML report (index.html, PNG figures; summary.csv for a "
                    "comparison) of a file written by `salonsim compare` or `salonsim run`.")
    parser.add_argument("input", help="comparison or run HDF5 file (salonsim compare|run ... "
                                      "-o FILE)")
    parser.add_argument("-o", "--output", required=True, help="output directory (created)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        c = load(args.input)
    except InputError as error:
        print(f"report.py: error: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        os.makedirs(args.output, exist_ok=True)
        if not c.is_run:
            with open(os.path.join(args.output, "summary.csv"), "w", encoding="utf-8") as f:
                f.write(c.summary_csv)
        figures, survival_note = make_figures(c, args.output)
        path = write_html(c, args.output, figures, survival_note, time.perf_counter() - start)
    except OSError as error:
        print(f"report.py: error: cannot write the report in {args.output}: {error}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
