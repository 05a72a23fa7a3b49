"""The scopes on their own: how a pixel column's (min, max) becomes a stroke, where the labels go, and
what sets the y ranges (the current scope follows the holding current; locked ranges stay)."""
import numpy as np
import pytest

from rig import Session
from rig.view import ScopeView
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


def _view_with_current(I_pA):
    names = ("t_s", "V_mV", "I_pA", "E_K_mV", "E_Na_mV", "E_Cl_mV", "K_o_mM", "Na_i_mM", "Cl_i_mM", "ATP_mM",
             "O2_mM")
    view = ScopeView(names, 10000.0)
    block = np.zeros((len(I_pA), len(names)))
    block[:, 0] = np.arange(1, len(I_pA) + 1) / 1e4
    block[:, 1] = -70.0
    block[:, 2] = I_pA
    block[:, 3:6] = (-90.0, 60.0, -80.0)
    block[:, 6:] = (3.0, 10.0, 6.0, 2.5, 0.9)
    view.append(block)
    return view


READOUT = {"E_K_mV": -90.0, "E_Na_mV": 60.0, "E_Cl_mV": -80.0}


def test_the_current_scope_follows_the_holding_current_not_a_transient(scopes):
    I_pA = np.full(100_000, -20.0)  # 10 s at -20 pA, with a capacitive transient of 2 nA for 0.5 ms
    I_pA[50_000:50_005] = 2000.0
    scopes.refresh(_view_with_current(I_pA), READOUT, [])
    (y0, y1) = scopes.plots["I"].getViewBox().viewRange()[1]
    assert y0 < -20.0 < y1 and y1 - y0 < 100.0, (y0, y1)


def test_locked_y_ranges_stay_until_fitted_once(scopes):
    scopes.refresh(_view_with_current(np.full(20_000, 0.0)), READOUT, [])
    scopes.lock_y(True)
    locked = scopes.plots["I"].getViewBox().viewRange()[1]
    scopes.refresh(_view_with_current(np.full(20_000, 500.0)), READOUT, [])
    assert scopes.plots["I"].getViewBox().viewRange()[1] == locked
    scopes.fit_y()
    (y0, y1) = scopes.plots["I"].getViewBox().viewRange()[1]
    assert y0 < 500.0 < y1 and scopes.y_locked
