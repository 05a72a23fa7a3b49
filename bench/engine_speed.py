"""How fast the engine runs: a benchmark that prints figures (not a unit test; it asserts nothing).

For every single-cell preparation in ``engine.preparations.PREPARATIONS`` (the slice has its own
benchmark, ``bench/slice.py``) it measures
- setup: building ``rig.Session(preparation=name, seed=0)``, which settles the cell;
- ``Session.run(D)`` for D simulated seconds at 10 kHz and at 1 kHz sampling: real-time factor
  and ns per integration step (dt 20 µs), against the goals (neuron >= 150x real time at 10 kHz,
  aim >= 300x; ``shared/science/perf-anchors.md``);
- the bare kernel ``engine.kernel.advance`` over the same D seconds on copies of that session's
  arrays, timed alternately with it, so the difference is what ``Session`` adds (chunking, the NaN
  guard, keeping the trace).
Then, timed alternately (ABAB...) so that machine drift hits both sides of each ratio:
- what the unpatched neighbour costs: the neuron's kernel with and without it (the public switch
  ``has_neighbour``, which preparations without a tissue, like the squid axon, set to 0);
- the squid axon through ``Session.run`` against NEURON's ``hh`` on the same work (one compartment,
  6.3 °C, 10 µA/cm², fixed step 20 µs, ``ParallelContext.psolve``), if NEURON is installed
  (``pip install neuron``; ``make bench`` installs it). Goal: >= 10x NEURON;
- the kernel before and after a change (``--against REV``, by default the last commit before the
  kernel was restructured, BEFORE_REV): each version's ``advance`` on its own preparation's cell,
  at rest and firing (``inject_pA``), and each version's slice (its 60 units and the patched cell),
  timed alternately. Goal: after within 5 % of before.

These shared machines differ by up to 2x from one session to the next: compare ratios measured in
one run; absolute figures say which machine they came from (first lines). Each figure is the best
of ``--repeats`` runs; repeats continue the same session. The Numba compile (or on-disk cache
load) is paid by the very first Session built in this process, timed separately as the warm-up.
Usage: ``python bench/engine_speed.py [--duration 10] [--repeats 3] [--prep neuron]``.
"""
import argparse
import importlib
import time

import numba
import numpy as np
from before import engine_at
from machine import machine_line

from engine import kernel, solutes
from engine.preparations import PREPARATIONS
from rig import Session
from rig.controls import CONTROLS

RATES_HZ = (10000, 1000)
GOAL_X_REAL_TIME = {"neuron": 150.0}  # at 10 kHz; aim 300x
DEFAULT_GOAL_X_REAL_TIME = 100.0
GOAL_X_NEURON = 10.0  # the squid axon against NEURON's hh, perf-anchors.md
SQUID_CURRENT_uA_per_cm2 = 10.0
BEFORE_REV = "d6d4e63"  # the last commit before the kernel was written as one cell (issue 26)
FIRING_pA = {"squid_axon": 1000.0}  # held current for the "firing" case; others DEFAULT_FIRING_pA
DEFAULT_FIRING_pA = 200.0


def best_time(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def kernel_runner(session, duration_s, **params):
    """A call that runs ``advance`` for ``duration_s`` on its own copies of the session's arrays,
    with ``params`` (kernel parameters by name) changed on the copy."""
    y, p, decim = session.cell.y.copy(), session.cell.p.copy(), session.steps_per_sample
    for name, value in params.items():
        p[kernel.P[name]] = value
    n_steps = round(duration_s * session.step_rate_hz)
    out = np.zeros((n_steps // decim + 2, len(kernel.OUTPUT_NAMES)))
    tab, key = kernel.new_tables()
    return lambda: kernel.advance(y, p, tab, key, n_steps, decim, out, 0)


def bench(name, duration_s, repeats):
    """Setup, Session.run at each sample rate and bare-kernel figures for one preparation."""
    row = {}
    for rate in RATES_HZ:
        t0 = time.perf_counter()
        session = Session(preparation=name, seed=0, sample_rate_hz=rate)
        row["setup_s"] = time.perf_counter() - t0
        best = alternately({"session": lambda: session.run(duration_s),
                            "kernel": kernel_runner(session, duration_s)}, repeats)
        run_s, kernel_s = best["session"], best["kernel"]
        n_steps = duration_s * session.step_rate_hz
        row[rate] = {"x": duration_s / run_s, "ns": 1e9 * run_s / n_steps,
                     "kernel_x": duration_s / kernel_s, "overhead_pct": 100.0 * (run_s / kernel_s - 1.0)}
    return row


def alternately(runners, repeats):
    """Best seconds of each runner, timed ABAB... ``repeats`` times."""
    best = {name: float("inf") for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            best[name] = min(best[name], best_time(run, 1))
    return best


def neighbour_cost(duration_s, repeats):
    """ns/step of the neuron's kernel at 10 kHz with and without the neighbour, timed ABAB."""
    session = Session(preparation="neuron", seed=0, sample_rate_hz=10000)
    session.set(hold_pA=200.0)  # a firing cell: the neighbour rests, as it does in most experiments
    best = alternately({"with": kernel_runner(session, duration_s, has_neighbour=1.0),
                        "without": kernel_runner(session, duration_s, has_neighbour=0.0)}, repeats)
    n_steps = duration_s * session.step_rate_hz
    return {name: 1e9 * t / n_steps for name, t in best.items()}


def neuron_hh(duration_s, dt_ms):
    """NEURON's ``hh`` on the squid axon's patch (one compartment, 1e-4 cm², 6.3 °C, 10 µA/cm²),
    fixed step: a call that runs it, and its spike count; None without NEURON."""
    try:
        from neuron import h
    except ImportError:
        return None
    h.load_file("stdrun.hoc")
    soma = h.Section(name="soma")
    soma.L = soma.diam = 56.41895835  # µm: area π d L = 1e4 µm² = 1e-4 cm²
    soma.insert("hh")
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur = 0.0, 1e9
    stim.amp = SQUID_CURRENT_uA_per_cm2 * 1e-4 * 1e3  # nA
    h.celsius, h.dt, h.secondorder = 6.3, dt_ms, 0
    pc = h.ParallelContext()
    pc.set_maxstep(10)
    t_spikes = h.Vector()
    counter = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    counter.threshold = 0.0
    counter.record(t_spikes)

    kept = (soma, stim, counter)  # NEURON deletes a section, and its point processes, once Python lets go

    def run():
        assert kept
        h.finitialize(-65.0)
        pc.psolve(duration_s * 1000.0)
    return run, lambda: len(t_spikes)


def squid_against_neuron(duration_s, repeats):
    """The squid axon through Session.run against NEURON's hh, x real time each, timed ABAB."""
    session = Session(preparation="squid_axon", seed=0, sample_rate_hz=1000)
    area_cm2 = session.cell.param("area_cm2")
    session.set(hold_pA=SQUID_CURRENT_uA_per_cm2 * area_cm2 * 1e6)
    peer = neuron_hh(duration_s, session.dt_ms)
    if peer is None:
        return None
    run_neuron, neuron_spikes = peer
    spikes0 = session.spike_count()
    best = alternately({"engine": lambda: session.run(duration_s), "neuron": run_neuron}, repeats)
    engine_spikes = (session.spike_count() - spikes0) / repeats
    return {"engine_x": duration_s / best["engine"], "neuron_x": duration_s / best["neuron"],
            "engine_spikes": engine_spikes, "neuron_spikes": neuron_spikes()}


def kernel_on_preparation(modules, name, duration_s, inject_pA):
    """A call running one engine version's ``advance`` for ``duration_s`` on a cell of preparation
    ``name`` as that version builds it, holding ``inject_pA``; and its step count."""
    kernel = modules["kernel"]
    cell = modules["cell"].Cell(modules["preparations"].PREPARATIONS[name])
    cell.p[kernel.P["inject_pA"]] = inject_pA
    decim = 5  # 10 kHz
    n_steps = round(duration_s * cell.step_rate_hz)
    out = np.zeros((n_steps // decim + 2, len(kernel.OUTPUT_NAMES)))
    tab, key = kernel.new_tables()
    kernel.advance(cell.y, cell.p, tab, key, n_steps // 10, decim, out, 0)  # compile, fill the tables
    return (lambda: kernel.advance(cell.y, cell.p, tab, key, n_steps, decim, out, 0)), n_steps


def kernel_on_slice(modules, duration_s):
    """A call running one engine version's slice (its units and the patched cell, bathed in the
    rig's default solution, unsettled) for ``duration_s`` at 1 kHz sampling; and its step count."""
    s = modules["slice"].Slice(modules["preparations"].PREPARATIONS["slice"])
    s.bathe({ion: next(x.bath for x in solutes.SOLUTES if x.name == ion) for ion in solutes.ions(solutes.SOLUTES)},
            {}, CONTROLS["o2_pct"].default)
    n_steps = round(duration_s * s.step_rate_hz)
    s.advance(n_steps // 10, 50)  # compile, fill the tables
    return (lambda: s.advance(n_steps, 50)), n_steps


def before_and_after(rev, names, duration_s, repeats):
    """ns/step of the kernel at ``rev`` and now, per preparation at rest and firing, and of the
    slice (per step of its patched cell), timed ABAB."""
    before = engine_at(rev)
    now = {name: importlib.import_module(f"engine.{name}") for name in ("kernel", "cell", "slice", "preparations")}
    rows = {}
    for name in names:
        for case, inject in (("rest", 0.0), ("firing", FIRING_pA.get(name, DEFAULT_FIRING_pA))):
            run_before, n_steps = kernel_on_preparation(before, name, duration_s, inject)
            run_now, _ = kernel_on_preparation(now, name, duration_s, inject)
            best = alternately({"before": run_before, "after": run_now}, repeats)
            rows[name, case] = {k: 1e9 * t / n_steps for k, t in best.items()}
    if len(names) > 1:
        run_before, n_steps = kernel_on_slice(before, duration_s / 2)
        run_now, _ = kernel_on_slice(now, duration_s / 2)
        best = alternately({"before": run_before, "after": run_now}, repeats)
        rows["slice", "rest"] = {k: 1e9 * t / n_steps for k, t in best.items()}
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="simulated seconds per run (default 10)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure, best kept (default 3)")
    parser.add_argument("--prep", choices=[name for name in PREPARATIONS if name != "slice"],
                        help="benchmark only this preparation")
    parser.add_argument("--against", default=BEFORE_REV, metavar="REV",
                        help=f"git revision to time the kernel against (default {BEFORE_REV}; 'none' to skip)")
    args = parser.parse_args()
    names = [args.prep] if args.prep else [name for name in PREPARATIONS if name != "slice"]

    print(f"{machine_line()}, numpy {np.__version__}, numba {numba.__version__}")
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

    print("Session.run (the patched cell, its shell, and where the preparation has one, its neighbour and "
          "tissue), x real time:")
    print("preparation      setup s   10 kHz  ns/step  goal  meets   1 kHz   kernel 10 kHz  Session overhead")
    for name, r in results.items():
        fast, slow = r[10000], r[1000]
        goal = GOAL_X_REAL_TIME.get(name, DEFAULT_GOAL_X_REAL_TIME)
        print(f"{name:<15}  {r['setup_s']:7.2f}  {fast['x']:6.0f}x  {fast['ns']:7.1f}  {goal:3.0f}x  "
              f"{'yes' if fast['x'] >= goal else 'NO':>5}  {slow['x']:6.0f}x  {fast['kernel_x']:13.0f}x  "
              f"{fast['overhead_pct']:+15.1f}%")

    if "neuron" in names:
        ns = neighbour_cost(args.duration, max(args.repeats, 3))
        print(f"\nthe neighbour's cost (neuron kernel, 10 kHz, timed alternately): "
              f"{ns['with']:.1f} ns/step with it, {ns['without']:.1f} without: ratio {ns['with'] / ns['without']:.2f}")
    if "squid_axon" in names:
        duel = squid_against_neuron(args.duration, max(args.repeats, 3))
        if duel is None:
            print("\nNEURON is not installed (pip install neuron): the squid axon's comparison with hh is skipped")
        else:
            ratio = duel["engine_x"] / duel["neuron_x"]
            print(f"\nthe squid axon through Session.run at 1 kHz against NEURON's hh (psolve), same dt, 10 µA/cm², "
                  f"timed alternately: {duel['engine_x']:.0f}x against {duel['neuron_x']:.0f}x real time, "
                  f"ratio {ratio:.1f} (goal >= {GOAL_X_NEURON:g}: {'meets' if ratio >= GOAL_X_NEURON else 'MISSES'}); "
                  f"spikes per run {duel['engine_spikes']:.0f} and {duel['neuron_spikes']}")

    if args.against != "none":
        rows = before_and_after(args.against, names, min(args.duration, 1.0), max(2 * args.repeats + 1, 11))
        print(f"\nthe kernel before ({args.against}) and now, 10 kHz, timed alternately, ns/step "
              f"(goal: now within 5 % of before):")
        print("preparation      case      before      now   now/before")
        for (name, case), r in rows.items():
            print(f"{name:<15}  {case:<7}  {r['before']:7.1f}  {r['after']:7.1f}  {r['after'] / r['before']:10.3f}")


if __name__ == "__main__":
    main()
