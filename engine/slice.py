"""The patched cell inside a slice: a line of units (engine.kernel.UNIT_NAMES), each a neuron, its
astrocyte share and their ECS, stepped with the patched cell by ``advance_slice``. ``Slice`` is a
``Cell`` (the same ``y``, ``p``, ``advance``, ``settle``, snapshots), so the rig drives it unchanged;
it adds the units, the puff pipette and the linescan. Never imports ``rig`` or Qt.
"""
import numpy as np

from . import budget
from .cell import Cell
from .kernel import (CELL_STATE_NAMES, PUFF, PUFF_SOLUTES, SCAN_NAMES, UNIT_NAMES, P, S, U, advance_slice,
                     new_slice_workspace, new_tables, patched_unit)
from .preparations import SLICE_START

SCAN_RATE_HZ = 20.0   # linescan rows per simulated second
SCAN_ROWS = 12000     # the newest 10 minutes of linescan, bounded like every other view
# a slice whose neurons fire while it settles (a synaptic background) cannot be fast-forwarded, and
# its astrocytes' K+ and Cl- take ~10 minutes: a uniform slice settles as one of its units
FIRING_SETTLE_S = 900.0
# what a newly patched cell takes over from its unit (its pipette arrives on that unit's neuron):
# the neuron's state, and the unit's ECS as its shell (the same names in both vectors)
PATCHED_FROM_UNIT = CELL_STATE_NAMES + ("Na_o_mM", "K_o_mM", "Cl_o_mM")
UNIT_BOOKS = tuple(name for name in UNIT_NAMES if name.endswith("_mmol"))


class Slice(Cell):
    HAS_UNITS = True
    # the slice's ECS meets the bath in real time (20 s) while cytosols settle fast: its last
    # 1e-4 per window is a drift of under 0.01 mM a minute, not worth half a minute of settling
    SETTLED_WITHIN = 1e-4

    def __init__(self, preparation, n_units=None):
        super().__init__(preparation)
        self.n_units = int(self.p[P["slice_units"]]) if n_units is None else n_units
        self.spacing_mm = float(self.p[P["unit_spacing_um"]]) * 1e-3
        self.x_mm = (np.arange(self.n_units) + 0.5) * self.spacing_mm
        self.u = np.zeros((self.n_units, len(UNIT_NAMES)))
        for name, value in SLICE_START.items():
            self.u[:, U[name]] = value
        self.u[:, U["glu_pool_uM"]] = self.p[P["glu_pool_uM"]]  # full
        self.puff_state = np.full((self.n_units, len(PUFF)), np.nan)
        self.puff_state[:, PUFF.ms_left] = 0.0
        self._p_u = self.p.copy()
        self._tables_u = new_tables()
        self._work = new_slice_workspace(self.n_units)
        unit_steps_per_s = 1000.0 / float(self.p[P["unit_dt_ms"]])
        self._scan_every = max(1, round(unit_steps_per_s / SCAN_RATE_HZ))
        self.scan_rate_hz = unit_steps_per_s / self._scan_every
        self._scan_block = np.zeros((1, len(SCAN_NAMES), self.n_units), dtype=np.float32)
        self._scan = np.zeros((SCAN_ROWS, len(SCAN_NAMES), self.n_units), dtype=np.float32)
        self._scan_t = np.zeros(SCAN_ROWS)
        self._scan_count = 0  # rows ever written; the newest SCAN_ROWS are kept

    @property
    def patched_unit(self):
        return patched_unit(self.p, self.n_units)

    def bathe(self, bath_mM, chamber, o2_pct):
        super().bathe(bath_mM, chamber, o2_pct)
        for ion in bath_mM:
            self.u[:, U[f"{ion}_o_mM"]] = self.y[S[f"{ion}_b_mM"]]
        self.u[:, U["O2_b_mM"]] = self.u[:, U["O2_mM"]] = self.y[S["O2_mM"]]

    def _kernel(self, n_steps, decim):
        rows = n_steps // (self._scan_every * round(self.p[P["unit_dt_ms"]] / self.dt_ms)) + 2
        if self._scan_block.shape[0] < rows:
            self._scan_block = np.zeros((rows, len(SCAN_NAMES), self.n_units), dtype=np.float32)
        first_scan_step = self.y[S["unit_steps"]]
        pos, scan_pos = advance_slice(self.y, self.p, *self._tables, self.u, self.puff_state, self._p_u,
                                      *self._tables_u, self._work, n_steps, decim, self._out, 0,
                                      self._scan_block, self._scan_every, 0)
        if scan_pos:
            self._keep_scan(self._scan_block[:scan_pos], first_scan_step)
        return pos

    def _keep_scan(self, rows, first_unit_step):
        """Append linescan rows to the ring; their times come from the units' step count."""
        n = len(rows)
        unit_dt_s = float(self.p[P["unit_dt_ms"]]) * 1e-3
        first = (first_unit_step // self._scan_every + 1) * self._scan_every
        t = (first + self._scan_every * np.arange(n)) * unit_dt_s
        idx = (self._scan_count + np.arange(n)) % SCAN_ROWS
        self._scan[idx] = rows
        self._scan_t[idx] = t
        self._scan_count += n

    def linescan(self, span_s=None):
        """Time × position arrays of the kept linescan (the newest ``span_s`` seconds, or all)."""
        n = min(self._scan_count, SCAN_ROWS)
        if span_s is not None:
            n = min(n, int(span_s * self.scan_rate_hz))
        idx = (self._scan_count - n + np.arange(n)) % SCAN_ROWS
        scan = self._scan[idx]
        result = {"t_s": self._scan_t[idx], "x_mm": self.x_mm.copy()}
        for c, name in enumerate(SCAN_NAMES):
            result[name] = scan[:, c, :]
        return result

    def settle(self, decim, published=None, **kwargs):
        if self._fires_while_settling() and self._uniform():
            self._settle_as_one_unit(decim)
            self._finish_settling(decim, published)
        else:
            super().settle(decim, published, **kwargs)
        # the clock restarts at zero for the units too, and with it their books, spike counts and
        # the linescan
        self.y[S["unit_steps"]] = 0.0
        for name in UNIT_BOOKS + ("spike_count",):
            self.u[:, U[name]] = 0.0
        self._scan_count = 0

    def _fires_while_settling(self):
        # with a synaptic background the units' neurons fire, and a fast-forwarded cytosol would
        # take each spike's ions a thousandfold
        return self.p[P["syn_exc_Hz"]] > 0.0 or self.p[P["syn_inh_Hz"]] > 0.0

    def _uniform(self):
        """Every unit alike before anything is applied: no core on other O2 than the rest."""
        return self.p[P["core_mm"]] <= 0.0 or self.p[P["core_o2_pct"]] == self.p[P["o2_pct"]]

    def _settle_as_one_unit(self, decim):
        """Settle for FIRING_SETTLE_S in real time as a slice of one unit (the same controls, so
        the same cells; its ECS exchanges with the bath as each unit's does), then every unit and
        the patched cell take on its state. They part within milliseconds, each unit with its own
        synaptic events."""
        one = Slice(self.preparation, n_units=1)
        one.p[:] = self.p
        one.y[:] = self.y
        one.u[:] = self.u[:1]
        one.p[P["settle_speedup"]] = 1.0
        one._run_unrecorded(FIRING_SETTLE_S, decim, None)
        self.y[:] = one.y
        self.u[:] = one.u[0]

    def _spikes(self):
        return super()._spikes() + self.u[:, U["spike_count"]].sum()

    def _settled_firing(self, decim):
        if not self._uniform():
            return False
        self._settle_as_one_unit(decim)
        return True

    def puff(self, at_mm, width_mm, duration_s, solution):
        """Puff ``solution`` ({"K_mM": 60, ...}, PUFF_SOLUTES) onto the units within
        ``width_mm`` around ``at_mm`` for ``duration_s``; other solutes stay as they are."""
        under = np.abs(self.x_mm - at_mm) <= width_mm / 2.0 + 1e-9
        if not under.any():  # a puff narrower than the spacing reaches the nearest unit
            under[np.argmin(np.abs(self.x_mm - at_mm))] = True
        for name in PUFF_SOLUTES:
            self.puff_state[under, PUFF[name]] = solution.get(name, np.nan)  # NaN: as the ECS has it
        self.puff_state[under, PUFF.ms_left] = duration_s * 1000.0
        return self.x_mm[under]

    def repatch(self):
        """A new cell at ``patch_mm``: the patched cell and its shell take on that unit's neuron
        and ECS (the pipette left the old cell, which the slice keeps as part of its unit)."""
        j = self.patched_unit
        for name in PATCHED_FROM_UNIT:
            self.y[S[name]] = self.u[j, U[name]]
        self.y[S["above_threshold"]] = 0.0

    def _saved(self):
        return {**super()._saved(), "u": self.u.copy(), "puff": self.puff_state.copy(),
                "scan_count": self._scan_count}

    def _restore(self, saved):
        super()._restore(saved)
        self.u[:] = saved["u"]
        self.puff_state[:] = saved["puff"]
        self._scan_count = saved["scan_count"]

    def _finite(self, pos):
        return super()._finite(pos) and bool(np.isfinite(self.u).all())

    def _non_finite_names(self):
        units = [f"{name} of the unit at {self.x_mm[j]:.2f} mm" for name_index, name in enumerate(UNIT_NAMES)
                 for j in np.flatnonzero(~np.isfinite(self.u[:, name_index]))[:1]]
        return super()._non_finite_names() + units

    def books(self):
        """The patched cell's books as in any cell; the tissue's are the whole slice's."""
        books = super().books()
        whole = budget.slice_totals(self.y, self.p, self.u)
        for ion in budget.IONS:
            books[f"tissue_{ion}_mmol"] = whole[f"{ion}_mmol"]
        books["tissue_charge_residual_mmol"] = whole["charge_residual_mmol"]
        books["tissue_cations_mmol"] = whole["Na_mmol"] + whole["K_mmol"]
        return books

    def snapshot(self):
        return {**super().snapshot(), "u": self.u.copy(), "puff": self.puff_state.copy(),
                "scan": (self._scan.copy(), self._scan_t.copy(), self._scan_count)}

    def put_back(self, snap, keep_clock=False):
        super().put_back(snap, keep_clock)
        self.u[:] = snap["u"]
        self.puff_state[:] = snap["puff"]
        scan, scan_t, self._scan_count = snap["scan"]
        self._scan[:] = scan
        self._scan_t[:] = scan_t
