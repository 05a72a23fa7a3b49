"""Any valid use of the rig keeps the cell a cell (issue 25, points 3 and 6): a hypothesis state
machine sets every control the neuron has to any value in its range, switches clamp modes, runs
for any number of steps and starts and stops recordings. After every step the state is finite,
|V| stays within what a membrane survives, the concentrations are positive and the books balance
to 1e-6; at the end the same schedule replayed in one run per change gives the same state to the
last bit, and the recordings hold exactly the samples the trace holds."""
import shutil
import tempfile

import numpy as np
import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from rig import Session, read_recording
from rig.controls import CONTROLS

START = dict(preparation="neuron", seed=5, sample_rate_hz=1000.0, noise_V_mV=0.2)
CHANGEABLE = [c for c in CONTROLS.values() if not c.fixed and c.applies_to("neuron")]
CONCENTRATIONS = ("Na_i_mM", "K_i_mM", "Cl_i_mM", "Na_o_mM", "K_o_mM", "Cl_o_mM", "ATP_mM",
                  "nb_Na_i_mM", "nb_K_i_mM", "nb_Cl_i_mM", "Na_t_mM", "K_t_mM", "Cl_t_mM")


def value_of(control):
    if control.is_choice:
        return st.sampled_from(control.choices)
    return st.floats(control.lo, control.hi, allow_nan=False)


CHANGE = st.sampled_from(CHANGEABLE).flatmap(lambda c: st.tuples(st.just(c.name), value_of(c)))


class RigMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.s = Session(**START)
        self.schedule = []  # (step, {control: value}) as applied
        self.folder = tempfile.mkdtemp()
        self.recordings = []  # [path, t_s at its start, t_s at its end]
        self.recording = False

    @rule(change=CHANGE)
    def set_a_control(self, change):
        name, value = change
        self.s.set(**{name: value})
        self.schedule.append((self.s.cell.steps, {name: value}))

    @rule(steps=st.integers(1, 30000))
    def run(self, steps):
        self.s.run(steps / self.s.step_rate_hz)

    @precondition(lambda self: not self.recording)
    @rule()
    def start_recording(self):
        path = f"{self.folder}/r{len(self.recordings)}.vrig"
        self.s.start_recording(path)
        self.recordings.append([path, self.s.t_s, None])
        self.recording = True

    @precondition(lambda self: self.recording)
    @rule()
    def stop_recording(self):
        self.s.stop_recording()
        self.recordings[-1][2] = self.s.t_s
        self.recording = False

    @invariant()
    def the_cell_stays_a_cell(self):
        state = self.s.state()
        assert np.isfinite(self.s.cell.y).all()
        assert abs(state["V_mV"]) <= 300.0
        assert all(state[name] > 0.0 for name in CONCENTRATIONS), {n: state[n] for n in CONCENTRATIONS}
        errors = self.s.budget_error()
        assert max(v for k, v in errors.items() if not k.endswith("_mV")) < 1e-6, errors

    def teardown(self):
        try:
            if self.recording:
                self.stop_recording()
            self._replayed_in_one_run_per_change_is_the_same()
            self._recordings_hold_the_trace()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _replayed_in_one_run_per_change_is_the_same(self):
        replay = Session(**START)
        for step, changes in self.schedule:
            replay.run_to(step / replay.step_rate_hz)
            replay.set(**changes)
        replay.run_to(self.s.t_s)
        assert np.array_equal(replay.cell.y, self.s.cell.y), np.flatnonzero(replay.cell.y != self.s.cell.y)
        assert np.array_equal(replay.trace()["V_mV"], self.s.trace()["V_mV"])

    def _recordings_hold_the_trace(self):
        trace = self.s.trace()
        for path, start, end in self.recordings:
            _, channels, _ = read_recording(path)
            kept = (trace["t_s"] > start) & (trace["t_s"] <= end)
            assert np.array_equal(channels["t_s"], trace["t_s"][kept])
            assert np.array_equal(channels["V_mV"], trace["V_mV"][kept].astype(np.float32))


RigMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=20, deadline=None)
test_any_use_of_the_rig_keeps_the_cell_a_cell = pytest.mark.slow(RigMachine.TestCase)
