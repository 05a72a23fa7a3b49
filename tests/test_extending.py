"""The README's "Extending the model", step by step, on its worked examples: the paranodal leak
(a channel density, the node's demyelination), the gates (their tables, carrying current only where
the cell has the channel) and DL-TBOA (a chamber solute; a new one is worked through on a copy of the
table in tests/test_solutes.py). Each step the README names is checked here, so the recipe cannot
drift from the code."""
import pytest

from engine import kernel, solutes
from engine.preparations import COMMON_PARAMS, MAMMALIAN_START, NODE
from rig import Session
from rig.controls import CONTROLS


def test_a_density_is_declared_once_and_every_cell_gets_its_own():
    # step 1: one row in CELL_PARAM_FIELDS gives the patched cell and the tissue's cells each a copy
    assert "P_paranodal_cm_s" in kernel.CELL_P._fields
    assert {"P_paranodal_cm_s", kernel.TISSUE_PREFIX + "P_paranodal_cm_s"} <= set(kernel.PARAMS._fields)
    # step 2: a value for every preparation, and the node's own, with its source beside it
    assert COMMON_PARAMS["P_paranodal_cm_s"] == 0.0 and NODE.params["P_paranodal_cm_s"] == 2.0e-6


def test_a_density_acts_on_its_own_cell_only():
    """Step 3: the physics (``_cell_slow``) reads each cell's own density: exposing the paranode of
    the patched node depolarises it ~25 mV (targets row 11), exposing only the tissue's does not."""
    def rest_after_demyelination(which):
        s = Session(preparation="node")
        for name in which:
            s.cell.set_param(name, 0.0)
        s.set(demyelination=1.0)
        s.run(1.0)
        return s.readout()["V_mV"]

    intact = Session(preparation="node").readout()["V_mV"]
    both = rest_after_demyelination(())
    tissue_only = rest_after_demyelination(("P_paranodal_cm_s",))
    patched_only = rest_after_demyelination((kernel.TISSUE_PREFIX + "P_paranodal_cm_s",))
    assert both - intact == pytest.approx(25.0, abs=7.0)
    assert abs(tissue_only - intact) < 1.0  # the neighbour's paranode is not the patched cell's
    assert patched_only == pytest.approx(both, abs=1.0)


GATES = ("m", "h", "n", "p", "s", "q")  # Nav, Kd, M-current, and the slow inactivation of Nav and Kd


def test_a_gate_is_a_cell_state_with_its_table_columns():
    """Step 1: the gate's value is a row in CELL_STATE_FIELDS, so every cell carries one; step 2:
    its steady state and decay over dt are TABLE columns that ``_fill_tables`` fills."""
    for gate in GATES:
        assert gate in kernel.CELL._fields and gate in MAMMALIAN_START
        assert {f"{gate}_inf", f"{gate}_decay"} <= set(kernel.TABLE._fields)


def test_a_gate_carries_current_only_where_its_cell_has_the_channel():
    """Step 3: ``_membrane_step`` integrates every gate of every cell and multiplies it into its
    channel's conductance, so the astrocyte, without Nav, Kd or KCNQ, passes no current through
    them whatever its gates do: opened wide, they leave its potential where it was, to the bit."""
    def astrocyte_V(gates_open):
        s = Session(preparation="astrocyte", sample_rate_hz=100, keep_trace=False)
        if gates_open:
            for gate in ("m", "h", "n", "p"):
                s.cell.y[kernel.S[gate]] = 1.0
        s.run(0.5)
        return s.readout()["V_mV"]

    assert astrocyte_V(gates_open=True) == astrocyte_V(gates_open=False)
    neuron = Session(preparation="neuron", sample_rate_hz=100, keep_trace=False).state()
    for gate in ("m", "h", "n", "p"):  # the neuron's gates move from their start to rest
        assert neuron[gate] != MAMMALIAN_START[gate]


def test_a_chamber_solute_is_declared_once_and_perfusion_follows():
    """A chamber solute: one row in engine.solutes.SOLUTES gives its chamber state (DRUG_FIELDS),
    the control that state follows (PERFUSED) and the registry's control (unit, range, default,
    help), which feeds panels, Session.set, the CLI and the CSV header; the chamber follows it with
    the perfusion's wash-in (63 % after one tau)."""
    tboa = next(s for s in solutes.SOLUTES if s.name == "tboa")
    assert ("tboa_uM", "µM", "DL-TBOA (blocks glutamate transporters) in the chamber") in kernel.DRUG_FIELDS
    assert ("tboa_uM", "tboa_uM") in kernel.PERFUSED
    control = CONTROLS["tboa_uM"]
    assert (control.unit, control.lo, control.hi, control.default) == ("µM", 0.0, tboa.hi, tboa.bath) == (
        "µM", 0.0, 500.0, 0.0)
    assert control.help == tboa.help and control.help
    s = Session(preparation="astrocyte", perfusion_tau_s=2.0)
    s.set(tboa_uM=100.0)
    s.run(2.0)
    assert s.readout()["chamber_tboa_uM"] == pytest.approx(100.0 * (1.0 - 2.718281828 ** -1.0), rel=0.01)
