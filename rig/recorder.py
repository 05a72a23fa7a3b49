"""Recording to disk while the cell runs: a folder that survives a crash.

A recording is a folder (``NAME.vrig``) of three files, chosen for crash safety first:
- ``meta.json``: what was recorded (format, channels, sample rate, dt, preparation, seed, model
  version, date, the cell's clock at the start, every control's starting value, and the step of
  each sample), written once, atomically, before the first sample;
- ``samples.f32``: the samples, little-endian float32, one row of all channels but time per sample
  (sample i was taken at step ``first_sample_step + i * steps_per_sample``, i.e. at that step
  over ``step_rate_hz`` seconds, the very time the Session's trace gives it), appended block by
  block. Rows have a fixed size, so a file cut off mid-write is read up to its last whole row, and
  every row before it is exactly what was written;
- ``events.jsonl``: markers and control changes, one JSON object per line, appended as they happen.
A writer thread does the writing, so the engine computes the next block while the last one goes
to disk. Samples and events reach it through one queue, in the order they happened, and it hands
each to the operating system at once (an unbuffered write): an event is in the OS's hands before
any sample recorded under it, so killing the process (``kill -9``, a crash) at any moment leaves
only samples whose conditions are on disk, and loses only what was still queued. Nothing but
appending ever touches a file, and no file is rewritten. If a write fails (a full disk, a pulled
USB stick), what is on disk stays readable and the next ``append`` raises RecordingError saying
why; the experiment can go on without recording.

Reading (``open_recording``) leaves out only what a crash can cut off, the last row or line cut
short (whatever bytes it ends in), says so, and refuses anything else that is wrong with one line
naming the file, the field or line, and the problem. It never rewrites anything; ``recover`` trims
what a crash cut off.
"""
import datetime
import json
import math
import os
import queue
import shutil
import threading
from dataclasses import dataclass

import numpy as np

QUEUE_BLOCKS = 64  # blocks waiting for the writer; when full the engine waits, nothing is dropped
FORMAT_1 = "virtual-rig recording 1"  # sample i at start_t_s + (i + 1) / sample_rate_hz
FORMAT = "virtual-rig recording 2"  # sample i at a step of its own (first_sample_step ...)
READABLE = (FORMAT_1, FORMAT)
REQUIRED_CHANNELS = ("V_mV", "spikes")  # every recording has them; an export needs them
CHECKED_ROWS = 64  # rows whose spike counts show whether the rows match meta.json's channels
_CLOSE = object()


class RecordingError(OSError):
    """A recording cannot be written or read; the message names the path and the reason."""


def check_new_folder(path):
    """Raise RecordingError now if a recording cannot be made at ``path`` (before a long run)."""
    path = os.fspath(path)
    parent = os.path.dirname(os.path.abspath(path))
    if not path.strip():
        raise RecordingError("cannot record to an empty name: give one, e.g. experiment.vrig")
    if os.path.exists(path):
        raise RecordingError(f"cannot record to {path}: it exists already (recordings are never overwritten; "
                             f"choose a new name)")
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise RecordingError(f"cannot record to {path}: cannot write in {parent}")


class Recorder:
    def __init__(self, path, names, meta):
        self.path = os.fspath(path)
        self.names = tuple(names)
        try:
            os.makedirs(self.path)
        except FileExistsError:
            raise RecordingError(f"cannot record to {self.path}: it exists already (recordings are never "
                                 f"overwritten; choose a new name)") from None
        except OSError as e:
            raise RecordingError(f"cannot record to {self.path}: {e.strerror or e}") from None
        meta = {"format": FORMAT, "channels": list(self.names), "dtype": "<f4", **meta,
                "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}
        try:
            tmp = os.path.join(self.path, ".meta.json")
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(meta, f, indent=1, ensure_ascii=False, allow_nan=False)
            os.replace(tmp, os.path.join(self.path, "meta.json"))
            # unbuffered: each write is the OS's at once, in the order the writer takes them
            self._samples = open(os.path.join(self.path, "samples.f32"), "ab", buffering=0)
            self._events = open(os.path.join(self.path, "events.jsonl"), "ab", buffering=0)
        except OSError as e:  # a full disk before the first sample: no recording, and no folder to block the name
            shutil.rmtree(self.path, ignore_errors=True)
            raise RecordingError(f"cannot record to {self.path}: {e.strerror or e}; nothing was recorded") from None
        self.error = None  # the RecordingError that stopped the writer, if one did
        self._queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self._writer = threading.Thread(target=self._write_all, name=f"recorder {self.path}", daemon=True)
        self._writer.start()

    def append(self, block):
        """Append samples (samples × channels); they are copied, so the caller may reuse ``block``."""
        self._put(self._samples, np.array(block, dtype="<f4", order="C"))

    def event(self, t_s, **fields):
        """Append one event (a marker, a control change) at ``t_s``; it reaches the disk before
        any sample appended after it."""
        line = json.dumps({"t_s": t_s, **fields}, ensure_ascii=False, allow_nan=False) + "\n"
        self._put(self._events, line.encode("utf-8"))

    def _put(self, file, data):
        if self.error is not None:
            raise self.error
        self._queue.put((file, data))

    def close(self):
        """Write what is queued and close; returns once everything is on disk (or the writer has
        failed: see ``error``)."""
        if self._writer.is_alive():
            self._queue.put(_CLOSE)
            self._writer.join()

    def _write_all(self):
        while (item := self._queue.get()) is not _CLOSE:
            if self.error is None:  # once failed, keep taking blocks so the engine never waits on a dead writer
                self._write(*item)
        for f in (self._samples, self._events):
            try:
                f.close()  # unbuffered: nothing left to write, but a network disk may report a failure now
            except OSError as e:
                self.error = self.error or RecordingError(f"recording to {self.path}: closing it failed: "
                                                          f"{e.strerror or e}")

    def _write(self, file, data):
        """All of ``data`` to ``file`` (an OS write may take only part of it), or ``error`` says why not."""
        view = memoryview(data).cast("B")
        try:
            while view:
                view = view[file.write(view):]
        except OSError as e:
            self.error = RecordingError(f"recording to {self.path} stopped: {e.strerror or e}; everything "
                                        f"recorded before is on disk")


# ---- reading --------------------------------------------------------------------------------
@dataclass
class Recording:
    """A recording as read: ``meta``, ``channels`` ({name: array}, ``t_s`` first, the samples
    mapped from the file), ``events`` (dicts) and ``dropped`` ({file name: bytes left out}: a row
    or line a crash cut off mid-write)."""
    meta: dict
    channels: dict
    events: list
    dropped: dict


def read_recording(path):
    """(meta, {channel: float32 array}, [event dicts]) of a recording, cut off or not: a partial
    last row or line (a crash mid-write) is left out, everything before it is returned exactly
    (``open_recording`` says what was left out). The samples are mapped from the file, not read
    into memory: an hour at 10 kHz costs nothing until a part of it is used. Anything else wrong
    raises RecordingError naming the folder, the file and the problem."""
    recording = open_recording(path)
    return recording.meta, recording.channels, recording.events


def open_recording(path):
    """The ``Recording`` at ``path`` (see ``read_recording``)."""
    path = os.fspath(path)
    if not os.path.isdir(path):
        raise _damaged(path, "it is a file, not a recording folder (NAME.vrig)" if os.path.exists(path)
                       else "no such folder")
    if not os.path.exists(os.path.join(path, "meta.json")):
        raise _damaged(path, "it is not a recording (a recording folder holds meta.json, samples.f32 and "
                             "events.jsonl)")
    try:
        meta = _read_meta(path)
        # the samples' size first: in a recording still being written, the events read after it
        # then cover every sample counted (an event is written before the samples under it)
        size = os.path.getsize(os.path.join(path, "samples.f32"))
        events, torn_line = _read_events(path)
        rows, torn_row = _read_samples(path, meta, size, closed=_closed(events) and not torn_line)
    except RecordingError:
        raise
    except OSError as e:
        name = os.path.basename(getattr(e, "filename", None) or "")
        raise _damaged(path, f"{name + ': ' if name else ''}{e.strerror or e}") from None
    channels = {"t_s": _sample_times(meta, len(rows))}  # exact, not float32
    channels.update({name: rows[:, i] for i, name in enumerate(meta["channels"])})
    dropped = {name: cut for name, cut in (("samples.f32", torn_row), ("events.jsonl", torn_line)) if cut}
    return Recording(meta, channels, events, dropped)


def describe_dropped(dropped):
    """What reading left out (``Recording.dropped``), in words, or None if nothing."""
    parts = [f"the last {size} bytes of {name} ({'part of a row' if name == 'samples.f32' else 'an unfinished line'})"
             for name, size in dropped.items()]
    return f"left out what a crash cut off mid-write: {' and '.join(parts)}" if parts else None


def _damaged(path, problem):
    return RecordingError(f"cannot read recording {path}: {problem}")


def _read_meta(path):
    try:
        with open(os.path.join(path, "meta.json"), "rb") as f:
            meta = json.loads(f.read().decode("utf-8"))
    except UnicodeDecodeError:
        raise _damaged(path, "its meta.json is damaged: it is not UTF-8 text") from None
    except ValueError as e:  # not JSON
        raise _damaged(path, f"its meta.json is damaged: it is not JSON ({e})") from None
    if isinstance(meta, dict) and meta.get("format", FORMAT) not in READABLE:
        raise _damaged(path, f"it is in format {meta['format']!r}, which this Virtual Rig does not read (it reads "
                             f"{' and '.join(map(repr, READABLE))}): a newer Virtual Rig made it")
    problem = _meta_problem(meta)
    if problem:
        raise _damaged(path, f"its meta.json is damaged: {problem}")
    return meta


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_count(value, least):
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _is_setting(value):
    """A control's value: a number or a choice's name."""
    return _is_number(value) or isinstance(value, str)


META_FIELDS = {  # what reading a recording relies on: field -> (check, what it must be)
    "channels": (lambda v: isinstance(v, list) and v and all(isinstance(c, str) for c in v)
                 and len(set(v)) == len(v), "a list of distinct channel names"),
    "dtype": (lambda v: v == "<f4", "'<f4' (little-endian float32, the only kind of sample a recording holds)"),
    "sample_rate_hz": (lambda v: _is_number(v) and v > 0, "a number above 0"),
    "start_t_s": (_is_number, "a number"),
    "controls": (lambda v: isinstance(v, dict), "a table of control values"),
}
GRID_FIELDS = {  # and from format 2, where each sample was taken
    "first_sample_step": (lambda v: _is_count(v, 0), "a whole number, 0 or more"),
    "steps_per_sample": (lambda v: _is_count(v, 1), "a whole number, 1 or more"),
    "step_rate_hz": (lambda v: _is_number(v) and v > 0, "a number above 0"),
}


def _meta_problem(meta):
    """What makes ``meta`` (read from meta.json) unusable, or None."""
    if not isinstance(meta, dict):
        return "it holds no table of fields"
    if "format" not in meta:
        return "it has no format"
    where = _non_finite(meta)
    if where:
        return f"{where} is not a finite number (NaN or Infinity)"
    fields = {**META_FIELDS, **(GRID_FIELDS if meta["format"] == FORMAT else {})}
    for key, (check, what) in fields.items():
        if key not in meta:
            return f"it has no {key}"
        if not check(meta[key]):
            return f"{key} = {meta[key]!r} is not {what}"
    missing = [name for name in REQUIRED_CHANNELS if name not in meta["channels"]]
    if missing:
        return f"channels has no {' and no '.join(missing)}"
    bad = next((name for name, value in meta["controls"].items() if not _is_setting(value)), None)
    if bad is not None:
        return f"controls.{bad} = {meta['controls'][bad]!r} is not a number or a name"
    if meta["format"] == FORMAT and not math.isclose(meta["step_rate_hz"] / meta["steps_per_sample"],
                                                     meta["sample_rate_hz"], rel_tol=1e-9):
        return (f"sample_rate_hz = {meta['sample_rate_hz']!r} is not step_rate_hz / steps_per_sample = "
                f"{meta['step_rate_hz'] / meta['steps_per_sample']!r}")
    return None


def _non_finite(value, where=""):
    """The field (``controls.bath_K_mM``) of the first NaN or infinity in ``value``, or None:
    JSON has neither, but Python's reader takes them (and 1e999 as infinity)."""
    if isinstance(value, float) and not math.isfinite(value):
        return where or "the value"
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found = _non_finite(item, f"{where}.{key}" if where else str(key))
        if found:
            return found
    return None


def _read_samples(path, meta, size, closed):
    """(the rows in the first ``size`` bytes of samples.f32, mapped from it; bytes of a last row
    cut off); refused if the rows do not match meta.json's channels."""
    n = len(meta["channels"])
    samples = os.path.join(path, "samples.f32")
    count, torn = divmod(size, 4 * n)
    if torn and closed:  # a recording closed on purpose (or recovered) ends in a whole row
        raise _damaged(path, f"samples.f32 holds {size} bytes, not whole rows of the {n} channels meta.json "
                             f"names ({4 * n} bytes each): is meta.json's channel list right?")
    rows = np.memmap(samples, dtype="<f4", mode="r", shape=(count, n)) if count else np.zeros((0, n), "<f4")
    spikes = rows[:CHECKED_ROWS, meta["channels"].index("spikes")]
    wrong = np.flatnonzero(~((spikes >= 0) & (spikes == np.round(spikes))))
    if len(wrong):
        raise _damaged(path, f"samples.f32 does not hold rows of the {n} channels meta.json names: row "
                             f"{wrong[0] + 1}'s spikes = {spikes[wrong[0]]:g} is not a count (is meta.json's "
                             f"channel list right?)")
    return rows, torn


def _read_events(path):
    """([event dicts], bytes of a last line cut off): lines are split as bytes, so a line cut
    inside a character is left out whole and no other line is touched."""
    with open(os.path.join(path, "events.jsonl"), "rb") as f:
        *lines, torn = f.read().split(b"\n")
    events = []
    for number, line in enumerate(lines, 1):
        event, problem = _event(line)
        if not problem and events and event["t_s"] < events[-1]["t_s"]:
            problem = f"t_s = {event['t_s']!r} is before the line above's {events[-1]['t_s']!r}"
        if problem:
            raise _damaged(path, f"line {number} of events.jsonl is damaged: {problem}")
        events.append(event)
    return events, len(torn)


EVENT_FIELDS = {  # field -> (check, what it must be); t_s is always there
    "t_s": (_is_number, "a number"),
    "control": (lambda v: isinstance(v, str), "a control's name"),
    "value": (_is_setting, "a number or a name"),
    "marker": (lambda v: isinstance(v, str), "text"),
    "controls": (lambda v: isinstance(v, dict) and all(_is_setting(x) for x in v.values()),
                 "a table of control values"),
}


def _event(line):
    """(the event on ``line``, None) or (None, what is wrong with it)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return None, f"it is not UTF-8 text: {line[:60]!r}"
    try:
        event = json.loads(text)
    except ValueError:
        return None, f"it is not JSON: {text[:60]!r}"
    if not isinstance(event, dict):
        return None, f"it is not a table of fields: {text[:60]!r}"
    where = _non_finite(event)
    if where:
        return None, f"{where} is not a finite number (NaN or Infinity)"
    if "t_s" not in event:
        return None, "it has no t_s"
    if "control" in event and "value" not in event:
        return None, f"control {event['control']!r} has no value"
    for key, (check, what) in EVENT_FIELDS.items():
        if key in event and not check(event[key]):
            return None, f"{key} = {event[key]!r} is not {what}"
    return event, None


def _closed(events):
    """Whether the last event says the recording was closed on purpose or recovered since."""
    return bool(events) and bool(events[-1].get("stopped") or events[-1].get("recovered"))


def _sample_times(meta, count):
    """When each of ``count`` samples was taken (s), as the format of ``meta`` says."""
    if meta["format"] == FORMAT_1:
        return meta["start_t_s"] + np.arange(1, count + 1) / meta["sample_rate_hz"]
    steps = meta["first_sample_step"] + meta["steps_per_sample"] * np.arange(count, dtype=np.int64)
    return steps / meta["step_rate_hz"]  # as the engine's clock: steps over the step rate


# ---- after a crash --------------------------------------------------------------------------
def recover(path):
    """Make a cut-off recording whole: drop a sample row or event line cut off mid-write (the
    only damage a crash can do) and say what the recording holds. Returns a summary dict:
    ``samples``, ``from_s``, ``to_s``, ``events``, ``dropped_bytes`` and ``dropped`` ({file:
    bytes})."""
    path = os.fspath(path)
    recording = open_recording(path)  # refuses anything a crash cannot have done
    meta, t, events = recording.meta, recording.channels["t_s"], recording.events
    end_s = float(t[-1]) if len(t) else meta["start_t_s"]
    try:
        for name, size in recording.dropped.items():
            file = os.path.join(path, name)
            os.truncate(file, os.path.getsize(file) - size)
        if not _closed(events):  # so it is not offered for recovery again; events may run ahead of samples
            last_s = max([end_s] + [e["t_s"] for e in events[-1:]])
            with open(os.path.join(path, "events.jsonl"), "ab") as f:
                f.write((json.dumps({"t_s": last_s, "recovered": True}) + "\n").encode("utf-8"))
    except OSError as e:
        raise RecordingError(f"cannot recover {path}: {e.strerror or e}") from None
    return {"samples": len(t), "from_s": float(t[0]) if len(t) else meta["start_t_s"], "to_s": end_s,
            "events": len(events), "dropped_bytes": sum(recording.dropped.values()), "dropped": recording.dropped}


def finished(path):
    """Whether the recording at ``path`` was closed (its last event says ``stopped``) or has been
    recovered since; a recording cut off by a crash is neither."""
    try:
        with open(os.path.join(os.fspath(path), "events.jsonl"), "rb") as f:
            f.seek(max(0, os.fstat(f.fileno()).st_size - 4096))
            last = f.read().rsplit(b"\n", 2)
        event = json.loads(last[-2]) if len(last) >= 2 and not last[-1] else None
    except (OSError, ValueError):
        return False
    return isinstance(event, dict) and _closed([event])


def cut_off(folder):
    """Recordings (``*.vrig``) in ``folder`` that a crash cut off and nobody recovered yet."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    paths = [os.path.join(folder, name) for name in names if name.endswith(".vrig")]
    return [path for path in paths if os.path.isfile(os.path.join(path, "meta.json")) and not finished(path)]
