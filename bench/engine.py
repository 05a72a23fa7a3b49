"""How fast the engine runs: a benchmark that prints figures (not a unit test; it asserts nothing).

For every single-cell preparation in ``engine.preparations.PREPARATIONS`` (the slice has its own
benchmark, ``bench/slice.py``) it measures
- setup: building ``rig.Session(preparation=name, seed=0)``, which settles the slice;
- ``Session.run(D)`` for D simulated seconds at 10 kHz and at 1 kHz sampling: real-time factor
  and ns per integration step (dt 20 µs), against the goals (neuron with its neighbour >= 150x
  real time at 10 kHz, aim >= 250x; see the issue and ``shared/science/perf-anchors.md``);
- the bare kernel ``engine.kernel.advance`` over the same D seconds on copies of that session's
  arrays, so the difference is what ``Session`` adds (chunking, keeping the trace).
Then what the unpatched neighbour costs: the kernel as shipped against a copy compiled with
``WITH_NEIGHBOUR = False``, timed alternately (ABAB...) on the neuron so that machine drift hits
both, and reported as a ratio.

These shared machines differ by up to 2x from one session to the next: compare ratios measured in
one run; absolute figures say which machine they came from (first lines). Each figure is the best
of ``--repeats`` runs; repeats continue the same session. The Numba compile (or on-disk cache
load) is paid by the very first Session built in this process, timed separately as the warm-up.
Usage: ``python bench/engine.py [--duration 10] [--repeats 3] [--prep neuron]``.
"""
import argparse
import os
import sys
import time
import types

import numba
import numpy as np

# This file is itself named engine.py: take its folder off the import path so ``engine`` is the package.
_HERE = os.path.dirname(os.path.abspath(__file__))
from machine import machine_line  # noqa: E402  (bench/machine.py, before this folder leaves the path)
sys.path = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _HERE]

from engine import kernel  # noqa: E402
from engine.preparations import PREPARATIONS  # noqa: E402
from rig import Session  # noqa: E402

RATES_HZ = (10000, 1000)
GOAL_X_REAL_TIME = {"neuron": 150.0}  # at 10 kHz; aim 250x
DEFAULT_GOAL_X_REAL_TIME = 100.0


def best_time(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def kernel_runner(advance, session, duration_s):
    """A call that runs ``advance`` for ``duration_s`` on its own copies of the session's arrays."""
    y, p, decim = session.cell.y.copy(), session.cell.p.copy(), session._decim
    n_steps = round(duration_s * session.step_rate_hz)
    out = np.zeros((n_steps // decim + 2, len(kernel.OUTPUT_NAMES)))
    tab, key = kernel.new_tables()
    return lambda: advance(y, p, tab, key, n_steps, decim, out, 0)


def bench(name, duration_s, repeats):
    """Setup, Session.run at each sample rate and bare-kernel figures for one preparation."""
    row = {}
    for rate in RATES_HZ:
        t0 = time.perf_counter()
        session = Session(preparation=name, seed=0, sample_rate_hz=rate)
        row["setup_s"] = time.perf_counter() - t0
        run_s = best_time(lambda: session.run(duration_s), repeats)
        kernel_s = best_time(kernel_runner(kernel.advance, session, duration_s), repeats)
        n_steps = duration_s * session.step_rate_hz
        row[rate] = {"x": duration_s / run_s, "ns": 1e9 * run_s / n_steps,
                     "kernel_x": duration_s / kernel_s, "overhead_pct": 100.0 * (run_s / kernel_s - 1.0)}
    return row


def lone_cell_kernel():
    """``advance`` compiled again with WITH_NEIGHBOUR False (not cached), and its compile time."""
    f = kernel.advance.py_func
    lone = types.FunctionType(f.__code__, {**f.__globals__, "WITH_NEIGHBOUR": False}, f.__name__,
                              f.__defaults__, f.__closure__)
    compiled = numba.njit(nogil=True, fastmath=kernel.FAST, error_model="numpy")(lone)
    session = Session(preparation="neuron", seed=0, sample_rate_hz=10000)
    t0 = time.perf_counter()
    kernel_runner(compiled, session, 0.001)()
    return compiled, time.perf_counter() - t0


def neighbour_cost(duration_s, repeats):
    """ns/step of the neuron's kernel at 10 kHz with and without the neighbour, timed ABAB."""
    lone, compile_s = lone_cell_kernel()
    session = Session(preparation="neuron", seed=0, sample_rate_hz=10000)
    session.set(hold_pA=200.0)  # a firing cell: the neighbour rests, as it does in most experiments
    runners = {"with": kernel_runner(kernel.advance, session, duration_s),
               "without": kernel_runner(lone, session, duration_s)}
    best = {name: float("inf") for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            best[name] = min(best[name], best_time(run, 1))
    n_steps = duration_s * session.step_rate_hz
    return {name: 1e9 * t / n_steps for name, t in best.items()}, compile_s


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="simulated seconds per run (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure, best kept (default 3)")
    parser.add_argument("--prep", choices=[name for name in PREPARATIONS if name != "slice"],
                        help="benchmark only this preparation")
    args = parser.parse_args()
    names = [args.prep] if args.prep else [name for name in PREPARATIONS if name != "slice"]

    print(f"{machine_line()}, "
          f"numpy {np.__version__}, numba {numba.__version__}")
    print(f"{args.duration:g} s simulated per run, best of {args.repeats}, dt 20 µs. Absolute figures "
          f"vary up to 2x between sessions on shared machines; compare the ratios.\n")

    t0 = time.perf_counter()
    Session(preparation=names[0], seed=0, sample_rate_hz=1000)  # the warm-up: compile or cache load
    first_s = time.perf_counter() - t0
    cached = sum(kernel.advance.stats.cache_hits.values()) and not sum(kernel.advance.stats.cache_misses.values())
    results = {name: bench(name, args.duration, args.repeats) for name in names}
    how = "load the kernel from Numba's on-disk cache" if cached else "compile the kernel"
    print(f"first Session in this process ({names[0]}): {first_s:.2f} s, a warm one "
          f"{results[names[0]]['setup_s']:.2f} s: {first_s - results[names[0]]['setup_s']:.2f} s to {how}\n")

    print("Session.run (the slice: patched cell, shell, neighbour, tissue), x real time:")
    print("preparation      setup s   10 kHz  ns/step  goal  meets   1 kHz   kernel 10 kHz  Session overhead")
    for name, r in results.items():
        fast, slow = r[10000], r[1000]
        goal = GOAL_X_REAL_TIME.get(name, DEFAULT_GOAL_X_REAL_TIME)
        print(f"{name:<15}  {r['setup_s']:7.2f}  {fast['x']:6.0f}x  {fast['ns']:7.1f}  {goal:3.0f}x  "
              f"{'yes' if fast['x'] >= goal else 'NO':>5}  {slow['x']:6.0f}x  {fast['kernel_x']:13.0f}x  "
              f"{fast['overhead_pct']:+15.1f}%")

    if "neuron" in names:
        ns, compile_s = neighbour_cost(args.duration, max(args.repeats, 3))
        print(f"\nthe neighbour's cost (neuron kernel, 10 kHz, timed alternately): "
              f"{ns['with']:.1f} ns/step with it, {ns['without']:.1f} without: ratio "
              f"{ns['with'] / ns['without']:.2f} (the lone-cell copy compiled in {compile_s:.1f} s)")


if __name__ == "__main__":
    main()
