"""How fast the slice runs: a benchmark that prints figures (not a unit test; it asserts nothing).

- setup: building ``rig.Session(preparation="slice")``, which settles 60 units and the patched cell;
- ``Session.run(D)`` at 1 kHz sampling, at rest, inside a spreading depolarisation (a KCl puff
  just before) and with the synaptic background (every unit's neuron firing), as x real time
  against the goal (>= 5x on this 2-core machine; the issue);
- the neuron preparation timed the same way in the same run, for the ratio slice/neuron;
- whether the second core pays: the units' neuron loop compiled with ``prange`` (not cached),
  timed alternately (ABAB...) against the shipped serial kernel on copies of one state.

These shared machines differ by up to 2x from one session to the next: compare ratios measured in
one run; the first line says which machine absolute figures came from.
Usage: ``python bench/slice.py [--duration 20] [--repeats 3]``.
"""
import argparse
import inspect
import os
import sys
import time
import types

import numba
import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
from machine import machine_line  # noqa: E402  (bench/machine.py, before this folder leaves the path)
sys.path = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != _HERE]

from engine import kernel  # noqa: E402
from rig import Session  # noqa: E402

GOAL_X_REAL_TIME = 5.0


def x_real_time(session, duration_s, repeats):
    """Best x real time of ``session.run(duration_s)`` over ``repeats`` runs (they continue)."""
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        session.run(duration_s)
        best = min(best, time.perf_counter() - t0)
    return duration_s / best


def parallel_units_kernel():
    """``advance_slice`` whose units' neuron loop runs with ``prange`` over both cores."""
    source = inspect.getsource(kernel._step_units.py_func).replace(
        "    for j in range(n_u):\n        # the puff", "    for j in numba.prange(n_u):\n        # the puff", 1)
    source = source.split("\n", 1)[1]  # without its @njit line
    namespace = {**kernel.__dict__, "numba": numba}
    exec(compile(source, kernel.__file__, "exec"), namespace)
    step = numba.njit(parallel=True, fastmath=kernel.FAST, error_model="numpy")(namespace["_step_units"])
    f = kernel.advance_slice.py_func
    g = types.FunctionType(f.__code__, {**f.__globals__, "_step_units": step}, f.__name__)
    return numba.njit(nogil=True, fastmath=kernel.FAST, error_model="numpy")(g)


def kernel_runner(advance_slice, cell, duration_s, decim):
    """A call that runs ``advance_slice`` for ``duration_s`` on copies of ``cell``'s arrays."""
    arrays = [a.copy() for a in (cell.y, cell.p, *cell._tables, cell.u, cell.puff_state, cell._p_u,
                                 *cell._tables_u, cell._work)]
    n_steps = round(duration_s * cell.step_rate_hz)
    out = np.zeros((n_steps // decim + 2, len(kernel.OUTPUT_NAMES)))
    scan = np.zeros((n_steps // 100 + 2, len(kernel.SCAN_NAMES), cell.n_units), dtype=np.float32)
    return lambda: advance_slice(*arrays, n_steps, decim, out, 0, scan, 10 ** 9, 0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="simulated seconds per run (default 20)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure, best kept (default 3)")
    args = parser.parse_args()
    print(f"{machine_line()}, "
          f"numpy {np.__version__}, numba {numba.__version__}, threading layer {numba.config.THREADING_LAYER}")

    t0 = time.perf_counter()
    Session(preparation="slice", sample_rate_hz=1000)  # compile or load from the cache
    first_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    session = Session(preparation="slice", sample_rate_hz=1000)
    setup_s = time.perf_counter() - t0
    print(f"first slice Session {first_s:.1f} s (compile or cache load), a warm one {setup_s:.1f} s (settling)\n")

    rest = x_real_time(session, args.duration, args.repeats)
    session.puff(K_mM=60.0, at_mm=1.0, width_mm=0.5, duration_s=5.0)
    wave = x_real_time(session, args.duration, args.repeats)
    t0 = time.perf_counter()
    firing = Session(preparation="slice", sample_rate_hz=1000, preset="synaptic_background")
    firing_setup_s = time.perf_counter() - t0
    background = x_real_time(firing, args.duration, args.repeats)
    neuron = x_real_time(Session(preparation="neuron", sample_rate_hz=1000), args.duration, args.repeats)
    units = session.cell.n_units
    print(f"Session.run, {args.duration:g} s at 1 kHz, best of {args.repeats}, x real time:")
    print(f"  slice at rest          {rest:6.1f}x   goal {GOAL_X_REAL_TIME:g}x: {'meets' if rest >= GOAL_X_REAL_TIME else 'MISSES'}")
    print(f"  slice in an SD wave    {wave:6.1f}x   goal {GOAL_X_REAL_TIME:g}x: {'meets' if wave >= GOAL_X_REAL_TIME else 'MISSES'}")
    print(f"  slice with background  {background:6.1f}x   goal {GOAL_X_REAL_TIME:g}x: "
          f"{'meets' if background >= GOAL_X_REAL_TIME else 'MISSES'} (its Session settles in real time: "
          f"{firing_setup_s:.1f} s)")
    print(f"  neuron (one cell)      {neuron:6.1f}x   slice costs {neuron / rest:.1f}x the neuron "
          f"({units} units at 0.1 ms + the patched cell at 20 µs)\n")

    serial = kernel_runner(kernel.advance_slice, session.cell, 2.0, session._decim)
    t0 = time.perf_counter()
    parallel = kernel_runner(parallel_units_kernel(), session.cell, 0.01, session._decim)
    parallel()
    compile_s = time.perf_counter() - t0
    parallel = kernel_runner(parallel_units_kernel(), session.cell, 2.0, session._decim)
    best = {"serial": float("inf"), "prange": float("inf")}
    for _ in range(args.repeats):
        for name, run in (("serial", serial), ("prange", parallel)):
            t0 = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - t0)
    print(f"the units' loop over {numba.get_num_threads()} threads (prange, compiled in {compile_s:.1f} s): "
          f"{2.0 / best['prange']:.1f}x real time against {2.0 / best['serial']:.1f}x serial "
          f"(ratio {best['serial'] / best['prange']:.2f}); a parallel region every 0.1 ms of slice time")


if __name__ == "__main__":
    main()
