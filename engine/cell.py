"""The patched cell in its slice, as numbers: its state and parameter vectors (``engine.kernel``
layouts), the kernel's workspace, and what moves them: ``advance`` (a run of steps whose samples go
to sinks), ``settle`` (to rest before a recording) and snapshots. The rig's ``Session`` drives one;
this module knows nothing of controls, markers or recordings, and never imports ``rig`` or Qt.
"""
import numba
import numpy as np

from . import budget
from .kernel import NEIGHBOUR_PREFIX, O, OUTPUT_NAMES, P, S, STATE_NAMES, advance, new_tables

# what the books count since the recording started (engine/budget.py), zeroed when it starts
BOOKS = tuple(name for name in STATE_NAMES if name.endswith("_mmol"))
# the clock and the sample grid: the next sample's step, the current mean and spike count so far
CLOCK = ("steps", "steps_to_sample", "I_amp_sum", "I_amp_count", "spikes_in_sample")
SETTLED = ("Na_i_mM", "K_i_mM", "Cl_i_mM", "ATP_mM")  # the slow variables that say the cell has settled


class NonFiniteState(ArithmeticError):
    """A state variable stopped being a finite number; the message names it and the time."""


class Cell:
    HAS_UNITS = False  # a slice's units stand where a single cell has its neighbour
    BLOCK_SAMPLES = 8192  # samples per kernel call; the output buffer is reused
    SETTLED_WITHIN = 1e-6  # relative change of the slow variables over a settling window

    def __init__(self, preparation):
        self.preparation = preparation
        self.p = preparation.parameter_vector()
        self.y = preparation.state_vector()
        self.dt_ms = float(self.p[P["dt_ms"]])
        self.step_rate_hz = 1000.0 / self.dt_ms
        self.last = np.zeros(len(OUTPUT_NAMES))  # the newest sample
        self._own_out = np.zeros((self.BLOCK_SAMPLES + 1, len(OUTPUT_NAMES)))
        self._out = self._own_out  # where the kernel writes the block: this, or memory a sink lends
        self._tables = new_tables()

    # ---- by name: the rig reads and sets the cell through these, never through its vectors
    def param(self, name):
        return float(self.p[P[name]])

    def set_param(self, name, value):
        self.p[P[name]] = value

    def state(self, name):
        return float(self.y[S[name]])

    def states(self):
        """Every state variable by name (a slice's units take the place of the neighbour)."""
        return {name: float(value) for name, value in zip(STATE_NAMES, self.y)
                if not (self.HAS_UNITS and name.startswith(NEIGHBOUR_PREFIX))}

    @property
    def steps(self):
        return round(self.y[S["steps"]])

    @property
    def t_s(self):
        """Simulated seconds since the recording started, exactly on the step grid."""
        return float(self.y[S["steps"]] / self.step_rate_hz)

    def steps_in(self, duration_s):
        return round(duration_s * self.step_rate_hz)

    def bathe(self, bath_mM, chamber, o2_pct):
        """Bath, tissue ECS and the shell at the slice in ion concentrations ``bath_mM`` ({"Na":
        ...}), the chamber's drugs at ``chamber`` ({state name: value}), O2 in equilibrium with the
        gas: a slice that has sat in this solution for long."""
        for ion, value in bath_mM.items():
            for where in ("b", "t", "o"):
                self.y[S[f"{ion}_{where}_mM"]] = value
        for name, value in chamber.items():
            self.y[S[name]] = value
        self.y[S["O2_b_mM"]] = self.y[S["O2_mM"]] = self.p[P["O2_sat_mM"]] * o2_pct / 100.0

    def advance(self, n_steps, decim, sinks=(), published=None):
        """Run the kernel ``n_steps``; samples (every ``decim`` steps) go to each of ``sinks``,
        and ``published()`` is called after each block (the rig's meters read ``last``). Returns
        the steps run: fewer when the membrane broke down (``broken``), so that the rig can say so
        before any later sample. Raises NonFiniteState, keeping the last good state and every
        sample up to it, if any variable stops being a finite number.

        A sink with a ``room(rows)`` method (the rig's trace) lends the memory where its next
        samples go: the kernel writes there, and the sink is told ``keep(n)`` how many rows it got
        instead of being given a copy."""
        chunk = self.BLOCK_SAMPLES * decim
        lender = _lender(sinks)
        done = 0
        while done < n_steps:
            n = min(n_steps - done, chunk)
            # a sample every decim steps, the first after 1 to decim: at most n // decim + 1 rows
            self._out = self._own_out if lender is None else lender.room(n // decim + 1)
            start = self._saved()
            was_broken = self.broken
            steps_before = self.steps
            pos = self._kernel(n, decim)
            if not self._finite(pos):
                self._stop_before_first_bad_step(start, n, decim, sinks, published)
            self._deliver(pos, sinks, published)
            done += self.steps - steps_before
            if self.broken and not was_broken:
                break
        return done

    @property
    def broken(self):
        """Whether the patched cell's membrane broke down (the cell is lost)."""
        return bool(self.y[S["membrane_broken"]] > 0.5)

    def _deliver(self, pos, sinks, published):
        if pos:
            _steps_to_seconds(self._out, pos, O["t_s"], self.step_rate_hz)  # the kernel counts steps
            self.last[:] = self._out[pos - 1]
            if published is not None:
                published()
            lender = _lender(sinks)
            for sink in sinks:
                if sink is lender:  # the kernel wrote into its memory
                    sink.keep(pos)
                else:
                    sink.append(self._out[:pos])

    def _kernel(self, n_steps, decim):
        """Run the kernel ``n_steps`` with samples into ``_out``; return how many it wrote."""
        return advance(self.y, self.p, *self._tables, n_steps, decim, self._out, 0)

    # ---- the guard against a state that is no longer a number ------------------------------
    def _saved(self):
        """What a kernel call changes, to go back to if it fails (cheap: no recorded data)."""
        return {"y": self.y.copy()}

    def _restore(self, saved):
        self.y[:] = saved["y"]

    def _finite(self, pos):
        return _all_finite(self.y) and _all_finite(self._out[:pos].reshape(-1))

    def _non_finite_names(self):
        return [name for name, value in zip(STATE_NAMES, self.y) if not np.isfinite(value)]

    def _stop_before_first_bad_step(self, start, n_steps, decim, sinks, published):
        """The block of ``n_steps`` from ``start`` went non-finite: find its first bad step (the
        kernel gives the same steps however a run is cut), run up to the step before it with its
        samples delivered, and raise NonFiniteState naming the variables and the time."""
        self._restore(start)
        t0_steps = self.steps
        good, bad = 0, n_steps
        while bad - good > 1:  # bisect on steps from the block's start
            trial = (good + bad) // 2
            self._restore(start)
            pos = self._kernel(trial, decim)
            if self._finite(pos):
                good = trial
            else:
                bad = trial
        self._restore(start)
        self._kernel(bad, decim)
        names = self._non_finite_names() or ["a recorded channel"]
        t_bad_s = (t0_steps + bad) / self.step_rate_hz
        self._restore(start)
        self._deliver(self._kernel(good, decim), sinks, published)
        raise NonFiniteState(f"the run stopped: {', '.join(names)} stopped being a number at t = {t_bad_s:.5f} s; "
                             f"the cell is kept as it was at t = {self.t_s:.5f} s, the last good step")

    def new_sample_grid(self, steps_to_first=1):
        """The next sample comes after ``steps_to_first`` steps, and the current mean starts afresh."""
        self.y[S["steps_to_sample"]] = steps_to_first
        self.y[S["I_amp_sum"]] = 0.0
        self.y[S["I_amp_count"]] = 0.0
        self.y[S["spikes_in_sample"]] = 0.0

    def settle(self, decim, published=None, max_windows=60, window_s=2.0):
        """Bring the slice to its resting state before the recording starts; afterwards the clock
        and the books read zero and the first sample comes ``decim`` steps on.

        The cytosols (ions, ATP, O2: minutes) run the preparation's ``settle_speedup`` times
        faster while the cells settle, with the membrane capacitance scaled to match (the kernel
        keeps charge conserved), so a resting cell starts where it would be after a long time in
        the bath. First the gates find their steady state in real time (half a second: a spike
        from the arbitrary starting gates would be amplified a thousandfold into the cytosol). A
        cell that fires while settling settles in real time instead (two minutes at most). Then a
        short run at normal speed.
        """
        slow = [S[name] for name in SETTLED]
        self.p[P["settle_speedup"]] = 1.0
        self._run_unrecorded(0.5, decim, published)
        self.p[P["settle_speedup"]] = self.preparation.settle_speedup
        for _ in range(max_windows):
            start, spikes = self._saved(), self._spikes()
            fast = self.p[P["settle_speedup"]] > 1.0
            try:
                self._run_unrecorded(window_s, decim, published)
                fired = self._spikes() > spikes
            except NonFiniteState:
                if not fast:
                    raise
                fired = True  # spikes taken a thousandfold emptied a cytosol before the window ended
            if fired and fast:
                # a firing cell cannot be fast-forwarded (its spikes would keep the membrane's
                # pace, not the cytosol's): undo this window and settle in real time from here
                self._restore(start)
                self.p[P["settle_speedup"]] = 1.0
                if self._settled_firing(decim):
                    break
                continue
            before = start["y"][slow]
            if np.all(np.abs(self.y[slow] - before) < self.SETTLED_WITHIN * np.abs(before)):
                break
        self._finish_settling(decim, published)

    def _spikes(self):
        """Spikes so far in the cells that settle (the patched cell's detector)."""
        return self.y[S["spike_count"]]

    def _settled_firing(self, decim):
        """A chance to settle a firing preparation some faster way than in real time; whether it did."""
        return False

    def _finish_settling(self, decim, published):
        """A short run at normal speed; then the clock and the books read zero and the first
        sample comes ``decim`` steps on."""
        self.p[P["settle_speedup"]] = 1.0
        self._run_unrecorded(2.0, decim, published)
        for name in ("steps", "spike_count") + BOOKS:
            self.y[S[name]] = 0.0
        self.new_sample_grid(decim)  # the recording samples at t = 1, 2, 3... intervals
        self.last[O["t_s"]] = 0.0

    def patch(self):
        """The pipette joins the cytosol: its K+ and Na+ are the cell's own at this moment (a
        solution made for the cell), so patching alone moves nothing."""
        self.p[P["pipette_K_mM"]] = self.y[S["K_i_mM"]]
        self.p[P["pipette_Na_mM"]] = self.y[S["Na_i_mM"]]

    def _run_unrecorded(self, duration_s, decim, published):
        self.new_sample_grid()
        self.advance(self.steps_in(duration_s), decim, (), published)

    def books(self):
        """The conserved totals (engine.budget): the patched cell's, and its tissue's (with the
        cytosolic cation charge its charge drift is judged against, ``tissue_cations_mmol``)."""
        return {**budget.totals(self.y, self.p),
                "tissue_cations_mmol": budget.cation_charge_mmol(self.y, self.p, NEIGHBOUR_PREFIX)}

    def budget_drift(self, since):
        """Relative drift of each conserved total since the books ``since`` (``books()`` then).

        Two sets of books (``engine.budget``): the patched cell's (``Na``, ``K``, ``Cl``,
        ``charge``) and the tissue's (``tissue_Na`` ...): the neighbour and its ECS, or in a slice
        every unit. Ions relative to their total; charge relative to the cytosols' cation charge
        and as the equivalent error in membrane potential (``charge_mV``, ``tissue_charge_mV``).
        """
        now = self.books()
        cations = {"": budget.cation_charge_mmol(self.y, self.p), "tissue_": now["tissue_cations_mmol"]}
        drift = {}
        for book in ("", "tissue_"):
            for ion in budget.IONS:
                key = f"{book}{ion}_mmol"
                drift[f"{book}{ion}"] = abs(now[key] - since[key]) / abs(since[key])
            key = f"{book}charge_residual_mmol"
            moved = abs(now[key] - since[key])
            drift[f"{book}charge"] = moved / cations[book]
            drift[f"{book}charge_mV"] = moved / budget.charge_mmol_per_mV(self.p)
        return {key: float(value) for key, value in drift.items()}

    def snapshot(self):
        return {"y": self.y.copy(), "p": self.p.copy(), "last": self.last.copy()}

    def put_back(self, snap, keep_clock=False):
        """Back to ``snap``; with ``keep_clock`` the clock and the sample grid go on from now (the
        trace stays in time order)."""
        clock = [S[name] for name in CLOCK]
        now = self.y[clock].copy()
        self.y[:] = snap["y"]
        self.p[:] = snap["p"]
        self.last[:] = snap["last"]
        if keep_clock:
            self.y[clock] = now


def _lender(sinks):
    """The first of ``sinks`` that lends the memory its samples go to (``room``), if any."""
    return next((sink for sink in sinks if hasattr(sink, "room")), None)


# ---- what each block goes through, compiled: one pass each and no temporary arrays
@numba.njit(cache=True, nogil=True)
def _all_finite(values):
    """Whether every one of ``values`` (1-D) is a finite number."""
    bad = 0
    for i in range(values.size):
        x = values[i]
        bad += (x - x) != 0.0  # x - x is NaN for NaN and ±inf, 0 for any finite x; the loop vectorizes
    return bad == 0


@numba.njit(cache=True, nogil=True)
def _steps_to_seconds(out, n_rows, column, step_rate_hz):
    """Column ``column`` of the first ``n_rows`` rows of ``out``, a step count, divided into seconds."""
    for i in range(n_rows):
        out[i, column] /= step_rate_hz
