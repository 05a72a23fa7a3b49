"""However a run is cut, it gives the same answer (issue 25, point 1): the state and every recorded
sample after N steps are the same whether the steps ran at once, in slices of any length down to
one step, or with a control change at a cut; for the neuron (with its neighbour, noise and a
synaptic background) and for the slice. Checked at the cell (engine) and through Session.run with
durations that are not whole steps."""
import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.kernel import P
from engine.slice import Slice
from rig import Session, read_recording

DECIM = 5  # a sample every 5 steps (10 kHz at 20 µs)


class Samples:
    def __init__(self):
        self.blocks = []

    def append(self, block):
        self.blocks.append(block.copy())

    def array(self):
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 0))


def settled(kind, **controls):
    """The engine's cell of a settled Session (recording at 10 kHz, V noise on)."""
    return Session(preparation=kind, seed=7, noise_V_mV=0.5, **controls).cell


@pytest.fixture(scope="module")
def neuron():
    # a synaptic background and noise: every random draw must belong to its step, not to the call
    return settled("neuron", syn_exc_Hz=400.0, syn_inh_Hz=100.0)


@pytest.fixture(scope="module")
def slice_():
    return settled("slice")


def run_cut(base, cuts, n_steps, change=None):
    """Copy ``base``, run ``n_steps`` cut at ``cuts`` (and at a change's step); the copy and its samples."""
    cell = copy.deepcopy(base)
    sink = Samples()
    points = sorted({0, n_steps, *cuts, *([change[0]] if change else [])})
    for a, b in zip(points, points[1:]):
        if change and a == change[0]:
            cell.p[P[change[1]]] = change[2]
        cell.advance(b - a, DECIM, (sink,))
    return cell, sink.array()


def assert_same(one, other):
    (a, samples_a), (b, samples_b) = one, other
    assert np.array_equal(a.y, b.y), np.flatnonzero(a.y != b.y)
    assert np.array_equal(samples_a, samples_b)
    if isinstance(a, Slice):
        assert np.array_equal(a.u, b.u)
        assert np.array_equal(a.linescan()["V_mV"], b.linescan()["V_mV"])


CHANGES = st.one_of(st.none(), st.tuples(st.integers(1, 2999),
                                         st.sampled_from([("bath_K_mM", 9.0), ("inject_pA", 250.0),
                                                          ("temperature_C", 30.0), ("retigabine_uM", 10.0)])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, 2999), max_size=8), change=CHANGES)
def test_a_neuron_run_gives_the_same_answer_however_it_is_cut(neuron, cuts, change):
    change = change and (change[0], *change[1])
    n = 3000
    whole = run_cut(neuron, [], n, change)
    assert_same(whole, run_cut(neuron, cuts, n, change))


def test_one_step_at_a_time_is_the_same_as_all_at_once(neuron):
    n = 700
    assert_same(run_cut(neuron, [], n), run_cut(neuron, range(1, n), n))
    assert_same(run_cut(neuron, [], n), run_cut(neuron, range(351, n, 351), n))  # the 351-step slices


@pytest.mark.slow
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cuts=st.lists(st.integers(1, 2999), max_size=6), change=CHANGES)
def test_a_slice_run_gives_the_same_answer_however_it_is_cut(slice_, cuts, change):
    change = change and (change[0], *change[1])
    n = 3000  # 60 ms: 600 unit steps, three linescan rows
    whole = run_cut(slice_, [], n, change)
    assert_same(whole, run_cut(slice_, cuts, n, change))


@settings(max_examples=8, deadline=None)
@given(parts=st.lists(st.floats(0.0, 0.02, allow_nan=False), min_size=1, max_size=6))
def test_session_runs_of_any_durations_end_where_one_run_ends(parts):
    """Durations that are not whole steps: the clock aims at the time asked for in all."""
    total = sum(parts)
    one, cut = (Session(preparation="neuron", seed=2, hold_pA=150.0, noise_V_mV=0.3) for _ in range(2))
    one.run(total)
    for part in parts:
        cut.run(part)
    assert cut.t_s == one.t_s
    assert np.array_equal(one.cell.y, cut.cell.y)
    assert np.array_equal(one.trace()["V_mV"], cut.trace()["V_mV"])


def test_a_restored_snapshot_keeps_the_sample_grid_so_the_recording_keeps_its_times(tmp_path):
    s = Session(preparation="neuron", seed=3, sample_rate_hz=1000)
    snap = s.snapshot()
    s.run(0.00012)  # between two samples: the snapshot's grid and the clock's now differ
    s.start_recording(tmp_path / "r.vrig")
    s.run(0.0105)
    s.restore(snap)
    s.run(0.0203)
    s.stop_recording()
    _, channels, _ = read_recording(tmp_path / "r.vrig")
    trace = s.trace()
    assert np.array_equal(channels["t_s"], trace["t_s"][trace["t_s"] > 0.00012])
    assert np.allclose(np.diff(trace["t_s"]), 0.001)


def test_a_call_of_no_steps_stores_every_variable_as_it_was_loaded(neuron):
    """The kernel writes the state back where it read it: a call of no steps gives back every
    variable unchanged (a swap between layouts would mix reversal potentials, fluxes and books)."""
    from engine.kernel import S, advance, new_tables
    cell = copy.deepcopy(neuron)
    cell.y[:] = np.arange(1.0, len(cell.y) + 1.0)
    for flag in ("above_threshold", "membrane_broken"):  # kept as 0 or 1
        cell.y[S[flag]] = 1.0
    before = cell.y.copy()
    advance(cell.y, cell.p, *new_tables(), 0, DECIM, np.zeros((1, 20)), 0)
    assert np.array_equal(cell.y, before)
