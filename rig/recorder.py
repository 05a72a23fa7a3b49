"""Recording to disk while the cell runs: a folder that survives a crash.

A recording is a folder (``NAME.vrig``) of three files, chosen for crash safety first:
- ``meta.json``: what was recorded (channels, sample rate, dt, preparation, seed, model version,
  date, the cell's clock at the start, every control's starting value), written once,
  atomically, before the first sample;
- ``samples.f32``: the samples, little-endian float32, one row of all channels but time per sample
  (sample i was taken at start_t_s + (i + 1) / sample_rate_hz), appended block by block. Rows
  have a fixed size, so a file cut off mid-write is read up to its last whole row, and every row
  before it is exactly what was written;
- ``events.jsonl``: markers and control changes, one JSON object per line, appended as they happen.
A writer thread does the writing, so the engine computes the next block while the last one goes
to disk; it writes in the order things happened and flushes to the operating system at least
every second, so killing the process (``kill -9``, a crash) loses at most the last second: the OS
keeps what was flushed. Nothing but appending ever touches a file, and no file is rewritten. If a
write fails (a full disk, a pulled USB stick), what is on disk stays readable and the next
``append`` raises RecordingError saying why; the experiment can go on without recording.
"""
import datetime
import json
import os
import queue
import threading
import time

import numpy as np

FLUSH_EVERY_S = 1.0
QUEUE_BLOCKS = 64  # blocks waiting for the writer; when full the engine waits, nothing is dropped
FORMAT = "virtual-rig recording 1"
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
        tmp = os.path.join(self.path, ".meta.json")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=1, ensure_ascii=False)
        os.replace(tmp, os.path.join(self.path, "meta.json"))
        self._samples = open(os.path.join(self.path, "samples.f32"), "ab")
        self._events = open(os.path.join(self.path, "events.jsonl"), "ab")
        self.error = None  # the RecordingError that stopped the writer, if one did
        self._queue = queue.Queue(maxsize=QUEUE_BLOCKS)
        self._writer = threading.Thread(target=self._write_all, name=f"recorder {self.path}", daemon=True)
        self._writer.start()

    def append(self, block):
        """Append samples (samples × channels); they are copied, so the caller may reuse ``block``."""
        self._put(self._samples, np.array(block, dtype="<f4", order="C"))

    def event(self, t_s, **fields):
        """Append one event (a marker, a control change) at ``t_s``."""
        self._put(self._events, (json.dumps({"t_s": t_s, **fields}, ensure_ascii=False) + "\n").encode("utf-8"))

    def _put(self, file, data):
        if self.error is not None:
            raise self.error
        self._queue.put((file, data))

    def close(self):
        """Write what is queued, flush and close; returns once everything is on disk (or the
        writer has failed: see ``error``)."""
        if self._writer.is_alive():
            self._queue.put(_CLOSE)
            self._writer.join()

    def _write_all(self):
        flushed = time.monotonic()
        while True:
            try:
                item = self._queue.get(timeout=FLUSH_EVERY_S)
            except queue.Empty:
                item = None
            if item is _CLOSE:
                break
            if self.error is not None:
                continue  # failed: keep taking blocks so the engine never waits on a dead writer
            try:
                if item is not None:
                    item[0].write(item[1])
                if time.monotonic() - flushed >= FLUSH_EVERY_S:
                    self._flush()
                    flushed = time.monotonic()
            except OSError as e:
                self.error = RecordingError(f"recording to {self.path} stopped: {e.strerror or e}; everything "
                                            f"recorded before is on disk")
        for f in (self._samples, self._events):
            try:
                f.close()  # flushes
            except OSError as e:
                self.error = self.error or RecordingError(f"recording to {self.path}: last second not saved: "
                                                          f"{e.strerror or e}")

    def _flush(self):
        self._samples.flush()
        self._events.flush()


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


META_FIELDS = {  # what reading a recording relies on: field -> (check, what it must be)
    "channels": (lambda v: isinstance(v, list) and v and all(isinstance(c, str) for c in v), "a list of channel names"),
    "sample_rate_hz": (lambda v: _is_number(v) and v > 0, "a number above 0"),
    "start_t_s": (_is_number, "a number"),
    "controls": (lambda v: isinstance(v, dict), "a table of control values"),
}


def _meta_problem(meta):
    """What makes ``meta`` (read from meta.json) unusable, or None."""
    if not isinstance(meta, dict):
        return "it holds no table of fields"
    for key, (check, what) in META_FIELDS.items():
        if key not in meta:
            return f"it has no {key}"
        if not check(meta[key]):
            return f"{key} = {meta[key]!r} is not {what}"
    return None


def read_recording(path):
    """(meta, {channel: float32 array}, [event dicts]) of a recording, cut off or not: a partial
    last row or line (a crash mid-write) is left out, everything before it is returned exactly.
    The samples are mapped from the file, not read into memory: an hour at 10 kHz costs nothing
    until a part of it is used. Anything else wrong raises RecordingError naming the folder and
    the problem."""
    path = os.fspath(path)

    def fail(problem):
        return RecordingError(f"cannot read recording {path}: {problem}")

    if not os.path.isdir(path):
        raise fail("it is a file, not a recording folder (NAME.vrig)" if os.path.exists(path) else "no such folder")
    if not os.path.exists(os.path.join(path, "meta.json")):
        raise fail("it is not a recording (a recording folder holds meta.json, samples.f32 and events.jsonl)")
    try:
        with open(os.path.join(path, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
        problem = _meta_problem(meta)
    except ValueError as e:  # not JSON (or not text)
        problem = f"it is not JSON ({e})"
    except OSError as e:
        raise fail(f"meta.json: {e.strerror or e}") from None
    if problem:
        raise fail(f"its meta.json is damaged: {problem}")
    n = len(meta["channels"])
    try:
        samples = os.path.join(path, "samples.f32")
        count = os.path.getsize(samples) // (4 * n)
        rows = (np.memmap(samples, dtype="<f4", mode="r", shape=(count, n)) if count
                else np.zeros((0, n), "<f4"))
        with open(os.path.join(path, "events.jsonl"), encoding="utf-8") as f:
            lines = f.read().split("\n")
    except (OSError, ValueError) as e:
        name = os.path.basename(getattr(e, "filename", None) or "")
        raise fail(f"{name + ': ' if name else ''}{getattr(e, 'strerror', None) or e}") from None
    events = []
    for number, line in enumerate(lines[:-1], 1):  # after the last newline: a line cut off mid-write
        try:
            event = json.loads(line)
        except ValueError:
            event = None
        if not isinstance(event, dict) or not _is_number(event.get("t_s")):
            raise fail(f"line {number} of events.jsonl is damaged: {line[:60]!r}")
        events.append(event)
    # sample i was taken at start_t_s + (i + 1) / rate: time is kept exact, not in float32
    channels = {"t_s": meta["start_t_s"] + np.arange(1, count + 1) / meta["sample_rate_hz"]}
    channels.update({name: rows[:, i] for i, name in enumerate(meta["channels"])})
    return meta, channels, events


def recover(path):
    """Make a cut-off recording whole: drop a sample row or event line cut off mid-write (the
    only damage a crash can do) and say what the recording holds. Returns a summary dict."""
    path = os.fspath(path)
    meta, channels, events = read_recording(path)
    dropped = 0
    samples = os.path.join(path, "samples.f32")
    keep = len(channels["t_s"]) * 4 * len(meta["channels"])
    dropped += os.path.getsize(samples) - keep
    os.truncate(samples, keep)
    events_path = os.path.join(path, "events.jsonl")
    with open(events_path, "rb") as f:
        text = f.read()
    keep = text.rfind(b"\n") + 1
    dropped += len(text) - keep
    os.truncate(events_path, keep)
    t = channels["t_s"]
    summary = {"samples": len(t), "from_s": float(t[0]) if len(t) else meta["start_t_s"],
               "to_s": float(t[-1]) if len(t) else meta["start_t_s"], "events": len(events), "dropped_bytes": dropped}
    if not finished(path):
        with open(events_path, "a", encoding="utf-8") as f:  # so it is not offered for recovery again
            f.write(json.dumps({"t_s": summary["to_s"], "recovered": True}) + "\n")
    return summary


def finished(path):
    """Whether the recording at ``path`` was closed (its last event says ``stopped``) or has been
    recovered since; a recording cut off by a crash is neither."""
    try:
        with open(os.path.join(os.fspath(path), "events.jsonl"), "rb") as f:
            f.seek(max(0, os.fstat(f.fileno()).st_size - 4096))
            last = f.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
        event = json.loads(last)
    except (OSError, ValueError):
        return False
    return bool(event.get("stopped") or event.get("recovered"))


def cut_off(folder):
    """Recordings (``*.vrig``) in ``folder`` that a crash cut off and nobody recovered yet."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    paths = [os.path.join(folder, name) for name in names if name.endswith(".vrig")]
    return [path for path in paths if os.path.isfile(os.path.join(path, "meta.json")) and not finished(path)]
