"""What a planner asks of a salonsim run or comparison, shared by analysis/report.py's two
reports (a comparison and a single run): costs that count long-term care, effects per 1,000
residents by income group and sex, a map of who venues leave uncovered with where the next venue
should go, and results by district.

Everything here reads the tables of one replicate group (`/arms/<arm>/replicate_<r>` of a
comparison, the root or `/replicate_<r>` of a run): `/tallies`, `/costs`, `/agents`,
`/districts`, `/salons`, `/salons_coverage`, `/salons_where_next` and the same for other group
kinds (`/<label>_groups...`). The layout is in docs/output.md.
"""
from __future__ import annotations

import html

import numpy as np
import matplotlib.pyplot as plt
from matplotlib import patheffects
from matplotlib.lines import Line2D

from report_common import (InputError, bootstrap_ratio, cell, includes_zero, interval_text,
                           million_yen, num, save, sig, t_interval, text_attr)

# The four tallied groups, as (income_low, sex) in /tallies; "all" sums them.
GROUPS = [("all", None, None), ("low_income_women", 1, 1), ("low_income_men", 1, 0),
          ("high_income_women", 0, 1), ("high_income_men", 0, 0)]
GROUP_WORDS = {"all": "all residents", "low_income_women": "low-income women",
               "low_income_men": "low-income men", "high_income_women": "high-income women",
               "high_income_men": "high-income men"}
MAP_AGENT_COLUMNS = ["x_m", "y_m", "entry_step", "death_step", "disability_step", "certified0",
                     "income_low", "lives_alone", "transport", "district"]
DISTRICT_AGENT_COLUMNS = ["district", "entry_step", "disability_step", "certified0"]
MAX_WHERE_NEXT = 5  # numbered sites on the map and rows in the table


# ---- reading ---------------------------------------------------------------------------------

def read_table(group) -> dict:
    """A salonsim table (a group of equal-length 1-D columns) as column -> numpy array; text
    columns as str arrays."""
    table = {}
    for name, ds in group.items():
        if ds.dtype.kind in "OSU":
            table[name] = np.asarray(ds.asstr()[:], dtype=object)
        else:
            table[name] = ds[:]
    return table


def enum_code(ds, name: str, default: int) -> int:
    """The integer code of an HDF5 enum column's value `name` (default when not an enum)."""
    import h5py

    mapping = h5py.check_enum_dtype(ds.dtype)
    return int(mapping[name]) if mapping and name in mapping else default


class ArmRuns:
    """The tallies, costs and district counts of one arm's replicates (paired by index with every
    other arm's: replicate r of each arm shares its random numbers)."""

    def __init__(self, name: str, replicates: list, where: str, n_steps: int):
        self.name = name
        self.n_replicates = len(replicates)
        self.tallies = {}          # tally -> (replicates, income_low, sex)
        self.years = np.zeros(self.n_replicates)
        self.cost_yen = np.zeros(self.n_replicates)   # all interventions, over the run
        self.cost_per_year = {}    # module -> (replicates,) yen per year
        self.has_districts = False
        for r, rep in enumerate(replicates):
            self._read_tallies(rep, r, f"{where}[{r}]")
            self._read_costs(rep, r)
        self._read_districts(replicates, where, n_steps)

    def _read_tallies(self, rep, r: int, where: str) -> None:
        if "tallies" not in rep:
            raise InputError(f"{where}: /tallies is missing (written by salonsim from this "
                             "version on; rerun the simulation)")
        t = rep["tallies"]
        for column in ("income_low", "sex", "residents", "certifications", "deaths"):
            if column not in t:
                raise InputError(f"{where}: /tallies/{column} is missing")
        self.years[r] = float(text_attr(t.attrs.get("years", "nan")))
        low, sex = t["income_low"][:].astype(int), t["sex"][:].astype(int)
        for name, ds in t.items():
            if name in ("income_low", "sex"):
                continue
            values = self.tallies.setdefault(name, np.zeros((self.n_replicates, 2, 2)))
            np.add.at(values[r], (low, sex), ds[:].astype(float))

    def _read_costs(self, rep, r: int) -> None:
        if "costs" not in rep:
            return  # no intervention: no cost
        for module, ds in rep["costs"].items():
            per_year = float(np.sum(ds[:]))
            self.cost_per_year.setdefault(module, np.zeros(self.n_replicates))[r] = per_year
            self.cost_yen[r] += per_year * self.years[r]

    def _read_districts(self, replicates: list, where: str, n_steps: int) -> None:
        """Residents and certifications by district and replicate, from /agents."""
        if "districts" not in replicates[0]:
            return
        names = replicates[0]["districts"]["name"].asstr()[:]
        self.district_names = [str(n) for n in names]
        d = len(names)
        self.district_residents = np.zeros((self.n_replicates, d))
        self.district_certifications = np.zeros((self.n_replicates, d))
        for r, rep in enumerate(replicates):
            agents = rep["agents"]
            if any(c not in agents for c in DISTRICT_AGENT_COLUMNS):
                return
            district = agents["district"][:].astype(int)
            entered = agents["entry_step"][:] < n_steps
            certified = agents["disability_step"][:] >= 0
            keep = entered & (district < d)
            self.district_residents[r] = np.bincount(district[keep], minlength=d)[:d]
            self.district_certifications[r] = np.bincount(district[keep & certified],
                                                          minlength=d)[:d]
        self.has_districts = True

    def total(self, tally: str, low=None, sex=None) -> np.ndarray:
        """A tally per replicate, for one income group and/or sex or everyone."""
        values = self.tallies.get(tally)
        if values is None:
            return np.zeros(self.n_replicates)
        if low is not None:
            values = values[:, low:low + 1, :]
        if sex is not None:
            values = values[:, :, sex:sex + 1]
        return values.sum(axis=(1, 2))

    def per_1000(self, tally: str, low=None, sex=None) -> np.ndarray:
        """A tally per 1,000 residents of the group, per replicate."""
        residents = self.total("residents", low, sex)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(residents > 0, 1000 * self.total(tally, low, sex) / residents, np.nan)

    def district_rate(self) -> np.ndarray:
        """Certifications per 1,000 residents, (replicates, districts)."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(self.district_residents > 0,
                            1000 * self.district_certifications / self.district_residents, np.nan)


# ---- costs and effects against the reference ---------------------------------------------------

def paired_costs(arm: ArmRuns, ref: ArmRuns) -> dict:
    """Per replicate (paired): extra intervention cost, long-term-care benefits avoided, net cost
    (yen over the run), certifications averted and disability-free years gained (counts and per
    1,000 residents)."""
    extra = arm.cost_yen - ref.cost_yen
    avoided = ref.total("ltc_benefits_yen") - arm.total("ltc_benefits_yen")
    averted = ref.total("certifications") - arm.total("certifications")
    gained = arm.total("disability_free_years") - ref.total("disability_free_years")
    residents = arm.total("residents")
    return {"extra": extra, "avoided": avoided, "net": extra - avoided, "averted": averted,
            "gained": gained, "averted_per_1000": 1000 * averted / residents,
            "gained_per_1000": 1000 * gained / residents,
            "years": float(np.mean(arm.years))}


def cost_effectiveness(p: dict) -> dict:
    """Intervals of the paired costs and effects, and the cost per certification averted and per
    disability-free year gained (ratios of means, bootstrap intervals; None when the effect is
    not clearly above zero, where a ratio means nothing)."""
    result = {k: t_interval(p[k]) for k in ("extra", "avoided", "net", "averted", "gained",
                                             "averted_per_1000", "gained_per_1000")}
    for cost in ("extra", "net"):
        for effect in ("averted", "gained"):
            mean, low, high = result[effect]
            clear = mean > 0 and not includes_zero(low, high)
            result[f"{cost}_per_{effect}"] = (bootstrap_ratio(p[cost], p[effect]) if clear
                                              else None)
    return result


def group_effects(arm: ArmRuns, ref: ArmRuns, tally: str, sign: float) -> dict:
    """Per group: the paired effect per 1,000 residents of the group over replicates, as
    (mean, low, high) and the per-replicate values; sign -1 for events averted (reference minus
    arm), +1 for years gained. Adds "gap": the low-income effect minus the high-income one."""
    values = {g: sign * (arm.per_1000(tally, low, sex) - ref.per_1000(tally, low, sex))
              for g, low, sex in GROUPS}
    low_income = sign * (arm.per_1000(tally, 1) - ref.per_1000(tally, 1))
    high_income = sign * (arm.per_1000(tally, 0) - ref.per_1000(tally, 0))
    values["low_income"], values["high_income"] = low_income, high_income
    values["gap"] = low_income - high_income
    return {g: t_interval(v) for g, v in values.items()}


def effect_phrase(interval, unit: str, positive: str, negative: str, replicates: int) -> str:
    """'3.1 fewer certifications per 1,000 residents (95% interval 1.2 to 5.0)' (positive: the
    word for a mean above zero), or plainly that the interval includes zero."""
    mean, low, high = interval
    if includes_zero(low, high):
        return (f"no change in {unit} that we can tell from chance ({sig(mean)}; 95% interval "
                f"{sig(low)} to {sig(high)}: we cannot tell it from no effect with {replicates} "
                "replicates)")
    word = positive if mean > 0 else negative
    return (f"{sig(abs(mean))} {word} {unit} (95% interval {sig(min(abs(low), abs(high)))} to "
            f"{sig(max(abs(low), abs(high)))})")


# ---- sentences and tables --------------------------------------------------------------------

def cost_sentences(arm: str, ref: str, ce: dict, replicates: int, years: float) -> list[str]:
    """What an arm costs against the reference, with care counted, in sentences."""
    esc = html.escape
    extra, avoided, net = ce["extra"], ce["avoided"], ce["net"]
    text = [f"<b>At what cost.</b> Over {num(years, 0)} years, {esc(arm)} costs "
            f"{interval_text(*[v / 1e6 for v in extra], unit='million yen')} more than {esc(ref)} to run; "
            f"long-term-care benefits avoided come to {interval_text(*[v / 1e6 for v in avoided])}"
            f" million yen, so the net cost is {interval_text(*[v / 1e6 for v in net])} million yen"
            + (" (negative: it saves money)" if net[2] < 0 else
               " (the interval includes zero: we cannot tell whether it costs or saves money)"
               if includes_zero(net[1], net[2]) else "") + "."]
    ratios = []
    for effect, what in (("averted", "certification averted"),
                         ("gained", "disability-free year gained")):
        r = ce[f"extra_per_{effect}"]
        if r is None:
            ratios.append(f"the cost per {what} is not defined (the effect's interval includes "
                          f"zero with {replicates} replicates)")
        else:
            ratios.append(f"{interval_text(*[v / 1e6 for v in r])} million yen per {what}")
    text.append("Intervention cost: " + "; ".join(ratios) + ".")
    return text


def table_costs(ce_by_arm: dict, ref: str) -> str:
    """One row per arm against the reference: costs, care avoided, net cost, effects and the
    cost per unit of effect, each with its 95% interval (million yen over the run)."""
    def m(v):
        return cell(*(x / 1e6 for x in v)) if v is not None else "not defined"

    head = ("<tr><th>arm (vs " + html.escape(ref) + ")</th><th>extra intervention cost</th>"
            "<th>long-term-care benefits avoided</th><th>net cost</th>"
            "<th>certifications averted per 1,000</th><th>disability-free years gained per 1,000"
            "</th><th>intervention cost per certification averted</th>"
            "<th>intervention cost per disability-free year</th>"
            "<th>net cost per certification averted</th></tr>")
    rows = []
    for arm, ce in ce_by_arm.items():
        cells = [m(ce["extra"]), m(ce["avoided"]), m(ce["net"]), cell(*ce["averted_per_1000"]),
                 cell(*ce["gained_per_1000"]), m(ce["extra_per_averted"]),
                 m(ce["extra_per_gained"]), m(ce["net_per_averted"])]
        rows.append(f"<tr><th class=row>{html.escape(arm)}</th>"
                    + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<div class=scroll><table class=summary id=costs-table><thead>" + head
            + "</thead><tbody>" + "".join(rows) + "</tbody></table></div>")


def table_cost_per_year(arms: list) -> str:
    """Each arm's yearly cost by intervention module (mean over replicates, million yen)."""
    modules = sorted({m for a in arms for m in a.cost_per_year})
    if not modules:
        return "<p class=note>No arm has an intervention with a cost.</p>"
    head = "".join(f"<th>{html.escape(m.replace('_', ' '))}</th>" for m in modules)
    rows = []
    for a in arms:
        cells = "".join(f"<td>{sig(np.mean(a.cost_per_year[m]) / 1e6)}</td>"
                        if m in a.cost_per_year else "<td>–</td>" for m in modules)
        rows.append(f"<tr><th class=row>{html.escape(a.name)}</th>{cells}</tr>")
    return ("<table class=summary id=cost-per-year><thead><tr><th>arm</th>" + head
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


# ---- figures ---------------------------------------------------------------------------------

def figure_cost_effectiveness(ce_by_arm: dict, ref: str, colours: dict, out_dir: str):
    """Net cost against effect per 1,000 residents, one point per arm with 95% intervals both
    ways; the reference at the origin."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.6), constrained_layout=True)
    panels = [("averted_per_1000", "certifications averted per 1,000 residents"),
              ("gained_per_1000", "disability-free years gained per 1,000 residents")]
    for ax, (key, label) in zip(axes, panels):
        ax.axhline(0, color="black", linewidth=0.8)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.plot([0], [0], marker="s", color="#555", linestyle="", label=f"{ref} (reference)")
        for arm, ce in ce_by_arm.items():
            x, xl, xh = ce[key]
            y, yl, yh = (v / 1e6 for v in ce["net"])
            ax.errorbar([x], [y], xerr=[[x - xl], [xh - x]], yerr=[[y - yl], [yh - y]], fmt="o",
                        color=colours[arm], capsize=4, markersize=7, label=arm)
        ax.set_xlabel(f"{label} (95% interval)")
        ax.set_ylabel("net cost over the run, million yen")
        ax.grid(alpha=0.3)
        ax.margins(0.15)
    axes[0].legend(fontsize=8, loc="best")
    fig.suptitle("Cost-effectiveness: net cost (intervention cost minus long-term-care benefits "
                 "avoided) against effect; below zero saves money", fontsize=10)
    return save(fig, out_dir, "cost_effectiveness.png")


def figure_equity(effects_by_arm: dict, ref: str, colours: dict, out_dir: str):
    """Effects per 1,000 residents of each group with 95% intervals, and the equity gap."""
    rows = [g for g, _, _ in GROUPS] + ["gap"]
    labels = [GROUP_WORDS[g] for g, _, _ in GROUPS] + ["equity gap:\nlow − high income"]
    n = max(1, len(effects_by_arm))
    fig, axes = plt.subplots(1, 2, figsize=(12, 0.5 * len(rows) * n + 2.2), sharey=True,
                             constrained_layout=True)
    panels = [("certifications", "certifications averted per 1,000 residents"),
              ("disability_free_years", "disability-free years gained per 1,000 residents")]
    height = 0.7 / n
    for ax, (tally, title) in zip(axes, panels):
        for k, (arm, effects) in enumerate(effects_by_arm.items()):
            e = effects[tally]
            mean = np.array([e[g][0] for g in rows])
            low = np.array([e[g][1] for g in rows])
            high = np.array([e[g][2] for g in rows])
            y = np.arange(len(rows)) - 0.35 + height * (k + 0.5)
            ax.errorbar(mean, y, xerr=[mean - low, high - mean], fmt="o", color=colours[arm],
                        capsize=4, label=f"{arm} vs {ref}")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.axhline(len(rows) - 1.5, color="#888", linestyle=":", linewidth=1)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("per 1,000 residents of the group, over the run (95% interval)")
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(np.arange(len(rows)))
    axes[0].set_yticklabels(labels)
    axes[0].invert_yaxis()
    axes[0].legend(fontsize=8, loc="lower right")
    fig.suptitle("Effects by income group and sex, per 1,000 residents of the group (paired over "
                 "replicates); below the dotted line: low-income effect minus high-income effect",
                 fontsize=10)
    return save(fig, out_dir, "effects.png")


# ---- the map ---------------------------------------------------------------------------------

class VenueLayer:
    """One kind of venue on the map: salons, or `<label>_groups`, with its coverage radius, the
    table of who it leaves uncovered by district and where the next venue should go."""

    def __init__(self, rep, table: str):
        self.table = table
        self.word = "salon" if table == "salons" else table[:-len("_groups")].replace("_", " ") \
            + " group"
        self.venues = read_table(rep[table])
        self.radius_m = float(text_attr(rep[table].attrs.get("coverage_radius_m", "350")))
        self.coverage = read_table(rep[table + "_coverage"]) if table + "_coverage" in rep \
            else None
        self.where_next = read_table(rep[table + "_where_next"]) \
            if table + "_where_next" in rep else None

    def open_at(self, step: int) -> np.ndarray:
        v = self.venues
        closes = v.get("closes_step", np.full(len(v["x_m"]), -1))
        return (v["opens_step"] <= step) & ((closes < 0) | (closes > step))


class TownMap:
    """Replicate 0 of one arm: homes, districts and venue layers, with who is left uncovered."""

    def __init__(self, rep, arm: str, n_steps: int):
        self.arm = arm
        self.last_step = n_steps - 1
        agents = rep["agents"]
        self.agents = {c: agents[c][:] for c in MAP_AGENT_COLUMNS if c in agents}
        self.drives = enum_code(agents["transport"], "drives", 0) if "transport" in agents else 0
        self.districts = read_table(rep["districts"]) if "districts" in rep else None
        # Salons first, then other group kinds an intervention opened (those with where-next).
        tables = ["salons"] if "salons" in rep else []
        tables += sorted(k for k in rep.keys() if k.endswith("_groups")
                         and k + "_where_next" in rep and k != "salons")
        self.layers = [VenueLayer(rep, t) for t in tables if "x_m" in rep[t]]

    def district_name(self, index: int) -> str:
        if self.districts is None or not 0 <= index < len(self.districts["name"]):
            return f"district {index}"
        return str(self.districts["name"][index])

    def at_need(self) -> np.ndarray:
        """Alive and not certified at the end: those a group could still keep independent."""
        a = self.agents
        alive = (a["death_step"] < 0) & (a["entry_step"] <= self.last_step)
        certified = (a["certified0"] > 0) | (a["disability_step"] >= 0)
        return alive & ~certified

    def uncovered(self, layer: VenueLayer) -> np.ndarray:
        """At need with no venue of the layer open at the end within its radius."""
        from scipy.spatial import cKDTree

        need = self.at_need()
        open_ = layer.open_at(self.last_step)
        if not open_.any():
            return need
        tree = cKDTree(np.column_stack([layer.venues["x_m"][open_], layer.venues["y_m"][open_]]))
        homes = np.column_stack([self.agents["x_m"], self.agents["y_m"]])
        distance, _ = tree.query(homes, distance_upper_bound=layer.radius_m * (1 + 1e-6))
        return need & ~(distance <= layer.radius_m)

    def vulnerable(self) -> np.ndarray:
        a = self.agents
        return (a["income_low"] > 0) | (a["lives_alone"] > 0) | (a["transport"] != self.drives)


def label_outside(ax, x, y, text, **kw):
    """A label with a white halo, readable over dots and circles."""
    t = ax.text(x, y, text, **kw)
    t.set_path_effects([patheffects.withStroke(linewidth=3, foreground="white")])
    return t


def figure_town_map(m: TownMap, layer: VenueLayer, out_dir: str, name: str):
    """Homes of residents at need, those the layer's venues leave uncovered (highlighting the
    low-income, living alone or without a car), the venues with their coverage circles, the
    districts and the numbered where-next sites."""
    a = m.agents
    need, uncovered = m.at_need(), m.uncovered(layer)
    vulnerable = uncovered & m.vulnerable()
    fig, ax = plt.subplots(figsize=(9, 9))
    for mask, colour, size, label in [
        (need & ~uncovered, "#c8c8c8", 1.2, "at need, covered"),
        (uncovered & ~vulnerable, "#fdae6b", 2.5, "not covered"),
        (vulnerable, "#d62728", 3.5, "not covered: low-income, alone or no car"),
    ]:
        ax.scatter(a["x_m"][mask], a["y_m"][mask], s=size, c=colour, linewidths=0,
                   rasterized=True, label=f"{label}: {int(mask.sum()):,}")
    open_ = layer.open_at(m.last_step)
    v = layer.venues
    for xi, yi in zip(v["x_m"][open_], v["y_m"][open_]):
        ax.add_patch(plt.Circle((xi, yi), layer.radius_m, facecolor="#3182bd", alpha=0.07,
                                edgecolor="#3182bd", linewidth=0.6, zorder=3))
    ax.scatter(v["x_m"][open_], v["y_m"][open_], s=22, marker="o", c="#08519c",
               edgecolors="white", linewidths=0.7, zorder=5,
               label=f"{layer.word} venues open at the end: {int(open_.sum())} "
                     f"(circle: {num(layer.radius_m, 0)} m)")
    if (~open_).any():
        ax.scatter(v["x_m"][~open_], v["y_m"][~open_], s=18, marker="x", c="#555", zorder=5,
                   label=f"venues closed by the end: {int((~open_).sum())}")
    if m.districts is not None:
        d = m.districts
        for xi, yi, ri, label in zip(d["x_m"], d["y_m"], d["radius_m"], d["name"]):
            ax.add_patch(plt.Circle((xi, yi), ri, fill=False, linestyle="--", linewidth=0.8,
                                    edgecolor="#555", zorder=2))
            label_outside(ax, xi, yi + ri, str(label), ha="center", va="bottom", fontsize=8,
                          color="#333", zorder=7)
    if layer.where_next is not None and len(layer.where_next.get("x_m", [])):
        w = layer.where_next
        order = np.argsort(w["rank"])[:MAX_WHERE_NEXT]
        ax.scatter(w["x_m"][order], w["y_m"][order], s=190, marker="o", c="black",
                   edgecolors="white", linewidths=1.2, zorder=8,
                   label=f"where next (best {len(order)}; number: rank)")
        for k in order:
            ax.text(w["x_m"][k], w["y_m"][k], str(int(w["rank"][k])), color="white",
                    ha="center", va="center", fontsize=8, fontweight="bold", zorder=9)
    ax.set_aspect("equal")
    ax.set_xlabel("east (m)")
    ax.set_ylabel("north (m)")
    ax.grid(alpha=0.15)
    handles, labels = ax.get_legend_handles_labels()
    markers = [Line2D([], [], linestyle="", marker=h.get_paths() and "o" or "o",
                      markersize=9 if "where next" in lab else 6 if "venues" in lab else 5,
                      markerfacecolor=h.get_facecolor()[0] if len(h.get_facecolor()) else "none",
                      markeredgecolor="white" if "venues open" in lab else "none")
               if "closed" not in lab else Line2D([], [], linestyle="", marker="x",
                                                   color="#555")
               for h, lab in zip(handles, labels)]
    ax.legend(markers, labels, fontsize=8, loc="upper center", ncol=2,
              bbox_to_anchor=(0.5, -0.07), frameon=False)
    ax.set_title(f"{m.arm}, replicate 0, end of the run: residents at need (alive, not certified) "
                 f"and {layer.word} coverage", fontsize=10)
    return save(fig, out_dir, name)


def where_next_items(m: TownMap, layer: VenueLayer) -> list[str]:
    """'1. near Kita: one more salon here would reach N residents not covered (L low-income, A
    living alone, C without a car)', best first."""
    w = layer.where_next
    if w is None or not len(w.get("x_m", [])):
        return []
    items = []
    for k in np.argsort(w["rank"])[:MAX_WHERE_NEXT]:
        items.append(
            f"<li value={int(w['rank'][k])}>near {html.escape(m.district_name(int(w['district'][k])))}"
            f": one more {html.escape(layer.word)} here would reach {int(w['reached'][k]):,} "
            f"residents not covered ({int(w['low_income'][k]):,} low-income, "
            f"{int(w['alone'][k]):,} living alone, {int(w['no_car'][k]):,} without a car)</li>")
    return items


def map_block(m: TownMap, layer: VenueLayer, image: str, first: bool) -> str:
    """The map beside its where-next list."""
    items = where_next_items(m, layer)
    uncovered = int(m.uncovered(layer).sum())
    need = int(m.at_need().sum())
    list_id = " id=where-next" if first and items else ""
    side = [f"<h3>Where the next {html.escape(layer.word)} should go</h3>"]
    if items:
        side.append(f"<ol{list_id} class=where-next>{''.join(items)}</ol>")
        side.append("<p class=note>Each site counts only residents the sites above it do not "
                    "reach (greedy maximum coverage over the homes of residents left uncovered, "
                    "<code>/" + html.escape(layer.table) + "_where_next</code>).</p>")
    else:
        side.append("<p class=note>No where-next sites in the file (every resident at need is "
                    "covered, or the run did not compute them).</p>")
    side.append(f"<p>{uncovered:,} of {need:,} residents at need "
                f"({100 * uncovered / max(need, 1):.0f}%) have no {html.escape(layer.word)} "
                f"within {num(layer.radius_m, 0)} m of home at the end of the run.</p>")
    caption = (f"Replicate 0 of {html.escape(m.arm)}. Grey: residents alive and not certified at "
               f"the end with a {html.escape(layer.word)} open within {num(layer.radius_m, 0)} m "
               "(the scenario's coverage radius, blue circles); orange: not covered; red: not "
               "covered and low-income, living alone or without a car. Dashed circles: "
               "districts. Black numbered discs: where the next venues would reach most.")
    return (f"<div class=side><figure><img src='{html.escape(image, quote=True)}' "
            f"alt='map of {html.escape(layer.word, quote=True)} coverage'><figcaption>{caption}"
            f"</figcaption></figure><div>{''.join(side)}</div></div>")


def where_next_sentence(m: TownMap) -> str:
    """The best next site of the first layer, as one sentence for the summary."""
    for layer in m.layers[:1]:
        w = layer.where_next
        if w is None or not len(w.get("x_m", [])):
            return ""
        k = int(np.argmin(w["rank"]))
        return (f"<b>Where next.</b> One more {html.escape(layer.word)} near "
                f"{html.escape(m.district_name(int(w['district'][k])))} would reach "
                f"{int(w['reached'][k]):,} residents now without one within "
                f"{num(layer.radius_m, 0)} m ({int(w['low_income'][k]):,} of them low-income); "
                "see <a href='#where-next'>where next</a>.")
    return ""


# ---- results by district ---------------------------------------------------------------------

def coverage_by_district(reps: list, table: str, districts: int):
    """Share of residents at need covered, by district, summed over replicates (None without
    the table)."""
    at_need, covered = np.zeros(districts), np.zeros(districts)
    for rep in reps:
        if table + "_coverage" not in rep:
            return None
        c = rep[table + "_coverage"]
        at_need += c["at_need"][:][:districts]
        covered += c["covered"][:][:districts]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(at_need > 0, covered / at_need, np.nan)


def table_districts(arms: list, ref: ArmRuns | None, coverage, word: str) -> str:
    """One row per district: residents, the share at need covered, certifications per 1,000
    residents in each arm (95% interval over replicates), and each arm's difference from the
    reference (paired)."""
    first = arms[0]
    others = [a for a in arms if ref is not None and a is not ref]
    head = ["district", "residents (mean per replicate)"]
    if coverage is not None:
        head.append(f"at need with a {html.escape(word)} within reach")
    head += [f"certifications per 1,000: {html.escape(a.name)}" for a in arms]
    head += [f"fewer certifications per 1,000: {html.escape(a.name)} vs {html.escape(ref.name)}"
             for a in others]
    rates = {a.name: a.district_rate() for a in arms}
    rows = []
    for d, name in enumerate(first.district_names):
        cells = [f"<th class=row>{html.escape(name)}</th>",
                 f"<td>{num(np.mean(first.district_residents[:, d]), 0)}</td>"]
        if coverage is not None:
            cells.append(f"<td>{num(100 * coverage[d], 0)}%</td>")
        cells += [f"<td>{cell(*t_interval(rates[a.name][:, d]))}</td>" for a in arms]
        for a in others:
            diff = t_interval(rates[ref.name][:, d] - rates[a.name][:, d])
            mark = "" if includes_zero(diff[1], diff[2]) else " class=ok"
            cells.append(f"<td{mark}>{cell(*diff)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return ("<div class=scroll><table class=summary id=districts-table><thead><tr>"
            + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>" + "".join(rows)
            + "</tbody></table></div>")


def district_sentence(arms: list, ref: ArmRuns) -> str:
    """The district where an arm averts most certifications per 1,000, when its interval is
    clear of zero."""
    best = None
    for a in arms:
        if a is ref:
            continue
        diff = ref.district_rate() - a.district_rate()
        for d, name in enumerate(a.district_names):
            m = t_interval(diff[:, d])
            if not includes_zero(m[1], m[2]) and m[0] > 0 and (best is None or m[0] > best[0][0]):
                best = (m, name, a.name)
    if best is None:
        return ("<b>Where.</b> No single district shows a difference we can tell from chance "
                "(see <a href='#districts'>results by district</a>).")
    m, name, arm = best
    return (f"<b>Where.</b> The largest clear effect is in {html.escape(name)}: "
            f"{html.escape(arm)} has {interval_text(*m)} fewer certifications per 1,000 "
            "residents there (see <a href='#districts'>results by district</a>).")


def replicates_of(group) -> list:
    """A run's replicate groups: /replicate_<r> in order, or the root itself."""
    names = sorted((k for k in group.keys() if k.startswith("replicate_")),
                   key=lambda k: int(k.split("_")[1]))
    return [group[n] for n in names] if names else [group]


__all__ = ["ArmRuns", "TownMap", "paired_costs", "cost_effectiveness", "group_effects",
           "effect_phrase", "cost_sentences", "table_costs", "table_cost_per_year",
           "figure_cost_effectiveness", "figure_equity", "figure_town_map", "map_block",
           "where_next_sentence", "coverage_by_district", "table_districts",
           "district_sentence", "replicates_of", "GROUPS", "GROUP_WORDS", "million_yen"]
