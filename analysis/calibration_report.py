#!/usr/bin/python3
"""An HTML report of a calibration written by `salonsim calibrate`.

    /usr/bin/python3 analysis/calibration_report.py out/calib.h5 -o out/calib

writes out/calib/index.html and the PNG figures it links to (relative links, so the folder can be
moved or zipped):
  - a plain-language summary for a planner: what was fitted to what, how the fit went, and for
    each parameter its posterior median and 95% interval beside the prior's 95% range, with a
    sentence on how much the data narrowed it;
  - marginals.png: the weighted posterior of each parameter over its prior;
  - pairs.png: the posterior particles, two parameters at a time;
  - fit.png: each observed target beside the posterior predictive simulations;
  - tolerance.png: tolerance and acceptance rate by generation;
  - tables of the posterior, the targets and the generations; the method and the provenance.

Only Debian's Python packages are needed: h5py, numpy and matplotlib (Agg); PyYAML, where
present, is used to read the priors (their bounds and distributions) from the calibration file.
Exit status: 0 on success, 2 when the input is missing or is not a finished calibration file, 1
when the report cannot be written.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import html
import json
import math
import os
import sys
import time

import numpy as np

try:
    import h5py
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, LogLocator, MaxNLocator, NullFormatter
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"calibration_report.py: error: a required Python package is missing ({error}); "
             "on Debian: apt-get install python3-h5py python3-numpy python3-matplotlib")

from report_common import (meta_table, page, EXIT_FAILED, EXIT_INVALID_INPUT, InputError,
                           check_finished_file, text_attr)

FORMAT = "salonsim-calibration-1"
RESUME_HINT = ("the calibration has not finished; run the same salonsim calibrate command again "
               "to resume it")

STOP_REASONS = {
    "generations": "it ran all the generations the calibration file asked for",
    "tolerance": "the tolerance reached the target set in the calibration file",
    "acceptance": "the share of proposals accepted fell below the minimum set in the "
                  "calibration file, so further generations would have cost too many simulations",
    "budget": "it used up its simulation budget (max_simulations); the posterior is the last "
              "generation completed within it",
}

OBSERVED_COLOUR = "#d62728"
SIMULATED_COLOUR = "#1f77b4"
PRIOR_COLOUR = "#999999"


def lines(value) -> list[str]:
    return [s for s in text_attr(value).split("\n") if s]


def num(v) -> str:
    """A number for people: 3 significant digits, thousands separators, a real minus sign."""
    if v is None:
        return "–"
    v = float(v)
    if math.isnan(v):
        return "–"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    text = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:.3g}"
    return text.replace("-", "−")


def percent(v: float) -> str:
    return "–" if not math.isfinite(v) else f"{100 * v:.0f}%"


# ---- reading ---------------------------------------------------------------------------------

class Parameter:
    def __init__(self, name: str, key: str, values: list[str]):
        self.name = name
        self.key = key
        self.values = values           # a list parameter's values; /posterior holds indices
        self.distribution = ""         # from the calibration file, where it can be read
        self.support = (math.nan, math.nan)  # the prior's bounds, where known

    @property
    def is_list(self) -> bool:
        return bool(self.values)

    @property
    def log_scale(self) -> bool:
        return self.distribution == "log_uniform" and self.support[0] > 0

    def label(self, value: float) -> str:
        """A value as text: a list parameter's value, else the number."""
        if self.is_list and math.isfinite(value):
            return self.values[min(max(int(round(value)), 0), len(self.values) - 1)]
        return num(value)


class Target:
    def __init__(self, name: str, info: dict):
        self.name = name
        self.info = info               # from targets_json: outcome or survey column, group, year

    @property
    def what(self) -> str:
        """'survey column "isolated" in year 0, men' or 'outcome deaths, all'."""
        i = self.info
        if i.get("survey_column"):
            year = num(i.get("survey_year", 0))
            text = f"survey column “{i['survey_column']}” in year {year}"
        elif i.get("outcome"):
            text = f"outcome “{i['outcome']}”"
        else:
            return ""
        return text + (f", {i['group']}" if i.get("group") else "")


class Calibration:
    """What the report needs from a calibration file, read once."""

    def __init__(self, path: str):
        check_finished_file(path, "calibration", "calibrate")
        self.path = path
        try:
            with h5py.File(path, "r") as f:
                self._read(f)
        except InputError:
            raise
        except (OSError, KeyError, ValueError, TypeError, IndexError) as error:
            raise InputError(f"{path}: cannot read the calibration ({error})") from error
        self._read_priors()

    def _read(self, f: "h5py.File") -> None:
        path = self.path
        found = text_attr(f["meta"].attrs.get("format", "")) if "meta" in f else ""
        if found != FORMAT:
            what = f"/meta format is {found!r}" if found else "it has no /meta format attribute"
            raise InputError(f"{path} is not a calibration file written by `salonsim calibrate` "
                             f"({what}; expected {FORMAT!r})")
        self.meta = {k: v for k, v in f["meta"].attrs.items()}
        status = text_attr(self.meta.get("status", ""))
        if status != "complete":
            raise InputError(f"{path} is not a finished calibration (/meta status is {status!r}, "
                             f"expected 'complete'): {RESUME_HINT}")
        for name in ("posterior", "generations", "targets", "predictive", "candidates"):
            if name not in f:
                raise InputError(f"{path}: /{name} is missing")

        def array(group: str, name: str, shape: tuple) -> np.ndarray:
            """A dataset as float, checked against the shape (None: any length)."""
            if name not in f[group]:
                raise InputError(f"{path}: /{group}/{name} is missing")
            a = np.asarray(f[group][name][...], dtype=float)
            if a.ndim != len(shape) or any(s is not None and s != d
                                           for s, d in zip(shape, a.shape)):
                raise InputError(f"{path}: /{group}/{name} has shape {a.shape}, expected "
                                 + str(tuple("any" if s is None else s for s in shape)))
            return a

        post = f["posterior"]
        names = lines(post.attrs.get("parameters", ""))
        keys = lines(post.attrs.get("keys", ""))
        listed = []
        if "parameters_json" in post.attrs:
            try:
                listed = json.loads(text_attr(post.attrs["parameters_json"]))
            except json.JSONDecodeError as error:
                raise InputError(f"{path}: /posterior parameters_json is not JSON "
                                 f"({error})") from error
        if listed:
            self.parameters = [Parameter(str(p.get("name", "")), str(p.get("key", "")),
                                         [str(v) for v in p.get("values") or []])
                               for p in listed]
        else:
            self.parameters = [Parameter(n, keys[j] if j < len(keys) else "", [])
                               for j, n in enumerate(names)]
        k = len(self.parameters)
        if k == 0:
            raise InputError(f"{path}: /posterior names no parameters")
        self.values = array("posterior", "values", (None, k))
        n = self.values.shape[0]
        if n == 0:
            raise InputError(f"{path}: /posterior holds no particles")
        self.weights = array("posterior", "weights", (n,))
        self.distances = array("posterior", "distances", (n,))
        self.summary = {name: array("posterior", name, (k,))
                        for name in ("mean", "sd", "low", "median", "high", "prior_low",
                                     "prior_high")}

        targets = f["targets"]
        target_names = lines(targets.attrs.get("names", ""))
        infos = []
        if "targets_json" in targets.attrs:
            try:
                infos = json.loads(text_attr(targets.attrs["targets_json"]))
            except json.JSONDecodeError as error:
                raise InputError(f"{path}: /targets targets_json is not JSON ({error})") from error
        if not target_names:
            target_names = [str(i.get("name", "")) for i in infos]
        m = len(target_names)
        if m == 0:
            raise InputError(f"{path}: /targets names no targets")
        by_name = {str(i.get("name", "")): i for i in infos}
        self.targets = [Target(t, by_name.get(t, {})) for t in target_names]
        self.target_arrays = {name: array("targets", name, (m,))
                              for name in ("observed", "sd", "predictive_mean", "predictive_low",
                                           "predictive_high")}
        self.predictive = array("predictive", "statistics", (None, m))

        self.generations = {name: array("generations", name, (None,))
                            for name in ("tolerance", "proposed", "acceptance_rate", "ess")}
        lengths = {len(a) for a in self.generations.values()}
        if len(lengths) != 1 or 0 in lengths:
            raise InputError(f"{path}: the datasets of /generations differ in length or are "
                             "empty")

        self.candidate_generation = array("candidates", "generation", (None,))
        self.candidate_values = array("candidates", "values", (len(self.candidate_generation), k))

        calib = f["calibration"].attrs if "calibration" in f else {}
        self.stop_reason = text_attr(calib.get("stop_reason", ""))
        self.salonsim_table = text_attr(calib.get("table", ""))
        runs = f["runs"] if "runs" in f else None
        self.simulations = (int(np.count_nonzero(runs["done"][...]))
                            if runs is not None and "done" in runs else None)

        self.name = text_attr(self.meta.get("name", "calibration"))
        self.description = text_attr(self.meta.get("description", ""))
        self.calibration_yaml = text_attr(self.meta.get("calibration_yaml", ""))
        self.base_yaml = text_attr(self.meta.get("base_scenario_yaml", ""))
        self.replicates = int(self.meta.get("replicates", 1))

    def _read_priors(self) -> None:
        """Bounds and distributions of the priors, and the ABC settings, from the calibration
        file: the HDF5 file keeps only the priors' 95% ranges. Without PyYAML (or with a file
        it cannot read) the report does without them."""
        self.abc: dict = {}
        self.scenario = ""
        try:
            import yaml

            doc = yaml.safe_load(self.calibration_yaml) or {}
        except Exception:  # noqa: BLE001 - the priors' bounds only refine the figures
            return
        if not isinstance(doc, dict):
            return
        self.abc = doc.get("abc") if isinstance(doc.get("abc"), dict) else {}
        self.scenario = str(doc.get("scenario") or "")
        entries = [e for e in doc.get("parameters") or [] if isinstance(e, dict)]
        for p in self.parameters:
            entry = next((e for e in entries if str(e.get("key", "")) == p.key), None)
            if entry is None:
                continue
            p.distribution = str(entry.get("distribution") or ("" if p.is_list else "uniform"))
            try:
                low = float(entry.get("min", math.nan))
                high = float(entry.get("max", math.nan))
            except (TypeError, ValueError):
                continue
            if math.isfinite(low) and math.isfinite(high) and high > low:
                p.support = (low, high)

    # Derived numbers.

    @property
    def k(self) -> int:
        return len(self.parameters)

    @property
    def n_generations(self) -> int:
        return len(self.generations["tolerance"])

    @property
    def ess(self) -> float:
        w = self.weights
        return float(w.sum() ** 2 / (w ** 2).sum()) if (w > 0).any() else math.nan

    def prior_draws(self, j: int) -> np.ndarray:
        """Generation 0's candidates are draws from the priors: the prior's shape, for free."""
        v = self.candidate_values[self.candidate_generation == 0, j]
        return v[np.isfinite(v)]

    def narrowing(self, j: int) -> float:
        """Width of the posterior 95% interval over that of the prior (on a log scale for a
        log-uniform prior, whose width is a factor rather than a difference)."""
        s, p = self.summary, self.parameters[j]
        low, high, plow, phigh = s["low"][j], s["high"][j], s["prior_low"][j], s["prior_high"][j]
        if not all(math.isfinite(x) for x in (low, high, plow, phigh)):
            return math.nan
        if p.is_list:  # count the values either interval spans
            return (round(high) - round(low) + 1) / (round(phigh) - round(plow) + 1)
        if p.log_scale and min(low, plow) > 0:
            low, high, plow, phigh = (math.log(x) for x in (low, high, plow, phigh))
        return (high - low) / (phigh - plow) if phigh > plow else math.nan

    def inside(self) -> np.ndarray:
        t = self.target_arrays
        return (t["observed"] >= t["predictive_low"]) & (t["observed"] <= t["predictive_high"])


# ---- words -----------------------------------------------------------------------------------

def narrowing_sentence(c: Calibration, j: int) -> str:
    """How much the data told us about one parameter, in words (HTML)."""
    p, s = c.parameters[j], c.summary
    r = c.narrowing(j)
    scale = " (on a log scale)" if p.log_scale and not p.is_list else ""
    if not math.isfinite(r):
        text = "How much the data narrowed it cannot be told (the prior range is empty)."
    elif r < 0.25:
        text = (f"The data narrowed it strongly: the 95% interval is {percent(r)} as wide as the "
                f"prior's{scale}.")
    elif r < 0.6:
        text = (f"The data narrowed it clearly: the 95% interval is {percent(r)} as wide as the "
                f"prior's{scale}.")
    elif r < 0.9:
        text = (f"The data narrowed it a little: the 95% interval is {percent(r)} as wide as the "
                f"prior's{scale}.")
    else:
        text = (f"The data hardly narrowed it: the 95% interval is {percent(r)} as wide as the "
                f"prior's{scale}, so the targets say little about this parameter (or it trades "
                "off against another one; see the pairs plot).")
    # A posterior piled against a bound of the prior means the bound, not the data, decides
    # where it ends: worth saying, as a wider prior may be needed.
    if not p.is_list and math.isfinite(r) and r < 0.9:
        bounds = p.support if math.isfinite(p.support[0]) else (s["prior_low"][j],
                                                                s["prior_high"][j])
        lo, hi, low, high = bounds[0], bounds[1], s["low"][j], s["high"][j]
        if p.log_scale and min(lo, low) > 0:
            lo, hi, low, high = (math.log(x) for x in (lo, hi, low, high))
        edge = 0.05 * (hi - lo)
        for near, side, beyond in ((high >= hi - edge, "top", "above"),
                                   (low <= lo + edge, "bottom", "below")):
            if near:
                text += (f" The interval reaches the {side} of the prior range: the data may "
                         f"favour values {beyond} it, so consider widening the prior if such "
                         "values are plausible.")
                break
    return html.escape(text)


def stop_sentence(c: Calibration) -> str:
    reason = STOP_REASONS.get(c.stop_reason, f"“{c.stop_reason or 'not recorded'}”")
    text = f"It stopped after {c.n_generations} generation{'s' if c.n_generations != 1 else ''} "
    text += f"because {reason}."
    tol = c.generations["tolerance"]
    finite = tol[np.isfinite(tol)]
    if c.stop_reason in ("generations", "budget") and len(finite) >= 2 and finite[-2] > 0:
        fall = 1 - finite[-1] / finite[-2]
        if fall > 0.2:
            text += (f" The tolerance was still falling ({percent(fall)} in the last generation), "
                     "so more generations would likely narrow the posterior further.")
    return html.escape(text)


def fit_sentence(c: Calibration) -> str:
    inside = c.inside()
    names = [t.name for t, ok in zip(c.targets, inside) if not ok]
    if not names:
        return ("Every observed target lies inside the 95% range of simulations run with the "
                "fitted parameters: the model, so fitted, reproduces the data.")
    return html.escape(
        f"{len(names)} of {len(c.targets)} observed targets lie outside the 95% range of "
        f"simulations run with the fitted parameters ({', '.join(names)}): the model does not "
        "reproduce them with any parameter values in the prior, so read the posterior with "
        "care.")


# ---- writing files whole ---------------------------------------------------------------------

def write_text(path: str, text: str) -> str:
    """Writes a file whole: a reader never sees half a report."""
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        with open(temporary, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return path


def save_png(fig, out_dir: str, name: str, dpi: int = 110) -> str:
    """Writes a figure whole (a temporary name, then a rename), closes it, returns its name."""
    path = os.path.join(out_dir, name)
    temporary = f"{path}.tmp{os.getpid()}"
    try:
        fig.savefig(temporary, format="png", dpi=dpi, bbox_inches="tight")
        os.replace(temporary, path)
    finally:
        plt.close(fig)
        if os.path.exists(temporary):
            os.remove(temporary)
    return name


# ---- figures ---------------------------------------------------------------------------------

def grid(count: int, most_columns: int):
    ncols = min(count, most_columns)
    return int(math.ceil(count / ncols)), ncols


def bins_for(p: Parameter, low: float, high: float, count: int = 30) -> np.ndarray:
    if p.is_list:
        return np.arange(len(p.values) + 1) - 0.5
    if p.log_scale and low > 0:
        return np.geomspace(low, high, count + 1)
    return np.linspace(low, high, count + 1)


def axis_range(c: Calibration, j: int) -> tuple[float, float]:
    """The prior's bounds where known, else the span of the prior draws and the particles."""
    p = c.parameters[j]
    if p.is_list:
        return -0.5, len(p.values) - 0.5
    if math.isfinite(p.support[0]):
        return p.support
    v = np.concatenate([c.prior_draws(j), c.values[:, j]])
    v = v[np.isfinite(v)]
    low, high = float(v.min()), float(v.max())
    if high <= low:
        low, high = low - 0.5, high + 0.5
    return low, high


def plain_log_axis(axis) -> None:
    """Log-scale ticks at 1, 2, 3 and 5 per decade, written as plain numbers (not 10^0), since
    most readers of the report do not read powers of ten."""
    axis.set_major_locator(LogLocator(subs=(1.0, 2.0, 3.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: num(v)))
    axis.set_minor_formatter(NullFormatter())


def style_parameter_axis(ax, p: Parameter, low: float, high: float, axis: str = "x") -> None:
    set_lim = ax.set_xlim if axis == "x" else ax.set_ylim
    if p.is_list:
        ticks, labels = range(len(p.values)), p.values
        if axis == "x":
            ax.set_xticks(ticks)
            ax.set_xticklabels(labels, fontsize=7, rotation=30 if len(p.values) > 4 else 0)
        else:
            ax.set_yticks(ticks)
            ax.set_yticklabels(labels, fontsize=7)
    elif p.log_scale:
        (ax.set_xscale if axis == "x" else ax.set_yscale)("log")
        plain_log_axis(ax.xaxis if axis == "x" else ax.yaxis)
    else:
        (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(5))
    set_lim(low, high)


def figure_marginals(c: Calibration, out_dir: str) -> str:
    nrows, ncols = grid(c.k, 3)
    fig, axes = plt.subplots(nrows, ncols, figsize=(4.4 * ncols, 3.3 * nrows), squeeze=False,
                             constrained_layout=True)
    s = c.summary
    for j, (ax, p) in enumerate(zip(axes.flat, c.parameters)):
        low, high = axis_range(c, j)
        # Bins of equal width on the axis as drawn (log or linear) and heights as shares of the
        # mass, not densities per unit, so a log-uniform prior looks flat on its log axis.
        bins = bins_for(p, low, high, count=20)
        pad = 0.5 if p.is_list else 0.0  # a list value's bar spans its index ± 0.5
        ax.axvspan(s["prior_low"][j] - pad, s["prior_high"][j] + pad, color=PRIOR_COLOUR,
                   alpha=0.15, label="prior 95% range")
        prior = c.prior_draws(j)
        if prior.size:
            ax.hist(prior, bins=bins, weights=np.full(prior.size, 1 / prior.size),
                    histtype="step", color=PRIOR_COLOUR, linewidth=1.2,
                    label="prior (first generation's draws)")
        ok = np.isfinite(c.values[:, j])
        w = c.weights[ok] / max(c.weights[ok].sum(), 1e-300)
        ax.hist(c.values[ok, j], bins=bins, weights=w, color=SIMULATED_COLOUR, alpha=0.6,
                label="posterior (weighted)")
        ax.axvline(s["median"][j], color="black", linewidth=1.5, label="posterior median")
        for x in (s["low"][j], s["high"][j]):
            ax.axvline(x, color="black", linewidth=1.0, linestyle="--")
        ax.plot([], [], color="black", linewidth=1.0, linestyle="--",
                label="posterior 95% interval")
        style_parameter_axis(ax, p, low, high)
        ax.set_title(f"{p.name}\nmedian {p.label(s['median'][j])} "
                     f"({p.label(s['low'][j])} to {p.label(s['high'][j])})", fontsize=9)
        ax.set_xlabel(p.key, fontsize=7, color="#555")
        ax.set_yticks([])
        ax.tick_params(labelsize=7)
        ax.set_ylim(bottom=0, top=ax.get_ylim()[1] * 1.05)
    for ax in list(axes.flat)[c.k:]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    # Below the panels (bbox_inches="tight" makes room for it).
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0),
               ncol={1: 2, 2: 3}.get(ncols, 5), fontsize=8, frameon=False)
    fig.suptitle("Posterior of each parameter over its prior", fontsize=10)
    return save_png(fig, out_dir, "marginals.png")


def weighted_correlation(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    mx, my = np.sum(w * x), np.sum(w * y)
    cov = np.sum(w * (x - mx) * (y - my))
    vx, vy = np.sum(w * (x - mx) ** 2), np.sum(w * (y - my) ** 2)
    return float(cov / math.sqrt(vx * vy)) if vx > 0 and vy > 0 else math.nan


def figure_pairs(c: Calibration, out_dir: str) -> str:
    k = c.k
    size = 2.1 if k > 3 else 2.5
    fig, axes = plt.subplots(k, k, figsize=(size * k + 0.6, size * k + 0.3), squeeze=False,
                             constrained_layout=True)
    ok = np.isfinite(c.values).all(axis=1)
    v, w = c.values[ok], c.weights[ok] / max(c.weights[ok].sum(), 1e-300)
    ranges = [axis_range(c, j) for j in range(k)]
    # Area proportional to weight; an equal-weight particle gets a size of 10.
    sizes = 10 * w * len(w)
    for i in range(k):
        for j in range(k):
            ax = axes[i, j]
            pi, pj = c.parameters[i], c.parameters[j]
            if i == j:
                ax.hist(v[:, j], bins=bins_for(pj, *ranges[j], count=25), weights=w,
                        color=SIMULATED_COLOUR, alpha=0.7)
                ax.set_yticks([])
                style_parameter_axis(ax, pj, *ranges[j])
            elif i > j:
                ax.scatter(v[:, j], v[:, i], s=sizes, alpha=0.45, color=SIMULATED_COLOUR,
                           linewidths=0)
                style_parameter_axis(ax, pj, *ranges[j])
                style_parameter_axis(ax, pi, *ranges[i], axis="y")
                ax.grid(alpha=0.3)
            else:  # the upper triangle: how strongly each pair trades off
                r = weighted_correlation(v[:, j], v[:, i], w)
                text = f"r = {r:.2f}".replace("-", "−") if math.isfinite(r) else "r: –"
                ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center",
                        va="center", fontsize=11 if k <= 4 else 8,
                        color="#a33" if math.isfinite(r) and abs(r) >= 0.5 else "#444")
                ax.set_xticks([])
                ax.set_yticks([])
                for spine in ax.spines.values():
                    spine.set_color("#ddd")
            ax.tick_params(which="both", labelsize=7)
            # Tick labels on the outer edges only: the bottom row and the first column.
            if i == k - 1:
                ax.set_xlabel(pj.name, fontsize=8)
            else:
                ax.tick_params(axis="x", which="both", labelbottom=False)
            if j == 0 and i > 0:
                ax.set_ylabel(pi.name, fontsize=8)
            elif i > j:
                ax.tick_params(axis="y", which="both", labelleft=False)
    title = ("Posterior particles (point area: importance weight); diagonal: weighted histograms;"
             " upper: weighted correlation" if k > 1 else "Posterior (weighted histogram)")
    fig.suptitle(title, fontsize=9 if k > 2 else 8)
    return save_png(fig, out_dir, "pairs.png")


def figure_fit(c: Calibration, out_dir: str) -> str:
    m = len(c.targets)
    nrows, ncols = grid(m, 4)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 3.6 * nrows), squeeze=False,
                             constrained_layout=True)
    t = c.target_arrays
    rng = np.random.default_rng(0)  # a fixed jitter, so the figure is the same every time
    for i, (ax, target) in enumerate(zip(axes.flat, c.targets)):
        obs, sd = t["observed"][i], t["sd"][i]
        ax.axhspan(obs - 1.96 * sd, obs + 1.96 * sd, color=OBSERVED_COLOUR, alpha=0.08)
        ax.errorbar([0], [obs], yerr=[1.96 * sd], fmt="D", color=OBSERVED_COLOUR, capsize=6,
                    markersize=7, linewidth=2, label="observed ± 1.96 sd")
        draws = c.predictive[:, i]
        draws = draws[np.isfinite(draws)]
        if draws.size:
            ax.boxplot([draws], positions=[1], widths=0.45, showfliers=False,
                       medianprops={"color": SIMULATED_COLOUR}, boxprops={"color": "#555"},
                       whiskerprops={"color": "#555"}, capprops={"color": "#555"})
            ax.scatter(1 + (rng.random(draws.size) - 0.5) * 0.35, draws, s=10, alpha=0.5,
                       color=SIMULATED_COLOUR, zorder=3, label="simulated (predictive draws)")
        # The interval about its own middle and the mean apart: errorbar refuses a mean that
        # lies outside the interval (possible for a skewed or tiny set of draws).
        low, high = t["predictive_low"][i], t["predictive_high"][i]
        ax.errorbar([1.45], [(low + high) / 2], yerr=[(high - low) / 2], fmt="none",
                    color="black", capsize=5, linewidth=1.5, label="simulated 95% interval")
        ax.plot([1.45], [t["predictive_mean"][i]], "o", color="black", markersize=5,
                label="simulated mean")
        ax.set_xticks([0, 1])
        ax.set_xticklabels(["observed", "simulated"], fontsize=8)
        ax.set_xlim(-0.6, 1.8)
        ax.set_title(target.name, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(axis="y", alpha=0.3)
        if not c.inside()[i]:
            ax.text(0.5, 0.98, "observed outside the simulated 95%", transform=ax.transAxes,
                    ha="center", va="top", fontsize=7, color=OBSERVED_COLOUR)
    for ax in list(axes.flat)[m:]:
        ax.axis("off")
    handles, labels = axes.flat[0].get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda h: not labels[h].startswith("observed"))
    fig.legend([handles[h] for h in order], [labels[h] for h in order], loc="upper center",
               bbox_to_anchor=(0.5, 0), ncol=2 if m <= 2 else 4, fontsize=8, frameon=False)
    fig.suptitle("Observed targets beside simulations with the fitted parameters "
                 f"({len(c.predictive)} posterior predictive draws)", fontsize=10)
    return save_png(fig, out_dir, "fit.png")


def figure_tolerance(c: Calibration, out_dir: str) -> str:
    g = c.generations
    number = np.arange(1, c.n_generations + 1)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.4), constrained_layout=True)
    ax = axes[0]
    ok = np.isfinite(g["tolerance"]) & (g["tolerance"] > 0)
    if ok.any():
        ax.plot(number[ok], g["tolerance"][ok], "o-", color=SIMULATED_COLOUR)
        ax.set_yscale("log")
        plain_log_axis(ax.yaxis)
    else:
        ax.text(0.5, 0.5, "only the first generation\n(drawn from the priors, no tolerance)",
                transform=ax.transAxes, ha="center", va="center", color="#777")
    ax.set_title("tolerance (generation 1 draws from the priors: none)", fontsize=9)
    ax.set_ylabel("tolerance (RMS distance, in sd)", fontsize=8)
    ax = axes[1]
    ax.bar(number, 100 * g["acceptance_rate"], color=SIMULATED_COLOUR, alpha=0.75)
    for x, rate, proposed in zip(number, g["acceptance_rate"], g["proposed"]):
        ax.text(x, 100 * rate, f"{num(proposed)}\nproposed", ha="center", va="bottom",
                fontsize=6.5, color="#444")
    ax.set_ylim(0, 122)
    ax.set_title("acceptance rate (particles kept / proposed)", fontsize=9)
    ax.set_ylabel("accepted (%)", fontsize=8)
    for ax in axes:
        ax.set_xlabel("generation", fontsize=8)
        ax.set_xticks(number)
        ax.set_xlim(0.4, c.n_generations + 0.6)
        ax.tick_params(which="both", labelsize=7)
        ax.grid(axis="y", which="both", alpha=0.3)
    return save_png(fig, out_dir, "tolerance.png")


# ---- HTML ------------------------------------------------------------------------------------

CSS = ""


def figure_html(name: str, alt: str, caption: str) -> str:
    return (f"<figure><img src='{html.escape(name, quote=True)}' "
            f"alt='{html.escape(alt, quote=True)}'><figcaption>{caption}</figcaption></figure>")


def summary_html(c: Calibration) -> list[str]:
    esc = html.escape
    s, t = c.summary, c.target_arrays
    parts = []
    fitted = (f"This calibration fitted {c.k} parameter{'s' if c.k != 1 else ''} of the model to "
              f"{len(c.targets)} observed target{'s' if len(c.targets) != 1 else ''}, by running "
              "the simulation many times and keeping the parameter values whose simulated "
              "targets came close to the observed ones (weighted by how well they did).")
    parts.append(f"<p>{esc(fitted)}</p>")
    parts.append("<p><b>Parameters fitted</b> (scenario keys):</p><ul>")
    parts += [f"<li>{esc(p.name)} (<code>{esc(p.key)}</code>)</li>" for p in c.parameters]
    parts.append("</ul><p><b>Targets</b> (observed ± sd):</p><ul>")
    for i, target in enumerate(c.targets):
        what = f" — {esc(target.what)}" if target.what else ""
        parts.append(f"<li>{esc(target.name)}: {num(t['observed'][i])} ± {num(t['sd'][i])}"
                     f"{what}</li>")
    parts.append("</ul>")
    tol = c.generations["tolerance"][-1]
    predictive = len(c.predictive) * c.replicates
    runs = (f"{c.simulations:,} simulations in all ({predictive} of them posterior predictive)"
            if c.simulations is not None else
            f"{len(c.candidate_generation) * c.replicates:,} simulations, and {predictive} "
            "posterior predictive ones")
    final = f"The final {len(c.weights)} particles (effective sample size {num(c.ess)}) "
    final += (f"each came within a root-mean-square distance of {num(tol)} standard deviations "
              "of the observed targets." if math.isfinite(tol) else
              "are draws from the priors: the first generation applies no tolerance, so the data "
              "have not yet shaped them.")
    parts.append(f"<p>{stop_sentence(c)} {esc(runs)}. {esc(final)}</p>")
    parts.append("<p><b>What the data say about each parameter</b> (posterior median, 95% "
                 "interval; the prior's 95% range for comparison):</p><ul>")
    for j, p in enumerate(c.parameters):
        parts.append(f"<li><b>{esc(p.name)}</b>: {esc(p.label(s['median'][j]))} "
                     f"(95% interval {esc(p.label(s['low'][j]))} to {esc(p.label(s['high'][j]))})"
                     f"; prior {esc(p.label(s['prior_low'][j]))} to "
                     f"{esc(p.label(s['prior_high'][j]))}. {narrowing_sentence(c, j)}</li>")
    parts.append("</ul>")
    warn = "ok" if c.inside().all() else "warn"
    parts.append(f"<p class={warn}><b>Fit:</b> {fit_sentence(c)}</p>")
    return parts


def esc_label(p: Parameter, value: float) -> str:
    return html.escape(p.label(value))


def table_posterior(c: Calibration) -> str:
    s = c.summary
    rows = []
    for j, p in enumerate(c.parameters):
        cells = [num(s[name][j]) for name in ("mean", "sd")]
        cells += [esc_label(p, s[name][j]) for name in ("median", "low", "high")]
        cells.append(f"{esc_label(p, s['prior_low'][j])} to {esc_label(p, s['prior_high'][j])}")
        cells.append(percent(c.narrowing(j)))
        rows.append(f"<tr><th class=row>{html.escape(p.name)}</th><td class=text><code>"
                    f"{html.escape(p.key)}</code></td>" + "".join(f"<td>{x}</td>" for x in cells)
                    + "</tr>")
    return ("<table class=summary id=posterior-table><thead><tr><th>parameter</th>"
            "<th>scenario key</th><th>mean</th><th>sd</th><th>median</th><th>2.5%</th>"
            "<th>97.5%</th><th>prior 2.5–97.5%</th><th>interval width / prior's</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table>")


def table_targets(c: Calibration) -> str:
    t = c.target_arrays
    rows = []
    for i, (target, inside) in enumerate(zip(c.targets, c.inside())):
        verdict = ("<span class=ok>yes</span>" if inside else "<span class=warn>no</span>")
        rows.append(f"<tr><th class=row>{html.escape(target.name)}</th>"
                    f"<td class=text>{html.escape(target.what) or '–'}</td>"
                    f"<td>{num(t['observed'][i])}</td><td>{num(t['sd'][i])}</td>"
                    f"<td>{num(t['predictive_mean'][i])}</td>"
                    f"<td>{num(t['predictive_low'][i])} to {num(t['predictive_high'][i])}</td>"
                    f"<td>{verdict}</td></tr>")
    return ("<table class=summary id=targets-table><thead><tr><th>target</th><th>statistic</th>"
            "<th>observed</th><th>sd</th><th>simulated mean</th><th>simulated 95%</th>"
            "<th>observed inside?</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def table_generations(c: Calibration) -> str:
    g = c.generations
    rows = []
    for i in range(c.n_generations):
        tol = g["tolerance"][i]
        rows.append(f"<tr><td>{i + 1}</td>"
                    f"<td>{'none (priors)' if math.isinf(tol) else num(tol)}</td>"
                    f"<td>{num(g['proposed'][i])}</td><td>{percent(g['acceptance_rate'][i])}</td>"
                    f"<td>{num(g['ess'][i])}</td></tr>")
    return ("<table class=summary id=generations-table><thead><tr><th>generation</th>"
            "<th>tolerance</th><th>proposed</th><th>acceptance rate</th><th>ESS</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table>")


def methods_html(c: Calibration) -> list[str]:
    esc = html.escape
    abc = c.abc
    quantile = abc.get("quantile")
    q_text = (f"the {percent(float(quantile))} weighted quantile"
              if isinstance(quantile, (int, float)) else "a weighted quantile (abc.quantile)")
    settings = ", ".join(f"{esc(str(key))} {esc(str(value))}" for key, value in abc.items())
    parts = ["<p id=methods>The parameters were fitted by approximate Bayesian computation with sequential "
             "Monte Carlo (ABC-SMC; Beaumont et al. 2009) and adaptive tolerances (Del Moral et "
             "al. 2012). Each parameter has a prior, mapped onto the unit interval, so that the "
             "particles live on a unit cube. The first generation draws particles from the "
             "priors and keeps all of them. Each later generation sets its tolerance to "
             f"{q_text} of the previous generation's distances, then proposes candidates by "
             "picking a particle of the previous generation (by weight) and moving it with a "
             "Gaussian perturbation kernel whose variance is twice the particles' weighted "
             "variance on each axis, cut to the unit cube (a proposal outside it is drawn "
             "again); it keeps the first candidates whose distance is within the tolerance. "
             "Their importance weights are the prior density over the proposal density, the "
             "weighted mixture of the previous generation's cut kernels, and sum to 1.</p>",
             "<p>The distance between a simulation and the data is the root mean square over the "
             "targets of (simulated − observed) / sd, so a distance of 1 means the simulated "
             "targets are one standard deviation of the observation off on average. "
             + ("Each candidate was simulated once. " if c.replicates == 1 else
                f"Each candidate was simulated {c.replicates} times and its statistics averaged "
                "over the replicates. ")
             + "The posterior summaries weight the "
             "last generation's particles by their importance weights; the 95% intervals are the "
             "2.5% and 97.5% weighted quantiles. The posterior predictive draws rerun "
             f"{len(c.predictive)} particles picked by weight on new random numbers, so their "
             "spread holds both the parameters' uncertainty and the simulation's own noise.</p>"]
    if settings:
        parts.append(f"<p class=note>Settings (<code>abc:</code>): {settings}.</p>")
    m = c.meta
    rows = [("calibration", esc(c.name)),
            ("calibration file", f"<code>{esc(text_attr(m.get('calibration_file', '')))}</code>"),
            ("base scenario", f"<code>{esc(c.scenario)}</code>" if c.scenario else "–"),
            ("version", esc(text_attr(m.get("version", "?")))
             + f" (git {esc(text_attr(m.get('git_commit', 'unknown')))}, fingerprint "
               f"{esc(text_attr(m.get('fingerprint', '?')))})"),
            ("command line", f"<code>{esc(text_attr(m.get('command_line', '')))}</code>"),
            ("seed", esc(text_attr(m.get("seed", "?")))),
            ("replicates", str(c.replicates)),
            ("input", f"<code>{esc(os.path.abspath(c.path))}</code>")]
    parts.append("<h3>Provenance</h3>")
    parts.append(meta_table(rows))
    if c.calibration_yaml:
        parts.append("<details><summary>Calibration file</summary>"
                     f"<pre id=calibration-yaml>{esc(c.calibration_yaml)}</pre></details>")
    if c.base_yaml:
        parts.append("<details><summary>The scenario every simulation starts from, with the "
                     "calibration's <code>set:</code> applied</summary>"
                     f"<pre id=base-yaml>{esc(c.base_yaml)}</pre></details>")
    if c.salonsim_table.strip():
        parts.append("<details><summary>salonsim's own table (the <code>table</code> attribute "
                     "of <code>/calibration</code>)</summary>"
                     f"<pre>{esc(c.salonsim_table.strip(chr(10)))}</pre></details>")
    return parts


def write_html(c: Calibration, out_dir: str, figures: dict, elapsed: float) -> str:
    esc = html.escape
    title = f"salonsim calibration: {esc(c.name)}"
    summary = summary_html(c)
    parts = []
    parts.append("<h2 id=posterior>Posterior</h2>")
    parts.append(figure_html(
        figures["marginals"], "posterior marginals",
        "Each parameter's posterior (blue: weighted histogram of the last generation's "
        "particles) over its prior (grey outline: the first generation's draws from the prior; "
        "grey band: the prior's 95% range). Solid line: posterior median; dashed lines: the 95% "
        "interval. A posterior much narrower than the prior means the targets pin the parameter "
        "down."))
    parts.append(table_posterior(c))
    parts.append(figure_html(
        figures["pairs"], "posterior pairs",
        "The posterior particles, two parameters at a time (point area proportional to the "
        "particle's weight), with weighted histograms on the diagonal and weighted correlations "
        "above it. A tilted cloud (|r| of 0.5 or more, in red) means the two parameters trade "
        "off: the targets fix a combination of them rather than each one."
        if c.k > 1 else "The posterior particles' weighted histogram."))

    parts.append("<h2 id=fit>Fit to the targets</h2>")
    parts.append(figure_html(
        figures["fit"], "fit to the targets",
        "Red diamond and band: the observed value with ± 1.96 sd (its 95% range). Blue points "
        "and box: simulations run with parameters drawn from the posterior (posterior "
        "predictive draws, on new random numbers); black: their mean and 95% interval. Good "
        "fit: the red band overlaps the blue draws."))
    parts.append(table_targets(c))

    parts.append("<h2 id=generations>Generations</h2>")
    parts.append(figure_html(
        figures["tolerance"], "tolerance and acceptance by generation",
        "Left: each generation's tolerance, the largest distance a particle may have (log "
        "scale). Right: the share of proposals accepted, with the number proposed above each "
        "bar. A tolerance that keeps falling while the acceptance rate holds up means more "
        "generations would still sharpen the posterior."))
    parts.append(table_generations(c))
    parts.append("<p class=note>ESS: effective sample size of the weights, (Σw)² / Σw².</p>")

    methods = methods_html(c)
    methods.append(f"<p class=note>Report made {_dt.datetime.now():%Y-%m-%d %H:%M} in "
                   f"{elapsed:.1f} s.</p>")
    lede = (f"<span id=description>{esc(c.description)}</span> " if c.description else "") + (
        "Which parameter values make the model reproduce what was observed.")
    return write_text(os.path.join(out_dir, "index.html"),
                      page(title, lede, summary, parts, methods, CSS))


# ---- main ------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write an HTML report (index.html and PNG figures) of a calibration file "
                    "written by `salonsim calibrate`.")
    parser.add_argument("input", help="calibration HDF5 file (salonsim calibrate FILE.yaml -o "
                                      "FILE.h5)")
    parser.add_argument("-o", "--output", required=True, help="output directory (created)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        c = Calibration(args.input)
    except InputError as error:
        print(f"calibration_report.py: error: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        os.makedirs(args.output, exist_ok=True)
        figures = {"marginals": figure_marginals(c, args.output),
                   "pairs": figure_pairs(c, args.output),
                   "fit": figure_fit(c, args.output),
                   "tolerance": figure_tolerance(c, args.output)}
        path = write_html(c, args.output, figures, time.perf_counter() - start)
    except OSError as error:
        print(f"calibration_report.py: error: cannot write the report in {args.output}: {error}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path} ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
