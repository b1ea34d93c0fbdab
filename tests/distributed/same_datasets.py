#!/usr/bin/python3
"""Checks that two salonsim HDF5 files hold the same datasets, bit for bit (same names, types,
shapes and bytes), and the same attributes outside /meta (where the command line and the thread
count may differ). Exit 0 when they do; otherwise prints each difference and exits 1.

    same_datasets.py A.h5 B.h5
"""
import sys

import h5py
import numpy as np

# /meta describes how the file was made (command line, threads, processes), not what it holds.
IGNORED_ATTRIBUTES = {"/meta": {"command_line", "threads"}, "/trial": {"runtime_s"}}


def comparable(value, f):
    """An attribute's value with every object reference (the timeseries' dimension scales)
    replaced by the name of what it points to: the references' raw bytes are addresses, which
    differ between two files that say the same."""
    if isinstance(value, h5py.Reference):
        return f[value].name if value else None
    if isinstance(value, np.ndarray) and value.dtype.kind in "OV":
        return [comparable(v, f) for v in value.tolist()] if value.dtype.kind == "O" else \
            [tuple(comparable(x, f) for x in row) for row in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [comparable(v, f) for v in value]
    return value


def data_bytes(obj):
    """A dataset's contents as bytes; variable-length text as its characters (its raw bytes
    would be pointers)."""
    data = obj[()]
    if obj.dtype.kind == "O":
        return b"\0".join(v if isinstance(v, bytes) else str(v).encode() for v in data.ravel())
    return np.asarray(data).tobytes()


def contents(path):
    datasets, attributes = {}, {}

    def attrs_of(name, obj, f):
        ignored = IGNORED_ATTRIBUTES.get(name, set())
        attributes[name] = {k: comparable(v, f) for k, v in obj.attrs.items() if k not in ignored}

    with h5py.File(path, "r") as f:
        attrs_of("/", f, f)

        def visit(name, obj):
            full = "/" + name
            attrs_of(full, obj, f)
            if isinstance(obj, h5py.Dataset):
                datasets[full] = (obj.dtype.str, obj.shape, data_bytes(obj))

        f.visititems(visit)
    return datasets, attributes


def same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.array_equal(np.asarray(a), np.asarray(b))
    return a == b


def main(a_path, b_path):
    a_data, a_attrs = contents(a_path)
    b_data, b_attrs = contents(b_path)
    problems = []
    for name in sorted(set(a_data) | set(b_data)):
        if name not in a_data or name not in b_data:
            problems.append(f"{name}: only in {a_path if name in a_data else b_path}")
        elif a_data[name] != b_data[name]:
            problems.append(f"{name}: differs")
    for name in sorted(set(a_attrs) | set(b_attrs)):
        x, y = a_attrs.get(name, {}), b_attrs.get(name, {})
        for key in sorted(set(x) | set(y)):
            if key not in x or key not in y or not same(x[key], y[key]):
                problems.append(f"{name} attribute {key}: differs")
    for problem in problems[:50]:
        print(problem)
    if problems:
        print(f"{len(problems)} differences between {a_path} and {b_path}")
        return 1
    print(f"same: {len(a_data)} datasets, {sum(len(v) for v in a_attrs.values())} attributes")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
