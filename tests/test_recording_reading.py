"""Reading a recording: only a torn last row or line (whatever bytes it was cut in) is left out,
and said; anything else wrong with a file is one line naming the file, the field or line and the
problem, and recover then touches nothing. Recordings of the earlier format still read and
export, a later format is refused by name, and every sample's time reads back to the bit. No Qt."""
import json
import os
import shutil

import numpy as np
import pytest

from rig import Session
from rig.cli import main
from rig.export import Recorded, export
from rig.recorder import FORMAT_1, RecordingError, finished, open_recording, read_recording

MARKER = "R_in 120 MΩ – 5 µA"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A closed recording: 50 samples at 1 kHz, bath K+ 3 -> 5 mM after 20, then a marker in
    multi-byte characters, then 30 more."""
    path = tmp_path_factory.mktemp("made") / "made.vrig"
    s = Session(sample_rate_hz=1000, keep_trace=False)
    s.start_recording(path)
    s.run(0.02)
    s.set(bath_K_mM=5.0)
    s.add_marker(MARKER)
    s.run(0.03)
    s.stop_recording()
    return path


@pytest.fixture
def rec(made, tmp_path):
    """A copy of ``made`` to damage."""
    return shutil.copytree(made, tmp_path / "rec.vrig")


def files_of(path):
    return {name: (path / name).read_bytes() for name in sorted(os.listdir(path))}


def one_line_error(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err  # one line, no traceback
    return err


def cut_off(rec):
    """Drop the 'stopped' line: the recording as a crash left it."""
    lines = (rec / "events.jsonl").read_bytes().split(b"\n")
    (rec / "events.jsonl").write_bytes(b"\n".join(lines[:-2]) + b"\n")


@pytest.mark.parametrize("character, keep", [("Ω", 1), ("–", 1), ("–", 2), ("µ", 1)])  # bytes of it kept
def test_a_line_cut_inside_a_character_is_left_out_alone_and_said(rec, tmp_path, capsys, character, keep):
    cut_off(rec)
    data = (rec / "events.jsonl").read_bytes()
    cut = data.index(character.encode()) + keep
    (rec / "events.jsonl").write_bytes(data[:cut])  # the marker's line, torn inside a character
    recording = open_recording(rec)
    torn = cut - data.rindex(b"\n", 0, cut) - 1
    assert recording.dropped == {"events.jsonl": torn}
    assert [e["marker"] for e in recording.events] == ["bath_K_mM 3 -> 5"]
    assert len(recording.channels["V_mV"]) == 50  # no sample is touched
    assert main(["export", str(rec), "--csv", str(tmp_path / "x.csv")]) == 0
    assert (f"note: left out what a crash cut off mid-write: the last {torn} bytes of events.jsonl (an unfinished "
            f"line)") in capsys.readouterr().out
    assert main(["recover", str(rec)]) == 0
    assert f"dropped {torn} bytes cut off mid-write ({torn} of events.jsonl)" in capsys.readouterr().out
    assert finished(rec) and open_recording(rec).dropped == {} and len(read_recording(rec)[1]["V_mV"]) == 50


def test_a_torn_row_and_a_torn_line_are_both_said(rec, capsys):
    cut_off(rec)
    with open(rec / "samples.f32", "ab") as f:
        f.write(b"\x01" * 10)
    torn = '{"t_s": 0.05, "marker": "Ω'.encode()[:-1]
    with open(rec / "events.jsonl", "ab") as f:
        f.write(torn)
    assert open_recording(rec).dropped == {"samples.f32": 10, "events.jsonl": len(torn)}
    assert main(["recover", str(rec)]) == 0
    out = capsys.readouterr().out
    assert f"dropped {10 + len(torn)} bytes cut off mid-write (10 of samples.f32, {len(torn)} of events.jsonl)" in out
    assert os.path.getsize(rec / "samples.f32") == 50 * 17 * 4


@pytest.mark.parametrize("damage, problem", [
    (b"\xff", "line 2 of events.jsonl is damaged: it is not UTF-8 text"),
    (b"\x00", "line 2 of events.jsonl is damaged: it is not JSON"),
])
def test_a_damaged_line_before_the_last_is_an_error_and_recover_touches_nothing(rec, tmp_path, capsys, damage,
                                                                               problem):
    lines = (rec / "events.jsonl").read_bytes().split(b"\n")
    lines[1] = lines[1][:20] + damage + lines[1][21:]  # the marker's line, the last but one
    (rec / "events.jsonl").write_bytes(b"\n".join(lines))
    before = files_of(rec)
    for argv in (["export", str(rec), "--csv", str(tmp_path / "x.csv")], ["recover", str(rec)]):
        err = one_line_error(capsys, argv)
        assert err.startswith(f"virtual-rig: error: cannot read recording {rec}: {problem}")
    assert files_of(rec) == before and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("edit, problem", [
    (lambda m: m.update(sample_rate_hz=float("nan")), "sample_rate_hz is not a finite number (NaN or Infinity)"),
    (lambda m: m["controls"].update(bath_K_mM=float("inf")),
     "controls.bath_K_mM is not a finite number (NaN or Infinity)"),
    (lambda m: m.update(start_t_s=float("-inf")), "start_t_s is not a finite number (NaN or Infinity)"),
    (lambda m: m.update(seed="1e999"), "seed is not a finite number (NaN or Infinity)"),  # JSON's 1e999: inf
    (lambda m: m.update(channels=["V_mV", "spikes", "V_mV"]),
     "channels = ['V_mV', 'spikes', 'V_mV'] is not a list of distinct channel names"),
    (lambda m: m["channels"].remove("spikes"), "channels has no spikes"),
    (lambda m: m.update(dtype=">f8"), "dtype = '>f8' is not '<f4'"),
    (lambda m: m["controls"].update(clamp=[1]), "controls.clamp = [1] is not a number or a name"),
    (lambda m: m.pop("first_sample_step"), "it has no first_sample_step"),
    (lambda m: m.update(steps_per_sample=2.5), "steps_per_sample = 2.5 is not a whole number, 1 or more"),
    (lambda m: m.update(steps_per_sample=10), "sample_rate_hz = 1000.0 is not step_rate_hz / steps_per_sample = "
                                              "5000.0"),
])
def test_a_damaged_meta_names_the_field(rec, tmp_path, capsys, edit, problem):
    meta = json.loads((rec / "meta.json").read_text(encoding="utf-8"))
    edit(meta)
    text = json.dumps(meta).replace('"1e999"', "1e999")
    (rec / "meta.json").write_text(text, encoding="utf-8")
    before = files_of(rec)
    for argv in (["export", str(rec), "--csv", str(tmp_path / "x.csv")], ["recover", str(rec)]):
        err = one_line_error(capsys, argv)
        assert err.startswith(f"virtual-rig: error: cannot read recording {rec}: its meta.json is damaged: "
                              f"{problem}"), err
    assert files_of(rec) == before


@pytest.mark.parametrize("line, problem", [
    ('{"marker": "x"}', "it has no t_s"),
    ('{"t_s": Infinity, "marker": "x"}', "t_s is not a finite number (NaN or Infinity)"),
    ('{"t_s": NaN, "marker": "x"}', "t_s is not a finite number (NaN or Infinity)"),
    ('{"t_s": "0.02", "marker": "x"}', "t_s = '0.02' is not a number"),
    ('{"t_s": 0.02, "control": "bath_K_mM"}', "control 'bath_K_mM' has no value"),
    ('{"t_s": 0.02, "control": "bath_K_mM", "value": NaN}', "value is not a finite number (NaN or Infinity)"),
    ('{"t_s": 0.02, "control": 5, "value": 1}', "control = 5 is not a control's name"),
    ('{"t_s": 0.02, "marker": ["x"]}', "marker = ['x'] is not text"),
    ('{"t_s": 0.02, "controls": {"hold_pA": null}}', "controls = {'hold_pA': None} is not a table of control values"),
    ('[0.02, "x"]', "it is not a table of fields"),
    ('{"t_s": 0.01, "marker": "x"}', "t_s = 0.01 is before the line above's 0.02"),
])
def test_a_damaged_event_names_the_line_and_the_field(rec, tmp_path, capsys, line, problem):
    lines = (rec / "events.jsonl").read_text(encoding="utf-8").split("\n")
    lines.insert(2, line)  # after the change and the marker at 0.02 s, before "stopped"
    (rec / "events.jsonl").write_text("\n".join(lines), encoding="utf-8")
    before = files_of(rec)
    for argv in (["export", str(rec), "--csv", str(tmp_path / "x.csv")], ["recover", str(rec)]):
        err = one_line_error(capsys, argv)
        assert err.startswith(f"virtual-rig: error: cannot read recording {rec}: line 3 of events.jsonl is damaged: "
                              f"{problem}"), err
    assert files_of(rec) == before


@pytest.mark.parametrize("closed", [True, False])
@pytest.mark.parametrize("edit", [lambda c: c.remove("Na_influx_per_s"), lambda c: c.append("extra_mV")])
def test_samples_that_do_not_match_the_channels_are_refused_never_trimmed(rec, tmp_path, capsys, closed, edit):
    if not closed:
        cut_off(rec)
    meta = json.loads((rec / "meta.json").read_text(encoding="utf-8"))
    edit(meta["channels"])
    (rec / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    before = files_of(rec)
    n = len(meta["channels"])
    for argv in (["export", str(rec), "--csv", str(tmp_path / "x.csv")], ["recover", str(rec)]):
        err = one_line_error(capsys, argv)
        assert err.startswith(f"virtual-rig: error: cannot read recording {rec}: samples.f32 ")
        assert f"the {n} channels meta.json names" in err and "is meta.json's channel list right?" in err
    assert files_of(rec) == before  # recover cut nothing off


def test_a_later_format_is_refused_by_name(rec, tmp_path, capsys):
    meta = json.loads((rec / "meta.json").read_text(encoding="utf-8"))
    meta["format"] = "virtual-rig recording 3"
    (rec / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    err = one_line_error(capsys, ["export", str(rec), "--csv", str(tmp_path / "x.csv")])
    assert f"cannot read recording {rec}: it is in format 'virtual-rig recording 3', which this Virtual Rig" in err
    assert "a newer Virtual Rig made it" in err


# controls that format 1 recordings (made before 2026-12) do not have
NEWER_CONTROLS = ("butyrate_fed", "core_mm", "core_o2_pct", "gap_junction_rel", "glutamate_uM", "kynurenic_acid_uM",
                  "patch_mm", "quinolinic_acid_uM", "syn_exc_Hz", "syn_inh_Hz", "tboa_uM")


def as_format_1(rec):
    """``rec`` as the first format wrote it: no sample steps, and none of the controls added since."""
    meta = json.loads((rec / "meta.json").read_text(encoding="utf-8"))
    meta["format"] = FORMAT_1
    for key in ("first_sample_step", "steps_per_sample", "step_rate_hz"):
        del meta[key]
    for name in NEWER_CONTROLS:
        del meta["controls"][name]
    (rec / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def test_a_recording_of_the_first_format_exports(rec, tmp_path, capsys):
    as_format_1(rec)
    out = tmp_path / "old.csv"
    assert main(["export", str(rec), "--csv", str(out), "--atf", str(tmp_path / "old.atf")]) == 0
    rows = [line.split(",") for line in out.read_text(encoding="utf-8").splitlines()]
    header = rows[0]
    assert [r[0] for r in rows[1:4]] == ["0.001", "0.002", "0.003"]  # start_t_s + (i + 1) / rate
    assert "bath_K_mM" in header and not set(NEWER_CONTROLS) & set(header)
    about = {r[-2] for r in rows[1:]}
    assert "start bath_K_mM" in about and "start tboa_uM" not in about  # nothing made up


def test_a_control_the_metadata_does_not_name_is_empty_until_it_is_set(rec, tmp_path):
    as_format_1(rec)
    lines = (rec / "events.jsonl").read_text(encoding="utf-8").split("\n")
    lines.insert(2, json.dumps({"t_s": 0.03, "marker": "tboa_uM 0 -> 5", "control": "tboa_uM", "value": 5.0}))
    (rec / "events.jsonl").write_text("\n".join(lines), encoding="utf-8")
    export(Recorded.from_recording(rec), csv_path=tmp_path / "x.csv")
    rows = [line.split(",") for line in (tmp_path / "x.csv").read_text(encoding="utf-8").splitlines()]
    column = [r[rows[0].index("tboa_uM")] for r in rows[1:]]
    assert column == [""] * 29 + ["5"] * 21  # not 5 before it was set (a change shows from its own sample)


def test_every_sample_reads_back_at_the_time_the_trace_gives_it(tmp_path):
    s = Session(sample_rate_hz=10000)
    s.run(0.00004)  # two steps: between two samples
    s.start_recording(tmp_path / "t.vrig")
    s.run(0.05)
    s.add_marker("x")
    s.run(0.0123)
    s.stop_recording()
    _, channels, _ = read_recording(tmp_path / "t.vrig")
    trace = s.trace(start_s=0.00004)
    assert channels["t_s"][0] == trace["t_s"][0] == 0.0001
    assert np.array_equal(channels["t_s"], trace["t_s"])  # exactly, not within 40 µs
    assert np.array_equal(channels["V_mV"], trace["V_mV"].astype(np.float32))


def test_a_marker_no_file_can_hold_is_refused_and_memory_and_disk_agree(tmp_path):
    s = Session(sample_rate_hz=1000)
    s.start_recording(tmp_path / "m.vrig")
    s.run(0.01)
    with pytest.raises(ValueError, match=r"marker text 'bad \\ud800' cannot be saved: character 5 is a lone "
                                         r"surrogate"):
        s.add_marker("bad \ud800")
    s.add_marker(MARKER)
    s.run(0.01)
    s.stop_recording()
    _, _, events = read_recording(tmp_path / "m.vrig")
    assert [text for _, text in s.markers()] == [e["marker"] for e in events if "marker" in e] == [MARKER]
    assert export(Recorded.from_recording(tmp_path / "m.vrig"), csv_path=tmp_path / "m.csv")["rows"] == 20


def test_a_missing_folder_or_file_is_one_line(tmp_path, rec, capsys):
    os.remove(rec / "events.jsonl")
    err = one_line_error(capsys, ["recover", str(rec)])
    assert err == f"virtual-rig: error: cannot read recording {rec}: events.jsonl: No such file or directory\n"
    with pytest.raises(RecordingError, match="no such folder"):
        read_recording(tmp_path / "none.vrig")
