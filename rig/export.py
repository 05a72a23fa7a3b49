"""CSV export that a spreadsheet opens: one header row with units in every name, one row a sample.

Columns: the recorded channels, then every control from the registry as it was at that sample
(so a student can plot V against bath_K_mM), then ``marker`` with the text of any change that
happened since the previous sample. The file is written next to its destination and renamed into
place, so a failed write never leaves half a file; problems raise ExportError naming the path.
"""
import csv
import os
import tempfile

import numpy as np

from .controls import CONTROLS


class ExportError(OSError):
    """The export could not be written; the message names the path and the reason."""


def control_columns(t_s, history):
    """Each control's value at each sample time, from the (t_s, name, value) history in time order."""
    columns = {}
    for name in CONTROLS:
        changes = [(t, v) for t, n, v in history if n == name]
        times = np.array([t for t, _ in changes])
        idx = np.searchsorted(times, t_s, side="right") - 1
        values = [v for _, v in changes]
        columns[name] = [values[max(i, 0)] for i in idx]
    return columns


def marker_column(t_s, markers):
    """Marker texts placed on the first sample at or after their time."""
    texts = [""] * len(t_s)
    for t, text in markers:
        i = min(int(np.searchsorted(t_s, t - 1e-12)), len(t_s) - 1)
        if i >= 0 and len(t_s):
            texts[i] = f"{texts[i]}; {text}" if texts[i] else text
    return texts


def check_writable(path):
    """Raise ExportError now if ``path`` cannot be written (before a long run, not after): the
    folder must exist and take a trial file, and the path must not be a folder itself."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise ExportError(f"cannot write {path!r}: not a file path") from None
    if not path.strip():
        raise ExportError("cannot write to an empty file name: give one, e.g. out.csv")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ExportError(f"cannot write {path}: folder {folder} does not exist")
    if os.path.isdir(path):
        raise ExportError(f"cannot write {path}: it is a folder; give a file name, e.g. {os.path.join(path, 'out.csv')}")
    try:
        fd, trial = tempfile.mkstemp(prefix=".export-check-", dir=folder)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e} in {folder}") from None
    os.close(fd)
    os.unlink(trial)


def write_csv(path, data, history, markers):
    path = os.fspath(path)
    t_s = data["t_s"]
    controls = control_columns(t_s, history)
    marks = marker_column(t_s, markers)
    header = ["t_s"] + [k for k in data if k != "t_s"] + list(controls) + ["marker"]
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=folder)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(header)
            channels = [data[k] for k in data if k != "t_s"]
            ctl = [controls[k] for k in controls]
            for i in range(len(t_s)):
                row = [f"{t_s[i]:.6f}"] + [f"{c[i]:.7g}" for c in channels]
                row += [f"{v:g}" if isinstance(v, float) else v for v in (c[i] for c in ctl)]
                row.append(marks[i])
                w.writerow(row)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a CSV is for sharing
        os.replace(tmp, path)
    except OSError as e:
        os.unlink(tmp)
        raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
