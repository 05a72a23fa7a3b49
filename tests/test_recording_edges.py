"""What a new user found around recordings and exports (issue 25): no export into any recording's
folder, a full disk before the first sample leaves no folder behind, thinned rows keep their
times, a second Ctrl-C while a run winds down exports nothing, and a scenario's steps after the
end are said."""
import errno
import signal
from unittest import mock

import pytest

from rig import Session
from rig.cli import main
from rig.export import ExportError
from rig.recorder import RecordingError


@pytest.fixture(scope="module")
def session():
    s = Session(preparation="neuron", sample_rate_hz=10000)
    s.run(0.01)
    return s


def test_no_export_goes_into_another_recordings_folder_even_with_force(session, tmp_path):
    other = tmp_path / "other.vrig"
    session.start_recording(other)
    session.run(0.001)
    session.stop_recording()
    before = {p.name: p.read_bytes() for p in other.iterdir()}
    for name in ("samples.f32", "events.jsonl", "meta.json", "new.csv"):
        with pytest.raises(ExportError, match="is a recording, whose folder holds only its own files"):
            session.export(csv=other / name, overwrite=True)
    assert {p.name: p.read_bytes() for p in other.iterdir()} == before


def test_a_full_disk_before_the_first_sample_leaves_no_folder_behind(tmp_path):
    s = Session(preparation="astrocyte", sample_rate_hz=1000)
    path = tmp_path / "full.vrig"
    with mock.patch("rig.recorder.json.dump", side_effect=OSError(errno.ENOSPC, "No space left on device")):
        with pytest.raises(RecordingError, match="No space left on device; nothing was recorded"):
            s.start_recording(path)
    assert not path.exists()
    s.start_recording(path)  # the name is free for when there is room
    s.stop_recording()


def test_thinned_rows_keep_the_times_of_their_samples(session, tmp_path):
    session.export(csv=tmp_path / "thin.csv", to_s=0.003, rate_hz=1000)
    lines = (tmp_path / "thin.csv").read_text(encoding="utf-8").splitlines()[1:]
    times = [line.split(",")[0] for line in lines if line.split(",")[0]]  # the metadata's own rows go on
    assert times == ["0.0001", "0.0011", "0.0021"]  # not 0, 0.001, 0.002: one sample earlier


def test_a_second_ctrl_c_while_the_run_winds_down_exports_nothing(tmp_path, capsys, monkeypatch):
    run_to = Session.run_to

    def press_ctrl_c_twice_at_1_s(self, t_s):
        run_to(self, t_s)
        if self.t_s >= 1.0:
            signal.raise_signal(signal.SIGINT)
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(Session, "run_to", press_ctrl_c_twice_at_1_s)
    record, out = tmp_path / "r.vrig", tmp_path / "out.csv"
    assert main(["--headless", "--duration", "60", "--record", str(record), "--csv", str(out)]) == 130
    assert "Ctrl-C twice: nothing exported; the recording" in capsys.readouterr().err
    assert not out.exists() and (record / "samples.f32").stat().st_size > 0


def test_the_csv_cannot_be_the_recordings_own_folder(tmp_path, capsys):
    path = str(tmp_path / "r.vrig")
    assert main(["--headless", "--duration", "600", "--record", path, "--csv", path]) == 2
    assert "it is the recording's own folder" in capsys.readouterr().err
    assert not (tmp_path / "r.vrig").exists()  # refused before the run


def test_a_scenarios_steps_after_the_end_are_said(tmp_path, capsys):
    scenario = tmp_path / "late.toml"
    scenario.write_text('preparation = "astrocyte"\nduration_s = 0.2\n\n[[at]]\nt_s = 3\nbath_K_mM = 5\n',
                        encoding="utf-8")
    assert main(["--headless", "--scenario", str(scenario), "--sample-rate-hz", "1000"]) == 0
    assert "the scenario's step at 3 s is after the end (0.2 s) and will not be applied" in capsys.readouterr().out
