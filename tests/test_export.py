"""Exports a student can open: CSV for a spreadsheet (units, metadata, markers, changed controls),
Axon Text File read back by pyABF (a reader we did not write), the spike table beside both,
parts and thinner rates of a recording, and a warning past a spreadsheet's row limit. No Qt."""
import csv
import re

import numpy as np
import pytest

from rig import Session
from rig import export as export_module
from rig.cli import main
from rig.export import ExportError, Recorded, export
from rig.recorder import read_recording


def rows_of(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


@pytest.fixture(scope="module")
def spiking(tmp_path_factory):
    """A recording of a cell firing under a held current, with a change of bath K+ half-way."""
    folder = tmp_path_factory.mktemp("rec") / "firing.vrig"
    s = Session(seed=3, sample_rate_hz=10000, hold_pA=200.0, keep_trace=False)
    s.start_recording(folder)
    s.run(1.0)
    s.set(bath_K_mM=5.0)
    s.add_marker("wash-in starts, comma, and \"quotes\"")
    s.run(1.0)
    s.stop_recording()
    return folder, s.spike_count()


def test_csv_has_units_metadata_changed_controls_and_markers(tmp_path):
    s = Session(seed=7, sample_rate_hz=1000)
    s.run(0.05)
    s.set(bath_K_mM=8.0)
    s.run(0.05)
    report = s.export(csv=tmp_path / "out.csv")
    rows = rows_of(tmp_path / "out.csv")
    header = rows[0]
    assert header[:3] == ["t_s", "V_mV", "I_pA"] and header[-3:] == ["marker", "about", "value"]
    assert all(len(r) == len(header) for r in rows)  # a spreadsheet sees one clean table
    assert "temperature_C" not in header  # a control that never changed is in the metadata, not a column
    k, m = header.index("bath_K_mM"), header.index("marker")
    assert [r[m] for r in rows[1:] if r[m]] == ["bath_K_mM 3 -> 8"]
    assert {r[k] for r in rows[1:]} == {"3", "8"}
    about = {r[-2]: r[-1] for r in rows[1:] if r[-2]}
    assert about["preparation"] == "neuron" and about["seed"] == "7" and about["sample_rate_hz"] == "1000"
    assert about["start bath_K_mM"] == "3" and about["model_version"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", about["recorded"])  # when t = 0 was
    v = np.array([float(r[1]) for r in rows[1:]])
    assert np.allclose(v, s.trace()["V_mV"], atol=1e-4)  # 7 significant digits
    assert report == {"rows": 100, "spikes": 0, "files": [str(tmp_path / "out.csv"), str(tmp_path / "out-spikes.csv")],
                      "warning": None, "note": None, "dropped": None}


def test_an_export_too_coarse_for_spike_shapes_says_so(tmp_path):
    s = Session(sample_rate_hz=1000, hold_pA=200)
    s.run(0.5)
    report = s.export(csv=tmp_path / "coarse.csv")
    assert report["spikes"] > 0 and "half-width are empty" in report["note"] and "10000" in report["note"]


def test_a_short_export_keeps_all_its_metadata(tmp_path):
    s = Session(sample_rate_hz=1000)
    s.run(0.003)
    s.export(csv=tmp_path / "short.csv")
    rows = rows_of(tmp_path / "short.csv")
    assert len(rows) > 30 and all(len(r) == len(rows[0]) for r in rows)
    assert [r[0] for r in rows[1:4]] == ["0.001", "0.002", "0.003"] and rows[4][0] == ""
    assert "start hold_pA" in {r[-2] for r in rows}


def test_recording_to_csv_round_trip_with_spike_table(spiking, tmp_path):
    folder, fired = spiking
    out = tmp_path / "all.csv"
    assert main(["export", str(folder), "--csv", str(out)]) == 0
    _, channels, events = read_recording(folder)
    rows = rows_of(out)
    header = rows[0]
    for name in ("V_mV", "I_pA", "K_o_mM"):
        col = np.array([float(r[header.index(name)]) for r in rows[1:]])
        scale = np.abs(channels[name]).max()
        assert np.allclose(col, channels[name], rtol=0, atol=1e-6 * scale), name
    assert np.allclose([float(r[0]) for r in rows[1:]], channels["t_s"], atol=1e-9)
    marks = [r[header.index("marker")] for r in rows[1:] if r[header.index("marker")]]
    assert marks == ["bath_K_mM 3 -> 5; wash-in starts, comma, and \"quotes\""]
    spikes = rows_of(tmp_path / "all-spikes.csv")
    assert spikes[0] == ["t_s", "threshold_mV", "peak_mV", "half_width_ms", "rate_Hz"]
    assert fired > 5 and len(spikes) - 1 == fired
    peaks = [float(r[2]) for r in spikes[1:]]
    assert 30 < min(peaks) and max(peaks) < 50  # row 26: +39…+42 mV


def test_part_and_thinner_rate_keep_every_spike(spiking, tmp_path):
    folder, _ = spiking
    out = tmp_path / "part.csv"
    assert main(["export", str(folder), "--csv", str(out), "--from", "0.5", "--to", "1.5", "--rate", "1000"]) == 0
    rows = rows_of(out)
    t = np.array([float(r[0]) for r in rows[1:]])
    assert t[0] == pytest.approx(0.5) and t[-1] == pytest.approx(1.5) and np.allclose(np.diff(t), 1e-3)
    _, channels, _ = read_recording(folder)
    inside = (channels["t_s"] >= 0.5 - 1e-9) & (channels["t_s"] <= 1.5 + 1e-9)
    fired = int(channels["spikes"][inside].sum())
    assert sum(float(r[rows[0].index("spikes")]) for r in rows[1:]) == fired  # none vanish between samples
    assert len(rows_of(tmp_path / "part-spikes.csv")) - 1 == fired


def test_atf_round_trip_through_pyabf(spiking, tmp_path):
    pyabf = pytest.importorskip("pyabf")
    folder, _ = spiking
    out = tmp_path / "trace.atf"
    assert main(["export", str(folder), "--atf", str(out), "--from", "1"]) == 0
    atf = pyabf.ATF(str(out))
    _, channels, _ = read_recording(folder)
    keep = channels["t_s"] >= 1 - 1e-9
    assert atf.dataRate == 10000 and atf.sweepCount == 1
    assert atf.header["SweepStartTimesMS"] == pytest.approx(1000.0)
    for i, name in enumerate(atf.header["Signals"]):
        atf.setSweep(0, channel=i)
        assert np.allclose(atf.sweepY, channels[name][keep], rtol=0, atol=2e-6 * np.abs(channels[name]).max()), name
    assert atf.header["Signals"][:2] == ["V_mV", "I_pA"] and atf.columnLabelsY[0] == "Trace #1 (mV)"
    assert atf.sweepX[0] == 0.0
    markers = rows_of(tmp_path / "trace-atf-markers.csv")
    assert markers[1][1].startswith("bath_K_mM 3 -> 5")


def test_more_rows_than_a_spreadsheet_takes_warns(spiking, tmp_path, monkeypatch, capsys):
    folder, _ = spiking
    monkeypatch.setattr(export_module, "SPREADSHEET_ROWS", 1000)
    assert main(["export", str(folder), "--csv", str(tmp_path / "big.csv")]) == 0
    err = capsys.readouterr().err
    assert "20,000 rows" in err and "shows only the first 1,000" in err
    assert "--from S --to S" in err and "--rate 400 gives 800 rows" in err
    report = export(Recorded.from_recording(folder), csv_path=tmp_path / "ok.csv", rate_hz=50)
    assert report["warning"] is None and report["rows"] == 100


@pytest.mark.parametrize("args, message", [
    (["--from", "5"], "no samples between 5 and 2 s: the recording runs from 0.0001 to 2 s"),
    (["--from", "1", "--to", "0.5"], "--from 1 s is after --to 0.5 s"),
    (["--rate", "3000"], "--rate 3000 Hz must divide the recording's 10000 Hz"),
])
def test_bad_export_requests_say_why(spiking, tmp_path, capsys, args, message):
    folder, _ = spiking
    out = tmp_path / "x.csv"
    assert main(["export", str(folder), "--csv", str(out), *args]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_export_needs_a_target_and_a_recording(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["export", str(tmp_path)])
    assert "--csv OUT and/or --atf OUT" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "none.vrig"), "--csv", str(tmp_path / "x.csv")]) == 2
    assert "cannot read recording" in capsys.readouterr().err


def test_a_session_without_a_trace_in_memory_says_where_its_samples_are():
    s = Session(sample_rate_hz=1000, keep_trace=False)
    s.run(0.01)
    with pytest.raises(ValueError, match="keeps no trace in memory"):
        s.trace()
    with pytest.raises(ValueError, match="keeps no trace in memory"):
        s.export(csv="x.csv")


def test_the_cli_records_to_disk_and_exports_from_the_recording(tmp_path, capsys):
    rec, out = tmp_path / "run.vrig", tmp_path / "run.csv"
    assert main(["--headless", "--duration", "2", "--at", "1", "bath_K_mM=5", "--record", str(rec),
                 "--csv", str(out), "--atf", str(tmp_path / "run.atf")]) == 0
    assert "2,000 samples" in capsys.readouterr().out
    rows = rows_of(out)
    assert len(rows) - 1 == 2000 and [r[rows[0].index("marker")] for r in rows[1:] if r[rows[0].index("marker")]] == [
        "bath_K_mM 3 -> 5"]
    assert len(read_recording(rec)[1]["V_mV"]) == 2000 and (tmp_path / "run-spikes.csv").exists()


@pytest.mark.parametrize("kind, existing", [("csv", "out.csv"), ("csv", "out-spikes.csv"), ("atf", "out.atf"),
                                            ("atf", "out-atf-spikes.csv"), ("atf", "out-atf-markers.csv")])
def test_an_export_never_replaces_a_file_unless_asked(tmp_path, kind, existing):
    s = Session(sample_rate_hz=1000)
    s.run(0.01)
    (tmp_path / existing).write_text("an earlier export")
    with pytest.raises(ExportError, match=f"cannot write .*{existing}: it exists already; use --force to replace it"):
        s.export(**{kind: tmp_path / f"out.{kind}"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing]  # nothing written, nothing replaced
    assert (tmp_path / existing).read_text() == "an earlier export"
    report = s.export(**{kind: tmp_path / f"out.{kind}"}, overwrite=True)
    assert str(tmp_path / existing) in report["files"] and (tmp_path / existing).read_text() != "an earlier export"


def test_the_export_command_replaces_files_only_with_force(spiking, tmp_path, capsys):
    folder, _ = spiking
    out = tmp_path / "x.csv"
    out.write_text("an earlier export")
    assert main(["export", str(folder), "--csv", str(out)]) == 2
    assert f"cannot write {out}: it exists already; use --force to replace it" in capsys.readouterr().err
    assert out.read_text() == "an earlier export"
    assert main(["export", str(folder), "--csv", str(out), "--rate", "100", "--force"]) == 0
    assert len(rows_of(out)) == 201


def test_a_part_shows_a_control_changed_before_it_from_its_first_row(tmp_path):
    s = Session(sample_rate_hz=1000, keep_trace=False)
    s.start_recording(tmp_path / "k.vrig")
    s.run(1.0)
    s.set(bath_K_mM=8.0)
    s.run(2.0)
    s.stop_recording()
    export(Recorded.from_recording(tmp_path / "k.vrig"), csv_path=tmp_path / "part.csv", from_s=2, to_s=3)
    rows = rows_of(tmp_path / "part.csv")
    assert "bath_K_mM" in rows[0] and "temperature_C" not in rows[0]
    assert {r[rows[0].index("bath_K_mM")] for r in rows[1:]} == {"8"}
    assert float(rows[1][0]) == pytest.approx(2.0)
    assert not [r for r in rows[1:] if r[rows[0].index("marker")]]  # the change's marker is before the part
