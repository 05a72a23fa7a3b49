"""Row 22: whatever the user does, nothing becomes NaN or negative and every budget balances."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import STATE_NAMES
from rig.controls import CONTROLS

NUMERIC = [c for c in CONTROLS.values()
           if not (c.is_choice or c.fixed or c.name.startswith("noise")) and c.applies_to("neuron")]
BOOKS = ("Na", "K", "Cl", "charge", "tissue_Na", "tissue_K", "tissue_Cl", "tissue_charge")
# every ion of the patched cell, its shell, its neighbour and the tissue ECS, and both cells' ATP
POSITIVE = [name for name in STATE_NAMES if name.endswith(("_i_mM", "_o_mM", "_t_mM", "ATP_mM"))]


def _worst(err):
    """Largest relative drift over both sets of books: the patched cell's and the tissue's."""
    assert set(BOOKS) <= set(err)
    return max(err[k] for k in BOOKS)


@st.composite
def control_steps(draw):
    steps = []
    for _ in range(draw(st.integers(1, 4))):
        c = draw(st.sampled_from(NUMERIC))
        value = draw(st.floats(c.lo, c.hi, allow_nan=False))
        steps.append((c.name, value, draw(st.floats(0.05, 2.0)), draw(st.sampled_from(["current", "voltage", "I=0"]))))
    return steps


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=control_steps())
def test_row22_conservation_under_any_control_sequence(settled_neuron, steps):
    neuron, snap = settled_neuron
    neuron.restore(snap)  # every example starts from the same settled cell
    for name, value, duration_s, clamp in steps:
        neuron.set(**{name: value, "clamp": clamp})
        neuron.run(duration_s)
        state = np.array(list(neuron.state().values()))
        assert np.all(np.isfinite(state))
        s = neuron.state()
        for key in POSITIVE:
            assert s[key] > 0.0, f"{key} went non-positive after {name}={value}"
        err = neuron.budget_error()
        assert _worst(err) < 1e-6, err
        assert err["charge_mV"] < 0.01 and err["tissue_charge_mV"] < 0.01


def test_row22_budgets_through_anoxic_depolarisation(figure):
    from rig import Session
    s = Session(sample_rate_hz=10)
    s.set(o2_pct=0, perfusion_tau_s=0, bath_K_mM=8, hold_pA=100)
    s.run(400)
    err = s.budget_error()
    assert _worst(err) < 1e-6, err
    figure(22, f"worst book {_worst(err):.0e} relative after 400 s of anoxia, high K+ and a held current")


@pytest.mark.parametrize("clamp", ["current", "voltage", "I=0"])
def test_row22_every_control_at_its_edges(settled_neuron, clamp):
    """Each control at its minimum, a hair above it (e.g. 5e-324 MΩ series resistance) and maximum."""
    neuron, snap = settled_neuron
    for c in NUMERIC:
        for value in (c.lo, np.nextafter(c.lo, c.hi), c.hi):
            neuron.restore(snap)
            neuron.set(**{c.name: value, "clamp": clamp})
            neuron.run(0.2)
            state = np.array(list(neuron.state().values()))
            assert np.all(np.isfinite(state)), (c.name, value)
            err = neuron.budget_error()
            assert _worst(err) < 1e-6, (c.name, value, err)
