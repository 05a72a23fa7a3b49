"""The rig's meters: what ``Session.readout`` shows, made from the cell's newest sample after each
block the cell runs (membrane potential, amplifier current, reversal potentials, ions, energy), with
what the chamber holds now and the firing rate over the last RATE_WINDOW_S.

The meters only read the cell (``engine.cell`` accessors); ``readout`` never waits for the engine:
it returns what the last block published, swapped in whole.
"""
import collections

from engine import solutes
from engine.kernel import OUTPUT_NAMES

# what the chamber holds now, as the perfusion washes a new solution in: control -> state
CHAMBER = solutes.chamber(solutes.SOLUTES)
READOUT_CHAMBER = {f"chamber_{control}": state for control, state in CHAMBER.items()}  # readout name -> state
RATE_WINDOW_S = 5.0  # the firing-rate meter counts spikes over the last five seconds of cell time (one is too noisy)


class Meters:
    def __init__(self, cell):
        self.cell = cell
        self._counts = collections.deque()  # (t_s, spike count) over the last RATE_WINDOW_S
        self._now = {}

    def readout(self):
        """The meters as the last block left them, by name with units (``V_mV``, ``I_pA``...)."""
        return dict(self._now)

    def publish(self):
        """Make the meters of this moment what ``readout`` returns (one atomic swap)."""
        cell = self.cell
        r = dict(zip(OUTPUT_NAMES, cell.last.tolist()))
        r["t_s"] = cell.t_s
        r["Na_efflux_pump_per_s"] = 3.0 * r["ATP_use_per_s"]
        r["V_minus_E_Cl_mV"] = r["V_mV"] - r["E_Cl_mV"]  # the driving force on Cl- (GABA_A)
        for name, state in READOUT_CHAMBER.items():
            r[name] = cell.state(state)
        r["chamber_o2_pct"] = 100.0 * cell.state("O2_b_mM") / cell.param("O2_sat_mM")
        r["spike_count"] = count = int(cell.state("spike_count"))
        r["firing_rate_Hz"] = self._rate_Hz(r["t_s"], count)
        self._now = r

    def _rate_Hz(self, t_s, count):
        counts = self._counts
        # the clock or the count went back (settling ended, a snapshot was put back): start afresh
        if counts and (t_s < counts[-1][0] or count < counts[-1][1]):
            counts.clear()
        counts.append((t_s, count))
        while len(counts) > 2 and counts[1][0] <= t_s - RATE_WINDOW_S:
            counts.popleft()
        t0, c0 = counts[0]
        return (count - c0) / (t_s - t0) if t_s > t0 else 0.0
