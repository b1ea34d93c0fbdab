#!/usr/bin/python3
"""An HTML report of a sensitivity sweep written by `salonsim sweep`.

    /usr/bin/python3 analysis/sweep_report.py out/sweep-demo.h5 -o out/sweep-demo
    /usr/bin/python3 analysis/sweep_report.py out/sweep-demo.h5 -o out/sd --outputs participation.all

writes out/sweep-demo/index.html, the PNG figures it links to (relative links, so the folder can
be moved or zipped) and indices.csv (one row per output column, parameter and index: estimate and
95% interval, in the same layout as the `csv` attribute of /sensitivity).

Contents: the sweep (name, description, design, parameters with the range of values the design
visited, points, replicates, runs, seed policy, the sweep file itself); then for each output
column (all, or those given with --outputs):
  - the sensitivity indices with 95% intervals, parameters sorted by importance:
      Morris: mu* bars and the mu*-sigma plot; Sobol: first-order (S1) and total (ST) indices;
      PRCC (Latin hypercube and grid designs): partial rank correlation coefficients;
  - a table of the same numbers (3 significant digits);
  - the output of every run against each parameter (small multiples).

Only Debian's Python packages are needed: h5py, numpy, pandas and matplotlib (Agg); PyYAML, where
present, is used to read the parameters' distributions from the sweep file (log axes).
Exit status: 0 on success, 2 when the input is missing, is not a sweep file or the sweep has not
finished (or --outputs names an unknown column), 1 when the report cannot be written.
"""
from __future__ import annotations

import argparse
import html
import json
import math
import os
import re
import sys
import time

import numpy as np

try:
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"sweep_report.py: error: a required Python package is missing ({error}); "
             "on Debian: apt-get install python3-h5py python3-numpy python3-matplotlib")

from report_common import (EXIT_FAILED, EXIT_INVALID_INPUT, InputError, check_finished_file,
                           meta_table, page, provenance_rows, save, text_attr, write_page)

FORMAT = "salonsim-sweep-1"
RESUME_HINT = "the sweep has not finished; run the same salonsim sweep command again to resume it"

# Per method: the indices in the file (in the order of salonsim's own CSV), which have intervals,
# and the one that orders the parameters by importance.
METHODS = {
    "morris": {"indices": ["mu_star", "sigma", "mu"], "intervals": ["mu_star"],
               "importance": "mu_star", "title": "Morris elementary effects"},
    "sobol": {"indices": ["S1", "ST"], "intervals": ["S1", "ST"],
              "importance": "ST", "title": "Sobol indices (Saltelli/Jansen estimators)"},
    "prcc": {"indices": ["prcc", "p_value"], "intervals": ["prcc"],
             "importance": "prcc", "title": "Partial rank correlation coefficients"},
}
INDEX_LABELS = {"mu_star": "mu*", "sigma": "sigma", "mu": "mu", "S1": "S1", "ST": "ST",
                "prcc": "PRCC", "p_value": "p-value"}
OUTCOME_LABELS = {
    "certifications": "new LTC certifications",
    "deaths": "deaths",
    "disability_free_years": "disability-free years",
    "certifications_per_1000_py": "certifications per 1,000 disability-free person-years",
    "cumulative_certification": "certified by the end (fraction independent at entry)",
    "cumulative_death": "died by the end (fraction of residents)",
    "participation": "ever attended a salon (fraction of residents)",
}
GROUP_LABELS = {
    "all": "all residents",
    "low_income": "low income",
    "high_income": "high income",
    "low_income_women": "low-income women",
    "low_income_men": "low-income men",
    "high_income_women": "high-income women",
    "high_income_men": "high-income men",
    "women": "women",
    "men": "men",
}
BAR_COLOURS = {"mu_star": "#1f77b4", "S1": "#1f77b4", "ST": "#ff7f0e", "prcc_pos": "#d62728",
               "prcc_neg": "#1f77b4"}


def lines(value) -> list[str]:
    return [s for s in text_attr(value).split("\n") if s]


def column_label(column: str) -> str:
    """certifications_per_1000_py.low_income -> 'certifications per ... (low income)'."""
    outcome, _, group = column.partition(".")
    label = OUTCOME_LABELS.get(outcome, outcome.replace("_", " "))
    if group:
        label += f" ({GROUP_LABELS.get(group, group.replace('_', ' '))})"
    return label


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_") or "output"


# ---- reading ---------------------------------------------------------------------------------

class Parameter:
    def __init__(self, label: str, key: str, values: list[str]):
        self.label = label
        self.key = key
        self.values = values          # a list parameter's values; empty for a distribution
        self.distribution = ""        # from the sweep file, where it can be read
        self.integer = False
        self.low = math.nan           # range seen in /design/values
        self.high = math.nan

    @property
    def is_list(self) -> bool:
        return bool(self.values)


class Sweep:
    """What the report needs from a sweep file, read once."""

    def __init__(self, path: str):
        check_finished_file(path, "sweep", "sweep")
        self.path = path
        try:
            with h5py.File(path, "r") as f:
                self._read(f)
        except InputError:
            raise
        except (OSError, KeyError, ValueError, TypeError, IndexError) as error:
            raise InputError(f"{path}: cannot read the sweep ({error})") from error

    def _read(self, f: "h5py.File") -> None:
        path = self.path
        if "meta" not in f or text_attr(f["meta"].attrs.get("format", "")) != FORMAT:
            found = text_attr(f["meta"].attrs.get("format", "")) if "meta" in f else ""
            raise InputError(f"{path} is not a sweep file written by `salonsim sweep` (/meta "
                             f"format is {found!r}, expected {FORMAT!r}; for a comparison use "
                             "analysis/report.py)")
        self.meta = {k: v for k, v in f["meta"].attrs.items()}
        for name in ("design", "runs"):
            if name not in f:
                raise InputError(f"{path}: /{name} is missing")
        if "sensitivity" not in f:
            done = f["runs"]["done"][:] if "done" in f["runs"] else np.zeros(0)
            raise InputError(f"{path} has no /sensitivity group, so it is not a finished sweep: "
                             f"{RESUME_HINT} "
                             f"({int(np.count_nonzero(done))} of {len(done)} runs done)")
        self.name = text_attr(self.meta.get("name", "sweep"))
        self.design = text_attr(self.meta.get("design", "?"))
        self.sweep_yaml = text_attr(self.meta.get("sweep_yaml", ""))
        self.base_yaml = text_attr(self.meta.get("base_scenario_yaml", ""))

        # Parameters: labels, keys and list values.
        design = f["design"]
        labels = lines(design.attrs.get("parameters", ""))
        keys = lines(design.attrs.get("keys", ""))
        listed = []
        if "parameters_json" in design.attrs:
            try:
                listed = json.loads(text_attr(design.attrs["parameters_json"]))
            except json.JSONDecodeError as error:
                raise InputError(f"{path}: /design parameters_json is not JSON ({error})") from error
        if listed:
            self.parameters = [Parameter(str(p.get("name", "")), str(p.get("key", "")),
                                         [str(v) for v in p.get("values", [])]) for p in listed]
            for p, entry in zip(self.parameters, listed):
                if not p.is_list:
                    p.distribution = str(entry.get("distribution") or "uniform")
                p.integer = bool(entry.get("integer", False))
        else:
            self.parameters = [Parameter(label, keys[j] if j < len(keys) else "", [])
                               for j, label in enumerate(labels)]
        k = len(self.parameters)
        if k == 0:
            raise InputError(f"{path}: /design names no parameters")
        values = design["values"][:]
        if values.ndim != 2 or values.shape[1] != k:
            raise InputError(f"{path}: /design/values has shape {values.shape}, expected "
                             f"(points, {k})")
        for j, p in enumerate(self.parameters):
            column = values[:, j]
            finite = column[np.isfinite(column)]
            if finite.size:
                p.low, p.high = float(finite.min()), float(finite.max())

        # Runs.
        runs = f["runs"]
        for name in ("outputs", "parameters", "done"):
            if name not in runs:
                raise InputError(f"{path}: /runs/{name} is missing")
        self.run_columns = lines(runs.attrs.get("columns", ""))
        self.outputs = runs["outputs"][:]
        self.run_parameters = runs["parameters"][:]
        self.done = runs["done"][:].astype(bool)
        self.replicate = runs["replicate"][:] if "replicate" in runs else np.zeros(len(self.done))
        if self.outputs.ndim != 2 or self.outputs.shape[1] != len(self.run_columns):
            raise InputError(f"{path}: /runs/outputs has shape {self.outputs.shape} but /runs "
                             f"names {len(self.run_columns)} columns")
        if self.run_parameters.ndim != 2 or self.run_parameters.shape[1] != k:
            raise InputError(f"{path}: /runs/parameters has shape {self.run_parameters.shape}, "
                             f"expected (runs, {k})")
        if not self.done.all():
            raise InputError(f"{path}: {RESUME_HINT} ({int(self.done.sum())} of "
                             f"{len(self.done)} runs done)")
        self.points = int(self.meta.get("points", values.shape[0]))
        self.replicates = int(self.meta.get("replicates", 1))
        self.runs = int(self.meta.get("runs", len(self.done)))

        # Sensitivity indices: per column, index name -> [k] array; None where the group is
        # missing (the estimator failed for that column).
        sens = f["sensitivity"]
        self.method = text_attr(sens.attrs.get("method", ""))
        if self.method not in METHODS:
            raise InputError(f"{path}: /sensitivity method {self.method!r} is not one of "
                             f"{', '.join(METHODS)}")
        self.columns = lines(sens.attrs.get("columns", "")) or self.run_columns
        self.salonsim_table = text_attr(sens.attrs.get("table", ""))
        self.indices: dict[str, dict[str, np.ndarray] | None] = {}
        wanted = []
        for name in METHODS[self.method]["indices"]:
            wanted.append(name)
            if name in METHODS[self.method]["intervals"]:
                wanted += [name + "_low", name + "_high"]
        for column in self.columns:
            if column not in sens:
                self.indices[column] = None
                continue
            group = sens[column]
            arrays = {}
            for name in wanted:
                if name in group:
                    a = np.asarray(group[name][:], dtype=float).reshape(-1)
                    if len(a) != k:
                        raise InputError(f"{path}: /sensitivity/{column}/{name} has {len(a)} "
                                         f"values for {k} parameters")
                else:
                    a = np.full(k, np.nan)
                arrays[name] = a
            self.indices[column] = arrays

    @property
    def description(self) -> str:
        if self.meta.get("description"):
            return text_attr(self.meta["description"])
        m = re.search(r"^description:\s*(.+)$", self.sweep_yaml, re.MULTILINE)
        return m.group(1).strip().strip("'\"") if m else ""

    def column_outputs(self, column: str) -> np.ndarray:
        return self.outputs[:, self.run_columns.index(column)]

    def order(self, column: str) -> list[int]:
        """Parameter indices, most important first (NaN last, then in design order)."""
        arrays = self.indices.get(column)
        k = len(self.parameters)
        if not arrays:
            return list(range(k))
        score = arrays[METHODS[self.method]["importance"]]
        score = np.abs(score)
        return sorted(range(k), key=lambda j: (not np.isfinite(score[j]),
                                               -score[j] if np.isfinite(score[j]) else 0, j))


# ---- numbers ---------------------------------------------------------------------------------

def sig3(v) -> str:
    """3 significant digits; '–' for NaN; a real minus sign."""
    if v is None:
        return "–"
    v = float(v)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == 0:
        return "0"
    exponent = math.floor(math.log10(abs(v)))
    if -4 <= exponent < 6:
        digits = max(0, 2 - exponent)
        text = f"{round(v, digits):,.{digits}f}"
        if text.lstrip("-").strip("0.,") == "":
            text = "0"
    else:
        text = f"{v:.2e}"
    return text.replace("-", "−")


def interval(low, high) -> str:
    if (low is None or high is None or math.isnan(float(low)) or math.isnan(float(high))):
        return ""
    return f" <span class=ci>({sig3(low)} to {sig3(high)})</span>"


def csv_number(v: float) -> str:
    v = float(v)
    return "nan" if math.isnan(v) else repr(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf")


def csv_text(text: str) -> str:
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if any(c in text for c in ',"\n') else text


def indices_csv(s: Sweep, columns: list[str]) -> str:
    out = ["output,parameter,index,estimate,low,high"]
    spec = METHODS[s.method]
    for column in columns:
        arrays = s.indices.get(column)
        if not arrays:
            continue
        for j, p in enumerate(s.parameters):
            for name in spec["indices"]:
                low = high = ""
                if name in spec["intervals"]:
                    low = csv_number(arrays[name + "_low"][j])
                    high = csv_number(arrays[name + "_high"][j])
                out.append(",".join([csv_text(column), csv_text(p.label), name,
                                     csv_number(arrays[name][j]), low, high]))
    return "\n".join(out) + "\n"


# ---- figures ---------------------------------------------------------------------------------

def interval_lines(ax, y, low, high, horizontal=True, **kw):
    """95% intervals as lines with caps (robust to NaN and to estimates outside the interval)."""
    ok = np.isfinite(low) & np.isfinite(high)
    if not ok.any():
        return
    y, low, high = np.asarray(y)[ok], low[ok], high[ok]
    kw.setdefault("color", "black")
    kw.setdefault("linewidth", 1.1)
    if horizontal:
        ax.hlines(y, low, high, **kw)
        ax.plot(low, y, "|", color=kw["color"], markersize=7)
        ax.plot(high, y, "|", color=kw["color"], markersize=7)
    else:
        ax.vlines(y, low, high, **kw)


def label_points(ax, x, y, labels, top) -> None:
    """Labels beside points, moved up where they would overlap one placed before."""
    placed = []  # (x, y) of labels in axes fractions
    for j in sorted(np.flatnonzero(np.isfinite(x) & np.isfinite(y)), key=lambda j: (x[j], y[j])):
        fx, fy = x[j] / top, y[j] / top
        dy = 0.0
        while any(abs(fx - px) < 0.25 and abs(fy + dy - py) < 0.06 for px, py in placed):
            dy += 0.065
        placed.append((fx, fy + dy))
        ax.annotate(labels[j], (x[j], y[j]), xytext=(fx + 0.012, fy + dy + 0.012),
                    textcoords="axes fraction", fontsize=8,
                    arrowprops={"arrowstyle": "-", "color": "#bbb", "linewidth": 0.6}
                    if dy else None)


def mark_missing(ax, y, values) -> None:
    """'not computed' beside the bars of NaN indices."""
    for yi, v in zip(y, values):
        if not np.isfinite(v):
            ax.text(0.01, yi, " not computed", transform=ax.get_yaxis_transform(),
                    va="center", fontsize=7, color="#777")


def nan_note(ax, values) -> None:
    if not np.isfinite(values).any():
        ax.text(0.5, 0.5, "not computed (NaN)", transform=ax.transAxes, ha="center",
                va="center", color="#777")


def figure_indices(s: Sweep, column: str, out_dir: str, name: str):
    arrays = s.indices.get(column)
    if not arrays:
        return None
    order = s.order(column)
    labels = [s.parameters[j].label for j in order]
    y = np.arange(len(order))
    height = max(2.4, 0.45 * len(order) + 1.2)
    if s.method == "morris":
        fig, axes = plt.subplots(1, 2, figsize=(12, height), constrained_layout=True)
        ax = axes[0]
        mu_star = arrays["mu_star"][order]
        ax.barh(y, np.nan_to_num(mu_star), color=BAR_COLOURS["mu_star"], alpha=0.85)
        interval_lines(ax, y, arrays["mu_star_low"][order], arrays["mu_star_high"][order])
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        ax.set_xlabel("mu* (mean |elementary effect|), 95% interval")
        ax.axvline(0, color="black", linewidth=0.6)
        ax.grid(axis="x", alpha=0.3)
        nan_note(ax, mu_star)
        mark_missing(ax, y, mu_star)
        ax = axes[1]
        ms, sg = arrays["mu_star"], arrays["sigma"]
        ok = np.isfinite(ms) & np.isfinite(sg)
        ax.scatter(ms[ok], sg[ok], color=BAR_COLOURS["mu_star"], zorder=3)
        if ok.any():
            top = float(max(ms[ok].max(), sg[ok].max())) * 1.15 or 1.0
            label_points(ax, ms, sg, [p.label for p in s.parameters], top)
            ax.plot([0, top], [0, top], color="#999", linestyle="--", linewidth=0.8,
                    label="sigma = mu*")
            ax.set_xlim(0, top)
            ax.set_ylim(0, top)
            ax.legend(fontsize=8, loc="upper left")
        nan_note(ax, ms[ok] if ok.any() else np.array([np.nan]))
        ax.set_xlabel("mu* (importance)")
        ax.set_ylabel("sigma (non-linearity or interactions)")
        ax.grid(alpha=0.3)
        fig.suptitle(f"{column}: Morris mu* with 95% intervals (left) and mu*–sigma (right)",
                     fontsize=10)
    elif s.method == "sobol":
        fig, ax = plt.subplots(figsize=(8, height), constrained_layout=True)
        h = 0.38
        for offset, name_ in ((-h / 2, "S1"), (h / 2, "ST")):
            v = arrays[name_][order]
            ax.barh(y + offset, np.nan_to_num(v), h, color=BAR_COLOURS[name_], alpha=0.85,
                    label={"S1": "S1 (first order)", "ST": "ST (total)"}[name_])
            interval_lines(ax, y + offset, arrays[name_ + "_low"][order],
                           arrays[name_ + "_high"][order])
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        ax.axvline(0, color="black", linewidth=0.6)
        ax.set_xlabel("Sobol index (share of the output variance), 95% interval")
        ax.grid(axis="x", alpha=0.3)
        ax.legend(fontsize=8, loc="lower right")
        nan_note(ax, np.concatenate([arrays["S1"], arrays["ST"]]))
        mark_missing(ax, y, arrays["ST"][order])
        fig.suptitle(f"{column}: Sobol indices, sorted by ST", fontsize=10)
    else:
        fig, ax = plt.subplots(figsize=(8, height), constrained_layout=True)
        v = arrays["prcc"][order]
        colours = [BAR_COLOURS["prcc_pos"] if x >= 0 else BAR_COLOURS["prcc_neg"]
                   for x in np.nan_to_num(v)]
        ax.barh(y, np.nan_to_num(v), color=colours, alpha=0.85)
        interval_lines(ax, y, arrays["prcc_low"][order], arrays["prcc_high"][order])
        ax.axvline(0, color="black", linewidth=1.0)
        ax.set_xlim(-1.05, 1.05)
        ax.set_yticks(y)
        ax.set_yticklabels(labels)
        ax.invert_yaxis()
        ax.set_xlabel("partial rank correlation coefficient, 95% interval")
        ax.grid(axis="x", alpha=0.3)
        nan_note(ax, v)
        mark_missing(ax, y, v)
        fig.suptitle(f"{column}: PRCC, sorted by |PRCC|", fontsize=10)
    return save(fig, out_dir, name, dpi=100)


def figure_scatter(s: Sweep, column: str, out_dir: str, name: str):
    y = s.column_outputs(column)
    k = len(s.parameters)
    ncols = min(k, 4)
    nrows = int(math.ceil(k / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.6 * ncols, 2.9 * nrows), squeeze=False,
                             sharey=True, constrained_layout=True)
    arrays = s.indices.get(column)
    spec = METHODS[s.method]
    replicated = s.replicates > 1
    for j, (ax, p) in enumerate(zip(axes.flat, s.parameters)):
        x = s.run_parameters[:, j]
        ok = np.isfinite(x) & np.isfinite(y)
        if p.is_list:  # a small horizontal jitter so the runs at one value can be seen
            jitter = (np.random.default_rng(j).random(len(x)) - 0.5) * 0.2
            ax.scatter(x[ok] + jitter[ok], y[ok], s=12, alpha=0.6, color="#1f77b4")
            ax.set_xticks(range(len(p.values)))
            ax.set_xticklabels(p.values, fontsize=7, rotation=30 if len(p.values) > 4 else 0)
        else:
            ax.scatter(x[ok], y[ok], s=12, alpha=0.6, color="#1f77b4")
            if p.distribution == "log_uniform" and (x[ok] > 0).all() and ok.any():
                ax.set_xscale("log")
            else:
                ax.xaxis.set_major_locator(MaxNLocator(4))
        title = p.label
        if arrays:
            imp = spec["importance"]
            title += f"\n{INDEX_LABELS[imp]} = {sig3(arrays[imp][j])}"
        ax.set_title(title, fontsize=8)
        ax.tick_params(which="both", labelsize=7)
        ax.grid(alpha=0.3)
        if j % ncols == 0:
            ax.set_ylabel(column, fontsize=8)
    for ax in list(axes.flat)[k:]:
        ax.axis("off")
    fig.suptitle(f"{column}: output of each run ({'every replicate' if replicated else 'one replicate per point'}) "
                 "against each parameter", fontsize=10)
    return save(fig, out_dir, name, dpi=100)


# ---- HTML ------------------------------------------------------------------------------------

CSS = ""

CAPTIONS = {
    "morris": "Left: mu*, the mean absolute elementary effect of each parameter (the change in "
              "the output per unit of the parameter's range on the unit cube, i.e. scaled to a "
              "move over its whole range), with its 95% bootstrap interval over trajectories; "
              "parameters sorted by mu*. Right: mu* against "
              "sigma, the standard deviation of the elementary effects: points far to the right "
              "matter most; points high above the axis (near or over the dashed line) act "
              "non-linearly or through interactions.",
    "sobol": "First-order (S1: variance explained by the parameter alone) and total (ST: "
             "including all its interactions) Sobol indices with 95% bootstrap intervals; "
             "parameters sorted by ST. Small base samples give wide intervals and estimates that "
             "can stray below 0 or above 1.",
    "prcc": "Partial rank correlation of the output with each parameter, the others held "
            "(rank-)constant, with 95% intervals (Fisher z); red: the output rises with the "
            "parameter, blue: it falls; sorted by |PRCC|.",
}


def parameter_range(p: Parameter) -> str:
    if p.is_list:
        return "values: " + ", ".join(html.escape(v) for v in p.values)
    if math.isnan(p.low):
        return "–"
    if p.integer or (p.low.is_integer() and p.high.is_integer() and abs(p.high) < 1e9):
        return f"{p.low:,.0f} to {p.high:,.0f}".replace("-", "−")
    return f"{sig3(p.low)} to {sig3(p.high)}"


def table_parameters(s: Sweep) -> str:
    rows = []
    for p in s.parameters:
        kind = "list" if p.is_list else (p.distribution or "")
        if p.integer:
            kind = (kind + ", integer").lstrip(", ")
        rows.append(f"<tr><td class=text>{html.escape(p.label)}</td><td class=text><code>"
                    f"{html.escape(p.key)}</code></td><td>{parameter_range(p)}</td>"
                    f"<td class=text>{html.escape(kind) or '–'}</td></tr>")
    return ("<table class=summary id=parameters><thead><tr><th>parameter</th><th>scenario key</th>"
            "<th>range in the design</th><th>distribution</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def table_indices(s: Sweep, column: str) -> str:
    arrays = s.indices[column]
    spec = METHODS[s.method]
    head = "".join(f"<th>{INDEX_LABELS[n]}{' (95% interval)' if n in spec['intervals'] else ''}"
                   "</th>" for n in spec["indices"])
    body = []
    for rank, j in enumerate(s.order(column), start=1):
        cells = []
        for n in spec["indices"]:
            text = sig3(arrays[n][j])
            if n in spec["intervals"]:
                text += interval(arrays[n + "_low"][j], arrays[n + "_high"][j])
            cells.append(f"<td>{text}</td>")
        body.append(f"<tr><td>{rank}</td><th class=row>{html.escape(s.parameters[j].label)}</th>"
                    f"{''.join(cells)}</tr>")
    return (f"<table class='summary indices' data-output='{html.escape(column, quote=True)}'>"
            f"<thead><tr><th>rank</th><th>parameter</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def write_html(s: Sweep, columns: list[str], out_dir: str, figures: dict, elapsed: float) -> str:
    m = s.meta
    esc = html.escape
    spec = METHODS[s.method]
    design_text = s.design
    if s.design == "morris":
        design_text += (f" ({text_attr(m.get('morris_trajectories', '?'))} trajectories, "
                        f"{text_attr(m.get('morris_levels', '?'))} levels)")
    elif s.design == "sobol":
        design_text += f" (N = {text_attr(m.get('sobol_base_samples', '?'))} base samples)"
    elif s.design == "latin_hypercube":
        design_text += f" ({s.points} samples)"
    design_text += f"; design seed {text_attr(m.get('design_seed', '?'))}"
    title = (f"salonsim sweep: {esc(s.name)} — {esc(s.design)}, {len(s.parameters)} parameters, "
             f"{s.runs} runs")
    seeds = text_attr(m.get("seeds", "?"))
    seed_text = {"common": "common random numbers: replicate r of every point uses the same "
                           "seed, so differences between points are not blurred by noise",
                 "independent": "independent seeds: every run has its own seed"}.get(seeds, "")
    rows = [("sweep", esc(s.name)),
            ("design", esc(design_text)),
            ("sensitivity method", f"{esc(s.method)}: {esc(spec['title'])}"),
            ("points", str(s.points)),
            ("replicates", f"{s.replicates} per point"),
            ("runs", f"{s.runs} ({int(s.done.sum())} done)"),
            ("seeds", f"{esc(seeds)} (base seed {esc(text_attr(m.get('seed', '?')))})"
             + (f" — {esc(seed_text)}" if seed_text else "")),
            ("bootstrap resamples", esc(text_attr(m.get("bootstrap", "?")))),
            ("fingerprint", esc(text_attr(m.get("fingerprint", "?")))),
            ("sweep file", f"<code>{esc(text_attr(m.get('sweep_file', '')))}</code>")]
    methodology = [f"<p>{esc(spec['title'])}: {CAPTIONS[s.method]}</p>",
                   meta_table(rows + provenance_rows(m, s.path, elapsed))]
    parts = []
    parts.append("<h2 id=parameters-heading>Parameters</h2>")
    parts.append("<p class=note>The range is the one the design visited (<code>/design/values"
                 "</code>); a list parameter shows its values.</p>")
    parts.append(table_parameters(s))
    parts.append("<details open><summary>Sweep file</summary>"
                 f"<pre id=sweep-yaml>{esc(s.sweep_yaml)}</pre></details>")

    parts.append("<h2 id=outputs>Outputs</h2>")
    parts.append("<p class=note>" + esc(spec["title"]) + f" for {len(columns)} output column"
                 f"{'s' if len(columns) != 1 else ''}; all numbers (estimate, 95% interval) in "
                 "<a href='indices.csv'>indices.csv</a>. salonsim computes the indices from each "
                 "point's mean over its replicates (<code>/points/mean</code>); the scatter plots "
                 "show every run. ")
    parts.append(" ".join(f"<a href='#out-{slug(c)}'>{esc(c)}</a>" for c in columns) + "</p>")
    for column in columns:
        parts.append(f"<h2 id='out-{slug(column)}'>{esc(column)}</h2>")
        parts.append(f"<p class=note>{esc(column_label(column))}</p>")
        arrays = s.indices.get(column)
        if arrays is None:
            parts.append("<p class=warn>No sensitivity indices for this output: salonsim could "
                         "not compute them (the estimator failed; see its table below).</p>")
        else:
            if not np.isfinite(arrays[spec["importance"]]).all():
                parts.append("<p class=warn>Some indices could not be computed (shown as –), "
                             "for example because the output did not vary, or varied with one "
                             "parameter only.</p>")
            name = figures.get(("indices", column))
            if name:
                parts.append(f"<figure><img src='{esc(name, quote=True)}' alt='indices of "
                             f"{esc(column, quote=True)}'><figcaption>{CAPTIONS[s.method]}"
                             "</figcaption></figure>")
            parts.append(table_indices(s, column))
        name = figures.get(("scatter", column))
        if name:
            parts.append(f"<figure><img src='{esc(name, quote=True)}' alt='runs of "
                         f"{esc(column, quote=True)}'><figcaption>The output of every run "
                         "(<code>/runs/outputs</code>) against the value of each parameter "
                         "(<code>/runs/parameters</code>; a list parameter: its values, "
                         "jittered).</figcaption></figure>")
    if s.salonsim_table.strip():
        methodology.append("<h3>salonsim's own tables</h3>")
        methodology.append("<p class=note>As printed by <code>salonsim sweep</code> (the attribute "
                     "<code>table</code> of <code>/sensitivity</code>), for all outputs.</p>")
        methodology.append(f"<pre>{esc(s.salonsim_table.strip(chr(10)))}</pre>")
    if s.base_yaml:
        methodology.append("<h3>Base scenario</h3>")
        methodology.append("<details><summary>The scenario every point starts from, with the "
                           f"sweep's <code>set:</code> applied</summary><pre>{esc(s.base_yaml)}"
                           "</pre></details>")
    lede = (esc(s.description) + " " if s.description else "") + (
        f"Which of {len(s.parameters)} parameters move the results most: {esc(s.design)} design, "
        f"{s.runs} runs.")
    return write_page(out_dir, page(title, lede, sweep_summary(s, columns), parts, methodology,
                                    CSS))


def sweep_summary(s: Sweep, columns: list[str]) -> list[str]:
    """For each output, the parameters that move it most, in words."""
    esc = html.escape
    items = []
    for column in columns:
        if s.indices.get(column) is None:
            items.append(f"<li>{esc(column_label(column))}: salonsim could not compute the "
                         "indices.</li>")
            continue
        top = [s.parameters[j].label for j in s.order(column)[:3]]
        items.append(f"<li>{esc(column_label(column))} (<code>{esc(column)}</code>): most "
                     f"sensitive to <b>{esc(top[0])}</b>"
                     + (", then " + " and ".join(esc(t) for t in top[1:]) if top[1:] else "")
                     + ".</li>")
    return [f"<p>Each output below, with the parameters that move it most ({esc(METHODS[s.method]['title'])}; "
            "details and intervals under each output):</p><ul>", *items, "</ul>"]


# ---- main ------------------------------------------------------------------------------------

def choose_columns(s: Sweep, requested: str | None) -> list[str]:
    available = [c for c in s.columns if c in s.run_columns]
    if not requested:
        return available
    columns = []
    for name in (c.strip() for c in requested.split(",")):
        if not name:
            continue
        if name in available:
            columns.append(name)
            continue
        # An outcome without a group: all of its groups.
        matches = [c for c in available if c.split(".")[0] == name]
        if not matches:
            raise InputError(f"--outputs: no output column {name!r} in {s.path}; it has "
                             + ", ".join(available))
        columns += matches
    return list(dict.fromkeys(columns))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write an HTML report (index.html, PNG figures, indices.csv) of a "
                    "sensitivity sweep file written by `salonsim sweep`.")
    parser.add_argument("input", help="sweep HDF5 file (salonsim sweep SWEEP.yaml -o FILE)")
    parser.add_argument("-o", "--output", required=True, help="output directory (created)")
    parser.add_argument("--outputs", metavar="COL1,COL2",
                        help="only these output columns (e.g. participation.all), or outcomes "
                             "(e.g. participation: all its groups); default: all")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        s = Sweep(args.input)
        columns = choose_columns(s, args.outputs)
    except InputError as error:
        print(f"sweep_report.py: error: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        os.makedirs(args.output, exist_ok=True)
        with open(os.path.join(args.output, "indices.csv"), "w", encoding="utf-8") as f:
            f.write(indices_csv(s, columns))
        figures = {}
        for i, column in enumerate(columns):
            base = f"{i:02d}_{slug(column)}"
            figures[("indices", column)] = figure_indices(s, column, args.output,
                                                          f"indices_{base}.png")
            figures[("scatter", column)] = figure_scatter(s, column, args.output,
                                                          f"runs_{base}.png")
        path = write_html(s, columns, args.output, figures, time.perf_counter() - start)
    except OSError as error:
        print(f"sweep_report.py: error: cannot write the report in {args.output}: {error}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
