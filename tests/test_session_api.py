"""The headless API: bad input gets a clear error, changes leave markers, the CSV opens."""
import os
import subprocess
import sys

import numpy as np
import pytest

from rig import CONTROLS, ExportError, Session


def test_unknown_control_names_it_and_suggests(neuron):
    with pytest.raises(ValueError, match=r"unknown control 'bath_k_mM'.*Did you mean 'bath_K_mM'"):
        neuron.set(bath_k_mM=8)


@pytest.mark.parametrize("name", [n for n, c in CONTROLS.items() if not (c.is_choice or c.fixed)])
def test_every_numeric_control_rejects_out_of_range(neuron, name):
    c = CONTROLS[name]
    with pytest.raises(ValueError, match=rf"{name} = .* out of range: valid {c.lo:g}–{c.hi:g}"):
        neuron.set(**{name: c.hi + 1.0})
    with pytest.raises(ValueError, match="out of range"):
        neuron.set(**{name: c.lo - 1.0})
    with pytest.raises(ValueError, match="not a number"):
        neuron.set(**{name: "lots"})
    assert neuron.get(name) == c.default  # nothing changed


def test_bad_value_in_a_batch_changes_nothing(neuron):
    n = len(neuron.markers())
    with pytest.raises(ValueError, match="temperature_C"):
        neuron.set(bath_K_mM=8.0, temperature_C=99)
    assert neuron.get("bath_K_mM") == 3.0
    assert len(neuron.markers()) == n


def test_fixed_control_is_chosen_with_the_session():
    internode = Session(preparation="internode", sample_rate_hz=1000)
    with pytest.raises(ValueError, match=r"myelin_wraps is fixed once the cell is patched.*Session\("):
        internode.set(myelin_wraps=20)
    with pytest.raises(ValueError, match="myelin_wraps = 500 is out of range"):
        Session(preparation="internode", myelin_wraps=500)


def test_a_mutation_belongs_where_the_cell_has_what_it_changes(neuron):
    """A neuron has no paranode to expose nor myelin to wrap; an astrocyte no Nav to shift."""
    with pytest.raises(ValueError, match="demyelination belongs to the node preparation; this is the neuron"):
        neuron.set(demyelination=1.0)
    with pytest.raises(ValueError, match="myelin_wraps belongs to the internode preparation"):
        Session(preparation="neuron", myelin_wraps=10)
    with pytest.raises(ValueError, match="nav_shift_mV belongs to the neuron, .*; this is the astrocyte"):
        Session(preparation="astrocyte", nav_shift_mV=-8)


def test_choice_control_and_unknown_preparation():
    with pytest.raises(ValueError, match="clamp = 'whole-cell' is not allowed: choose one of current, voltage, I=0"):
        Session(clamp="whole-cell")
    with pytest.raises(ValueError, match="unknown preparation 'purkinje'"):
        Session(preparation="purkinje")


def test_markers_record_each_change_with_time(neuron):
    n = len(neuron.markers())
    neuron.run(0.5)
    t = neuron.t_s
    neuron.set(bath_K_mM=8.0, perfusion_tau_s=0)
    assert neuron.markers()[n:] == [(pytest.approx(t), "bath_K_mM 3 -> 8"),
                                    (pytest.approx(t), "perfusion_tau_s 10 -> 0")]
    neuron.set(bath_K_mM=8.0)  # unchanged: no marker
    assert len(neuron.markers()) == n + 2


def test_trace_has_equal_length_channels_at_the_sample_rate(neuron):
    start = neuron.t_s
    neuron.run(0.2)
    tr = neuron.trace(start_s=start)
    lengths = {len(v) for v in tr.values()}
    assert lengths == {200}  # 1 kHz for 0.2 s
    assert np.allclose(np.diff(tr["t_s"]), 1e-3)
    for key in ("t_s", "V_mV", "I_pA", "E_K_mV", "E_Na_mV", "E_Cl_mV", "ATP_mM", "O2_mM", "I_pump_pA"):
        assert key in tr


def test_readout_has_every_meter(neuron):
    r = neuron.readout()
    for key in ("t_s", "V_mV", "I_pA", "E_K_mV", "E_Na_mV", "E_Cl_mV", "Na_i_mM", "K_i_mM", "Cl_i_mM",
                "Na_o_mM", "K_o_mM", "Cl_o_mM", "ATP_mM", "O2_mM", "I_pump_pA", "ATP_use_per_s"):
        assert np.isfinite(r[key]), key


def test_voltage_clamp_holds_and_reports_inward_current(neuron):
    neuron.set(clamp="voltage", hold_mV=-70.0)
    neuron.run(0.5)
    r = neuron.readout()
    assert r["V_mV"] == pytest.approx(-70.0, abs=1e-9)
    neuron.set(hold_mV=-100.0)  # below rest the holding current is negative (inward)
    neuron.run(0.2)
    assert neuron.readout()["I_pA"] < -20.0


def test_current_clamp_step_depolarises_by_ohms_law(neuron):
    v0 = neuron.readout()["V_mV"]
    neuron.set(hold_pA=-20.0)
    neuron.run(1.0)
    dv = neuron.readout()["V_mV"] - v0
    r_in_MOhm = dv / -20.0 * 1e3
    assert 100.0 <= r_in_MOhm <= 300.0  # model-spec §2


def test_snapshot_restore_returns_to_the_same_cell(neuron):
    snap = neuron.snapshot()
    neuron.set(bath_K_mM=20.0, perfusion_tau_s=0)
    neuron.run(1.0)
    neuron.restore(snap)
    neuron.run(0.5)
    again = neuron.readout()["V_mV"]
    neuron.restore(snap)
    neuron.run(0.5)
    assert neuron.readout()["V_mV"] == pytest.approx(again, abs=1e-9)
    assert neuron.get("bath_K_mM") == 3.0


def test_export_is_readable_by_others(tmp_path):
    s = Session(sample_rate_hz=1000)
    s.run(0.01)
    old = os.umask(0o022)
    try:
        s.export_csv(tmp_path / "shared.csv")
    finally:
        os.umask(old)
    assert (tmp_path / "shared.csv").stat().st_mode & 0o777 == 0o644


def test_voltage_clamp_current_is_averaged_per_sample(neuron):
    """An ideal clamp step moves C·ΔV of charge in one step; the sample shows its mean over 1 ms."""
    neuron.set(clamp="voltage", hold_mV=-70.0)
    neuron.run(0.1)
    start = neuron.t_s
    neuron.set(hold_mV=-80.0)
    neuron.run(0.01)
    i = neuron.trace(start_s=start)["I_pA"]
    c_pF = 200.0  # 1 µF/cm² × 2×10⁴ µm²
    assert i[0] == pytest.approx(-c_pF * 10.0 / 1.0, rel=0.05)  # pC per ms = nA: -2000 pA


def test_export_to_unwritable_path_names_it(neuron, tmp_path):
    bad = tmp_path / "no-such-folder" / "out.csv"
    with pytest.raises(ExportError, match="cannot write .*no-such-folder"):
        neuron.export_csv(bad)
    assert not bad.parent.exists()


def test_engine_and_rig_import_no_qt():
    code = ("import sys, rig, rig.cli, ui.console, engine; "
            "print(any(m.startswith(('PySide6', 'pyqtgraph')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_import_contracts_hold():
    """import-linter (pyproject.toml): no Qt in engine/ or rig/, and ui -> rig -> engine only."""
    lint = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    out = subprocess.run([lint], capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(__file__)))
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("control, state", [("retigabine_uM", "retigabine_uM"), ("gaba_uM", "gaba_uM"),
                                            ("ttx_nM", "ttx_nM"), ("bath_K_mM", "K_b_mM")])
def test_drugs_and_solutions_wash_in_with_the_perfusion_time_constant(neuron, control, state):
    start = neuron.state()[state]
    neuron.set(perfusion_tau_s=10.0, **{control: start + 10.0})
    neuron.run(10.0)
    assert neuron.state()[state] == pytest.approx(start + 10.0 * (1.0 - np.exp(-1.0)), rel=1e-3)


def test_membrane_test_measures_the_cell_through_noise_and_drift():
    s = Session(sample_rate_hz=1000, noise_V_mV=0.3)
    quiet = s.membrane_test()
    assert quiet["C_pF"] == pytest.approx(200.0, rel=1e-3)  # 1 µF/cm² × 2×10⁴ µm²
    assert 100.0 <= quiet["R_in_MOhm"] <= 300.0  # model-spec §2
    s.set(hold_pA=300.0)
    s.run(0.3)
    s.set(hold_pA=0.0)  # the cell is still recovering from a train of spikes
    after = s.membrane_test()
    assert after["C_pF"] == pytest.approx(200.0, rel=1e-3)
    assert after["R_in_MOhm"] == pytest.approx(quiet["R_in_MOhm"], rel=0.15)
    assert [text for _, text in s.markers()].count(
        f"membrane test: R_in {after['R_in_MOhm']:.0f} MΩ, C {after['C_pF']:.1f} pF, tau {after['tau_ms']:.1f} ms") == 1


def test_the_slices_own_controls_are_refused_elsewhere_with_the_reason(neuron):
    with pytest.raises(ValueError, match="gap_junction_rel belongs to the slice preparation; this is the neuron"):
        neuron.set(gap_junction_rel=0.0)
    with pytest.raises(ValueError, match="core_mm belongs to the slice preparation"):
        Session(core_mm=1.0)
    with pytest.raises(ValueError, match="puff needs the slice preparation"):
        neuron.puff(K_mM=60.0, at_mm=1.0)
    with pytest.raises(ValueError, match="syn_exc_Hz belongs to the neuron, immature_neuron and slice preparations; "
                                         "this is the astrocyte"):
        Session(preparation="astrocyte", syn_exc_Hz=100.0)
