#!/usr/bin/python3
"""Community diagnosis sheets: one HTML page per municipality from the diagnosis tables of a
salonsim file.

    /usr/bin/python3 analysis/diagnosis_sheet.py out/run.h5 -o out/diagnosis
    /usr/bin/python3 analysis/diagnosis_sheet.py out/trial.h5 -o out/diagnosis

FILE is a run with coalition support (the table at /diagnosis, or /replicate_0/diagnosis with
several replicates) or a `salonsim trial` file (/municipalities/<name>/diagnosis, every
municipality). Writes DIR/<name>.html per municipality (name made safe for file names), its maps
DIR/<name>_maps.png (relative links, so the folder can be moved or zipped) and DIR/index.html
listing the sheets with each municipality's arm where the file gives it.

Each sheet: a plain-language paragraph on the districts that stand out; a table of every
district's indicators (percent; last row the town, weighted by residents, or by men for the
indicators about men; cells shaded by how much worse than the town they are); and a risk map per
indicator: each district a circle at its centre with its radius, coloured by the value (darker is
worse, whichever way the indicator runs).

Only Debian's Python packages are needed: h5py, numpy, pandas and matplotlib (Agg).
Other scripts can import it: read_diagnoses(path) and write_sheets(diagnoses, out_dir, source).
Exit status: 0 on success, 2 when the input is missing or holds no diagnosis table, 1 when the
sheets cannot be written.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
import textwrap

import numpy as np

try:
    import h5py
    import pandas as pd
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.patches import Circle
    from matplotlib.ticker import FuncFormatter
    from matplotlib import font_manager
except ImportError as error:  # pragma: no cover - depends on the machine
    sys.exit(f"diagnosis_sheet.py: error: a required Python package is missing ({error}); "
             "on Debian: apt-get install python3-h5py python3-pandas python3-matplotlib")

from report_common import (BASE_CSS, EXIT_FAILED, EXIT_INVALID_INPUT, InputError, save,
                           text_attr)

# Japanese names need a CJK font: use one where installed (e.g. fonts-noto-cjk, fonts-ipafont).
_CJK = sorted({f.name for f in font_manager.fontManager.ttflist
               if any(k in f.name for k in ("CJK JP", "IPAexGothic", "IPAGothic", "Takao"))})
if _CJK:
    plt.rcParams["font.family"] = ["DejaVu Sans", _CJK[0]]

# Used when the table has no `indicators` attribute: (key, label, higher is worse).
DEFAULT_INDICATORS = [
    ("isolated", "isolated (contact less than weekly)", True),
    ("any_group", "in a group of any kind", False),
    ("any_group_men", "men in a group of any kind", False),
    ("alone_shopping_difficulty", "living alone with difficulty shopping", True),
    ("poor_food_access", "poor food access (no store within reach)", True),
    ("certified", "LTC-certified", True),
    ("low_income", "low income", True),
    ("frail", "frail (frailty index 0.25 or more)", True),
    ("uncovered", "no group venue within 350 m", True),
]
STAND_OUT_RATIO = 1.25   # a district stands out when it is this much worse than the town ...
STAND_OUT_POINTS = 1.0   # ... and at least this many percentage points worse
MAX_SENTENCES = 5


class Diagnosis:
    """One municipality's diagnosis table: name, arm (or None), table (a DataFrame, one row per
    district, with a `name` column), indicators [{key, label, higher_is_worse}], `where` (the HDF5
    path of the table) and `group` (the municipality's group name in a trial file, else None)."""

    def __init__(self, group: "h5py.Group", name: str, arm: str | None, path: str):
        self.where = group.name
        self.group = name if group.name.startswith("/municipalities/") else None
        self.arm = arm
        self.page = None
        attrs = group.attrs
        self.name = text_attr(attrs["municipality"]) if "municipality" in attrs else name
        for column in ("x_m", "y_m", "radius_m", "residents"):
            if column not in group:
                raise InputError(f"{path}: {group.name}/{column} is missing")
        self.table = pd.DataFrame({k: np.asarray(v[:]).astype(float) if k != "district"
                                   else np.asarray(v[:]) for k, v in group.items()
                                   if isinstance(v, h5py.Dataset) and v.ndim == 1})
        n = len(self.table)
        names = (text_attr(attrs["district_names"]).split("\n")
                 if "district_names" in attrs else [])
        if len(names) != n:
            ids = self.table["district"] if "district" in self.table else range(n)
            names = [f"district {i}" for i in ids]
        self.table.insert(0, "name", names)
        listed = None
        if "indicators" in attrs:
            try:
                listed = [(d["key"], d.get("label", d["key"]), bool(d.get("higher_is_worse", True)))
                          for d in json.loads(text_attr(attrs["indicators"]))]
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as error:
                raise InputError(f"{path}: {group.name} indicators is not the JSON list "
                                 f"expected ({error})") from error
        self.indicators = [{"key": k, "label": label, "higher_is_worse": worse}
                           for k, label, worse in (listed or DEFAULT_INDICATORS)
                           if k in self.table]
        if not self.indicators:
            raise InputError(f"{path}: {group.name} has none of the indicator columns")

    def town(self, key: str) -> float:
        """The town's value: districts weighted by residents (by men for indicators of men)."""
        of_men = key.endswith("_men") or key.startswith("men_")
        weight_column = "men" if of_men and "men" in self.table else "residents"
        w = self.table[weight_column].to_numpy(float)
        v = self.table[key].to_numpy(float)
        ok = np.isfinite(v)
        return float(np.sum(v[ok] * w[ok]) / np.sum(w[ok])) if np.sum(w[ok]) > 0 else np.nan


def read_diagnoses(path: str) -> list[Diagnosis]:
    """Every diagnosis table of a run or trial file; raises InputError when there is none."""
    if not os.path.isfile(path):
        raise InputError(f"no such file: {path}")
    if not h5py.is_hdf5(path):
        raise InputError(f"{path} is not an HDF5 file")
    try:
        with h5py.File(path, "r") as f:
            found = []
            if "municipalities" in f:
                for name, group in f["municipalities"].items():
                    if isinstance(group, h5py.Group) and "diagnosis" in group:
                        arm = text_attr(group.attrs["arm"]) if "arm" in group.attrs else None
                        found.append(Diagnosis(group["diagnosis"], name, arm, path))
            else:
                meta = f["meta"].attrs if "meta" in f else {}
                town = (os.path.splitext(os.path.basename(text_attr(meta["scenario_file"])))[0]
                        if "scenario_file" in meta else "town")
                for where in ("diagnosis", "replicate_0/diagnosis"):
                    if where in f:
                        found.append(Diagnosis(f[where], town, None, path))
                        break
    except InputError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as error:
        raise InputError(f"{path}: cannot read the diagnosis ({error})") from error
    if not found:
        raise InputError(f"{path} holds no diagnosis table (/diagnosis, /replicate_0/diagnosis or "
                         "/municipalities/<name>/diagnosis): was it run with coalition support?")
    return found


# ---- words -----------------------------------------------------------------------------------

def pct(v: float) -> str:
    return "–" if v is None or not np.isfinite(v) else f"{100 * v:.1f}%"


def worse_ratio(value: float, town: float, higher_is_worse: bool) -> float:
    """How many times worse than the town (1: as the town; inf when the town is at 0)."""
    a, b = (value, town) if higher_is_worse else (town, value)
    return np.inf if b <= 0 < a else (a / b if b > 0 else 1.0)


def compare_words(value: float, town: float, higher_is_worse: bool) -> str:
    r = worse_ratio(value, town, higher_is_worse)
    if higher_is_worse and 1.9 <= r < 2.1:
        return f"twice the town's {pct(town)}"
    if higher_is_worse and r >= 2.1:
        return f"{r:.1f} times the town's {pct(town)}" if np.isfinite(r) else "where the town has none"
    if not higher_is_worse and r >= 1.9:
        return f"{'about half' if r < 2.1 else 'less than half'} the town's {pct(town)}"
    points = 100 * abs(value - town)
    return f"{points:.1f} points {'above' if value > town else 'below'} the town's {pct(town)}"


def stand_out(d: Diagnosis) -> str:
    """A paragraph for planners: which districts are worse than the town, and by how much."""
    t = d.table
    residents = int(t["residents"].sum())
    lead = (f"{d.name} has {len(t)} district{'s' if len(t) != 1 else ''} and {residents:,} "
            "residents aged 65 or over at baseline.")
    findings, worst_of = [], {}
    for ind in d.indicators:
        key, hiw = ind["key"], ind["higher_is_worse"]
        values, town = t[key].to_numpy(float), d.town(key)
        if not np.any(np.isfinite(values)) or not np.isfinite(town):
            continue
        i = int(np.nanargmax(values) if hiw else np.nanargmin(values))
        v = values[i]
        worst_of.setdefault(t["name"].iloc[i], []).append(ind["label"])
        ratio = worse_ratio(v, town, hiw)
        if ratio >= STAND_OUT_RATIO and 100 * abs(v - town) >= STAND_OUT_POINTS:
            label = ind["label"][:1].upper() + ind["label"][1:]
            findings.append((ratio, f"{html.escape(label)}: {'highest' if hiw else 'lowest'} in "
                                    f"<b>{html.escape(t['name'].iloc[i])}</b> ({pct(v)}), "
                                    f"{compare_words(v, town, hiw)}."))
    parts = [html.escape(lead)]
    repeat = sorted(((len(v), k) for k, v in worst_of.items() if len(v) >= 2), reverse=True)
    for count, name in repeat[:2]:
        parts.append(f"<b>{html.escape(name)}</b> is the worst district on {count} of "
                     f"{len(d.indicators)} indicators ({html.escape(', '.join(worst_of[name]))}).")
    findings.sort(key=lambda x: -x[0])
    if findings:
        parts += [text for _, text in findings[:MAX_SENTENCES]]
        if len(findings) > MAX_SENTENCES:
            parts.append(f"{len(findings) - MAX_SENTENCES} more indicator(s) have a district "
                         "at least a quarter worse than the town; see the table.")
    else:
        parts.append("No district is a quarter or more worse than the town on any indicator.")
    return " ".join(parts)


# ---- table and maps --------------------------------------------------------------------------

def shade(value: float, town: float, higher_is_worse: bool) -> str:
    """A red background growing with how much worse than the town: full at twice the town's
    value (at half of it for indicators where higher is better)."""
    r = worse_ratio(value, town, higher_is_worse)
    if not np.isfinite(value) or r <= 1.0:
        return ""
    alpha = min(1.0, (r - 1.0) / 1.0) * 0.55 + 0.05
    return f" style='background: rgba(214, 39, 40, {alpha:.2f})'"


def table_html(d: Diagnosis) -> str:
    t = d.table
    head = "".join(f"<th>{html.escape(i['label'])}<br><span class=dir>"
                   f"{'higher is worse' if i['higher_is_worse'] else 'lower is worse'}</span></th>"
                   for i in d.indicators)
    rows = []
    for _, row in t.iterrows():
        cells = "".join(f"<td{shade(row[i['key']], d.town(i['key']), i['higher_is_worse'])}>"
                        f"{pct(row[i['key']])}</td>" for i in d.indicators)
        rows.append(f"<tr><th class=row>{html.escape(str(row['name']))}</th>"
                    f"<td>{int(row['residents']):,}</td>{cells}</tr>")
    town = "".join(f"<td>{pct(d.town(i['key']))}</td>" for i in d.indicators)
    rows.append(f"<tr class=town><th class=row>whole town</th><td>{int(t['residents'].sum()):,}"
                f"</td>{town}</tr>")
    return (f"<div class=scroll><table class='summary diagnosis'><thead><tr><th>district</th>"
            f"<th>residents 65+</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def figure_maps(d: Diagnosis, out_dir: str, stem: str) -> str:
    t = d.table
    x, y, r = (t[c].to_numpy(float) for c in ("x_m", "y_m", "radius_m"))
    ncols = min(3, len(d.indicators))
    nrows = int(np.ceil(len(d.indicators) / ncols))
    span = max(np.ptp(np.r_[x - r, x + r]), np.ptp(np.r_[y - r, y + r]), 1.0)
    km = span >= 3000
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.0 * ncols, 4.4 * nrows), squeeze=False,
                             constrained_layout=True)
    font = 8.5 if len(t) <= 8 else 7.5 if len(t) <= 16 else 6.5
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for ax, ind in zip(axes.flat, d.indicators):
        values = 100 * t[ind["key"]].to_numpy(float)
        town = 100 * d.town(ind["key"])
        # Centred on the town's value and at least 5 points either way, so that districts a
        # point or two apart do not look far apart.
        half = max(np.nanmax(np.abs(values - town)) if np.isfinite(values).any() else 0, 5.0)
        low, high = town - half, town + half
        cmap = plt.get_cmap("YlOrRd" if ind["higher_is_worse"] else "YlOrRd_r")
        norm = matplotlib.colors.Normalize(low, high)
        order = np.argsort(-r)  # big circles first, small ones stay visible on top
        for i in order:
            face = "#dddddd" if not np.isfinite(values[i]) else cmap(norm(values[i]))
            ax.add_patch(Circle((x[i], y[i]), r[i], facecolor=face, edgecolor="#555555",
                                linewidth=0.8, alpha=0.9))
        for i in order:
            ax.text(x[i], y[i], f"{t['name'].iloc[i]}\n{pct(values[i] / 100)}", ha="center",
                    va="center", fontsize=font, path_effects=halo, zorder=5)
        ax.set_xlim(np.min(x - r) - 0.04 * span, np.max(x + r) + 0.04 * span)
        ax.set_ylim(np.min(y - r) - 0.04 * span, np.max(y + r) + 0.04 * span)
        ax.set_aspect("equal")
        scale = 1000.0 if km else 1.0
        formatter = FuncFormatter(lambda v, _pos, s=scale: f"{v / s:g}")
        ax.xaxis.set_major_formatter(formatter)
        ax.yaxis.set_major_formatter(formatter)
        ax.tick_params(labelsize=7)
        ax.set_xlabel(f"east ({'km' if km else 'm'})", fontsize=7)
        ax.set_ylabel(f"north ({'km' if km else 'm'})", fontsize=7)
        ax.set_title(f"{textwrap.fill(ind['label'], 56)}\n(town {town:.1f}%; "
                     f"{'higher' if ind['higher_is_worse'] else 'lower'} is worse)", fontsize=9)
        bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.85,
                           format=FuncFormatter(lambda v, _pos: f"{round(v, 6):g}%"))
        bar.ax.tick_params(labelsize=7)
        bar.ax.axhline(town, color="black", linewidth=1.5)
        bar.ax.text(-0.15, town, "town", transform=bar.ax.get_yaxis_transform(), fontsize=6.5,
                    va="center", ha="right", clip_on=False)
    for ax in list(axes.flat)[len(d.indicators):]:
        ax.axis("off")
    fig.suptitle(f"{d.name}: risk maps by district (darker = worse)", fontsize=11)
    return save(fig, out_dir, f"{stem}_maps.png")


# ---- pages -----------------------------------------------------------------------------------

CSS = BASE_CSS + """
table.summary th.row { text-align: left; background: #fafafa; white-space: nowrap; }
table.diagnosis thead th { font-size: 0.9em; max-width: 9em; font-weight: 600; }
table.diagnosis tr.town td, table.diagnosis tr.town th { border-top: 2px solid #555;
       font-weight: bold; background: #f0f0f0; }
.dir { font-weight: normal; color: #666; font-size: 0.85em; }
div.scroll { overflow-x: auto; }
p.lead { font-size: 1.02em; line-height: 1.5; max-width: 1000px; }
"""


def file_stem(name: str, taken: set) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "municipality"
    stem = "index_" if stem.lower() == "index" else stem
    base, k = stem, 2
    while stem.lower() in taken:
        stem, k = f"{base}_{k}", k + 1
    taken.add(stem.lower())
    return stem


def write_sheet(d: Diagnosis, out_dir: str, stem: str, source: str) -> str:
    esc = html.escape
    maps = figure_maps(d, out_dir, stem)
    arm = f" — {esc(d.arm.replace('_', ' '))} arm" if d.arm else ""
    page = [f"<!DOCTYPE html><html lang=en><head><meta charset='utf-8'>"
            f"<title>Community diagnosis: {esc(d.name)}</title><style>{CSS}</style></head><body>",
            "<p class=note><a href='index.html'>← all municipalities</a></p>",
            f"<h1>Community diagnosis: {esc(d.name)}{arm}</h1>",
            f"<p class=note>From <code>{esc(source)}</code>, table <code>{esc(d.where)}</code> "
            "(residents at baseline).</p>",
            f"<p class=lead>{stand_out(d)}</p>",
            "<h2>Indicators by district</h2>",
            "<p class=note>Share of residents aged 65 or over in each district. Shading: how "
            "much worse than the whole town (darkest at twice the town's value, or at half of it "
            "where lower is worse). The last row is the whole town, districts weighted by "
            "residents (by men for the indicators about men).</p>",
            table_html(d),
            "<h2>Risk maps</h2>",
            f"<figure><img src='{esc(maps, quote=True)}' alt='risk maps'><figcaption>Each district "
            "drawn as a circle at its centre with the radius its residents live within, coloured "
            "by the indicator: each map's colours are centred on the whole town's value (the line "
            "on the colour bar) and span at least 5 points either way, so darker than the middle "
            "is worse than the town and districts a point apart look alike.</figcaption>"
            "</figure>",
            "</body></html>\n"]
    with open(os.path.join(out_dir, f"{stem}.html"), "w", encoding="utf-8") as f:
        f.write("\n".join(page))
    return f"{stem}.html"


def write_sheets(diagnoses: list[Diagnosis], out_dir: str, source: str,
                 back_link: str | None = None) -> str:
    """Writes every sheet and index.html into out_dir; returns the path of index.html and sets
    each diagnosis's `page` (its file name in out_dir)."""
    os.makedirs(out_dir, exist_ok=True)
    esc = html.escape
    taken: set = set()
    indicators = diagnoses[0].indicators
    head = "".join(f"<th>{esc(i['label'])}</th>" for i in indicators)
    rows = []
    for d in diagnoses:
        page = d.page = write_sheet(d, out_dir, file_stem(d.name, taken), source)
        cells = "".join(f"<td>{pct(d.town(i['key'])) if i['key'] in d.table else '–'}</td>"
                        for i in indicators)
        rows.append(f"<tr><th class=row><a href='{esc(page, quote=True)}'>{esc(d.name)}</a></th>"
                    f"<td>{esc((d.arm or '–').replace('_', ' '))}</td><td>{len(d.table)}</td>"
                    f"<td>{int(d.table['residents'].sum()):,}</td>{cells}</tr>")
    back = f"<p class=note><a href='{esc(back_link, quote=True)}'>← report</a></p>" if back_link else ""
    page = [f"<!DOCTYPE html><html lang=en><head><meta charset='utf-8'><title>Community "
            f"diagnosis sheets</title><style>{CSS}</style></head><body>{back}",
            f"<h1>Community diagnosis sheets ({len(diagnoses)} municipalit"
            f"{'y' if len(diagnoses) == 1 else 'ies'})</h1>",
            f"<p class=note>From <code>{esc(source)}</code>. Whole-town values at baseline; "
            "follow a name for the sheet with every district and the risk maps.</p>",
            f"<div class=scroll><table class='summary diagnosis'><thead><tr><th>municipality</th>"
            f"<th>arm</th><th>districts</th><th>residents 65+</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></body></html>\n"]
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(page))
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Write community diagnosis sheets (one HTML page per municipality, risk maps "
                    "and index.html) from a salonsim run or trial file.")
    parser.add_argument("input", help="run file with coalition support, or trial file")
    parser.add_argument("-o", "--output", required=True, help="output directory (created)")
    args = parser.parse_args(argv)
    try:
        diagnoses = read_diagnoses(args.input)
    except InputError as error:
        print(f"diagnosis_sheet.py: error: {error}", file=sys.stderr)
        return EXIT_INVALID_INPUT
    try:
        path = write_sheets(diagnoses, args.output, os.path.abspath(args.input))
    except OSError as error:
        print(f"diagnosis_sheet.py: error: cannot write the sheets in {args.output}: {error}",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"wrote {path} and {len(diagnoses)} sheet(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
