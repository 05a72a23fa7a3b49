"""A scenario is checked whole when it is loaded (issue 25): every error names the file and the
right line, whatever comments or captions sit around it; timed changes are checked against the
preparation; files that are not text, not regular files or absurdly large are refused at load."""
import os
import threading

import pytest

from rig.cli import main
from rig.scenario import MAX_CAPTION_CHARS, MAX_FILE_BYTES, ScenarioError, load_scenario


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize("text, message", [
    # a comment after [[at]] once hid the steps from the line finder: the error named the first step
    ('[[at]]  # one\nt_s = 1\nbath_K_mM = 8\n[[at]]  # raise K\nt_s = 2\nbath_K_mM = 900\n',
     r"s.toml, line 6: \[\[at\]\] number 2 \(t_s = 2\): bath_K_mM = 900 is out of range"),
    ('[[at]]  # one\nt_s = 1\nbath_K_mM = 8\n[[ at ]]  # two\nbath_K_mM = 9\n',
     r"s.toml, line 4: \[\[at\]\] number 2 needs t_s"),
    ('[start]  # bath_K_mM = 3 is aCSF\n# bath_K_mM = 8 later\nbath_K_mM = 900\n',
     r"s.toml, line 3: \[start\] bath_K_mM = 900 is out of range"),
    # a key at the start of a line inside a multi-line caption is text, not the key
    ('[[at]]\nt_s = 1\ncaption = """Raise K+:\nbath_K_mM = 8 is typical"""\nbath_K_mM = 900\n',
     r"s.toml, line 5: .*bath_K_mM = 900 is out of range"),
    # the error is in the step's own table, not a later one with the same key
    ('[[at]]\nt_s = 1\nttx_nM = -1\n[[at]]\nt_s = 2\nttx_nM = 5\n', r"s.toml, line 3: .*ttx_nM = -1"),
    ('at = [{ t_s = 1, bath_K_mM = 900 }]\n', r"s.toml, line 1: \[\[at\]\] number 1 .*bath_K_mM = 900"),
    ('[start]\n"bath_K_mM" = 900\n', r"s.toml, line 2: \[start\] bath_K_mM = 900"),
])
def test_the_error_names_the_right_line(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message):
        load_scenario(write(tmp_path, text))


@pytest.mark.parametrize("text, message", [
    ('[start]\ngap_junction_rel = 0\n',
     r"s.toml, line 2: \[start\] gap_junction_rel belongs to the slice preparation; this is the neuron"),
    ('duration_s = 5\n[[at]]\nt_s = 1\ndemyelination = 1\n',
     r"s.toml, line 4: \[\[at\]\] number 1 \(t_s = 1\): demyelination belongs to the node preparation; "
     r"this is the neuron"),
    ('preparation = "internode"\n[[at]]\nt_s = 1\nmyelin_wraps = 10\n',
     r"s.toml, line 4: .*myelin_wraps is fixed once the cell is patched: set it in \[start\]"),
    ('preparation = "slice"\n[[at]]\nt_s = 1\nbutyrate_fed = 1\n', r"s.toml, line 4: .*butyrate_fed is fixed"),
    ('[start]\nbath_K_mM = "8"\n',
     r"s.toml, line 2: \[start\] bath_K_mM = '8' is not a number \(valid range 0.5–150 mM\): "
     r"write it without quotes"),
    ('[start]\nbath_K_mM = "' + "x" * 5000 + '"\n',
     r"line 2: \[start\] bath_K_mM = 'x{12}\.\.\.x{13}' is not a number"),
    ('[[at]]\nt_s = true\nbath_K_mM = 8\n', r"s.toml, line 2: .*needs t_s = seconds \(0 or more\), got True"),
    ('[[at]]\nt_s = nan\nbath_K_mM = 8\n', r"s.toml, line 2: .*got nan"),
    ('duration_s = inf\n', r"s.toml, line 1: duration_s = inf must be a positive number of seconds"),
    ('seed = 2.0\n', r"s.toml, line 1: seed = 2.0 must be a whole number"),
    ('speed = true\n', r"s.toml, line 1: speed = True is not allowed"),
    ('preparation = "slice"\n[[at]]\nt_s = 1\npuff = { K_mM = true, at_mm = 0.1, width_mm = 0.2, duration_s = 5 }\n',
     r"s.toml, line 4: .*puff K_mM = True is not a number"),
])
def test_every_timed_change_is_checked_against_the_preparation_at_load(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message):
        load_scenario(write(tmp_path, text))


def test_fixed_properties_are_chosen_in_start(tmp_path):
    scenario = load_scenario(write(tmp_path, 'preparation = "internode"\n[start]\nmyelin_wraps = 10\n'
                                             '[[at]]\nt_s = 1\nbath_K_mM = 8\n'))
    assert scenario.start == {"myelin_wraps": 10.0}


def test_a_long_caption_is_refused_with_its_line(tmp_path):
    text = f'[[at]]\nt_s = 1\ncaption = "{"x" * (MAX_CAPTION_CHARS + 1)}"\n'
    with pytest.raises(ScenarioError, match=rf"s.toml, line 3: .*caption is {MAX_CAPTION_CHARS + 1} characters long"):
        load_scenario(write(tmp_path, text))
    ok = f'[[at]]\nt_s = 1\ncaption = "{"x" * MAX_CAPTION_CHARS}"\n'
    assert load_scenario(write(tmp_path, ok)).timeline[0].caption == "x" * MAX_CAPTION_CHARS


def test_a_file_that_is_not_utf8_names_the_file_and_the_line(tmp_path):
    path = write(tmp_path, b'preparation = "neuron"\n# caf\xe9 au lait\nspeed = 2\n')
    with pytest.raises(ScenarioError, match=r"s.toml, line 2: not UTF-8 text \(byte 0xe9 at offset 28\)"):
        load_scenario(path)


def test_a_byte_order_mark_is_allowed(tmp_path):
    assert load_scenario(write(tmp_path, b'\xef\xbb\xbfspeed = 2\n')).speed == 2.0


def test_a_large_file_is_refused_before_it_is_parsed(tmp_path):
    path = write(tmp_path, "# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    with pytest.raises(ScenarioError, match=r"s.toml: it is larger than 1 MB"):
        load_scenario(path)


def test_deeply_nested_brackets_are_not_a_crash(tmp_path):
    with pytest.raises(ScenarioError, match="not valid TOML: brackets nested too deeply"):
        load_scenario(write(tmp_path, "x = " + "[" * 100000 + "]" * 100000 + "\n"))


def load_within(path, seconds=10.0):
    """What loading ``path`` raised, or a failure if it did not return within ``seconds``."""
    raised = []

    def load():
        try:
            load_scenario(path)
        except ScenarioError as e:
            raised.append(e)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"loading {path} did not return"
    return str(raised[0]) if raised else None


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_what_is_not_a_regular_file_is_refused_without_reading_it(tmp_path):
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    for path in (tmp_path, "/dev/zero", pipe):
        if os.path.exists(path):
            assert f"cannot read scenario {path}: it is not a file" in load_within(path)


def test_the_cli_refuses_a_bad_scenario_before_patching(tmp_path, capsys, monkeypatch):
    from rig.session import Session

    monkeypatch.setattr(Session, "__init__", lambda *a, **k: pytest.fail("patched a cell for a bad scenario"))
    path = write(tmp_path, '[[at]]  # later\nt_s = 1\ndemyelination = 1\n')
    assert main(["--headless", "--scenario", str(path), "--record", str(tmp_path / "r.vrig")]) == 2
    assert "s.toml, line 3: [[at]] number 1 (t_s = 1): demyelination belongs to the node" in capsys.readouterr().err
    assert not (tmp_path / "r.vrig").exists()
