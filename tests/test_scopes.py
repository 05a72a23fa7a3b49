"""The scopes on their own: how a pixel column's (min, max) becomes a stroke, and where the labels go."""
import numpy as np
import pytest

from rig import Session
from ui.scopes import Scopes, column_path


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


@pytest.fixture
def scopes(qtbot):
    view = Scopes()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def test_reversal_potentials_are_named_beside_the_plot_and_an_off_scale_one_at_its_edge(scopes):
    session = Session(sample_rate_hz=10000, keep_trace=False)
    session.run(2.0)
    readout = session.readout()
    for _ in range(2):  # the second frame sees the ranges the first one set
        scopes.refresh(session.view, readout, session.markers())
    (y0, y1) = scopes.plots["V"].getViewBox().viewRange()[1]
    assert readout["E_Na_mV"] > y1  # a resting cell: E_Na is far above the V axis's range
    labels = scopes.side_labels
    assert labels["E_Na_mV"].toPlainText() == f"E_Na {readout['E_Na_mV']:+.0f} mV ↑"
    assert labels["E_Na_mV"].pos().y() < labels["E_K_mV"].pos().y()  # at the top edge, above E_K
    assert labels["E_K_mV"].toPlainText() == f"E_K {readout['E_K_mV']:+.0f} mV"
    assert labels["E_K_mV"].parentItem() is scopes.plots["V"].getAxis("right")  # beside the plot, not over it


def test_a_marker_text_stays_inside_the_view_and_leaves_with_its_line(scopes):
    session = Session(sample_rate_hz=10000, keep_trace=False)
    session.run(5.0)
    session.add_marker("hold_pA 0 -> 50")
    session.run(0.1)
    scopes.refresh(session.view, session.readout(), session.markers())
    label = scopes.marker_lines[0][1].label
    assert label.isVisible() and label.anchor.x() == 1  # at the right edge: written left of its line
    session.run(scopes.span_s + 1)
    scopes.refresh(session.view, session.readout(), session.markers())
    assert not label.isVisible()  # its line has left the view: no text cut at the edge
