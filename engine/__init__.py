"""The numbers behind the glass: model state and parameters, the Numba kernel, physics helpers.

Imports neither Qt nor ``rig``.
"""
from .kernel import OUTPUT_NAMES, PARAM_NAMES, STATE_NAMES, advance, ghk_current, nernst_mV, rt_over_f_mV
from .preparations import PREPARATIONS

__all__ = ["OUTPUT_NAMES", "PARAM_NAMES", "STATE_NAMES", "PREPARATIONS", "advance", "ghk_current",
           "nernst_mV", "rt_over_f_mV"]
