"""What the HTML reports share (analysis/report.py, sweep_report.py, calibration_report.py):
exit codes, the input error, checking a resumable command's file, reading HDF5 text attributes,
saving figures and the base style sheet."""
import os

import numpy as np

EXIT_INVALID_INPUT = 2
EXIT_FAILED = 1


class InputError(Exception):
    """The input file is missing, is not the kind of salonsim file expected, or a request is
    wrong."""


PARTIAL_SUFFIX = ".partial"


def partial_progress(path: str) -> str:
    """' (12 of 40 runs done)' for a partial file that can be read, else ''."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            done = f["runs"]["done"][:]
        return f" ({int(np.count_nonzero(done))} of {len(done)} runs done)"
    except Exception:  # noqa: BLE001 - only a courtesy
        return ""


def check_finished_file(path: str, kind: str, command: str) -> None:
    """Raises InputError unless `path` is an HDF5 file that could be a finished `kind` ("sweep",
    "calibration"), saying how to resume when only its partial file is there."""
    import h5py

    hint = (f"the {kind} has not finished; run the same salonsim {command} command again to "
            "resume it")
    if path.endswith(PARTIAL_SUFFIX):
        raise InputError(f"{path} is a partial {kind} file: {hint}" + partial_progress(path))
    if not os.path.exists(path):
        if os.path.exists(path + PARTIAL_SUFFIX):
            raise InputError(f"{path} does not exist but {path + PARTIAL_SUFFIX} does: {hint}"
                             + partial_progress(path + PARTIAL_SUFFIX))
        raise InputError(f"no such file: {path}")
    if os.path.isdir(path):
        raise InputError(f"{path} is a directory, not a {kind} file")
    if not h5py.is_hdf5(path):
        raise InputError(f"{path} is not an HDF5 file")


def text_attr(value) -> str:
    """An HDF5 text attribute as str (h5py gives str, bytes or a one-element array)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, np.ndarray) and value.size == 1:
        return text_attr(value.item())
    return str(value)


def save(fig, out_dir: str, name: str, dpi: int = 110) -> str:
    """Writes a figure as PNG into out_dir, closes it, and returns its file name."""
    import matplotlib.pyplot as plt

    fig.savefig(os.path.join(out_dir, name), dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return name


BASE_CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; margin: 2em auto;
       max-width: 1250px; padding: 0 1em; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
table.summary { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0;
                display: block; max-width: 100%; overflow-x: auto; }  /* wide tables scroll */
table.summary th, table.summary td { border: 1px solid #ccc; padding: 4px 7px;
       text-align: right; vertical-align: top; }
table.summary thead th { background: #f0f0f0; text-align: center; }
table.meta td { padding: 1px 10px 1px 0; font-size: 0.9em; vertical-align: top; }
.ci { color: #555; white-space: nowrap; }
figure { margin: 1em 0; }
figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.85em; color: #444; max-width: 1000px; }
pre { background: #f7f7f7; padding: 0.6em; font-size: 0.8em; overflow-x: auto; }
.note { font-size: 0.85em; color: #555; }
"""


# ---- statistics over replicates --------------------------------------------------------------

def t_interval(values) -> tuple[float, float, float]:
    """(mean, low, high): the mean over replicates with its 95% Student t interval, as salonsim
    computes it (one replicate: the interval is the mean itself)."""
    v = np.asarray(values, dtype=float)
    mean = float(v.mean()) if v.size else float("nan")
    if v.size < 2:
        return mean, mean, mean
    from scipy import stats

    half = float(stats.t.ppf(0.975, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


def bootstrap_ratio(numerator, denominator, resamples: int = 2000, seed: int = 20240617):
    """(ratio of means, low, high): the 95% percentile interval of mean(numerator) /
    mean(denominator) by the paired bootstrap over replicates (fixed seed: the report is the
    same every time it is made)."""
    a, b = np.asarray(numerator, float), np.asarray(denominator, float)
    ratio = float(a.mean() / b.mean()) if b.mean() != 0 else float("nan")
    if a.size < 2:
        return ratio, ratio, ratio
    pick = np.random.default_rng(seed).integers(0, a.size, size=(resamples, a.size))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = a[pick].mean(axis=1) / b[pick].mean(axis=1)
    ratios = ratios[np.isfinite(ratios)]
    if not ratios.size:
        return ratio, float("nan"), float("nan")
    low, high = np.percentile(ratios, [2.5, 97.5])
    return ratio, float(low), float(high)


def includes_zero(low: float, high: float) -> bool:
    return not (low > 0 or high < 0)


# ---- numbers in words ------------------------------------------------------------------------

def num(value: float, digits: int = 1) -> str:
    """A number for a sentence: thousands separated, no "-0.0", a real minus sign."""
    if value is None or not np.isfinite(value):
        return "–"
    text = f"{value:,.{digits}f}"
    if text.startswith("-") and not text.strip("-0.,"):
        text = text[1:]
    return text.replace("-", "−")


def sig(value: float, figures: int = 2) -> str:
    """A number rounded to about `figures` significant figures (at least whole units from 100)."""
    if value is None or not np.isfinite(value):
        return "–"
    if value == 0:
        return "0"
    digits = max(0, figures - 1 - int(np.floor(np.log10(abs(value)))))
    return num(value, min(digits, 3))


def digits_for(value: float) -> int:
    """Decimals that give about two significant figures to `value` (none from 100)."""
    if value is None or not np.isfinite(value) or value == 0:
        return 1
    return int(min(3, max(0, 1 - np.floor(np.log10(abs(value))))))


def interval_text(mean: float, low: float, high: float, unit: str = "") -> str:
    """'3.1 (95% interval 1.2 to 5.0)': all three to the mean's precision; just the mean when
    the interval has no width (the same in every replicate). A unit goes after the mean."""
    d = digits_for(mean)
    value = f"{num(mean, d)} {unit}" if unit else num(mean, d)
    if num(low, d) == num(high, d):
        return f"{value} (the same in every replicate)"
    return f"{value} (95% interval {num(low, d)} to {num(high, d)})"


def million_yen(yen: float) -> str:
    return f"{sig(yen / 1e6)} million yen"


def cell(mean: float, low: float, high: float) -> str:
    """A table cell's content: the mean, and its interval below in grey."""
    d = digits_for(mean)
    return f"{num(mean, d)} <span class=ci>({num(low, d)} to {num(high, d)})</span>"


# ---- the page: one look for every report -----------------------------------------------------
# Every report reads the same way: a title and one line saying what it is about, the summary
# for a planner, the details, and the methodology (how, seeds, versions) at the bottom.

PAGE_CSS = """
header p.lede { color: #444; margin: 0 0 0.5em; max-width: 1000px; }
section#summary { background: #f4f8fc; border-left: 4px solid #1f77b4; padding: 0.2em 1.2em
       0.8em; max-width: 1100px; line-height: 1.5; }
section#summary h2 { border: none; margin-top: 0.6em; }
section#summary li { margin: 0.3em 0; }
section#methodology { border-top: 3px double #ccc; margin-top: 3em; }
section#methodology h2 { border: none; }
p, li { max-width: 1050px; }
h3 { font-size: 1em; margin: 1.2em 0 0.3em; }
table.summary th.row, table.summary td.text { text-align: left; background: #fafafa;
       font-weight: normal; white-space: nowrap; }
div.scroll { overflow-x: auto; }
.side { display: flex; flex-wrap: wrap; gap: 1.2em; align-items: flex-start; }
.side figure { flex: 0 1 760px; margin: 0; }
.side > div { flex: 1 1 380px; }
.warn { color: #a33; }
.ok { color: #276827; }
"""


def page_head(title: str, css: str) -> str:
    return (f"<!DOCTYPE html><html lang=en><head><meta charset='utf-8'><title>{title}</title>"
            f"<style>{BASE_CSS}{PAGE_CSS}{css}</style></head><body>")


def page(title: str, lede: str, summary: list[str], sections: list[str],
         methodology: list[str], css: str = "") -> str:
    """The whole HTML page: header (title, one line on what it is), summary, the sections in
    order, and the methodology last. Title and lede are HTML (escaped by the caller)."""
    parts = [page_head(title, css), f"<header><h1>{title}</h1>",
             f"<p class=lede>{lede}</p></header>" if lede else "</header>",
             "<section id=summary><h2>Summary</h2>", *summary, "</section>", *sections,
             "<section id=methodology><h2>Methodology</h2>", *methodology, "</section>",
             "</body></html>\n"]
    return "\n".join(parts)


def section(section_id: str, heading: str, body: list[str] | str) -> str:
    """A section with a stable id (for links and tests) and its heading."""
    body = body if isinstance(body, str) else "\n".join(body)
    return f"<section id={section_id}><h2>{heading}</h2>\n{body}\n</section>"


def figure(name: str | None, caption: str, key: str = "") -> str:
    """A figure by its file name (relative link), or nothing when it was not drawn."""
    import html

    if name is None:
        return ""
    key_attr = f" id='fig-{html.escape(key, quote=True)}'" if key else ""
    return (f"<figure{key_attr}><img src='{html.escape(name, quote=True)}' "
            f"alt='{html.escape(key or name, quote=True)}'><figcaption>{caption}</figcaption>"
            "</figure>")


def meta_table(rows: list[tuple[str, str]]) -> str:
    """The run's provenance (seed, commit, command line...) as a two-column table; values are
    HTML."""
    return ("<table class=meta>" + "".join(f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in rows)
            + "</table>")


def provenance_rows(meta: dict, path: str, elapsed: float) -> list[tuple[str, str]]:
    """Seed, version and commit, command line, input file and when the report was made."""
    import datetime
    import html

    esc = html.escape
    return [("seed", esc(text_attr(meta.get("seed", "?")))),
            ("version", esc(text_attr(meta.get("version", "?")))
             + f" (git commit {esc(text_attr(meta.get('git_commit', 'unknown')))})"),
            ("command line", f"<code>{esc(text_attr(meta.get('command_line', '')))}</code>"),
            ("input", f"<code>{esc(os.path.abspath(path))}</code>"),
            ("report made", f"{datetime.datetime.now():%Y-%m-%d %H:%M} in {elapsed:.1f} s")]


def write_page(out_dir: str, text: str) -> str:
    path = os.path.join(out_dir, "index.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path
