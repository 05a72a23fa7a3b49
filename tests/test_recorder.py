"""Recordings stream to disk while the cell runs and survive a crash: what was flushed reads back
exactly, a cut-off row or line is left out, and nothing is ever overwritten. No Qt."""
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from rig import Session
from rig.cli import main
from rig.recorder import RecordingError, cut_off, finished, read_recording, recover


def noisy():
    return Session(preparation="neuron", seed=5, sample_rate_hz=10000, noise_V_mV=0.3, hold_pA=150.0)


def test_a_recording_reads_back_exactly_with_its_markers_and_metadata(tmp_path):
    s = noisy()
    s.run(0.2)
    s.start_recording(tmp_path / "a.vrig")
    s.set(bath_K_mM=5.0)
    s.run(0.5)
    s.add_marker("note")
    s.stop_recording()
    s.run(0.1)  # not recorded
    meta, channels, events = read_recording(tmp_path / "a.vrig")
    tr = s.trace(start_s=0.2)
    n = len(channels["V_mV"])
    assert n == 5000
    for name in ("V_mV", "I_pA", "K_o_mM", "spikes"):
        assert np.array_equal(channels[name], tr[name][:n].astype(np.float32)), name
    assert np.allclose(channels["t_s"], tr["t_s"][:n], atol=1e-12)
    assert events == [{"t_s": 0.2, "marker": "bath_K_mM 3 -> 5", "control": "bath_K_mM", "value": 5.0},
                      {"t_s": 0.7, "marker": "note"}, {"t_s": 0.7, "stopped": True}]
    for key in ("preparation", "seed", "sample_rate_hz", "dt_ms", "model_version", "started", "controls"):
        assert key in meta
    assert meta["controls"]["hold_pA"] == 150.0 and meta["seed"] == 5


def test_a_cut_off_row_or_line_is_left_out(tmp_path):
    s = noisy()
    s.start_recording(tmp_path / "b.vrig")
    s.set(bath_K_mM=4.0)
    s.run(0.01)
    s.stop_recording()
    with open(tmp_path / "b.vrig" / "samples.f32", "ab") as f:
        f.write(b"\x00" * 10)  # half a row: a crash mid-write
    with open(tmp_path / "b.vrig" / "events.jsonl", "a") as f:
        f.write('{"t_s": 0.01, "mar')
    _, channels, events = read_recording(tmp_path / "b.vrig")
    assert len(channels["V_mV"]) == 100 and len(events) == 2  # the marker, and "stopped"


def test_recordings_are_never_overwritten(tmp_path):
    s = noisy()
    s.start_recording(tmp_path / "c.vrig")
    s.stop_recording()
    with pytest.raises(RecordingError, match="exists already"):
        s.start_recording(tmp_path / "c.vrig")
    assert main(["--headless", "--duration", "1", "--record", str(tmp_path / "c.vrig")]) == 2


CHILD = """
import sys, time
from rig import RunLoop, Session
s = Session(preparation="neuron", seed=5, sample_rate_hz=10000, noise_V_mV=0.3, hold_pA=150.0)
s.start_recording(sys.argv[1])
loop = RunLoop(s, speed=1.0)
loop.start()
print("recording", flush=True)
time.sleep(60)
"""


def test_kill_9_loses_at_most_the_last_second(tmp_path):
    path = tmp_path / "killed.vrig"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "recording"
    started = time.monotonic()
    time.sleep(2.5)  # the cell runs at 1x: about 2.5 s recorded
    child.send_signal(signal.SIGKILL)
    child.wait()
    elapsed = time.monotonic() - started
    meta, channels, _ = read_recording(path)
    n = len(channels["V_mV"])
    assert n >= (elapsed - 1.2) * 10000  # at most the last second (and a slice) lost
    again = noisy()
    again.run(n / 10000)
    assert np.array_equal(channels["V_mV"], again.trace()["V_mV"].astype(np.float32))
    assert os.path.getsize(path / "samples.f32") >= n * 4 * len(meta["channels"])
    json.loads((path / "meta.json").read_text())
    assert cut_off(tmp_path) == [str(path)]  # the window offers to recover it
    recover(path)
    assert cut_off(tmp_path) == [] and finished(path)


def test_recover_makes_a_cut_off_recording_whole(tmp_path, capsys):
    s = noisy()
    s.start_recording(tmp_path / "d.vrig")
    s.run(0.1)
    s.add_marker("x")
    s.stop_recording()
    with open(tmp_path / "d.vrig" / "samples.f32", "ab") as f:
        f.write(b"\x01" * 30)
    with open(tmp_path / "d.vrig" / "events.jsonl", "a") as f:
        f.write('{"t_s": 0.2, "mar')
    assert main(["recover", str(tmp_path / "d.vrig")]) == 0
    out = capsys.readouterr().out
    assert "1000 samples from t = 0.0001 to 0.1000 s, 2 events; dropped 47 bytes cut off mid-write" in out
    assert os.path.getsize(tmp_path / "d.vrig" / "samples.f32") == 1000 * 4 * 17
    assert main(["recover", str(tmp_path / "nowhere.vrig")]) == 2
    assert "cannot read recording" in capsys.readouterr().err


class FullDisk:
    """A file that takes ``room`` bytes and then fails as a full disk does."""

    def __init__(self, file, room):
        self.file, self.room = file, room

    def write(self, data):
        data = memoryview(data).cast("B")
        if len(data) > self.room:
            self.file.write(data[:self.room])
            self.room = 0
            raise OSError(28, "No space left on device")
        self.room -= len(data)
        return self.file.write(data)

    def close(self):
        self.file.close()


def test_a_full_disk_keeps_what_was_recorded_and_the_experiment_goes_on(tmp_path):
    s = noisy()
    s.start_recording(tmp_path / "full.vrig")
    row = 4 * 17
    recorder = s.logbook.recorder
    recorder._samples = FullDisk(recorder._samples, room=int(2500.5 * row))  # half a row fits too
    s.run(0.5)
    deadline = time.monotonic() + 30.0
    while recorder.error is None and time.monotonic() < deadline:  # the writer thread meets the full disk
        time.sleep(0.01)
    s.run(0.1)  # the writer failed meanwhile: this notices, stops recording and goes on
    assert "No space left on device" in s.recording_error
    assert s.markers()[-1][1].startswith("recording stopped: recording to ")
    s.run(0.1)
    s.stop_recording()
    _, channels, _ = read_recording(tmp_path / "full.vrig")
    assert len(channels["V_mV"]) == 2500
    assert np.array_equal(channels["V_mV"], s.trace()["V_mV"][:2500].astype(np.float32))
    assert s.t_s == pytest.approx(0.7)


def test_recording_keeps_memory_flat(tmp_path):
    """Twenty simulated seconds at 10 kHz recorded to disk with no trace in memory allocate less
    than 2 MB that stays (kept in memory they would be 29 MB)."""
    import tracemalloc

    s = Session(sample_rate_hz=10000, keep_trace=False)
    s.start_recording(tmp_path / "flat.vrig")
    s.run(2.0)  # the scope view's rings and the buffers exist now
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    s.run(20.0)
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    s.stop_recording()
    assert grown < 2e6
    assert len(read_recording(tmp_path / "flat.vrig")[1]["V_mV"]) == 220000


@pytest.mark.parametrize("make, problem", [
    (lambda p: p.mkdir(), "it is not a recording (a recording folder holds meta.json, samples.f32 and events.jsonl)"),
    (lambda p: p.write_text("x"), "it is a file, not a recording folder"),
    (lambda p: (p.mkdir(), (p / "meta.json").write_text('{"channels": [')), "its meta.json is damaged: it is not JSON"),
    (lambda p: (p.mkdir(), (p / "meta.json").write_text('{"format": "virtual-rig recording 1", "channels": ["V_mV", '
                                                         '"spikes"], "dtype": "<f4", "sample_rate_hz": 1000}')),
     "its meta.json is damaged: it has no start_t_s"),
    (lambda p: (p.mkdir(), (p / "meta.json").write_text('{"channels": ["V_mV"], "sample_rate_hz": 1000}')),
     "its meta.json is damaged: it has no format"),
    (lambda p: (p.mkdir(), (p / "meta.json").write_text('[1, 2]')), "its meta.json is damaged: it holds no table"),
])
def test_export_and_recover_say_what_is_wrong_with_a_folder(tmp_path, capsys, make, problem):
    folder = tmp_path / "odd.vrig"
    make(folder)
    for argv in (["export", str(folder), "--csv", str(tmp_path / "x.csv")], ["recover", str(folder)]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"virtual-rig: error: cannot read recording {folder}: {problem}")
        assert err.count("\n") == 1  # one line, no traceback


def test_a_damaged_event_line_is_named(tmp_path, capsys):
    s = noisy()
    s.start_recording(tmp_path / "e.vrig")
    s.run(0.01)
    s.stop_recording()
    with open(tmp_path / "e.vrig" / "events.jsonl", "r+") as f:
        f.write("#")  # the first line's opening brace
    assert main(["export", str(tmp_path / "e.vrig"), "--csv", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert (f"cannot read recording {tmp_path / 'e.vrig'}: line 1 of events.jsonl is damaged: it is not JSON: "
            f"'#\"t_s\"") in err
