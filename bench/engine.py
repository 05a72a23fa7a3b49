"""How fast the engine runs: a benchmark that prints figures (not a unit test; it asserts nothing).

For every preparation in ``engine.preparations.PREPARATIONS`` it measures
- setup: building ``rig.Session(preparation=name, seed=0, sample_rate_hz=1000)``, which settles the cell;
- ``Session.run(D)`` for D simulated seconds: ns per kernel step and the real-time factor, checked
  against the goals (neuron >= 300x real time, every preparation >= 200x; see
  ``shared/science/perf-anchors.md``);
- the bare kernel ``engine.kernel.advance`` over the same D seconds on copies of that session's
  arrays, so the difference is what ``Session`` adds (chunking, copying samples into the trace).

Each figure is the best of ``--repeats`` runs; repeats continue the same session (and the same
kernel arrays) rather than starting fresh cells. The Numba compile (or on-disk cache load) is paid by
the very first Session built in this process, which is timed separately and used as the warm-up.
Usage: ``python bench/engine.py [--duration 10] [--repeats 3] [--prep neuron]``.
"""
import argparse
import os
import platform
import sys
import time

import numba
import numpy as np

# This file is itself named engine.py: take its folder off the import path so ``engine`` is the package.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _HERE]

from engine.kernel import OUTPUT_NAMES, advance, new_tables  # noqa: E402
from engine.preparations import PREPARATIONS  # noqa: E402
from rig import Session  # noqa: E402

GOAL_X_REAL_TIME = {"neuron": 300.0}
DEFAULT_GOAL_X_REAL_TIME = 200.0
SAMPLE_RATE_HZ = 1000


def best_time(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def timed_session(name):
    t0 = time.perf_counter()
    session = Session(preparation=name, seed=0, sample_rate_hz=SAMPLE_RATE_HZ)
    return session, time.perf_counter() - t0


def bench(name, duration_s, repeats):
    """Setup, Session.run and bare-kernel figures for one preparation (kernel already compiled)."""
    session, setup_s = timed_session(name)
    n_steps = round(duration_s * 1000.0 / session.dt_ms)
    run_s = best_time(lambda: session.run(duration_s), repeats)

    y, p, decim = session._y.copy(), session._p.copy(), session._decim
    out = np.zeros((len(OUTPUT_NAMES), n_steps // decim + 2))
    tab, key = new_tables()
    kernel_s = best_time(lambda: advance(y, p, tab, key, n_steps, decim, out, 0), repeats)
    return {"dt_us": 1000.0 * session.dt_ms, "setup_s": setup_s,
            "ns_per_step": 1e9 * run_s / n_steps, "x_real_time": duration_s / run_s,
            "kernel_ns_per_step": 1e9 * kernel_s / n_steps, "kernel_x_real_time": duration_s / kernel_s,
            "overhead_pct": 100.0 * (run_s / kernel_s - 1.0)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="simulated seconds per run (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure, best kept (default 3)")
    parser.add_argument("--prep", choices=list(PREPARATIONS), help="benchmark only this preparation")
    args = parser.parse_args()
    names = [args.prep] if args.prep else list(PREPARATIONS)

    print(f"python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__}, "
          f"os.cpu_count() {os.cpu_count()}")
    print(f"{args.duration:g} s simulated per run, best of {args.repeats}; repeats continue one session "
          f"(and one copy of its arrays for the bare kernel); samples at {SAMPLE_RATE_HZ} Hz\n")

    _, first_s = timed_session(names[0])  # the warm-up: pays the Numba compile or cache load
    cached = sum(advance.stats.cache_hits.values()) and not sum(advance.stats.cache_misses.values())
    results = {name: bench(name, args.duration, args.repeats) for name in names}
    warm_s = results[names[0]]["setup_s"]
    how = "load the kernel from Numba's on-disk cache" if cached else "compile the kernel"
    print(f"first Session in this process ({names[0]}): {first_s:.2f} s, a warm one {warm_s:.2f} s: "
          f"{first_s - warm_s:.2f} s to {how}\n")

    print("preparation      dt µs  setup s  ns/step  x real time  goal  meets  "
          "kernel ns/step  kernel x real time  Session overhead")
    for name, r in results.items():
        goal = GOAL_X_REAL_TIME.get(name, DEFAULT_GOAL_X_REAL_TIME)
        meets = "yes" if r["x_real_time"] >= goal else "NO"
        print(f"{name:<15}  {r['dt_us']:5.1f}  {r['setup_s']:7.2f}  {r['ns_per_step']:7.1f}  "
              f"{r['x_real_time']:10.0f}x  {goal:3.0f}x  {meets:>5}  {r['kernel_ns_per_step']:14.1f}  "
              f"{r['kernel_x_real_time']:17.0f}x  {r['overhead_pct']:+15.1f}%")


if __name__ == "__main__":
    main()
