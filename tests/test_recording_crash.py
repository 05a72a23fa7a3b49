"""A recording cut off at any moment, by kill -9 or a full disk, or read while it is written, holds
only samples whose conditions are on disk: an event reaches the disk before any sample recorded
under it. No Qt.

Both tests change the amplifier's holding current every few samples (on the sample grid, so each
sample lies wholly under one value) and check every kept sample's current against the value the
events on disk put in force when it was taken: a change lost while samples after it were kept
shows as a sample with the wrong current."""
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from rig import Session
from rig.recorder import finished, read_recording, recover

RATE_HZ = 10000
MARKER = "R_in 120 MΩ – 5 µA"  # multi-byte characters, which a cut can split

CHILD = f"""
import random, sys
from rig import Session
s = Session(sample_rate_hz={RATE_HZ}, keep_trace=False)
s.start_recording(sys.argv[1])
print("recording", flush=True)
pick = random.Random(int(sys.argv[2]))
i = 0
while True:
    s.run(pick.randint(1, 300) / {RATE_HZ})  # whole samples: 0.1 to 30 ms
    i += 1
    s.set(hold_pA=float(i % 7) * 10)
    if i % 5 == 0:
        s.add_marker({MARKER!r})
"""


def check_conditions(path):
    """Every sample on disk carries the holding current the events on disk say was in force."""
    meta, channels, events = read_recording(path)  # a line or row cut off is left out, nothing else
    changes = [(e["t_s"], e["value"]) for e in events if e.get("control") == "hold_pA"]
    times = np.array([t for t, _ in changes])
    values = np.array([meta["controls"]["hold_pA"]] + [v for _, v in changes])
    # a change at t applies to the samples after t (the sample at t was taken before it)
    expected = values[np.searchsorted(times, channels["t_s"], side="left")]
    wrong = np.flatnonzero(channels["I_pA"] != expected.astype(np.float32))
    assert not len(wrong), (f"sample {wrong[0]} at {channels['t_s'][wrong[0]]} s has {channels['I_pA'][wrong[0]]} pA; "
                            f"the events on disk say {expected[wrong[0]]} pA")
    assert all(e["marker"] == MARKER for e in events if "marker" in e and "control" not in e)
    return len(channels["t_s"]), len(changes)


def kill_9_at_random(tmp_path, rounds, seed):
    pick = random.Random(seed)
    for k in range(rounds):
        path = tmp_path / f"killed{k}.vrig"
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(seed + k)], stdout=subprocess.PIPE,
                                 text=True)
        try:
            assert child.stdout.readline().strip() == "recording"
            time.sleep(pick.uniform(0.05, 0.5))
            check_conditions(path)  # read while it is written, as the window exports a recording running
            time.sleep(pick.uniform(0.0, 0.5))  # thousands of changes a second: a kill lands right after one
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
        samples, changes = check_conditions(path)
        assert samples > 0 and changes > 0
        recover(path)
        assert finished(path) and check_conditions(path) == (samples, changes)


def test_kill_9_keeps_no_sample_without_its_conditions(tmp_path):
    kill_9_at_random(tmp_path, rounds=3, seed=1)


@pytest.mark.slow
def test_kill_9_keeps_no_sample_without_its_conditions_twenty_times(tmp_path):
    kill_9_at_random(tmp_path, rounds=20, seed=100)


class Disk:
    """Room for ``room`` bytes in all; then a write takes what fits, and the next fails as a
    full disk does."""

    def __init__(self, room):
        self.room = room


class OnDisk:
    """A file on ``disk``, standing in for one of a Recorder's files."""

    def __init__(self, file, disk):
        self.file, self.disk = file, disk

    def write(self, data):
        if not self.disk.room:
            raise OSError(28, "No space left on device")
        data = memoryview(data).cast("B")[:self.disk.room]
        self.disk.room -= len(data)
        return self.file.write(data)

    def close(self):
        self.file.close()


@pytest.fixture(scope="module")
def session():
    return Session(sample_rate_hz=RATE_HZ)


@pytest.mark.parametrize("room", [0, 1, 68, 500] + random.Random(7).sample(range(2, 40000), 36))
def test_a_full_disk_at_any_byte_keeps_no_sample_without_its_conditions(session, tmp_path, room):
    s, pick = session, random.Random(room)
    path = tmp_path / "full.vrig"
    s.start_recording(path)
    disk = Disk(room)
    recorder = s.logbook.recorder
    recorder._samples = OnDisk(recorder._samples, disk)
    recorder._events = OnDisk(recorder._events, disk)
    for i in range(300):  # at least 300 samples and 300 events: more than the disk takes
        s.run(pick.randint(1, 30) / RATE_HZ)
        s.set(hold_pA=float(i % 7) * 10)
        if i % 5 == 0:
            s.add_marker(MARKER)
    s.stop_recording()
    assert s.recording_error == (f"recording to {path} stopped: No space left on device; everything recorded "
                                 f"before is on disk")
    assert [text for _, text in s.markers()].count(f"recording stopped: {s.recording_error}") == 1
    samples, _ = check_conditions(path)
    _, channels, _ = read_recording(path)
    trace = s.trace()
    first = np.searchsorted(trace["t_s"], channels["t_s"][0]) if samples else 0
    assert np.array_equal(channels["t_s"], trace["t_s"][first:first + samples])  # the very times, to the bit
    assert np.array_equal(channels["V_mV"], trace["V_mV"][first:first + samples].astype(np.float32))
    recover(path)
    assert finished(path) and check_conditions(path)[0] == samples
