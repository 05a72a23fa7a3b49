"""The headless experiment: one patched cell in its slice, the rig around it, and what was recorded.

``Session`` is the one API that tests, notebooks, the CLI and the window share. It is the rig
around a cell: the cell in its slice as numbers (``engine.cell``: the patched cell, its shell, the
unpatched neighbourhood and the bath), the amplifier (``rig.amplifier``), the controls of
``rig.controls`` (each change leaves a marker), the meters (``rig.meters``), the scope view, and
the logbook of markers and the recording (``rig.logbook``); it advances simulated time through the
cell and keeps what was recorded. Measurements run on a copy of the moment (``sandbox``,
``rig.sandbox``). It reads and sets the cell only through the cell's accessors by name, never
touches Qt, and never sleeps on wall-clock time: simulated time moves only through ``run``.
A worker thread may drive ``run`` while another thread calls ``set``: a lock keeps each call whole,
and the kernel releases the GIL while it integrates.
"""
import contextlib
import datetime
import math
import threading

from engine import solutes
from engine.cell import Cell, NonFiniteState
from engine.kernel import OUTPUT_NAMES
from engine.preparations import PREPARATIONS
from engine.slice import Slice
from engine.variability import drawn

from . import analysis, presets, protocols, steady, variability
from .amplifier import SETTINGS as AMPLIFIER_CONTROLS, Amplifier
from .controls import CONTROLS, as_number, lookup
from .export import Recorded, export, write_linescan_csv
from .logbook import Logbook
from .meters import CHAMBER, Meters
from .puff import checked_puff, describe, describe_in_words
from .sandbox import Trial
from .scenario import Scenario, load_scenario
from .textformat import value_text
from .trace import Trace
from .version import version
from .view import ScopeView

SEED_MAX = 2**32 - 1  # the kernel's noise stream takes any 64-bit seed; 32 bits keep it exact in p


class Session:
    """A patched cell at its settled rest, ready to record.

    >>> s = Session(preparation="neuron", seed=0)
    >>> s.set(bath_K_mM=8.0, perfusion_tau_s=0)
    >>> s.run(2.0)
    >>> s.readout()["V_mV"]

    Extra keyword arguments are starting conditions. Solutions, drugs, temperature, gas and the
    cell's make-up are what the slice has sat in for a long time before you patch it, so the cell
    settles in them, e.g. ``Session(kcc2_rel=0, nkcc1_rel=0)``. Amplifier settings are not part of
    the slice's history: the cell settles unpatched and they apply at t = 0, so
    ``Session(hold_pA=300)`` starts from the same ions as ``Session()``.

    ``cell_seed`` (a whole number; ``rig.variability.student_seed`` gives a student's) patches a
    cell of one's own: its densities and geometry drawn from the spread real cells show, the tissue
    around it standard. The same seed always gives the same cell. The first of the seed's draws
    whose cell lies within the measured ranges is used (``cell_attempt``, found in a few seconds
    unless given; None if no draw was, and the default cell then). ``seed`` is the amplifier noise's.
    """

    def __init__(self, preparation="neuron", seed=0, sample_rate_hz=10000.0, preset=None, keep_trace=True,
                 cell_seed=None, cell_attempt=None, **controls):
        if preset is not None:  # a named mutation or solution (resources/presets.json); controls override it
            controls = {**presets.preset(preset), **controls}
        if preparation not in PREPARATIONS:
            raise ValueError(f"unknown preparation {preparation!r}: choose one of {', '.join(PREPARATIONS)}")
        # a student's own cell (rig.variability): its seed, and which of the seed's draws it is (None: the default cell)
        self.cell_seed, self.cell_attempt = _cell_draw(preparation, cell_seed, cell_attempt)
        self.preparation = PREPARATIONS[preparation]
        if self.cell_attempt is not None:
            own = drawn(preparation, self.preparation.values(), self.cell_seed, self.cell_attempt)
            self.preparation = self.preparation.with_own(own)
        seed = _checked_seed(seed)
        self._lock = threading.RLock()
        # the cell in its slice, as numbers (engine.cell); in the slice preparation, one of its units
        self.cell = (Slice if self.preparation.name == "slice" else Cell)(self.preparation)
        self.dt_ms, self.step_rate_hz = self.cell.dt_ms, self.cell.step_rate_hz
        self.steps_per_sample = self._steps_per_sample_at(sample_rate_hz)  # integration steps per recorded sample
        self.sample_rate_hz = self.step_rate_hz / self.steps_per_sample
        self.meters = Meters(self.cell)
        self.amplifier = Amplifier(self.cell)
        self.cell.set_param("noise_seed", seed)  # this Session's own noise stream (engine.kernel)

        self._values = {name: c.default for name, c in CONTROLS.items()}
        self._values.update(self.preparation.control_defaults)
        starting = self._validated(controls)
        self._values.update({k: v for k, v in starting.items() if k not in AMPLIFIER_CONTROLS})
        for name, value in self._values.items():
            self._apply(name, value)
        # bath, tissue ECS and the shell at the slice, and the drugs in the chamber, start
        # equilibrated with the solution
        self.cell.bathe({s.name: self._values[solutes.control_name(s)] for s in solutes.SOLUTES if solutes.tracked(s)},
                        {CHAMBER[name]: self._values[name] for name in CHAMBER}, self._values["o2_pct"])
        self.cell.settle(self.steps_per_sample, self.meters.publish)
        self.cell.patch()  # the pipette arrives, filled with a solution made for this cell
        self.meters.publish()
        self._started = datetime.datetime.now().astimezone().isoformat(timespec="seconds")  # t = 0
        # the pipette arrives now: amplifier settings apply at t = 0
        for name, value in starting.items():
            if name in AMPLIFIER_CONTROLS:
                self._values[name] = value
                self._apply(name, value)

        # every sample in memory (about 1.4 MB per simulated second at 10 kHz) for trace(),
        # spikes() and export(); a long run keeps its samples on disk instead (start_recording)
        self._trace = Trace(OUTPUT_NAMES) if keep_trace else None
        self.view = ScopeView(OUTPUT_NAMES, self.sample_rate_hz)  # what the scopes show (rig.view)
        self._kept_sinks = tuple(sink for sink in (self._trace, self.view) if sink is not None)
        self.scenario = None  # a scenario whose timed steps run() applies as it reaches them (from_scenario)
        self._steps_done = 0  # how many of its steps are applied
        self.captions = []  # a scenario's captions as the recording reached them: (t_s, text)
        self.logbook = Logbook(lambda: self.t_s, self._values)  # markers, control history, the recording
        self._puffs = []  # (t_s, where): what the linescan shades
        self._start_values = dict(self._values)
        self._budget0 = self.cell.books()
        self._asked_s = 0.0  # the simulated time that run() has been asked to reach
        self._sandboxed = False  # a measurement on a copy of the moment is running (sandbox)
        self._lost = None  # what cell_lost says once the membrane broke down

    def _steps_per_sample_at(self, sample_rate_hz):
        """Integration steps per sample; the rate must divide the step rate (50 kHz at 20 µs)."""
        step_rate_hz = self.step_rate_hz
        rate_hz = as_number(sample_rate_hz)
        ratio = step_rate_hz / rate_hz if rate_hz else math.nan
        if not (ratio >= 1.0 and abs(ratio - round(ratio)) < 1e-9):
            good = ", ".join(f"{step_rate_hz / k:g}" for k in (1, 2, 5, 10, 25, 50, 100, 500, 5000))
            raise ValueError(f"sample rate {sample_rate_hz!r} Hz must divide the integration rate "
                             f"{step_rate_hz:g} Hz, e.g. {good}")
        return round(ratio)

    # ---- controls -------------------------------------------------------------------------
    def set(self, **changes):
        """Change controls now; every changed value leaves a marker ``"name old -> new"``.

        All names and values are checked before anything changes: a bad one raises ValueError
        naming it and its valid range, and the experiment goes on untouched.
        """
        new = self.validate(**changes)
        with self._lock:
            t_s = self.t_s
            for name, value in new.items():
                old = self._values[name]
                if value == old:
                    continue
                self._values[name] = value
                self._apply(name, value)
                self.logbook.changed(t_s, name, old, value, CONTROLS[name].change_words(old, value))

    def validate(self, **changes):
        """The changes as ``set`` would apply them, or ValueError naming the first bad one (an
        unknown name, a value out of range, a control fixed once the cell is patched)."""
        new = self._validated(changes)
        for name, value in new.items():
            if value != self._values[name]:
                example = f"Session(preparation={self.preparation.name!r}, {name}={value_text(value)})"
                CONTROLS[name].check_changeable(self.preparation.name,
                                                f"choose it when you make the Session, e.g. {example}")
        return new

    def get(self, name):
        return self._values[lookup(name).name]

    def controls(self):
        """Current value of every control."""
        return dict(self._values)

    def _validated(self, changes):
        """The changes checked against the registry, or ValueError naming the first bad one."""
        new = {}
        for name, value in changes.items():
            control = lookup(name)
            new[control.name] = control.validate(value)
            control.check_belongs(self.preparation.name)
        return new

    def _apply(self, name, value):
        if name in AMPLIFIER_CONTROLS:
            self.amplifier.set(name, value)
        else:
            self.cell.set_param(name, value)
            if name == "patch_mm" and self.is_slice:
                self.cell.repatch()  # the pipette now records the neuron at that place,
                self._budget0 = self.cell.books()  # whose books start now

    # ---- the slice (engine.slice): its second pipette and its linescan -------------------------
    @property
    def is_slice(self):
        return isinstance(self.cell, Slice)

    def puff(self, at_mm, width_mm=0.2, duration_s=5.0, **solution):
        """Puff ``solution`` (``K_mM``, ``Na_mM``, ``Cl_mM``, ``glutamate_uM``, ``gaba_uM``) onto
        the slice within ``width_mm`` around ``at_mm`` for ``duration_s``, from now; a marker says
        what and where. K+ comes as KCl: unless ``Cl_mM`` is given, the puff's Cl- is the bath's
        plus the K+ it adds. Other solutes not named stay as the ECS has them."""
        if not self.is_slice:
            raise ValueError(f"puff needs the slice preparation; this is the {self.preparation.name}")
        where, solution = checked_puff(at_mm, width_mm, duration_s, solution)
        with self._lock:
            if "K_mM" in solution and "Cl_mM" not in solution:
                added = solution["K_mM"] - self._values["bath_K_mM"]
                solution["Cl_mM"] = max(self._values["bath_Cl_mM"] + added, 1.0)
            self.cell.puff(where["at_mm"], where["width_mm"], where["duration_s"], solution)
            self.logbook.mark(self.t_s, describe(where, solution), describe_in_words(where, solution),
                              puff={**where, **solution})
            self._puffs.append((self.t_s, where, solution))

    def puffs(self):
        """Every puff so far, as (t_s, {"at_mm", "width_mm", "duration_s"}, {solute: concentration})."""
        return list(self._puffs)

    def linescan(self, span_s=None):
        """The slice's linescan: ``t_s`` (m,), ``x_mm`` (n,) and (m, n) arrays ``V_mV``, ``K_o_mM``,
        ``astro_V_mV``, a row every 50 ms for the newest ``span_s`` seconds (10 minutes are kept)."""
        if not self.is_slice:
            raise ValueError(f"a linescan needs the slice preparation; this is the {self.preparation.name}")
        if span_s is not None:
            span_s = _positive_seconds("linescan span_s", span_s)
        with self._lock:
            return self.cell.linescan(span_s)

    def export_linescan(self, path, span_s=None, overwrite=False):
        """Write the linescan (the newest ``span_s`` seconds, or all kept) as CSV, a row per time
        and place (``rig.export.write_linescan_csv``); returns ``{"rows", "files"}``."""
        return write_linescan_csv(path, self.linescan(span_s), overwrite)

    # ---- time -----------------------------------------------------------------------------
    @property
    def t_s(self):
        """Simulated seconds since the recording started, exactly on the step grid."""
        return self.cell.t_s

    def _steps(self, duration_s):
        return self.cell.steps_in(duration_s)

    def run(self, duration_s):
        """Advance ``duration_s`` simulated seconds, recording every sample."""
        seconds = as_number(duration_s)
        if seconds is None or seconds < 0.0:
            raise ValueError(f"run duration must be a non-negative number of seconds, got {duration_s!r}")
        with self._lock:
            # the clock aims at the time asked for in all, not at each call's duration rounded to
            # the step grid: run(a); run(b) ends on the step run(a + b) ends on
            if abs(self._asked_s - self.t_s) > 0.5 / self.step_rate_hz:
                self._asked_s = self.t_s  # the clock moved otherwise (run_to, a scenario's start)
            self._asked_s += seconds
            self._record_to(self._steps(self._asked_s))

    def run_to(self, t_s):
        """Advance until the clock reads ``t_s`` (to the nearest step; nothing if already there)."""
        t_s = _positive_seconds("run_to t_s", t_s, zero=True)
        with self._lock:
            self._record_to(self._steps(t_s))

    def _record_to(self, end_step):
        """Record up to step ``end_step``, applying a scenario's changes on their step."""
        timeline = self.scenario.timeline if self.scenario is not None else ()
        while self._steps_done < len(timeline) and self._steps(timeline[self._steps_done].t_s) <= end_step:
            step = timeline[self._steps_done]
            self._steps_done += 1
            self._advance(max(self._steps(step.t_s) - self.cell.steps, 0), self._sinks())
            self.set(**step.changes)
            if step.puff:
                self.puff(**step.puff)
            if step.caption:
                self.logbook.mark(self.t_s, step.caption)
                self.captions.append((self.t_s, step.caption))
        n_steps = end_step - self.cell.steps
        if n_steps > 0:
            self._advance(n_steps, self._sinks())

    def _sinks(self):
        """Where recorded samples go: the trace in memory, the scopes, the recording on disk."""
        return self._kept_sinks + self.logbook.sinks()

    @classmethod
    def from_scenario(cls, path, sample_rate_hz=10000.0, keep_trace=True):
        """A Session set up as the scenario file ``path`` says (or a ``Scenario`` already loaded
        from one: rig.scenario checks it whole), whose timed changes are applied, each with its
        marker and caption, as the recording reaches them."""
        scenario = path if isinstance(path, Scenario) else load_scenario(path)
        session = cls(preparation=scenario.preparation, seed=scenario.seed, sample_rate_hz=sample_rate_hz,
                      keep_trace=keep_trace, **scenario.start)
        session.scenario = scenario
        return session

    def run_until_settled(self, max_s=600.0, tol_mV=0.1, window_s=5.0):
        """Run in windows until V moves less than ``tol_mV`` over one window; return whether it did."""
        elapsed = 0.0
        while elapsed < max_s:
            self.run(window_s)
            elapsed += window_s
            _, lo, hi = self.view.window("V_mV", window_s)
            if lo.size and float(hi.max() - lo.min()) < tol_mV:
                return True
        return False

    def _advance(self, n_steps, sinks=(), decim=None):
        """Run the cell ``n_steps``; samples (every ``decim`` steps) go to each of ``sinks``. Without
        sinks, or at another rate than the recording's, the samples start on a grid of their own."""
        decim = decim or self.steps_per_sample
        if decim != self.steps_per_sample or not sinks:
            self.cell.new_sample_grid()
        while n_steps > 0:
            was_broken = self.cell.broken
            try:
                n_steps -= self.cell.advance(n_steps, decim, sinks, self.meters.publish)
            except NonFiniteState as e:
                if not self._sandboxed:
                    self.logbook.mark(self.t_s, str(e), error=True)
                raise
            if self.cell.broken and not was_broken and not self._sandboxed:
                # marked before any later sample is recorded, in short on the scope
                past_mV = f"{self.cell.param('breakdown_mV'):g} mV"
                self._lost = (f"the membrane broke down at t = {self.t_s:.4f} s (driven past {past_mV} it was "
                              f"electroporated): the cell is lost; patch a new one")
                self.logbook.mark(self.t_s, f"membrane broke down past {past_mV}: cell lost", lost=True)

    @property
    def cell_lost(self):
        """Why the patched cell is lost (its membrane broke down), or None while it is whole."""
        return self._lost if self.cell.broken else None

    # ---- what the rig shows ---------------------------------------------------------------
    def readout(self):
        """The meters now: membrane potential, amplifier current, reversal potentials, ions, energy,
        what the chamber holds, the firing rate (``rig.meters``).

        Never waits for the engine: it reads what the last block published."""
        return self.meters.readout()

    def trace(self, start_s=None):
        """Recorded samples as a dict of equal-length arrays (t_s, V_mV, I_pA, ...); with
        ``start_s``, only those recorded after that time."""
        with self._lock:
            data = self._kept().arrays()
        if start_s is not None:
            keep = data["t_s"] > start_s
            data = {k: v[keep] for k, v in data.items()}
        return data

    def markers(self, in_words=False):
        """Every marker so far, as (t_s, text): a control change as ``"bath_K_mM 3 -> 10"``, or
        ``in_words`` as a student reads it (``"Bath K+ 3 → 10 mM"``, what the window shows)."""
        return list(self.logbook.words if in_words else self.logbook.markers)

    def spike_count(self):
        """Upward crossings of the spike threshold (0 mV) since the recording started."""
        return int(self.cell.state("spike_count"))

    def budget_error(self):
        """Relative drift of each conserved total since the recording started (row 22); see
        ``engine.cell.Cell.budget_drift``."""
        return self.cell.budget_drift(self._budget0)

    def state(self):
        """Every model state variable by name (in the slice, without the single-cell preparations'
        neighbour, whose place the slice's units take)."""
        return self.cell.states()

    def export(self, csv=None, atf=None, from_s=None, to_s=None, rate_hz=None, overwrite=False):
        """Write the trace as CSV and/or Axon Text File, each with its spike table beside it
        (``rig.export``): units in every column name, the metadata in the CSV's last columns. An
        existing file is refused (ExportError) unless ``overwrite``.
        Returns ``{"rows", "spikes", "files", "warning"}``; ``warning`` says when a CSV has more
        rows than a spreadsheet takes."""
        if csv is None and atf is None:
            raise ValueError("export needs a file: csv='NAME.csv' and/or atf='NAME.atf'")
        with self._lock:
            recorded = Recorded(self._meta(0.0, self._start_values), self._kept().arrays(),
                                list(self.logbook.history), list(self.logbook.markers))
        return export(recorded, csv, atf, from_s, to_s, rate_hz, overwrite)

    def export_csv(self, path, overwrite=False):
        """``export(csv=path, overwrite=overwrite)``."""
        return self.export(csv=path, overwrite=overwrite)

    def _kept(self):
        if self._trace is None:
            raise ValueError("this Session keeps no trace in memory (keep_trace=False): its samples are in "
                             "its recording (start_recording), read with rig.read_recording or exported with "
                             "virtual-rig export")
        return self._trace

    def _meta(self, start_t_s, controls):
        """What a recording or an export says about itself: it starts at ``start_t_s`` with ``controls``."""
        return {"preparation": self.preparation.name, "seed": int(self.cell.param("noise_seed")),
                "cell_seed": self.cell_seed, "cell_attempt": self.cell_attempt,
                "sample_rate_hz": self.sample_rate_hz, "dt_ms": self.dt_ms, "model_version": version(),
                "started": self._started, "start_t_s": start_t_s, "controls": dict(controls)}

    @property
    def geometric_area_cm2(self):
        """The cell's membrane area as drawn (myelin wraps not counted): what specific capacitance is per."""
        return self.cell.param("area_cm2")

    @property
    def membrane_area_cm2(self):
        """Electrical membrane area (myelin divides it by wraps + 1): current density × area = current."""
        return self.cell.param("area_cm2") / (1.0 + self.cell.param("myelin_wraps"))

    # ---- snapshots ------------------------------------------------------------------------
    def snapshot(self):
        """Everything needed to come back to this moment (not the recorded trace)."""
        with self._lock:
            return {**self.cell.snapshot(), "values": dict(self._values), "amplifier": self.amplifier.settings()}

    def restore(self, snap):
        """Put the cell and the rig's settings back as they were at ``snap``.

        The clock keeps running forward (the trace stays in time order) and a marker says so.
        """
        with self._lock:
            self._put_back(snap, keep_clock=True)
            self.logbook.history.extend((self.t_s, name, value) for name, value in self._values.items())
            self.logbook.mark(self.t_s, "restored snapshot", controls=self.controls())

    def _put_back(self, snap, keep_clock=False):
        self.cell.put_back(snap, keep_clock)
        self._values = dict(snap["values"])
        self.amplifier.restore(snap["amplifier"])
        self.meters.publish()

    # ---- measurements on a copy of this moment (rig.sandbox, rig.protocols) ------------------
    @contextlib.contextmanager
    def sandbox(self):
        """A copy of this moment to measure on, undone when the block ends::

            with s.sandbox() as trial:          # a rig.sandbox.Trial
                trial.configure(clamp="current")
                trial.pulse(50.0)               # pA on top of the holding current
                data = trial.capture(0.5, sample_rate_hz=25000.0)

        Afterwards the cell, its clock and sample grid, the controls and the amplifier are as they
        were; nothing done inside reaches the trace, the recording or the markers (a cell that
        breaks down inside is not lost outside). Other threads wait until it ends."""
        with self._lock:
            snap, outer = self.snapshot(), self._sandboxed
            self._sandboxed = True
            try:
                yield Trial(self._configure, self.amplifier, self._capture)
            finally:
                self._sandboxed = outer
                self._put_back(snap)

    def _configure(self, values):
        """Apply controls inside a sandbox: validated, but no marker and no history."""
        for name, value in self._validated(values).items():
            self._values[name] = value
            self._apply(name, value)

    def _capture(self, duration_s, sample_rate_hz):
        """Run ``duration_s`` and return the samples as arrays, without adding them to the trace."""
        decim = self._steps_per_sample_at(sample_rate_hz)
        sink = Trace(OUTPUT_NAMES)
        self._advance(self._steps(duration_s), (sink,), decim)
        return sink.arrays()

    def add_marker(self, text):
        """A marker of your own (or a measurement's) at the current time. Text no file can hold
        (a lone surrogate) is refused with ValueError, so the markers in memory and on disk agree."""
        text = str(text)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"marker text {text!r} cannot be saved: character {e.start + 1} is a lone surrogate, "
                             f"which no file can hold") from None
        with self._lock:
            self.logbook.mark(self.t_s, text)

    # ---- recording to disk (rig.logbook, rig.recorder) ---------------------------------------
    def start_recording(self, path):
        """Stream every channel from now on to the recording folder ``path`` (``NAME.vrig``),
        with markers and control changes; a crash loses at most the last second."""
        with self._lock:
            # t_s is not stored: sample i comes at step first + i * steps per sample, on the grid the
            # samples keep now (a recording started between two samples begins with the next one)
            grid = {"first_sample_step": self.cell.steps + round(self.cell.state("steps_to_sample")),
                    "steps_per_sample": self.steps_per_sample, "step_rate_hz": self.step_rate_hz}
            self.logbook.start(path, OUTPUT_NAMES, {**self._meta(self.t_s, self._values), **grid})

    def stop_recording(self):
        """Close the recording (everything is on disk); the Session goes on."""
        with self._lock:
            self.logbook.stop()

    @property
    def recording_error(self):
        """Why the last recording stopped by itself (a full disk...), if it did; None once a new one starts."""
        return self.logbook.error

    def membrane_test(self):
        """Input resistance (MΩ), capacitance (pF) and time constant (ms) from a small step."""
        return protocols.membrane_test(self)

    def rheobase(self):
        """Smallest 500 ms current step on top of the holding current that fires a spike:
        ``{"rheobase_pA": ..., "message": ...}``; ``rheobase_pA`` is None, and the message says
        why, when nothing fires up to the amplifier's limit or the cell fires with no step at all."""
        return protocols.rheobase(self)

    def iv_curve(self, steps_mV=None):
        """Voltage-clamp steps: table of command potential, peak and steady-state current."""
        return protocols.iv_curve(self, steps_mV)

    def fi_curve(self, steps_pA=None):
        """Current-clamp steps (500 ms): table of step current, spike count and rate."""
        return protocols.fi_curve(self, steps_pA)

    def last_spike(self, within_s=2.0):
        """The newest spike in the last ``within_s`` as the scopes hold it (``rig.analysis``:
        threshold where dV/dt first exceeds 10 mV/ms, peak, half-width, at 10 kHz sampling or
        more), or None if there is none."""
        t_s, channels = self.view.recent(("V_mV", "spikes"), within_s)
        found = analysis.find_spikes(t_s, channels["V_mV"], channels["spikes"])
        return found[-1] if found else None

    def drift(self):
        """V and each ion over the last minute: {channel: (rate per minute, settled)} (``rig.steady``)."""
        return steady.drift(self.view)

    def spikes(self, start_s=None):
        """Spikes in the recorded trace: time, threshold, peak, half-width, rate (rig.analysis).

        Every spike the cell's detector counted is listed, whatever the sample rate; shapes need
        10 kHz or more, and below that threshold, peak and half-width are None.
        """
        tr = self.trace(start_s)
        return analysis.find_spikes(tr["t_s"], tr["V_mV"], tr["spikes"])


def _positive_seconds(what, value, zero=False):
    """``value`` as seconds, or ValueError naming ``what``: a number above 0 (0 too if ``zero``)."""
    number = as_number(value)
    if number is None or not (number > 0.0 or (zero and number == 0.0)):
        raise ValueError(f"{what} = {value!r} must be a number of seconds, {'0 or more' if zero else 'more than 0'}")
    return number


def _cell_draw(preparation, cell_seed, cell_attempt):
    """(cell seed, attempt) of a drawn cell; the attempt is found (``rig.variability``) unless given."""
    if cell_seed is None:
        if cell_attempt is not None:
            raise ValueError("cell_attempt is an attempt of a cell_seed: give the seed too")
        return None, None
    seed = as_number(cell_seed, whole=True)
    if seed is None or not 0 <= seed <= variability.CELL_SEED_MAX:
        raise ValueError(f"cell_seed = {cell_seed!r} is not allowed: a cell seed is a whole number "
                         f"0–{variability.CELL_SEED_MAX} (a student ID gives one: rig.variability.student_seed)")
    if cell_attempt is None:
        return seed, variability.first_accepted(preparation, seed, lambda name, attempt: Session(
            preparation=name, keep_trace=False, cell_seed=seed, cell_attempt=attempt))
    attempt = as_number(cell_attempt, whole=True)
    if attempt is None or not 0 <= attempt < variability.MAX_ATTEMPTS:
        raise ValueError(f"cell_attempt = {cell_attempt!r} is not allowed: "
                         f"a whole number 0–{variability.MAX_ATTEMPTS - 1}")
    return seed, attempt


def _checked_seed(seed):
    number = as_number(seed, whole=True)
    if number is not None and 0 <= number <= SEED_MAX:
        return number
    raise ValueError(f"seed = {seed!r} is not allowed: the seed of the amplifier noise is a whole number "
                     f"0–{SEED_MAX}")
