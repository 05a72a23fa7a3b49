"""The scopes on their own: how a pixel column's (min, max) becomes a stroke."""
import numpy as np

from ui.scopes import column_path


def strokes(lo, hi):
    """The polyline's points per column (3 each) and its joins (last of a column → first of the next)."""
    y = column_path(np.asarray(lo, np.float32), np.asarray(hi, np.float32)).reshape(-1, 3)
    return y, np.abs(y[1:, 0] - y[:-1, 2])


def test_each_column_is_drawn_from_its_min_to_its_max():
    rng = np.random.default_rng(0)
    lo = rng.uniform(-80, 0, 500)
    hi = lo + rng.uniform(0, 120, 500)
    y, _ = strokes(lo, hi)
    assert np.allclose(y.min(axis=1), lo) and np.allclose(y.max(axis=1), hi)  # no spike vanishes


def test_a_slow_ramp_is_one_continuous_line():
    v = np.linspace(-70, -50, 401)
    y, joins = strokes(v[:-1], v[1:])  # each column from one sample to the next
    assert joins.max() < 1e-4 and np.all(np.diff(y.ravel()) >= -1e-4)


def test_a_burst_has_short_joins_where_a_zigzag_has_spike_tall_ones():
    quiet, spike = (-65.0, -55.0), (-66.0, 40.0)
    lo, hi = np.array([quiet, spike] * 50).T  # spikes in every other pixel column
    _, joins = strokes(lo, hi)
    assert joins.max() <= 1.0  # a zigzag (min, max, min, ...) joins 40 mV to -65 mV at every spike
