"""What no valid input may do to the cell (issue 25, point 3): the pipette cannot empty the
cytosol, a membrane driven past breakdown is lost (and says so before any later sample) rather
than shown at -870 mV, and a state that stops being a number stops the run at once, naming the
variable and the time and keeping the last good step."""
import numpy as np
import pytest

from engine.cell import NonFiniteState
from engine.kernel import S
from rig import Session, read_recording


def test_no_voltage_clamp_sequence_empties_the_cytosol():
    s = Session(preparation="neuron", sample_rate_hz=100, keep_trace=False, clamp="voltage")
    for hold_mV in (-150, 60, -150, 0, -150):
        s.set(hold_mV=hold_mV)
        s.run(5.0)
        assert s.state()["K_i_mM"] > 100.0 and s.state()["Na_i_mM"] > 5.0
        assert s.budget_error()["K"] < 1e-9 and s.budget_error()["charge"] < 1e-9


def test_through_its_access_resistance_the_cytosol_relaxes_to_the_pipette():
    """tau = R_s V / (rho D) at 10 MΩ in the 11 pL neuron: 73 s for K+, 108 s for Na+; a K+-for-Na+
    exchange, which carries no current, goes at about the slower. None at R_s = 0."""
    def drift(rs_MOhm):
        s = Session(preparation="neuron", sample_rate_hz=100, keep_trace=False, rs_MOhm=rs_MOhm, ttx_nM=1000.0)
        k0 = s.state()["K_i_mM"]
        s.cell.y[S["K_i_mM"]] -= 10.0  # a cytosol knocked off the pipette's K+ (Na+ in its place)
        s.cell.y[S["Na_i_mM"]] += 10.0
        s.run(20.0)
        return k0 - s.state()["K_i_mM"]
    ideal, ten = drift(0.0), drift(10.0)  # the pump alone; the pump and the pipette
    tau_pipette_s = 20.0 / np.log(ideal / ten)
    assert 80.0 < tau_pipette_s < 130.0


@pytest.mark.parametrize("preparation", ["neuron", "node"])
def test_a_membrane_driven_past_breakdown_is_lost_not_shown_at_870_mV(preparation, tmp_path):
    s = Session(preparation=preparation, sample_rate_hz=10000)
    s.start_recording(tmp_path / "r.vrig")
    s.set(hold_pA=-2000.0)
    s.run(2.0)
    s.stop_recording()
    v = s.trace()["V_mV"]
    assert np.abs(v).max() <= 300.0
    assert s.cell_lost and "lost" in s.cell_lost
    assert -40.0 < v[-1] < 0.0  # porated: Na+, K+ and Cl- alike
    lost_at = [t for t, text in s.markers() if "broke down" in text]
    assert len(lost_at) == 1
    _, channels, events = read_recording(tmp_path / "r.vrig")
    event = next(e for e in events if e.get("lost"))
    assert event["t_s"] == pytest.approx(lost_at[0])
    assert np.abs(channels["V_mV"][channels["t_s"] <= event["t_s"]]).max() > 200.0  # it was driven there
    assert np.abs(channels["V_mV"][channels["t_s"] > event["t_s"] + 0.01]).max() < 60.0


def test_a_state_that_stops_being_a_number_stops_the_run_naming_it(tmp_path):
    s = Session(preparation="neuron", sample_rate_hz=1000)
    s.run(0.1)
    s.cell.y[S["Cl_i_mM"]] = -1.0  # what no valid input can do: the guard behind every run
    with pytest.raises(NonFiniteState, match=r"Cl_i_mM.*t = 0\.1000"):
        s.run(1.0)
    assert np.isfinite(s.cell.y).all()  # the last good state is kept
    assert s.t_s == pytest.approx(0.1, abs=1e-4)
    assert any("stopped being a number" in text for _, text in s.markers())


def test_the_command_line_keeps_what_was_recorded_when_the_run_stops(tmp_path, monkeypatch, capsys):
    from rig.cli import main
    from rig.recorder import finished

    real_run_to = Session.run_to

    def run_to(self, t_s):  # the guard's error, as a run that went non-finite raises it
        if t_s > 0.3:
            real_run_to(self, 0.3)
            raise NonFiniteState("the run stopped: Cl_i_mM stopped being a number at t = 0.30002 s; the cell is "
                                 "kept as it was at t = 0.30000 s, the last good step")
        return real_run_to(self, t_s)

    monkeypatch.setattr(Session, "run_to", run_to)
    record, csv = tmp_path / "r.vrig", tmp_path / "out.csv"
    code = main(["--headless", "--duration", "1", "--sample-rate-hz", "1000", "--record", str(record),
                 "--csv", str(csv)])
    assert code == 1
    err = capsys.readouterr().err
    assert "Cl_i_mM stopped being a number" in err and "Traceback" not in err
    assert finished(record)
    _, channels, _ = read_recording(record)
    assert channels["t_s"][-1] == pytest.approx(0.3)
    assert csv.read_text(encoding="utf-8").count("\n") == 301  # the header and 0.3 s at 1 kHz
