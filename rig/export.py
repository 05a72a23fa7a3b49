"""Export a recording (or a Session's trace) for a spreadsheet, for Clampfit, and as a spike table.

- **CSV** (``write_csv``): row 1 is the header, units in every name (``V_mV``, ``I_pA``); one row
  per sample: time, every channel, then a column for each control that changed during the export
  or before it (so a student can plot V against ``bath_K_mM``, and a part of a recording shows the
  value in force from its first row, not the starting value in the metadata), ``marker`` (what
  changed at that sample), and last two columns ``about`` and ``value`` whose first rows hold the
  metadata (preparation, seed, sample rate, dt, model version, date, every control's starting
  value). Keeping the metadata in columns of its own, not in comment lines above the header, is
  what lets a spreadsheet, pandas or R open the file as it is: row 1 is the header and every row
  has the same columns.
- **ATF** (``write_atf``): Axon Text File 1.0, gap free, as Clampfit writes it; time starts at 0
  at the first exported sample (``SweepStartTimesMS`` says where that was in the recording).
- **Linescan** of the slice (``write_linescan_csv``): one row per time and place, ``t_s, x_mm,
  V_mV, K_o_mM, astro_V_mV``, the form a spreadsheet filter or pandas' ``pivot`` turns back into
  an image of position against time.
- **Spike table** beside either, named after its own export (``out.csv``: ``out-spikes.csv``;
  ``out.atf``: ``out-atf-spikes.csv``, so a CSV and an ATF of one name never share one): time,
  threshold, peak, half-width and instantaneous rate of every spike the cell's detector counted
  in the exported stretch (measured at the full sample rate, whatever ``rate_hz`` thins the trace
  to); an ATF export also gets ``out-atf-markers.csv``, since ATF has no place for text.

Numbers are formatted by a compiled loop (``rig.textformat``), a block of rows at a time, so a
million rows take a second or two and memory stays small. Every file of an export is written next
to its destination under a hidden name, and all are renamed into place together at the end: an
export that fails or is stopped (Ctrl-C) leaves no file of its own, hidden or not, and replaces
none; problems raise ExportError naming the path. An export never replaces a file (the trace's or
a table beside it) unless asked to (``overwrite=True``; the CLI's ``--force``): a student's
earlier export is data too. Two files of one export at one place, or a file inside the recording's
folder, are refused, asked or not.
"""
import contextlib
import csv
import io
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from . import analysis
from .controls import checked_number
from .recorder import describe_dropped, open_recording
from .textformat import decimals_for, decimals_for_interval, format_rows, tail_table, value_text

SPREADSHEET_ROWS = 1_048_576  # Excel and LibreOffice Calc: rows in a sheet, header included
BLOCK_ROWS = 65_536  # rows formatted at a time


class ExportError(OSError):
    """The export could not be written; the message names the path and the reason."""


@dataclass
class Recorded:
    """What an export reads: metadata, the channels (``t_s`` first), the control history
    [(t_s, control, value)] starting with every control's value at the start, and the markers
    [(t_s, text)]; from a recording, also its folder (no export goes inside it) and what reading
    it left out (``rig.recorder.describe_dropped``), if anything."""
    meta: dict
    channels: dict
    history: list
    markers: list
    folder: str = None
    dropped: str = None

    @classmethod
    def from_recording(cls, path):
        """A recording folder (``rig.recorder``), its samples read in place, not copied."""
        recording = open_recording(path)
        meta, channels, events = recording.meta, recording.channels, recording.events
        start = meta["start_t_s"]
        history = [(start, name, value) for name, value in meta["controls"].items()]
        markers = []
        for e in events:
            if "control" in e:
                history.append((e["t_s"], e["control"], e["value"]))
            history.extend((e["t_s"], name, value) for name, value in e.get("controls", {}).items())
            if "marker" in e:
                markers.append((e["t_s"], e["marker"]))
        return cls(meta, channels, history, markers, os.fspath(path), describe_dropped(recording.dropped))

    @property
    def sample_rate_hz(self):
        return float(self.meta["sample_rate_hz"])

    def select(self, from_s=None, to_s=None, rate_hz=None):
        """The samples from ``from_s`` to ``to_s`` (simulated seconds, inclusive), every k-th of
        them for ``rate_hz``, which must divide the recording's rate; a ValueError says why not."""
        t = self.channels["t_s"]
        if not len(t):
            raise ValueError("the recording holds no samples yet")
        if from_s is not None and to_s is not None and not from_s <= to_s:
            raise ValueError(f"--from {from_s:g} s is after --to {to_s:g} s")
        lo = t[0] if from_s is None else float(from_s)
        hi = t[-1] if to_s is None else float(to_s)
        first, end = np.searchsorted(t, lo - 1e-9), np.searchsorted(t, hi + 1e-9)
        if first >= end:
            raise ValueError(f"no samples between {lo:g} and {hi:g} s: the recording runs from "
                             f"{t[0]:g} to {t[-1]:g} s")
        step = 1
        if rate_hz is not None:
            ratio = self.sample_rate_hz / float(rate_hz) if float(rate_hz) > 0 else 0.0
            if not (ratio >= 1 and abs(ratio - round(ratio)) < 1e-9):
                raise ValueError(f"--rate {rate_hz:g} Hz must divide the recording's {self.sample_rate_hz:g} Hz "
                                 f"(e.g. {self.sample_rate_hz / 10:g} or {self.sample_rate_hz / 100:g})")
            step = round(ratio)
        spikes = analysis.find_spikes(t[first:end], self.channels["V_mV"][first:end],
                                      self.channels["spikes"][first:end])
        picked = {name: column[first:end:step] for name, column in self.channels.items()}
        # a thinned sample counts every spike begun since the previous one, so none vanish
        picked["spikes"] = np.diff(np.cumsum(self.channels["spikes"][first:end], dtype=np.float64)[::step], prepend=0.0)
        meta = {**self.meta, "sample_rate_hz": self.sample_rate_hz / step}
        return Selection(Recorded(meta, picked, self.history, self.markers), spikes)


@dataclass
class Selection:
    """An exported stretch and the spikes in it (found at the full rate)."""
    recorded: Recorded
    spikes: list

    @property
    def rows(self):
        return len(self.recorded.channels["t_s"])


CSV_BYTES_PER_VALUE = 9.5  # a CSV's bytes per value, about (measured: 628 MB for 3.9 M rows of 17 values)
THINNING = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # every k-th sample: what an export can offer


def rate_choices(recorded, from_s=None, to_s=None):
    """What an export of ``recorded`` (from ``from_s`` to ``to_s``) can be thinned to: a list of
    {"rate_hz", "rows", "megabytes" (about), "fits" (within a spreadsheet's rows)}, the full rate
    first; each rate divides the recording's."""
    t = recorded.channels["t_s"]
    first = 0 if from_s is None else int(np.searchsorted(t, from_s - 1e-12))
    end = len(t) if to_s is None else int(np.searchsorted(t, to_s + 1e-12, side="right"))
    n, rate = max(end - first, 0), recorded.sample_rate_hz
    values_per_row = len(recorded.channels) + 3  # and the marker, about and value columns
    choices = []
    for k in THINNING:
        if rate / k >= 1.0 and (rate / k) % 1 == 0:
            rows = -(-n // k)
            choices.append({"rate_hz": rate / k, "rows": rows, "fits": rows + 1 <= SPREADSHEET_ROWS,
                            "megabytes": rows * values_per_row * CSV_BYTES_PER_VALUE / 1e6})
    return choices


def export(recorded, csv_path=None, atf_path=None, from_s=None, to_s=None, rate_hz=None, overwrite=False):
    """Write ``recorded`` as CSV and/or ATF, each with its spike table beside it; an existing file
    is refused unless ``overwrite``, and ``from_s``, ``to_s`` and ``rate_hz`` must be numbers
    (ValueError names the one that is not). Returns a report: ``{"rows", "spikes", "files",
    "warning", "note", "dropped"}``; ``warning`` (or None) says when a CSV has more rows than a
    spreadsheet takes, ``note`` (or None) when the spike table's shape columns stay empty because
    the samples are too coarse, ``dropped`` (or None) what reading a recording cut off by a crash
    left out."""
    from_s = _optional_number("export from_s", from_s, "s")
    to_s = _optional_number("export to_s", to_s, "s")
    rate_hz = _optional_number("export rate_hz", rate_hz, "Hz")
    check_targets(csv_path, atf_path, overwrite, recorded.folder)
    try:
        part = recorded.select(from_s, to_s, rate_hz)
    except ValueError as e:
        raise ExportError(f"cannot export: {e}") from None
    files = []
    with _staged() as staged:
        for path, write in ((csv_path, write_csv), (atf_path, write_atf)):
            if path is not None:
                files += write(staged, path, part)
    warning = note = None
    rate = part.recorded.sample_rate_hz
    if csv_path is not None and part.rows + 1 > SPREADSHEET_ROWS:
        thin = next(k for k in range(2, part.rows + 2) if part.rows // k + 1 < SPREADSHEET_ROWS and rate / k % 1 == 0)
        warning = (f"{csv_path} has {part.rows:,} rows: a spreadsheet (Excel, LibreOffice) shows only the "
                   f"first {SPREADSHEET_ROWS:,}. Export a part (--from S --to S) or fewer samples "
                   f"(--rate {rate / thin:g} gives {part.rows // thin:,} rows); the spike table keeps every "
                   f"spike either way")
    if len(part.spikes) and rate < analysis.SHAPE_MIN_RATE_HZ:
        note = (f"the spike table's threshold, peak and half-width are empty: a spike's shape needs "
                f"{analysis.SHAPE_MIN_RATE_HZ:g} samples per second, these have {rate:g}")
    return {"rows": part.rows, "spikes": len(part.spikes), "files": files, "warning": warning, "note": note,
            "dropped": recorded.dropped}


def _optional_number(what, value, unit):
    """None, or ``value`` as a number (the rule of ``rig.controls``), or ValueError naming ``what``."""
    return None if value is None else checked_number(what, value, unit=unit)


# ---- the slice's linescan ---------------------------------------------------------------------
LINESCAN_CHANNELS = ("V_mV", "K_o_mM", "astro_V_mV")  # what Session.linescan() holds at each time and place
LINESCAN_COLUMNS = ("t_s", "x_mm", *LINESCAN_CHANNELS)


def write_linescan_csv(path, scan, overwrite=False):
    """The linescan ``scan`` (``Session.linescan()``) as CSV, a row per time and place (see the
    module's text); an existing file is refused unless ``overwrite``. Returns ``{"rows", "files"}``."""
    check_linescan_target(path, overwrite)
    t, x = scan["t_s"], scan["x_mm"]
    decimals = [_grid_decimals(t), _grid_decimals(x)]
    decimals += [decimals_for(scan[name].ravel()) for name in LINESCAN_CHANNELS]
    no_tails, offsets = tail_table([""])
    times_per_block = max(1, BLOCK_ROWS // len(x))

    def blocks():
        yield _csv_line(LINESCAN_COLUMNS).encode("utf-8")
        for i in range(0, len(t), times_per_block):
            rows = slice(i, i + times_per_block)
            m = len(t[rows])
            values = np.column_stack([np.repeat(t[rows], len(x)), np.tile(x, m)]
                                     + [scan[name][rows].ravel() for name in LINESCAN_CHANNELS])
            yield format_rows(values, decimals, ",", no_tails, offsets, np.zeros(len(values), np.int64))

    with _staged() as staged:
        staged.write(path, blocks())
    return {"rows": len(t) * len(x), "files": [os.fspath(path)]}


def _grid_decimals(values):
    """Decimals that write every point of an evenly spaced grid exactly: its start's and its step's."""
    points = np.abs(np.concatenate([values[:1], np.diff(values[:2])]))
    return max((decimals_for_interval(float(v)) for v in points if v > 0), default=0)


# ---- CSV -------------------------------------------------------------------------------------
def write_csv(staged, path, part):
    """The trace as CSV (see the module's text) and the spike table beside it, written to
    ``staged`` (``_Staged``); returns the paths."""
    rec = part.recorded
    t = rec.channels["t_s"]
    names = [n for n in rec.channels if n != "t_s"]
    changing = _changing_controls(rec.history, t)
    columns = ["t_s"] + names + list(changing) + ["marker", "about", "value"]
    about = _about(rec.meta)
    tails, index = _csv_tails(t, changing, rec.markers, about)

    def blocks():
        yield _csv_line(columns).encode("utf-8")
        yield from _number_blocks(rec, names, ",", tails, index)
        empty = "," * (len(columns) - 3)  # an export shorter than its metadata: rows of metadata alone
        yield "".join(empty + _csv_line(["", *row]) for row in about[len(t):]).encode("utf-8")

    path, spike_table = _csv_files(path).values()
    staged.write(path, blocks())
    _write_spike_table(staged, spike_table, part.spikes)
    return [path, spike_table]


def _changing_controls(history, t):
    """{control: (change times, values)} for each control in the history whose value within ``t``
    is ever not its starting value (the history's first, which the metadata gives). A recording
    made before a control existed has none of it: no column."""
    out = {}
    for name in dict.fromkeys(n for _, n, _ in history):
        changes = [(when, value) for when, n, value in history if n == name]
        times, values = np.array([when for when, _ in changes]), [value for _, value in changes]
        first = _value_at(times, values, t[0])  # in force at the first row, perhaps set before it
        if first != values[0] or any(value != first for when, value in changes if t[0] < when <= t[-1]):
            out[name] = (times, values)
    return out


def _value_at(times, values, t_s):
    """The value set last at or before ``t_s`` (a change and its marker show from the first
    sample at or after it); empty before the first one known (a control a recording's metadata
    does not name)."""
    last = int(np.searchsorted(times, t_s + 1e-12, side="right")) - 1
    return values[last] if last >= 0 else ""


def _csv_tails(t, changing, markers, about):
    """The text after each row's numbers, as distinct tails and each row's index into them:
    the changing controls' values, the marker, and the metadata in the first rows."""
    n = len(t)
    cuts = set()  # rows where a control takes a new value
    for times, _ in changing.values():
        cuts.update(np.searchsorted(t, times[(times > t[0]) & (times <= t[-1])] - 1e-12).tolist())
    starts = [0] + sorted(cuts)
    index = np.zeros(n, np.int64)
    index[starts[1:]] = 1
    index = np.cumsum(index)  # rows of one stretch of constant values share a tail

    def tail(row, marker="", about_row=("", "")):
        fields = [value_text(_value_at(times, values, t[row])) for times, values in changing.values()]
        return "," + _csv_line(fields + [marker, *about_row], end="")

    texts = [tail(row) for row in starts]
    interval = (t[-1] - t[0]) / (n - 1) if n > 1 else 0.0
    marks = {}
    for when, text in markers:
        if t[0] - interval < when <= t[-1] + 1e-12:
            row = min(int(np.searchsorted(t, when - 1e-12)), n - 1)
            marks[row] = f"{marks[row]}; {text}" if row in marks else text
    for row in sorted(set(marks) | set(range(min(len(about), n)))):
        texts.append(tail(row, marks.get(row, ""), about[row] if row < len(about) else ("", "")))
        index[row] = len(texts) - 1
    return tail_table(texts), index


def _about(meta):
    """The metadata as (about, value) rows, every control's starting value among them."""
    rows = [("about", "a Virtual Rig recording"), ("model_version", meta.get("model_version", "")),
            ("preparation", meta.get("preparation", "")), ("seed", meta.get("seed", "")),
            # a student's own cell (rig.variability); an empty attempt with a seed: the default cell
            ("cell_seed", meta.get("cell_seed") if meta.get("cell_seed") is not None else ""),
            ("cell_attempt", meta.get("cell_attempt") if meta.get("cell_attempt") is not None else ""),
            ("sample_rate_hz", meta["sample_rate_hz"]), ("dt_ms", meta.get("dt_ms", "")),
            ("recorded", meta.get("started", "")), ("start_t_s", meta.get("start_t_s", ""))]
    rows += [(f"start {name}", value) for name, value in meta.get("controls", {}).items()]
    return [(key, value_text(value)) for key, value in rows]


def _cell_words(meta):
    """', cell seed N attempt k' for a student's own cell; nothing for the default one."""
    if meta.get("cell_seed") is None:
        return ""
    return f", cell seed {meta['cell_seed']} attempt {meta.get('cell_attempt')}"


def _csv_line(fields, end="\n"):
    buf = io.StringIO()
    csv.writer(buf, lineterminator=end).writerow(fields)
    return buf.getvalue()


# ---- ATF -------------------------------------------------------------------------------------
def write_atf(staged, path, part):
    """Axon Text File 1.0 (gap free), its spike table and its marker table, written to ``staged``
    (``_Staged``); returns the paths."""
    path, spike_table, marker_table = _atf_files(path).values()
    rec = part.recorded
    t = rec.channels["t_s"]
    names = [n for n in rec.channels if n != "t_s"]
    top = ",".join(f"{np.nanmax(rec.channels[n]):.3f}" for n in names)
    bottom = ",".join(f"{np.nanmin(rec.channels[n]):.3f}" for n in names)
    records = ["AcquisitionMode=Gap Free",
               f"Comment=Virtual Rig {rec.meta.get('model_version', '')} {rec.meta.get('preparation', '')} "
               f"seed {rec.meta.get('seed', '')}{_cell_words(rec.meta)}; markers in {os.path.basename(marker_table)}",
               f"YTop={top}", f"YBottom={bottom}",
               f"SyncTimeUnits={1e6 / rec.sample_rate_hz:g}",
               f"SweepStartTimesMS={t[0] * 1e3:.3f}",
               f"SignalsExported={','.join(names)}"]
    header = (f"ATF\t1.0\n{len(records) + 1}\t{len(names) + 1}\n"
              + "".join(f'"{r}"\n' for r in records)
              + "\t".join(['"Signals="'] + [f'"{n}"' for n in names]) + "\n"
              + "\t".join(['"Time (s)"'] + [f'"Trace #1 ({_unit(n)})"' for n in names]) + "\n")
    # Clampfit's gap-free time starts at 0 with the first sample
    shifted = Recorded(rec.meta, {**rec.channels, "t_s": t - t[0]}, rec.history, rec.markers)
    tails = tail_table([""])

    def blocks():
        yield header.encode("utf-8")
        yield from _number_blocks(shifted, names, "\t", tails, np.zeros(len(t), np.int64))

    staged.write(path, blocks())
    _write_spike_table(staged, spike_table, part.spikes)
    inside = [(when, text) for when, text in rec.markers if t[0] - 1e-12 <= when <= t[-1] + 1e-12]
    staged.write(marker_table, [_csv_line(["t_s", "marker"]).encode("utf-8")]
                 + [_csv_line([f"{when:.6f}", text]).encode("utf-8") for when, text in inside])
    return [path, spike_table, marker_table]


def _unit(name):
    """The unit a channel's name ends in (V_mV: mV; ATP_use_per_s: 1/s; spikes: count)."""
    if name.endswith("_per_s"):
        return "1/s"
    head, _, tail = name.rpartition("_")
    return tail if head else "count"


# ---- shared ----------------------------------------------------------------------------------
def _number_blocks(rec, names, separator, tails, index):
    """The numeric part of every row, ``BLOCK_ROWS`` at a time, as bytes."""
    t = rec.channels["t_s"]
    # the times' own grid (its start too: thinned to 1 kHz, samples at 0.0001, 0.0011 s keep their 4th decimal)
    decimals = [max(decimals_for_interval(1.0 / rec.sample_rate_hz), _grid_decimals(t))]
    decimals += [decimals_for(rec.channels[n]) for n in names]
    for start in range(0, len(t), BLOCK_ROWS):
        stop = min(start + BLOCK_ROWS, len(t))
        block = np.empty((stop - start, len(names) + 1))
        block[:, 0] = t[start:stop]
        for j, name in enumerate(names, 1):
            block[:, j] = rec.channels[name][start:stop]
        yield format_rows(block, decimals, separator, *tails, index[start:stop])


def _csv_files(path):
    """{what: path} of the files a CSV export writes: the CSV and its spike table (out.csv,
    out-spikes.csv)."""
    return {"the CSV": os.fspath(path), "the CSV's spike table": _beside(path, "spikes")}


def _atf_files(path):
    """{what: path} of the files an ATF export writes: the ATF, its spike and marker tables
    (out.atf, out-atf-spikes.csv, out-atf-markers.csv), named apart from a CSV's of the same name."""
    return {"the ATF": os.fspath(path), "the ATF's spike table": _beside(path, "atf-spikes"),
            "the ATF's marker table": _beside(path, "atf-markers")}


def _beside(path, what):
    root, _ = os.path.splitext(os.fspath(path))
    return f"{root}-{what}.csv"


def _write_spike_table(staged, path, spikes):
    keys = ("t_s", "threshold_mV", "peak_mV", "half_width_ms", "rate_Hz")
    lines = [_csv_line(keys)] + [_csv_line(["" if s[k] is None else f"{s[k]:.6g}" for k in keys]) for s in spikes]
    staged.write(path, [line.encode("utf-8") for line in lines])


class _Staged:
    """The files of one export, each written beside its destination under a hidden name
    (``write``) and renamed into place together (``commit``) once all are written; ``discard``
    removes whatever was not renamed."""

    def __init__(self):
        self._hidden = []  # (hidden path, destination), not yet renamed

    def write(self, path, chunks):
        """Write the byte ``chunks`` to a hidden file beside ``path``."""
        path = os.fspath(path)
        try:
            fd, hidden = tempfile.mkstemp(prefix=".export-", dir=os.path.dirname(os.path.abspath(path)))
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
        self._hidden.append((hidden, path))
        try:
            with os.fdopen(fd, "wb") as f:
                for chunk in chunks:
                    f.write(chunk)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(hidden, 0o666 & ~umask)  # mkstemp makes it private; an export is for sharing
        except OSError as e:
            raise ExportError(f"cannot write {path}: {e.strerror or e}") from None

    def commit(self):
        while self._hidden:
            hidden, path = self._hidden[0]
            try:
                os.replace(hidden, path)
            except OSError as e:
                raise ExportError(f"cannot write {path}: {e.strerror or e}") from None
            self._hidden.pop(0)

    def discard(self):
        for hidden, _ in self._hidden:
            with contextlib.suppress(OSError):  # never hide the error that stopped the export
                os.unlink(hidden)
        self._hidden = []


@contextlib.contextmanager
def _staged():
    """A ``_Staged`` whose files are renamed into place when the block ends; if it fails or is
    stopped (an error, Ctrl-C: any exception), none is, and none is left behind."""
    staged = _Staged()
    try:
        yield staged
        staged.commit()
    finally:
        staged.discard()


def check_targets(csv_path=None, atf_path=None, overwrite=False, recording=None):
    """Raise ExportError now if an export to ``csv_path`` and/or ``atf_path`` (of the recording
    folder ``recording``, if from one) could not be written: two of its files at one place, a file
    inside the recording's folder, a folder that takes no file, or (unless ``overwrite``) a file
    that exists, the tables beside them included."""
    targets = {}
    if csv_path is not None:
        targets.update(_csv_files(_file_name(csv_path)))
    if atf_path is not None:
        targets.update(_atf_files(_file_name(atf_path)))
    _check_apart(targets, recording)  # first: not even a trial file goes inside a recording
    for path in targets.values():
        check_writable(path)
        _refuse_existing(path, overwrite)


def _check_apart(targets, recording):
    """Refuse targets ({what: path}) that are one file, or inside the ``recording`` folder."""
    placed = {}
    for what, path in targets.items():
        if recording is not None and _same_file(os.path.dirname(os.path.abspath(path)), recording):
            raise ExportError(f"cannot write {path}: it is inside the recording {recording}, whose folder holds "
                              f"only its own files; choose a path outside it")
        same = next((other for other, there in placed.items() if _same_file(path, there)), None)
        if same is not None:
            raise ExportError(f"cannot export: {same} and {what} would both be {path}; choose other names")
        placed[what] = path


def _same_file(a, b):
    """Whether paths ``a`` and ``b`` are one file or folder (through links, .., or another spelling)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): only the spelling could tell
        return False


def _refuse_existing(path, overwrite):
    if not overwrite and os.path.exists(path):
        raise ExportError(f"cannot write {path}: it exists already; use --force to replace it "
                          f"(overwrite=True in Python) or choose a new name")


def check_linescan_target(path, overwrite=False):
    """Raise ExportError now if the linescan could not be written to ``path`` (or, unless
    ``overwrite``, would replace a file)."""
    check_writable(path)
    _refuse_existing(os.fspath(path), overwrite)


def check_writable(path):
    """Raise ExportError now if ``path`` cannot be written (before a long run, not after): the
    folder must exist, hold no recording (a recording's folder holds only its own files, whatever
    --force says) and take a trial file, and the path must not be a folder itself."""
    path = _file_name(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ExportError(f"cannot write {path}: folder {folder} does not exist")
    if os.path.isfile(os.path.join(folder, "meta.json")) or folder.endswith(".vrig"):
        raise ExportError(f"cannot write {path}: {folder} is a recording, whose folder holds only its own files; "
                          f"choose a path outside it")
    if os.path.isdir(path):
        example = os.path.join(path, "out.csv")
        raise ExportError(f"cannot write {path}: it is a folder; give a file name, e.g. {example}")
    try:
        fd, trial = tempfile.mkstemp(prefix=".export-check-", dir=folder)
    except OSError as e:
        raise ExportError(f"cannot write {path}: {e.strerror or e} in {folder}") from None
    os.close(fd)
    os.unlink(trial)


def _file_name(path):
    """``path`` as a str, or ExportError if it is not a file's name."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise ExportError(f"cannot write {path!r}: not a file path") from None
    if not path.strip():
        raise ExportError("cannot write to an empty file name: give one, e.g. out.csv")
    return path
