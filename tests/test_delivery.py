"""How each block of samples reaches the rig (engine.cell's delivery, rig.trace, rig.view): however
the samples are cut into blocks, the trace holds them exactly and the scopes' bins are the minima
and maxima numpy gives (a NaN stays a NaN); what the kernel writes straight into the trace is what
other sinks are handed; a state that stops being a number stops the run just before its step, with
every good sample delivered. No Qt."""
import numpy as np
import pytest

import rig.trace
from engine.cell import Cell, NonFiniteState
from engine.kernel import OUTPUT_NAMES, S
from rig import Session
from rig.trace import Trace
from rig.view import BIN_S, RAW_SAMPLES, ScopeView


def cuts(n, seed, largest=5000):
    """Random block boundaries over ``n`` samples, with empty and one-sample blocks among them."""
    rng = np.random.default_rng(seed)
    edges = np.concatenate([[0], np.sort(rng.integers(0, n, size=max(1, n // (largest // 2)))), [n]])
    return list(zip(edges[:-1], edges[1:])) + [(n, n)]


def samples(n, channels, seed):
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(n, channels)) * 50.0
    data[rng.integers(0, n, size=5), rng.integers(0, channels, size=5)] = np.nan
    data[rng.integers(0, n, size=3), rng.integers(0, channels, size=3)] = np.inf
    data[rng.integers(0, n, size=3), rng.integers(0, channels, size=3)] = -np.inf
    return data


@pytest.mark.parametrize("rate_hz", [1000.0, 3000.0, 10000.0])
def test_the_bins_are_numpys_minima_and_maxima_however_the_blocks_are_cut(rate_hz):
    n = RAW_SAMPLES + 60_000  # the oldest samples are only in the binned ring
    data = samples(n, 3, seed=int(rate_hz))
    whole, cut = ScopeView(("a", "b", "c"), rate_hz), ScopeView(("a", "b", "c"), rate_hz)
    whole.append(data)
    for first, last in cuts(n, seed=1):
        cut.append(data[first:last])
    per_bin = max(1, round(BIN_S * rate_hz))
    binned = data[:n // per_bin * per_bin].reshape(-1, per_bin, 3)
    for i, name in enumerate(("a", "b", "c")):
        span_s = (n - 1) / rate_hz  # reaches back past the raw ring: read from the bins
        for view in (whole, cut):
            t, lo, hi = view.window(name, span_s, n_points=10 * n)
            assert lo.dtype == np.float32
            assert np.array_equal(lo, binned[-len(lo):, :, i].min(axis=1).astype(np.float32), equal_nan=True)
            assert np.array_equal(hi, binned[-len(hi):, :, i].max(axis=1).astype(np.float32), equal_nan=True)
            t, lo, hi = view.window(name, 1000 / rate_hz, n_points=10 * n)  # the raw ring: each sample
            assert np.array_equal(lo, data[-1000:, i].astype(np.float32), equal_nan=True)


def test_the_trace_holds_every_sample_exactly_however_the_blocks_are_cut(monkeypatch):
    # many chunks, most of them prepared ahead, and blocks across them
    monkeypatch.setattr(rig.trace, "CHUNK_MIN_BYTES", 3000)
    monkeypatch.setattr(rig.trace, "CHUNK_MAX_BYTES", 40_000)
    monkeypatch.setattr(rig.trace, "AHEAD_AFTER_BYTES", 6000)
    names = ("t_s", "x", "y")
    data = samples(30_000, 3, seed=2)
    trace = Trace(names)
    for first, last in cuts(len(data), seed=3, largest=4000):
        trace.append(data[first:last])
        assert len(trace) == last
    arrays = trace.arrays()
    for i, name in enumerate(names):
        assert np.array_equal(arrays[name], data[:, i], equal_nan=True)
        for start in (0, 1, 777, 29_999, 30_000):
            assert np.array_equal(trace.column(name, start), data[start:, i], equal_nan=True)
    empty = Trace(names)
    assert len(empty) == 0 and all(len(v) == 0 for v in empty.arrays().values())


class Copies:
    """A sink that is handed each block (it lends the kernel no memory)."""

    def __init__(self):
        self.blocks = []

    def append(self, block):
        self.blocks.append(block.copy())


def test_the_samples_the_kernel_writes_into_the_trace_are_those_it_hands_other_sinks(monkeypatch):
    monkeypatch.setattr(rig.trace, "CHUNK_MIN_BYTES", 50_000)  # many chunks, and runs across them
    monkeypatch.setattr(rig.trace, "CHUNK_MAX_BYTES", 400_000)
    monkeypatch.setattr(rig.trace, "AHEAD_AFTER_BYTES", 100_000)
    s = Session(preparation="neuron", sample_rate_hz=10000)
    moment = s.cell.snapshot()
    trace, copies = Trace(OUTPUT_NAMES), Copies()
    for sinks in ((trace,), (copies, trace), (copies,)):  # the trace lends, the copies are handed blocks
        cell = Cell(s.preparation)
        cell.put_back(moment)
        for steps in (7, 1, 5000, 123_457, 3, 60_000, 2):
            cell.advance(steps, s.steps_per_sample, sinks)
    handed = np.concatenate(copies.blocks)  # two runs from the same moment, as the trace holds
    assert len(trace) == len(handed) == 2 * (188_470 // s.steps_per_sample)
    arrays = trace.arrays()
    for i, name in enumerate(OUTPUT_NAMES):
        assert np.array_equal(arrays[name], handed[:, i])


BAD_STEP = 61_234  # in the second block at 10 kHz (8192 samples of 5 steps each)


class BreaksOnStep(Cell):
    """A cell whose Cl_i_mM becomes ``poison`` on step ``BAD_STEP``, as a faulty model might make it."""
    poison = np.nan

    def _kernel(self, n_steps, decim):
        start = self.steps
        written = super()._kernel(n_steps, decim)
        if start + n_steps >= BAD_STEP:
            self.y[S["Cl_i_mM"]] = self.poison
        return written


@pytest.mark.parametrize("poison", [np.nan, np.inf])
def test_a_run_stops_before_the_first_bad_step_with_every_good_sample_delivered(poison):
    s = Session(preparation="neuron", sample_rate_hz=10000)
    decim, rate_hz = s.steps_per_sample, s.step_rate_hz
    moment = s.cell.snapshot()
    good = Cell(s.preparation)
    good.put_back(moment)
    kept, kept_view = Trace(OUTPUT_NAMES), ScopeView(OUTPUT_NAMES, s.sample_rate_hz)
    good.advance(BAD_STEP - 1, decim, (kept, kept_view))

    bad = BreaksOnStep(s.preparation)
    bad.put_back(moment)
    bad.poison = poison
    trace, view = Trace(OUTPUT_NAMES), ScopeView(OUTPUT_NAMES, s.sample_rate_hz)
    with pytest.raises(NonFiniteState, match=rf"Cl_i_mM stopped being a number at t = {BAD_STEP / rate_hz:.5f} s"):
        bad.advance(3 * BAD_STEP, decim, (trace, view))
    assert bad.steps == good.steps == BAD_STEP - 1
    assert np.array_equal(bad.y, good.y) and np.array_equal(bad.last, good.last)
    expected, got = kept.arrays(), trace.arrays()
    assert len(got["t_s"]) == (BAD_STEP - 1) // decim
    assert all(np.array_equal(got[name], expected[name]) for name in OUTPUT_NAMES)
    assert got["t_s"][-1] == (BAD_STEP - 1) // decim * decim / rate_hz  # seconds, on the step grid
    span_s = BAD_STEP / rate_hz
    for name in ("V_mV", "t_s"):
        assert all(np.array_equal(a, b) for a, b in zip(view.window(name, span_s, 10**6),
                                                        kept_view.window(name, span_s, 10**6)))
