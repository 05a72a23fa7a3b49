"""The scopes' view: min/max decimation keeps every spike at any zoom, memory stays bounded, and
long spans come from the binned ring without copying the history. No Qt."""
import numpy as np
import pytest

from rig import Session
from rig.view import RAW_SAMPLES, ScopeView


@pytest.fixture(scope="module")
def firing():
    s = Session(preparation="neuron", sample_rate_hz=10000)
    s.set(hold_pA=300.0)
    s.run(3.0)
    return s


@pytest.mark.parametrize("n_points", [50, 300, 2000, 100000])
def test_no_spike_vanishes_at_any_zoom(firing, n_points):
    t, lo, hi = firing.view.window("V_mV", 2.0, n_points)
    assert len(t) == len(lo) == len(hi) <= n_points
    spikes = firing.spikes(start_s=firing.t_s - 2.0 + 2.0 / len(t))
    for sp in spikes:
        k = np.searchsorted(t, sp["t_s"] - 1e-9)  # the point whose stretch holds the peak
        assert hi[k] == pytest.approx(sp["peak_mV"], abs=1e-4)  # float32 of the sample itself
    assert hi.max() > 20.0 and lo.min() < -55.0


def test_the_view_agrees_with_the_recording(firing):
    t, lo, hi = firing.view.window("V_mV", 1.0, 100)
    tr = firing.trace(start_s=firing.t_s - 1.0)
    v = tr["V_mV"].reshape(100, -1)
    assert np.allclose(lo, v.min(axis=1), atol=1e-4) and np.allclose(hi, v.max(axis=1), atol=1e-4)
    assert t[-1] == pytest.approx(firing.t_s) and np.allclose(t, tr["t_s"].reshape(100, -1)[:, -1])


def test_memory_is_bounded_and_long_spans_come_binned():
    s = Session(preparation="neuron", sample_rate_hz=10000)
    before = s.view.nbytes
    s.set(hold_pA=200.0)
    s.run(30.0)  # past the raw ring's 20 s
    assert s.view.nbytes == before < 30e6
    t, lo, hi = s.view.window("V_mV", 25.0, 500)
    assert len(t) <= 500 and t[-1] == pytest.approx(s.t_s, abs=0.011)
    assert hi.max() > 20.0  # spikes survive in the 10 ms min/max bins
    assert t[0] == pytest.approx(s.t_s - 25.0, abs=0.2)


def test_ring_wraps_correctly():
    view = ScopeView(("x",), 1000.0)
    data = np.arange(RAW_SAMPLES + 12345, dtype=float)[:, None]
    for start in range(0, len(data), 7777):
        view.append(data[start:start + 7777])
    t, lo, hi = view.window("x", 10.0, 100000)  # the newest 10 000 samples, one point each
    assert np.array_equal(lo, data[-10000:, 0]) and np.array_equal(hi, lo)
    assert t[-1] == len(data) / 1000.0


def test_scrolling_back_shows_the_stretch_asked_for():
    view = ScopeView(("t_s", "x"), 1000.0)
    n = RAW_SAMPLES + 50_000  # older samples are only in the binned ring now
    x = np.arange(n, dtype=float)
    view.append(np.column_stack([x, x]))
    t, lo, hi = view.window("x", 2.0, 10_000, end_s=250.0)  # inside the raw ring
    assert t[-1] == pytest.approx(250.0) and len(t) == 2000
    assert lo[-1] == hi[-1] == 249_999  # the sample taken at 250 s
    t, lo, hi = view.window("x", 10.0, 10_000, end_s=20.0)  # only the 10 ms bins hold this
    assert t[0] == pytest.approx(10.01) and t[-1] == pytest.approx(20.0)
    assert lo[0] == 10_000 and hi[-1] == 19_999
    t, lo, hi = view.window("x", 10.0, 20_000, end_s=n / 1000 + 100)  # not beyond the newest
    assert len(t) == 10_000 and t[-1] == pytest.approx(n / 1000) and hi[-1] == n - 1
