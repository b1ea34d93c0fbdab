#!/usr/bin/python3
"""An HTML report of a community-coalition trial written by `salonsim trial`.

    /usr/bin/python3 analysis/trial_report.py out/trial.h5 -o out/trial-report

writes out/trial-report/index.html, its PNG figures (relative links: the folder can be moved or
zipped), trial.csv (the `csv` attribute of /trial) and, when the file holds diagnosis tables, the
community diagnosis sheets in diagnosis/ (written by analysis/diagnosis_sheet.py).

Contents, planner first: a plain-language summary (what was compared; men's and women's
participation difference-in-differences beside the published values; whether the effect differs
by income; mortality hazard ratios beside the true effect); then (a) the DID table, (b) did.png,
(c) participation before and after by arm, (d) mortality (table, log-scale figure), (e) what the
coalitions did (actions per municipality by arm, the first actions of replicate 0), (f) the
municipalities, (g) costs, (h) methods. All is read from the JSON attribute `results_json` of
/trial (layout: notes/trial_layout.md). Debian's h5py, numpy, pandas and matplotlib (Agg) only.
Exit status: 0 on success, 2 when the input is missing or not a trial file, 1 when the report
cannot be written.
"""
from __future__ import annotations

import argparse
import html
import json
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
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"trial_report.py: error: a required Python package is missing ({error}); "
             "on Debian: apt-get install python3-h5py python3-pandas python3-matplotlib")

import diagnosis_sheet
from report_common import (EXIT_FAILED, EXIT_INVALID_INPUT, InputError, figure, meta_table, page,
                           provenance_rows, save, text_attr, write_page)

ARMS = ["supported", "data_only"]
ARM_LABELS = {"supported": "supported", "data_only": "data only"}
ARM_COLOURS = {"supported": "#1f77b4", "data_only": "#ff7f0e"}
TRUE_COLOUR = "#2ca02c"
FIRST_ACTIONS = 40
esc = html.escape


class Trial:
    """A trial file: r (the parsed results_json), meta, the printed table and csv of /trial, and
    whether any municipality has a diagnosis table."""

    def __init__(self, path: str):
        if not os.path.isfile(path) or not h5py.is_hdf5(path):
            raise InputError(f"{path} is not an HDF5 file" if os.path.isfile(path) else
                             f"no such file: {path}")
        self.path = path
        try:
            with h5py.File(path, "r") as f:
                attrs = f["trial"].attrs if "trial" in f else {}
                if "results_json" not in attrs:
                    raise InputError(f"{path} has no /trial results_json: not written by "
                                     "`salonsim trial`")
                text, self.table, self.csv, self.runtime = (
                    text_attr(attrs[k]) if k in attrs else ""
                    for k in ("results_json", "table", "csv", "runtime_s"))
                self.meta = {k: text_attr(v) for k, v in f["meta"].attrs.items()} \
                    if "meta" in f else {}
                self.has_diagnosis = "municipalities" in f and any(
                    isinstance(g, h5py.Group) and "diagnosis" in g
                    for g in f["municipalities"].values())
            self.r = json.loads(text)
        except InputError:
            raise
        except (OSError, KeyError, ValueError, TypeError) as error:  # JSONDecodeError too
            raise InputError(f"{path}: cannot read /trial results_json ({error})") from error
        if not isinstance(self.r, dict) or not self.r.get("did") or "municipalities" not in self.r:
            raise InputError(f"{path}: /trial results_json lacks 'did' or 'municipalities'")
        self.did = {d["group"]: d for d in self.r["did"]}
        self.mortality = self.r.get("mortality", [])
        self.municipalities = self.r["municipalities"]
        self.arm_names = {a: [m["name"] for m in self.municipalities if m.get("arm") == a]
                          for a in ARMS}
        self.replicates = int(self.r.get("replicates", self.meta.get("replicates", 1)))


# ---- numbers in words ------------------------------------------------------------------------

def num(v, digits=1, sign=True) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    zero = round(v, digits) == 0
    return f"{0.0 if zero else v:{'+' if sign and not zero else ''}.{digits}f}".replace("-", "−")


def ci(low, high, digits=1, sign=True, brackets=True) -> str:
    if low is None or high is None:
        return ""
    text = f"{num(low, digits, sign)} to {num(high, digits, sign)}"
    return f"<span class=ci>{f'({text})' if brackets else text}</span>"


def est(d: dict, key: str, low: str, high: str, digits=1, sign=True) -> str:
    """d[key] with its interval, e.g. "+2.9 (+0.6 to +5.2)"."""
    return f"{num(d.get(key), digits, sign)} {ci(d.get(low), d.get(high), digits, sign)}".strip()


def pct(v) -> str:
    return "–" if v is None else f"{100 * v:.1f}%"


def yen(v) -> str:
    return "–" if v is None else f"¥{v:,.0f}"


def arm_label(arm) -> str:
    return esc(ARM_LABELS.get(arm, str(arm or "–")))


def published_words(d) -> str:
    if d.get("published") is None:
        return "there is no published value to compare with"
    words = (f"beside the <b>{num(d['published'])} points</b> Haseda et al. (2019) published "
             f"{ci(d.get('published_low'), d.get('published_high'))}")
    inside = d["low"] <= d["published"] <= d["high"]
    return words + (": the published value lies within this trial's interval" if inside else
                    ": the published value lies <b>outside</b> this trial's interval")


def summary_html(t: Trial) -> str:
    r, did = t.r, t.did
    sup, dat = t.arm_names["supported"], t.arm_names["data_only"]
    years = r.get("survey_years", [0, 3])
    parts = [f"<p><b>What was compared.</b> {len(sup)} municipalit{'y' if len(sup) == 1 else 'ies'}"
             f" whose coalitions were supported ({esc(', '.join(sup))}) against {len(dat)} given "
             f"the data only ({esc(', '.join(dat))}), {t.replicates} replicate"
             f"{'s' if t.replicates != 1 else ''} of the whole trial, surveys in years "
             f"{years[0]:g} and {years[-1]:g}, deaths followed for {r.get('follow_up_days', 1166):,g} "
             "days.</p>"]
    for group, who in (("men", "Men's"), ("women", "Women's")):
        d = did.get(group)
        if d is None:
            continue
        parts.append(
            f"<p><b>{who} participation in community groups:</b> <b>{num(d['estimate'])} "
            f"points</b> in the supported municipalities relative to the data-only ones "
            f"(difference-in-differences; 95% interval "
            f"{ci(d['low'], d['high'], brackets=False)}"
            f"{': it includes zero, no significant difference' if d['low'] <= 0 <= d['high'] else ''}"
            f"); {published_words(d)}. The true effect "
            f"of the mechanism on these municipalities is "
            f"{est(d, 'true', 'true_low', 'true_high')} points.</p>")
    ddd, low, high = (did.get(g) for g in ("income_difference_men", "low_income_men",
                                           "high_income_men"))
    if ddd is not None:
        if ddd["low"] <= 0 <= ddd["high"]:
            verdict = ("the interval includes zero, so this trial cannot tell whether the effect "
                       "differs by income")
        else:
            verdict = f"the effect is larger among {'low' if ddd['estimate'] > 0 else 'high'}-income men"
        by_group = "".join(f"{w} {est(d, 'estimate', 'low', 'high')}, "
                           for w, d in (("low-income", low), ("high-income", high)) if d)
        parts.append(f"<p><b>By income</b> (men): {by_group}a difference (low minus high) of "
                     f"<b>{num(ddd['estimate'])} points</b> {ci(ddd['low'], ddd['high'])}: "
                     f"{verdict}.</p>")
    shown = [m for m in t.mortality if m["group"] in ("men", "women")] or t.mortality[:2]
    if shown:
        hr, true = ("; ".join(f"{esc(m.get('label', m['group']))} {est(m, *keys, 2, False)}"
                              for m in shown)
                    for keys in (("hr", "low", "high"), ("true_hr", "true_low", "true_high")))
        parts.append(f"<p><b>Mortality</b> over {r.get('follow_up_days', 1166):,g} days, supported "
                     f"vs data only (Cox hazard ratio): {hr}. The true effect the mechanism "
                     f"produced (the same municipalities without support, common random numbers): "
                     f"{true}. There is <b>no published target</b> for mortality: these are what "
                     "the model predicts, not a check against data.</p>")
    return "\n".join(parts)


# ---- figures ---------------------------------------------------------------------------------

def forest(ax, rows, series) -> None:
    """Intervals by row, one marker per series (value key, low, high, offset, marker, colour,
    label); rows without the value are skipped, a missing interval is drawn as a point."""
    seen = set()
    for i, d in enumerate(rows):
        for key, low, high, dy, marker, colour, label in series:
            if d.get(key) is None:
                continue
            v, (lo, hi) = d[key], (d[key] if d.get(k) is None else d[k] for k in (low, high))
            ax.errorbar(v, i + dy, xerr=[[v - lo], [hi - v]], fmt=marker, color=colour, capsize=4,
                        markersize=11 if marker == "*" else 5, zorder=3,
                        label=None if key in seen else label)
            seen.add(key)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([d.get("label", d["group"]) for d in rows])
    ax.invert_yaxis()
    ax.grid(axis="x", alpha=0.3)


def figure_did(t: Trial, out_dir: str) -> str:
    rows = t.r["did"]
    fig, ax = plt.subplots(figsize=(9.5, 0.55 * len(rows) + 1.6), constrained_layout=True)
    reps = [(x, i - 0.2) for i, d in enumerate(rows) for x in d.get("replicates") or []]
    if reps:
        ax.scatter(*zip(*reps), s=9, color="#999999", zorder=2, label="one replicate trial")
    forest(ax, rows, [("estimate", "low", "high", -0.2, "o", ARM_COLOURS["supported"],
                       "estimate (DID, 95% interval)"),
                      ("true", "true_low", "true_high", 0.07, "D", TRUE_COLOUR, "true effect (CRN)"),
                      ("published", "published_low", "published_high", 0.3, "*", "black",
                       "published (Haseda et al. 2019)")])
    for i, d in enumerate(rows):
        if d["group"] == "income_difference_men" and i > 0:
            ax.axhline(i - 0.5, color="#888888", linestyle=":", linewidth=1)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel("difference-in-differences in participation, percentage points")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=4, frameon=False)
    ax.set_title("Change in group participation, supported minus data-only municipalities",
                 fontsize=10)
    return save(fig, out_dir, "did.png")


def figure_participation(t: Trial, out_dir: str) -> str | None:
    rows = t.r.get("participation", [])
    groups = [g for g in ("men", "women") if any(p["group"] == g for p in rows)] or \
        list(dict.fromkeys(p["group"] for p in rows))
    if not groups:
        return None
    years = t.r.get("survey_years", [0, 3])
    fig, axes = plt.subplots(1, len(groups), figsize=(4.6 * len(groups), 4.0), squeeze=False,
                             sharey=True, constrained_layout=True)
    for ax, group in zip(axes[0], groups):
        for p in (p for p in rows if p["group"] == group):
            v, colour = [100 * p["baseline"], 100 * p["follow_up"]], ARM_COLOURS.get(p["arm"], "grey")
            ax.plot([0, 1], v, "o-" if p["arm"] == "supported" else "s--", color=colour,
                    label=ARM_LABELS.get(p["arm"], p["arm"]), linewidth=2)
            for x, value in enumerate(v):
                ax.annotate(f"{value:.1f}%", (x, value), xytext=(14 * x - 7, 0), fontsize=8,
                            textcoords="offset points", ha=("right", "left")[x], va="center",
                            color=colour)
        ax.set_xticks([0, 1])
        ax.set_xticklabels([f"baseline\n(year {years[0]:g})", f"follow-up\n(year {years[-1]:g})"])
        ax.set_xlim(-0.45, 1.45)
        ax.set_title(group, fontsize=10)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left")
    axes[0][0].set_ylabel("in a community group (IPW-weighted)")
    axes[0][0].yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}%"))
    return save(fig, out_dir, "participation.png")


def figure_mortality(t: Trial, out_dir: str) -> str | None:
    if not t.mortality:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.55 * len(t.mortality) + 1.5), constrained_layout=True)
    forest(ax, t.mortality, [("hr", "low", "high", -0.12, "o", ARM_COLOURS["supported"],
                              "estimated (Cox, IPW)"),
                             ("true_hr", "true_low", "true_high", 0.12, "D", TRUE_COLOUR,
                              "true effect (CRN)")])
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(LogLocator(subs=(0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, 1.5, 2.0)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlabel("hazard ratio of death, supported vs data only (log scale; < 1: fewer deaths)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, frameon=False)
    return save(fig, out_dir, "mortality.png")


def figure_actions(counts: pd.DataFrame, out_dir: str) -> str | None:
    if counts.empty:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.25 * counts.size + 1.2), constrained_layout=True)
    counts.rename(index=lambda a: a.replace("_", " "), columns=ARM_LABELS).plot.barh(
        ax=ax, width=0.8, color=[ARM_COLOURS.get(a, "grey") for a in counts.columns])
    ax.invert_yaxis()
    ax.set_ylabel("")
    ax.set_xlabel("actions decided per municipality over the trial (average)")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    return save(fig, out_dir, "actions.png")


# ---- tables ----------------------------------------------------------------------------------

def html_table(head: list[str], rows: list[list[str]], cls: str = "summary") -> str:
    """Cells are HTML already; the first cell of each row is a row header."""
    h = "".join(f"<th>{c}</th>" for c in head)
    body = "".join("<tr>" + f"<th class=row>{r[0]}</th>" + "".join(f"<td>{c}</td>" for c in r[1:])
                   + "</tr>" for r in rows)
    return (f"<div class=scroll><table class='{cls}'><thead><tr>{h}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")


def table_did(t: Trial) -> str:
    rows = [[esc(d.get("label", d["group"]))] + [est(d, k, f"{k}_low", f"{k}_high") for k in
                                                  ("estimate", "true", "published")]
            for d in ({**d, "estimate_low": d["low"], "estimate_high": d["high"]}
                      for d in t.r["did"])]
    return html_table(["group", "estimate (95% interval)", "true effect", "published"], rows)


def table_mortality(t: Trial) -> str:
    rows = [[esc(m.get("label", m["group"])), est(m, "hr", "low", "high", 2, False),
             est(m, "true_hr", "true_low", "true_high", 2, False)]
            + [f"{m.get(k, 0):,.0f}" for k in ("deaths_supported", "deaths_data_only", "residents")]
            for m in t.mortality]
    return html_table(["group", "hazard ratio (95% interval)", "true hazard ratio",
                       "deaths, supported", "deaths, data only", "residents"], rows)


def action_counts(t: Trial) -> pd.DataFrame:
    """Actions per municipality: one row per action, one column per arm (supported first)."""
    counts = pd.DataFrame(t.r.get("action_counts", []))
    if counts.empty:
        return counts
    table = counts.pivot_table(index="action", columns="arm", values="per_municipality",
                               aggfunc="sum", fill_value=0.0, sort=False)
    return table[sorted(table.columns, key=lambda a: (a not in ARMS, ARMS.index(a) if a in ARMS
                                                      else 0))]


def tables_actions(t: Trial, counts: pd.DataFrame) -> str:
    parts = []
    if not counts.empty:
        rows = [[esc(a.replace("_", " "))] + [f"{v:.1f}" for v in counts.loc[a]]
                for a in counts.index]
        rows.append(["<b>all actions</b>"] + [f"<b>{v:.1f}</b>" for v in counts.sum()])
        parts.append(html_table(["action"] + [arm_label(a) for a in counts.columns],
                                rows))
    actions = pd.DataFrame(t.r.get("actions", []))
    if actions.empty:
        return "".join(parts) + "<p class=note>No actions were recorded.</p>"
    first = actions[actions["replicate"] == 0] if "replicate" in actions else actions
    per = pd.crosstab(first["municipality"], first["action"])
    per = per[[a for a in counts.index if a in per] + [a for a in per if a not in counts.index]]
    arm = {m["name"]: m.get("arm") for m in t.municipalities}
    parts.append("<p class=note>Actions decided in each municipality, replicate 0:</p>")
    parts.append(html_table(["municipality", "arm"] + [esc(a.replace("_", " ")) for a in per]
                            + ["all"], [[esc(n), arm_label(arm.get(n))] + [str(v) for v in per.loc[n]]
                                        + [f"<b>{per.loc[n].sum()}</b>"] for n in per.index]))
    first = first.sort_values(["decided_day", "municipality"], kind="stable")
    rows = [[esc(a["municipality"]), arm_label(a["arm"]),
             str(a["decided_day"]), str(a["effective_day"]), esc(a["action"].replace("_", " ")),
             esc(str(a["district"])), f"<span class=reason>{esc(str(a['reason']))}</span>",
             yen(a["cost_yen"])] for _, a in first.head(FIRST_ACTIONS).iterrows()]
    parts.append(f"<p class=note>The first {len(rows)} of {len(first)} actions of replicate 0, "
                 "by the day they were decided:</p>")
    parts.append(html_table(["municipality", "arm", "day decided", "day effective", "action",
                             "district", "reason", "cost"], rows, "summary actions"))
    return "".join(parts)


def table_municipalities(t: Trial, pages: dict) -> str:
    def name(m):
        page = pages.get(m["name"])
        return f"<a href='diagnosis/{esc(page, quote=True)}'>{esc(m['name'])}</a>" if page \
            else esc(m["name"])
    rows = [[name(m), arm_label(m.get("arm")), f"{m.get('population', 0):,}",
             str(m.get("districts", "–")), pct(m.get("rural_share"))]
            + [num(m.get(k), d, False) for k, d in (("income_median_million_yen", 2),
               ("participation_odds_ratio", 2), ("propensity", 3), ("weight", 2))]
            for m in t.municipalities]
    return html_table(["municipality", "arm", "population", "districts", "rural share",
                       "median income (million ¥)", "participation odds ratio", "propensity",
                       "IPW weight"], rows)


def table_costs(t: Trial) -> str:
    c = t.r.get("costs", {})
    s, d = c.get("supported_yen_per_municipality"), c.get("data_only_yen_per_municipality")
    rows = [["supported", yen(s)], ["data only", yen(d)]] + (
        [["<b>difference</b>", f"<b>{yen(s - d)}</b>"]] if None not in (s, d) else [])
    return html_table(["arm", "cost per municipality over the trial"], rows)


# ---- page ------------------------------------------------------------------------------------

CSS = """
table.actions td:nth-child(2), table.actions td:nth-child(5), table.actions td:nth-child(6),
table.actions td:nth-child(7) { text-align: left; }
table.actions td:nth-child(7) { max-width: 36em; }
p.methods { max-width: 1000px; line-height: 1.45; }
"""


def write_html(t: Trial, out_dir: str, figures: dict, counts, pages: dict, elapsed: float) -> str:
    r, m = t.r, t.meta
    title = f"Coalition trial: {esc(r.get('name', 'salonsim trial'))}"

    def fig(key, caption):
        return figure(figures.get(key), caption, key)

    diagnosis = ("<p>Community diagnosis sheets of every municipality (districts, indicators, "
                 "risk maps): <a href='diagnosis/index.html'>diagnosis/index.html</a>.</p>"
                 if pages else "")
    reps = t.replicates
    summary = [summary_html(t), diagnosis]
    parts = ["<h2>(a) Participation: difference-in-differences</h2>",
             "<p class=note>Change in the share in a community group between the surveys, "
             "supported minus data-only municipalities, in percentage points; mean over "
             f"{reps} replicate trials with the 95% interval of one trial. True effect: the same "
             "municipalities with and without support on common random numbers.</p>",
             table_did(t),
             fig("did", "(b) Difference-in-differences by group: estimate with its 95% interval "
                        "(grey dots: each replicate trial), the true effect (green), and the "
                        "published value (star) where there is one. Below the dotted line: "
                        "low- minus high-income men (the difference in differences in "
                        "differences)."),
             "<h2>(c) Participation before and after, by arm</h2>",
             fig("participation", "(c) Share in a community group at the baseline and follow-up "
                                  "surveys by arm, IPW-weighted, mean over replicates."),
             "<h2>(d) Mortality</h2>",
             f"<p class=note>Cox hazard ratio of death over {r.get('follow_up_days', 1166):,g} days, "
             "supported vs data only, IPW-weighted (figure: log scale); true: the same "
             "municipalities without support (common random numbers). No published target.</p>",
             table_mortality(t) if t.mortality else "<p class=note>No mortality results.</p>",
             fig("mortality", ""), "<h2>(e) What the coalitions did</h2>",
             fig("actions", "(e) Actions decided by the coalitions, average per municipality "
                            "over the trial, by arm."),
             tables_actions(t, counts),
             "<h2>(f) Municipalities</h2>", table_municipalities(t, pages),
             "<h2>(g) Costs</h2>",
             "<p class=note>Yen per municipality over the trial: one-off costs plus yearly costs "
             "while an action ran.</p>", table_costs(t),
             ]
    methods = ["<p class=methods>Participation is measured in two surveys (years "
             f"{', '.join(str(y) for y in r.get('survey_years', [0, 3]))}). The effect is the "
             "difference-in-differences of participation between supported and data-only "
             "municipalities, with inverse probability weights from each municipality's "
             "propensity to be supported, as in Haseda et al. (2019). The intervals come from "
             f"the {reps} replicate trials: they show where the estimate of a single trial of "
             "this size would fall. The true effect compares each municipality with and without "
             "support on common random numbers (the same residents and chance events), so it "
             "has no confounding and little noise. Mortality is a Cox model of time to death "
             f"over {r.get('follow_up_days', 1166):,g} days, supported vs data only, with the same "
             "weights.</p>"]
    meta = dict(m, seed=r.get("seed", m.get("seed", "?")))
    rows = provenance_rows(meta, t.path, elapsed)
    rows[1:1] = [("replicates", str(reps)),
                 ("trial run time", f"{t.runtime} s" if t.runtime else "–")]
    methods += ["<h3>Provenance</h3>", meta_table(rows)]
    methods.append("<p class=note>The results table as CSV: <a href='trial.csv'>trial.csv</a>.</p>"
                 if t.csv else "")
    methods += [f"<details><summary>{what}</summary><pre>{esc(text)}</pre></details>"
                for what, text in (("salonsim's own table", t.table),
                                   ("scenario of the first municipality",
                                    m.get("scenario_yaml", ""))) if text.strip()]
    lede = esc(r.get("description", "")) or "A simulated trial of coalition support."
    return write_page(out_dir, page(title, lede, summary, parts, methods, CSS))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write an HTML report (index.html, PNG figures, trial.csv, diagnosis sheets) "
                    "of a trial file written by `salonsim trial`.")
    parser.add_argument("input", help="trial HDF5 file (salonsim trial ... -o FILE)")
    parser.add_argument("-o", "--output", required=True, help="output directory (created)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        t = Trial(args.input)
        diagnoses = diagnosis_sheet.read_diagnoses(args.input) if t.has_diagnosis else []
        os.makedirs(args.output, exist_ok=True)
        if t.csv:
            with open(os.path.join(args.output, "trial.csv"), "w", encoding="utf-8") as f:
                f.write(t.csv)
        if diagnoses:
            diagnosis_sheet.write_sheets(diagnoses, os.path.join(args.output, "diagnosis"),
                                         os.path.abspath(args.input), back_link="../index.html")
        pages = {d.group or d.name: d.page for d in diagnoses}
        counts = action_counts(t)
        figures = {"did": figure_did(t, args.output),
                   "participation": figure_participation(t, args.output),
                   "mortality": figure_mortality(t, args.output),
                   "actions": figure_actions(counts, args.output)}
        path = write_html(t, args.output, figures, counts, pages, time.perf_counter() - start)
    except InputError as error:
        print(f"trial_report.py: error: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    except OSError as error:
        print(f"trial_report.py: error: cannot write the report in {args.output}: {error}",
              file=sys.stderr)
        return EXIT_FAILED
    except (KeyError, TypeError, ValueError) as error:  # results_json not as documented
        print(f"trial_report.py: error: {args.input}: /trial results_json is not in the layout "
              f"expected ({type(error).__name__}: {error})", file=sys.stderr)
        return EXIT_INVALID_INPUT
    print(f"wrote {path} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
