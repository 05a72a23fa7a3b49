"""The virtual rig: amplifier, perfusion, gas and temperature around one cell, headless.

``from rig import Session`` is the way in. Nothing in this package imports Qt.
"""
from engine.preparations import PREPARATIONS  # the cells one can patch, for the window's chooser

from .controls import CONTROLS
from .export import ExportError
from .recorder import RecordingError, read_recording
from .runloop import LoopStopped, RunLoop
from .session import Session

__all__ = ["CONTROLS", "PREPARATIONS", "ExportError", "LoopStopped", "RecordingError", "RunLoop", "Session",
           "read_recording"]
