"""A measurement's copy of the present moment: what ``with session.sandbox() as trial:`` gives.

Inside, a measurement sets controls, gives test pulses and captures what the cell does, as a rig's
acquisition software runs a protocol; when the block ends the Session is put back exactly as it was
(the cell, its clock and sample grid, the controls, the amplifier), and nothing done inside reaches
the trace, the recording or the markers. ``rig.protocols`` measures only through this.
"""


class Trial:
    """What a measurement may do inside ``Session.sandbox``. Made by the Session, which hands it
    three things: ``configure(controls)``, the ``amplifier`` and ``capture(duration_s, rate_hz)``."""

    def __init__(self, configure, amplifier, capture):
        self._configure, self._amplifier, self._capture = configure, amplifier, capture

    def configure(self, **controls):
        """Set controls (``clamp="current"``, ``noise_V_mV=0``...), checked as ``Session.set``
        checks them, with no marker and no history."""
        self._configure(controls)

    def pulse(self, amount):
        """A test pulse of ``amount`` on top of the holding value from now on: pA in current clamp,
        mV in voltage clamp; 0 ends it (``Amplifier.set_pulse``)."""
        self._amplifier.set_pulse(amount)

    def capture(self, duration_s, sample_rate_hz=50000.0):
        """Run ``duration_s`` simulated seconds from now and return what was sampled at
        ``sample_rate_hz`` (a divisor of the step rate) as a dict of arrays (``t_s``, ``V_mV``,
        ``I_pA``...), on a sample grid of its own."""
        return self._capture(duration_s, sample_rate_hz)
