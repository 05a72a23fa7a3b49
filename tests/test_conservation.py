"""Row 22: whatever the user does, nothing becomes NaN or negative and every budget balances."""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rig.controls import CONTROLS

NUMERIC = [c for c in CONTROLS.values() if not c.is_choice and not c.name.startswith("noise")]


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
def test_row22_conservation_under_any_control_sequence(neuron, steps):
    for name, value, duration_s, clamp in steps:
        neuron.set(**{name: value, "clamp": clamp})
        neuron.run(duration_s)
        state = np.array(list(neuron.state().values()))
        assert np.all(np.isfinite(state))
        s = neuron.state()
        for ion in ("Na_i_mM", "K_i_mM", "Cl_i_mM", "Na_o_mM", "K_o_mM", "Cl_o_mM", "ATP_mM"):
            assert s[ion] > 0.0, f"{ion} went non-positive after {name}={value}"
        err = neuron.budget_error()
        for key in ("Na_mmol", "K_mmol", "Cl_mmol", "charge"):
            assert err[key] < 1e-6, (key, err)
        assert err["charge_mV"] < 0.01


def test_row22_budgets_through_anoxic_depolarisation():
    from rig import Session
    s = Session(sample_rate_hz=10)
    s.set(o2_pct=0, perfusion_tau_s=0, bath_K_mM=8)
    s.run(400)
    err = s.budget_error()
    assert max(err[k] for k in ("Na_mmol", "K_mmol", "Cl_mmol", "charge")) < 1e-6, err
