"""Scenario files (TOML): an experiment written down plays on the Session, each change on its
sample with its marker and caption; every error names the file, the line and the field."""
import pytest

from rig import Session
from rig.cli import main
from rig.scenario import ScenarioError, load_scenario

GOOD = """preparation = "neuron"
speed = 10
duration_s = 1.5
seed = 2
[start]
temperature_C = 35
[[at]]
t_s = 0.5
bath_K_mM = 8
caption = "High K+ washes in"
[[at]]
t_s = 1.25
caption = "watch E_K"
"""


def write(tmp_path, text, name="s.toml"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_scenario_plays_each_change_on_its_sample(tmp_path):
    s = Session.from_scenario(write(tmp_path, GOOD), sample_rate_hz=1000)
    assert s.get("temperature_C") == 35.0 and s.scenario.speed == 10.0
    s.run(0.3)
    s.run(1.2)
    assert s.markers() == [(0.5, "bath_K_mM 3 -> 8"), (0.5, "High K+ washes in"), (1.25, "watch E_K")]
    tr = s.trace()
    assert tr["t_s"][499] == 0.5 and s.controls()["bath_K_mM"] == 8.0


def test_the_cli_runs_a_scenario(tmp_path, capsys):
    assert main(["--headless", "--scenario", str(write(tmp_path, GOOD))]) == 0
    out = capsys.readouterr().out
    assert "1.5 s recorded" in out and "marker    1.250 s  watch E_K" in out


@pytest.mark.parametrize("text, message", [
    ('preparation = "neuron"\n[start]\nbath_K_mM = 900\n',
     r"s.toml, line 3: \[start\] bath_K_mM = 900 is out of range: valid 0.5–150 mM"),
    ('[start]\nbath_k_mM = 8\n', r"s.toml, line 2: \[start\] unknown control 'bath_k_mM'.*Did you mean 'bath_K_mM'"),
    ('preparation = "purkinje"\n', r"s.toml, line 1: preparation = 'purkinje': choose one of neuron"),
    ('speed = 1000\n', r"s.toml, line 1: speed = 1000 is not allowed: 1–100"),
    ('spead = 10\n', r"s.toml, line 1: unknown field 'spead'"),
    ('[[at]]\nt_s = 1\nbath_K_mM = 8\n[[at]]\nbath_K_mM = 9\n', r"s.toml, line 4: \[\[at\]\] number 2 needs t_s"),
    ('[[at]]\nt_s = 1\nbath_K_mM = 8\n[[at]]\nt_s = 2\nttx_nM = -1\n',
     r"s.toml, line 6: \[\[at\]\] number 2 \(t_s = 2\): ttx_nM = -1 is out of range"),
    ('[[at]]\nt_s = 1\n', r"s.toml, line 1: \[\[at\]\] number 1 \(t_s = 1\) changes nothing"),
    ('duration_s = 10\n[start\n', r"s.toml, line 2: not valid TOML"),
    ('[[at]]\nt_s = 1\npuff = { K_mM = 60, at_mm = 0.1, width_mm = 0.2, duration_s = 5 }\n',
     r"s.toml, line 3: \[\[at\]\] number 1 \(t_s = 1\): a puff needs preparation = \"slice\""),
    ('preparation = "slice"\n[[at]]\nt_s = 1\npuff = { K_mM = 900, at_mm = 0.1, width_mm = 0.2, duration_s = 5 }\n',
     r"s.toml, line 4: .*puff K_mM = 900 is out of range: valid 0.5–150 mM"),
    ('preparation = "slice"\n[[at]]\nt_s = 1\npuff = { K_mM = 60, duration_s = 5 }\n',
     r"s.toml, line 4: .*the puff needs at_mm, width_mm"),
    # malformed files that once said "None" or raised a bare TypeError
    ('[[at]]\nbath_K_mM = 8\n',
     r"s.toml, line 1: \[\[at\]\] number 1 needs t_s = seconds \(0 or more\): it has no time"),
    ('[[at]]\nt_s = 1\ncaption = 5\n', r"s.toml, line 3: \[\[at\]\] number 1 \(t_s = 1\): caption = 5 must be text"),
    ('speed = "fast"\n', r"s.toml, line 1: speed = 'fast' is not allowed: 1–100 × real time$"),
    ('start = 5\n', r"s.toml, line 1: start = 5 must be a table: a \[start\] line"),
    ('at = [1, 2]\n', r"s.toml, line 1: at = \[1, 2\] must be \[\[at\]\] steps"),
    ('preparation = ["neuron"]\n', r"s.toml, line 1: preparation = \['neuron'\]: choose one of"),
])
def test_errors_name_the_file_the_line_and_the_field(tmp_path, text, message):
    with pytest.raises(ScenarioError, match=message) as error:
        load_scenario(write(tmp_path, text))
    assert "None" not in str(error.value)


def test_a_bad_scenario_stops_the_cli_before_it_runs(tmp_path, capsys):
    assert main(["--headless", "--scenario", str(write(tmp_path, "speed = 0\n"))]) == 2
    assert "s.toml, line 1: speed = 0" in capsys.readouterr().err
    assert main(["--headless", "--scenario", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read scenario" in capsys.readouterr().err


def test_shipped_scenarios_load():
    from pathlib import Path
    shipped = sorted((Path(__file__).parent.parent / "resources" / "scenarios").glob("*.toml"))
    assert shipped
    for path in shipped:
        assert load_scenario(path).timeline


def test_a_slice_scenario_puffs_on_its_sample(tmp_path):
    text = ('preparation = "slice"\n[[at]]\nt_s = 0.2\ncaption = "KCl"\n'
            'puff = { K_mM = 60, at_mm = 0.15, width_mm = 0.3, duration_s = 1 }\n')
    s = Session.from_scenario(write(tmp_path, text), sample_rate_hz=1000)
    s.run(0.5)
    assert s.markers() == [(0.2, "puff K_mM 60, Cl_mM 191 at 0.15 mm (width 0.3 mm) for 1 s"), (0.2, "KCl")]
    assert s.linescan()["K_o_mM"][-1, 0] > 5.0  # the puffed end of the slice
