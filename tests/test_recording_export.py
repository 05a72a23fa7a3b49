"""Exports that stop half-way or would collide: Ctrl-C leaves no file (hidden or not) and the
recording untouched; outputs that would be one file, or land inside the recording, are refused
even with --force, while a CSV and an ATF of one name each get a spike table of their own; and
the part and rate asked for must be numbers. No Qt."""
import os
import shutil

import numpy as np
import pytest

from rig import Session
from rig import export as export_module
from rig.cli import main
from rig.export import ExportError, Recorded, export


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    path = tmp_path_factory.mktemp("made") / "made.vrig"
    s = Session(sample_rate_hz=1000, keep_trace=False, hold_pA=200.0)
    s.start_recording(path)
    s.run(2.0)
    s.set(bath_K_mM=5.0)
    s.run(2.0)
    s.stop_recording()
    return path


@pytest.fixture
def rec(made, tmp_path):
    return shutil.copytree(made, tmp_path / "rec.vrig")


def snapshot(folder):
    """Every file under ``folder`` with its bytes and modification time."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as f:
                out[path] = (f.read(), os.stat(path).st_mtime_ns)
    return out


def ctrl_c_after(monkeypatch, blocks):
    """Ctrl-C lands while the export formats its ``blocks + 1``-th block of rows."""
    monkeypatch.setattr(export_module, "BLOCK_ROWS", 500)
    real, done = export_module.format_rows, []

    def format_rows(*args):
        if len(done) == blocks:
            raise KeyboardInterrupt
        done.append(1)
        return real(*args)

    monkeypatch.setattr(export_module, "format_rows", format_rows)


@pytest.mark.parametrize("blocks", [0, 3, 8, 12])  # 8 blocks make the CSV: 12 is inside the ATF
def test_ctrl_c_during_an_export_leaves_nothing_and_the_recording_untouched(rec, tmp_path, monkeypatch, capsys,
                                                                            blocks):
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(rec)
    ctrl_c_after(monkeypatch, blocks)
    assert main(["export", str(rec), "--csv", str(out / "x.csv"), "--atf", str(out / "x.atf")]) == 130
    assert capsys.readouterr().err == (f"virtual-rig: export interrupted: nothing written; the recording {rec} "
                                       f"is untouched\n")
    assert os.listdir(out) == [] and snapshot(rec) == before


def test_ctrl_c_during_a_forced_export_keeps_the_files_it_would_replace(rec, tmp_path, monkeypatch):
    (tmp_path / "x.csv").write_text("an earlier export")
    (tmp_path / "x-spikes.csv").write_text("its spikes")
    ctrl_c_after(monkeypatch, 5)
    with pytest.raises(KeyboardInterrupt):
        export(Recorded.from_recording(rec), csv_path=tmp_path / "x.csv", overwrite=True)
    assert sorted(os.listdir(tmp_path)) == ["rec.vrig", "x-spikes.csv", "x.csv"]
    assert (tmp_path / "x.csv").read_text() == "an earlier export"


def test_ctrl_c_during_the_headless_runs_export(tmp_path, monkeypatch, capsys):
    ctrl_c_after(monkeypatch, 1)
    rec = tmp_path / "run.vrig"
    assert main(["--headless", "--duration", "1", "--record", str(rec), "--csv", str(tmp_path / "run.csv")]) == 130
    assert capsys.readouterr().err.endswith(f"virtual-rig: export interrupted: nothing written; the recording {rec} "
                                            f"is untouched\n")
    assert os.listdir(tmp_path) == ["run.vrig"]
    monkeypatch.undo()
    assert main(["export", str(rec), "--csv", str(tmp_path / "run.csv")]) == 0  # the run is all there
    assert "1,000 samples" in capsys.readouterr().out


def test_a_csv_and_an_atf_of_one_name_each_get_their_own_tables(rec, tmp_path):
    assert main(["export", str(rec), "--csv", str(tmp_path / "out.csv")]) == 0
    assert main(["export", str(rec), "--atf", str(tmp_path / "out.atf"), "--to", "2"]) == 0  # no --force needed
    assert sorted(os.listdir(tmp_path)) == ["out-atf-markers.csv", "out-atf-spikes.csv", "out-spikes.csv", "out.atf",
                                            "out.csv", "rec.vrig"]
    both = tmp_path / "both"
    both.mkdir()
    report = export(Recorded.from_recording(rec), csv_path=both / "out.csv", atf_path=both / "out.atf")
    assert report["files"] == [str(both / name) for name in ("out.csv", "out-spikes.csv", "out.atf",
                                                             "out-atf-spikes.csv", "out-atf-markers.csv")]
    fired = [(both / name).read_text().count("\n") for name in ("out-spikes.csv", "out-atf-spikes.csv")]
    assert fired[0] == fired[1] > 5


@pytest.mark.parametrize("csv, atf, message", [
    ("out.x", "out.x", "the CSV and the ATF would both be {d}/out.x"),
    ("out.x", "sub/../out.x", "the CSV and the ATF would both be {d}/sub/../out.x"),
    ("out.x", "link/out.x", "the CSV and the ATF would both be {d}/link/out.x"),
    ("out.csv", "out-spikes.csv", "the CSV's spike table and the ATF would both be {d}/out-spikes.csv"),
    ("out-atf-markers.csv", "out.atf", "the CSV and the ATF's marker table would both be {d}/out-atf-markers.csv"),
    ("hard.csv", "linked.atf", "the CSV and the ATF would both be {d}/linked.atf"),
])
def test_outputs_that_are_one_file_are_refused_even_with_force(rec, tmp_path, capsys, csv, atf, message):
    (tmp_path / "sub").mkdir()
    (tmp_path / "link").symlink_to(tmp_path)
    (tmp_path / "hard.csv").write_text("an earlier export")
    os.link(tmp_path / "hard.csv", tmp_path / "linked.atf")
    before = sorted(os.listdir(tmp_path))
    assert main(["export", str(rec), "--csv", str(tmp_path / csv), "--atf", str(tmp_path / atf), "--force"]) == 2
    err = capsys.readouterr().err
    assert err == f"virtual-rig: error: cannot export: {message.format(d=tmp_path)}; choose other names\n"
    assert sorted(os.listdir(tmp_path)) == before and (tmp_path / "hard.csv").read_text() == "an earlier export"


@pytest.mark.parametrize("target", ["rec.vrig/out.csv", "rec.vrig/samples.f32", "rec.vrig/meta.json",
                                    "alias.vrig/out.csv", "rec.vrig/../rec.vrig/events.jsonl"])
def test_an_export_inside_the_recording_is_refused_even_with_force(rec, tmp_path, capsys, target):
    (tmp_path / "alias.vrig").symlink_to(rec)
    before = snapshot(rec)
    assert main(["export", str(rec), "--csv", str(tmp_path / target), "--force"]) == 2
    assert capsys.readouterr().err == (f"virtual-rig: error: cannot write {tmp_path / target}: it is inside the "
                                       f"recording {rec}, whose folder holds only its own files; choose a path "
                                       f"outside it\n")
    assert snapshot(rec) == before


def test_an_atfs_table_inside_the_recording_is_refused(rec, tmp_path):
    with pytest.raises(ExportError, match="it is inside the recording"):
        export(Recorded.from_recording(rec), atf_path=rec / "out.atf")
    assert sorted(os.listdir(rec)) == ["events.jsonl", "meta.json", "samples.f32"]


@pytest.mark.parametrize("argument, value", [
    ("rate_hz", True), ("rate_hz", "100"), ("rate_hz", float("nan")), ("from_s", float("inf")), ("from_s", False),
    ("to_s", "2"), ("to_s", float("-inf")), ("to_s", [2]),
])
def test_the_part_and_rate_must_be_numbers(tmp_path, argument, value):
    s = Session(sample_rate_hz=1000)
    s.run(0.01)
    with pytest.raises(ValueError, match=f"export {argument} = {value!r} is not a number".replace("[", r"\[")):
        s.export(csv=tmp_path / "x.csv", **{argument: value})
    assert os.listdir(tmp_path) == []
    assert s.export(csv=tmp_path / "x.csv", **{argument: np.float64(0.01) if argument != "rate_hz" else 500})
