"""Live acquisition figures: a benchmark that prints figures (not a unit test; it asserts nothing).

- real-time factor through ``RunLoop`` as fast as the engine goes (neuron, 10 kHz), with a
  recording streaming to disk and without, timed alternately so machine drift hits both, and
  their ratio (what recording costs);
- command latency at 1x: ``RunLoop.set`` called at random moments; how long after the call the
  change lands in the trace, in simulated time (the issue's bound: 20 ms) and in wall time;
- resident memory with a 10 kHz recording running, after 1 simulated minute and after 1
  simulated hour (the issue's bound: < 50 MB growth);
- export rates from a 120 s recording at 10 kHz (1.2 M rows): CSV and ATF.

These shared machines differ by up to 2x from one session to the next: compare the ratios; the
first line says which machine the absolute figures came from.
Usage: ``python bench/acquisition.py [--seconds 3] [--hour-s 3600]``.
"""
import argparse
import os
import random
import statistics
import tempfile
import time

from machine import machine_line

from rig import RunLoop, Session
from rig.export import Recorded, export

RATE_HZ = 10000


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def fresh_session():
    return Session(preparation="neuron", seed=0, sample_rate_hz=RATE_HZ, keep_trace=False)


def loop_speed(session, wall_s):
    """Simulated seconds per wall second of a RunLoop running as fast as it can for ``wall_s``."""
    loop = RunLoop(session, speed=None)
    t0, w0 = session.t_s, time.perf_counter()
    loop.start()
    time.sleep(wall_s)
    loop.stop()
    return (session.t_s - t0) / (time.perf_counter() - w0)


def real_time_factor(folder, wall_s, rounds=3):
    plain, recording = fresh_session(), fresh_session()
    recording.start_recording(os.path.join(folder, "speed.vrig"))
    x_plain, x_rec = [], []
    for _ in range(rounds):  # ABAB: drift of the machine hits both
        x_plain.append(loop_speed(plain, wall_s))
        x_rec.append(loop_speed(recording, wall_s))
    recording.stop_recording()
    return max(x_plain), max(x_rec)


def command_latency(commands=40):
    """(simulated ms, wall ms) from each ``set`` call to its change in the trace, at 1x."""
    session = fresh_session()
    loop = RunLoop(session, speed=1.0)
    loop.start()
    time.sleep(0.3)
    sim_ms, wall_ms = [], []
    for i in range(commands):
        time.sleep(random.uniform(0.02, 0.08))
        before = len(session.markers())
        t_call = session.readout()["t_s"]  # what the rig shows now (the last slice published)
        w_call = time.perf_counter()
        loop.set(hold_pA=float(i % 2 + 1))
        while len(session.markers()) == before:
            time.sleep(0.0005)
        wall_ms.append((time.perf_counter() - w_call) * 1e3)
        sim_ms.append((session.markers()[-1][0] - t_call) * 1e3)
    loop.stop()
    return sim_ms, wall_ms


def memory_over_an_hour(folder, hour_s):
    """Resident MB: before, after 1 simulated minute, after ``hour_s`` simulated seconds, all with
    a 10 kHz recording on; and the recording's size on disk."""
    session = fresh_session()
    path = os.path.join(folder, "hour.vrig")
    session.start_recording(path)
    loop = RunLoop(session, speed=None)
    start = rss_mb()
    w0 = time.perf_counter()
    loop.start()
    marks = {}
    for target in (60.0, hour_s):
        while session.t_s < target and loop.alive:
            time.sleep(0.05)
        marks[target] = (rss_mb(), session.t_s, time.perf_counter() - w0)
    loop.stop()
    session.stop_recording()
    size = sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path)) / 1e6
    return start, marks, size


def export_rates(folder):
    session = fresh_session()
    path = os.path.join(folder, "export.vrig")
    session.start_recording(path)
    session.set(hold_pA=200.0)
    session.run(120.0)
    session.stop_recording()
    recorded = Recorded.from_recording(path)
    out = {}
    for kind in ("csv", "atf"):
        target = os.path.join(folder, f"out.{kind}")
        best = float("inf")
        for _ in range(2):
            t0 = time.perf_counter()
            report = export(recorded, **{f"{kind}_path": target}, overwrite=True)  # timed twice: the second replaces
            best = min(best, time.perf_counter() - t0)
        out[kind] = (report["rows"], best, os.path.getsize(target) / 1e6)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="wall seconds per speed run")
    parser.add_argument("--hour-s", type=float, default=3600.0, help="simulated seconds for the memory run")
    args = parser.parse_args()
    print(machine_line())
    fresh_session()  # Numba compile or cache load, not timed
    with tempfile.TemporaryDirectory(prefix="vrig-bench-") as folder:
        plain, rec = real_time_factor(folder, args.seconds)
        print(f"RunLoop as fast as possible, neuron, {RATE_HZ / 1000:g} kHz: {plain:.0f}x real time without a "
              f"recording, {rec:.0f}x with one streaming to disk (ratio {rec / plain:.2f}; best of 3 alternate "
              f"runs of {args.seconds:g} s)")
        sim, wall = command_latency()
        print(f"command latency at 1x over {len(sim)} set() calls: simulated {statistics.median(sim):.1f} ms median, "
              f"{max(sim):.1f} ms worst (bound 20 ms); wall {statistics.median(wall):.1f} ms median, "
              f"{max(wall):.1f} ms worst")
        start, marks, size = memory_over_an_hour(folder, args.hour_s)
        (rss_min, t_min, _), (rss_end, t_end, wall_end) = marks[60.0], marks[args.hour_s]
        print(f"resident memory with a {RATE_HZ / 1000:g} kHz recording on: {start:.0f} MB at the start, "
              f"{rss_min:.0f} MB after {t_min:.0f} s, {rss_end:.0f} MB after {t_end:.0f} s simulated "
              f"({wall_end:.0f} s wall); growth from 1 min to the end {rss_end - rss_min:+.1f} MB "
              f"(bound < 50 MB); the recording holds {size:.0f} MB on disk")
        for kind, (rows, seconds, mb) in export_rates(folder).items():
            print(f"export {kind.upper()}: {rows:,} rows in {seconds:.2f} s = {rows / seconds / 1e6:.2f} M rows/s "
                  f"({mb:.0f} MB, {mb / seconds:.0f} MB/s)")


if __name__ == "__main__":
    main()
