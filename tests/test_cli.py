"""The command line: headless runs write a CSV; --help lists every control; bad input exits 2."""
import csv
import signal
import subprocess
import sys

import numpy as np
import pytest

from rig.cli import main, schedule_from
from rig.controls import CONTROLS
from rig.variability import student_seed


def test_headless_run_writes_csv_with_marker(tmp_path, capsys):
    out = tmp_path / "out.csv"
    code = main(["--headless", "--duration", "2", "--set", "bath_K_mM=8", "--at", "1", "--csv", str(out)])
    assert code == 0
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2000  # 1 kHz
    marked = [r for r in rows if r["marker"]]
    assert marked[0]["marker"] == "bath_K_mM 3 -> 8"
    assert float(marked[0]["t_s"]) == pytest.approx(1.0, abs=2e-3)
    assert "marker" in capsys.readouterr().out


def test_schedule_syntax():
    start, events = schedule_from([("--set", ["temperature_C=30"]), ("--at", ["5", "bath_K_mM=8", "o2_pct=0"]),
                                   ("--set", ["bath_K_mM=3"]), ("--at", ["9"]), ("--at", ["0", "hold_pA=5"])])
    assert start == {"temperature_C": 30.0}
    assert events == [(0.0, {"hold_pA": 5.0}, None), (5.0, {"bath_K_mM": 8.0, "o2_pct": 0.0}, None),
                      (9.0, {"bath_K_mM": 3.0}, None)]


def test_change_at_the_very_end_is_applied_and_marked(tmp_path, capsys):
    assert main(["--headless", "--duration", "2", "--at", "2", "bath_K_mM=8"]) == 0
    assert "marker    2.000 s  bath_K_mM 3 -> 8" in capsys.readouterr().out


def test_csv_folder_is_checked_before_running(tmp_path, capsys):
    assert main(["--headless", "--duration", "600", "--csv", str(tmp_path / "gone" / "x.csv")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("argv, message", [
    (["--set", "bath_K_mM=900"], "bath_K_mM = '900' is out of range"),
    (["--set", "bath_K=8"], "unknown control 'bath_K'"),
    (["--at", "soon", "bath_K_mM=8"], "--at needs a time in seconds"),
    (["--at", "3"], "--at 3 has nothing to change"),
    (["--preparation", "purkinje"], "unknown preparation"),
    (["--at", "nan", "bath_K_mM=8"], "--at needs a time in seconds (0 or more) first, got 'nan'"),
    (["--sample-rate-hz", "0"], "sample rate 0.0 Hz must divide"),
    (["--sample-rate-hz", "3000"], "must divide the integration rate 50000 Hz"),
    (["--student", "s1", "--scenario", "ischaemic_core"], "no --cell-seed or --student"),
    (["--student", " "], "a student ID must not be empty"),
])
def test_bad_input_exits_2_with_a_message(argv, message, capsys):
    assert main(["--headless", "--duration", "1"] + argv) == 2
    assert message in capsys.readouterr().err


def test_help_lists_every_control_with_range_the_presets_and_the_other_commands():
    out = subprocess.run([sys.executable, "-m", "rig", "--help"], capture_output=True, text=True, check=True).stdout
    for c in CONTROLS.values():
        assert c.name in out
    assert "0.5–150 mM" in out
    assert "  synaptic_background" in out and "virtual-rig export NAME.vrig" in out and "virtual-rig recover" in out


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])  # Ctrl-C, or a polite kill
def test_ctrl_c_stops_the_run_and_keeps_every_sample_recorded(sig, tmp_path, capsys, monkeypatch):
    from rig.session import Session
    run_to = Session.run_to

    def press_ctrl_c_at_2_s(self, t_s):  # the student presses Ctrl-C two simulated seconds in
        run_to(self, t_s)
        if self.t_s >= 2.0:
            signal.raise_signal(sig)

    monkeypatch.setattr(Session, "run_to", press_ctrl_c_at_2_s)
    before = signal.getsignal(sig)  # Python's own, or ignored when started in the background
    out = tmp_path / "cut.csv"
    assert main(["--headless", "--duration", "3600", "--at", "1", "bath_K_mM=8", "--csv", str(out)]) == 130
    printed = capsys.readouterr().out
    assert "interrupted at t = 2.000 s: keeping what was recorded" in printed
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 2000 and float(rows[-1]["t_s"]) == 2.0  # every sample up to the stop
    assert [r["marker"] for r in rows if r["marker"]] == ["bath_K_mM 3 -> 8"]
    assert signal.getsignal(sig) is before  # the signal does what it did before


@pytest.mark.parametrize("where, message", [("folder", "it is a folder; give a file name"),
                                            ("proc", "cannot write /proc/out.csv")])
def test_an_unwritable_csv_is_refused_before_the_run(tmp_path, capsys, where, message):
    path = str(tmp_path) if where == "folder" else "/proc/out.csv"
    assert main(["--headless", "--duration", "600", "--csv", path]) == 2
    assert message in capsys.readouterr().err


def test_set_takes_several_assignments_like_at():
    start, events = schedule_from([("--set", ["bath_K_mM=4", "temperature_C=30"]), ("--at", ["2", "o2_pct=0"])])
    assert start == {"bath_K_mM": 4.0, "temperature_C": 30.0}
    assert events == [(2.0, {"o2_pct": 0.0}, None)]


def test_the_slice_can_be_puffed_from_the_command_line(tmp_path, capsys):
    start, events = schedule_from([("--puff", ["1", "K_mM=60", "at_mm=0.15"])])
    assert events == [(1.0, {}, {"at_mm": 0.15, "width_mm": 0.2, "duration_s": 5.0, "K_mM": 60.0})]
    scan = tmp_path / "scan.csv"
    assert main(["--headless", "--preparation", "slice", "--duration", "2", "--puff", "1", "K_mM=60", "at_mm=1.5",
                 "--csv", str(tmp_path / "p.csv"), "--linescan", str(scan)]) == 0
    out = capsys.readouterr().out
    assert "puff K_mM 60, Cl_mM 191 at 1.5 mm (width 0.2 mm) for 5 s" in out
    assert f"wrote {scan} (2,400 rows: every 0.05 s at 60 places)" in out
    # a row per time and place, positions written exactly; under the puff K_o has risen
    rows = np.genfromtxt(scan, delimiter=",", names=True)
    assert rows.dtype.names == ("t_s", "x_mm", "V_mV", "K_o_mM", "astro_V_mV")
    assert rows["x_mm"][:2].tolist() == [0.025, 0.075] and rows["t_s"][-1] == 2.0
    last = rows[rows["t_s"] == 2.0]
    assert last["K_o_mM"][np.argmin(np.abs(last["x_mm"] - 1.5))] > 10.0 > last["K_o_mM"][0]
    assert main(["--headless", "--preparation", "slice", "--duration", "1", "--linescan", str(scan)]) == 2
    assert f"cannot write {scan}: it exists already; use --force" in capsys.readouterr().err
    assert main(["--headless", "--duration", "1", "--linescan", str(tmp_path / "n.csv")]) == 2
    assert "--linescan needs the slice preparation" in capsys.readouterr().err
    assert main(["--headless", "--duration", "1", "--puff", "0.5", "K_mM=60", "at_mm=1"]) == 2
    assert "--puff needs the slice preparation" in capsys.readouterr().err
    assert main(["--headless", "--preparation", "slice", "--duration", "1", "--puff", "0.5", "K_mM=60"]) == 2
    assert "--puff needs at_mm=MM" in capsys.readouterr().err


def test_an_empty_csv_name_is_refused(capsys):
    assert main(["--headless", "--duration", "1", "--csv", ""]) == 2
    assert "empty file name" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("virtual-rig 0.")


def test_a_long_run_reports_its_progress_on_stderr(capsys, monkeypatch):
    from rig import cli
    monkeypatch.setattr(cli, "PROGRESS_AFTER_S", 0.0)
    monkeypatch.setattr(cli, "PROGRESS_EVERY_S", 0.0)
    assert main(["--headless", "--duration", "3"]) == 0
    err = capsys.readouterr().err
    assert "virtual-rig: t = 1 of 3 s (33 %)" in err and "Ctrl-C stops and keeps the recording" in err


def test_a_run_too_long_for_memory_is_refused_before_it_starts(capsys):
    assert main(["--headless", "--duration", "1e12"]) == 2
    assert "GB of trace in memory, more than half of this machine's" in capsys.readouterr().err


def test_an_existing_csv_is_refused_before_the_run_unless_forced(tmp_path, capsys):
    out = tmp_path / "out.csv"
    out.write_text("an earlier run")
    (tmp_path / "out-spikes.csv").write_text("its spikes")
    assert main(["--headless", "--duration", "0.1", "--csv", str(out)]) == 2
    printed = capsys.readouterr()
    assert f"cannot write {out}: it exists already; use --force to replace it" in printed.err
    assert "recorded" not in printed.out and out.read_text() == "an earlier run"  # refused before the run
    out.unlink()
    assert main(["--headless", "--duration", "0.1", "--csv", str(out)]) == 2  # the spike table beside it too
    assert "out-spikes.csv: it exists already" in capsys.readouterr().err
    assert main(["--headless", "--duration", "0.1", "--csv", str(out), "--force"]) == 0
    assert out.read_text().count("\n") == 101 and (tmp_path / "out-spikes.csv").read_text() != "its spikes"


@pytest.mark.parametrize("argv, message", [
    (["--headless", "--duration", "abc"],
     "virtual-rig: error: argument --duration: got 'abc'; expected seconds, more than 0"),
    (["--headless", "--duration", "-5"], "argument --duration: got '-5'; expected seconds, more than 0"),
    (["--headless", "--seed", "1.5"], "argument --seed: got '1.5'; expected a whole number 0–4294967295"),
    (["--headless", "--sample-rate-hz", "fast"], "argument --sample-rate-hz: got 'fast'; expected samples per second"),
    (["export", "x.vrig", "--csv", "x.csv", "--from", "abc"],
     "virtual-rig export: error: argument --from: got 'abc'; expected a time in seconds"),
    (["export", "x.vrig", "--csv", "x.csv", "--rate", "lots"],
     "argument --rate: got 'lots'; expected samples per second"),
])
def test_a_bad_number_is_one_line_naming_option_value_and_form(argv, message, capsys):
    with pytest.raises(SystemExit) as done:
        main(argv)
    err = capsys.readouterr().err
    assert done.value.code == 2 and message in err
    assert err.count("\n") == 1 and "usage:" not in err


@pytest.mark.parametrize("name, message", [
    ("hold", "unknown control 'hold'. Did you mean 'hold_pA' or 'hold_mV'?"),
    ("temp", "unknown control 'temp'. Did you mean 'temperature_C'?"),
    ("Bath_K_mM", "unknown control 'Bath_K_mM'. Did you mean 'bath_K_mM'?"),
])
def test_an_unknown_control_names_the_closest_few(name, message, capsys):
    assert main(["--headless", "--duration", "1", "--set", f"{name}=1"]) == 2
    assert capsys.readouterr().err == f"virtual-rig: error: {message}\n"


def test_an_unknown_control_far_from_any_lists_the_controls_by_panel(capsys):
    assert main(["--headless", "--duration", "1", "--set", "bogus=1"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "virtual-rig: error: unknown control 'bogus'; the controls, by panel:"
    assert "  Perfusion: bath_K_mM, bath_Na_mM, bath_Cl_mM, perfusion_tau_s" in lines
    assert len(lines) == 1 + len({c.group for c in CONTROLS.values()})
    assert sorted(n for line in lines[1:] for n in line.split(": ")[1].split(", ")) == sorted(CONTROLS)


@pytest.mark.parametrize("argv, message", [
    (["--cell-seed", "-1"], "argument --cell-seed: got '-1'; expected a whole number 0–18446744073709551615"),
    (["--cell-seed", "4,4"], "argument --cell-seed: got '4,4'"),
    (["--cell-seed", "3", "--student", "s1"], "not allowed with argument"),
])
def test_a_cell_seed_as_typed_is_refused_by_the_parser_with_a_message(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["--headless", "--duration", "1"] + argv)
    assert stopped.value.code == 2 and message in capsys.readouterr().err


def test_a_student_s_own_cell_is_patched_and_named_in_the_csv(tmp_path, capsys):
    out = tmp_path / "mine.csv"
    assert main(["--headless", "--duration", "0.2", "--preparation", "astrocyte", "--student", " S1003",
                 "--course", "PHYS2026", "--csv", str(out)]) == 0
    with open(out, newline="") as f:
        about = {r["about"]: r["value"] for r in csv.DictReader(f) if r["about"]}
    assert about["cell_seed"] == str(student_seed("s1003", "PHYS2026")) and about["cell_attempt"].isdigit()
