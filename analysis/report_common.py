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
table.summary { border-collapse: collapse; font-size: 0.85em; margin: 0.6em 0; }
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
