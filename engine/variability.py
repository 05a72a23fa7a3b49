"""Cell-to-cell variability: each student's own cell, drawn from the spread that real cells of the
same type show (``../shared/science/variability.md``, parts 1, 2 and 4).

A draw changes the patched cell's own geometry and densities; the tissue around it (the neighbour, a
slice's units) stays the preparation's standard one. Spreads are lognormal around the preparation's
default (its target figures stay the centre of the class), with the widths the sheet takes from
recordings:

- neurons (scheme D of the sheet, checked there by Monte Carlo on this engine): membrane area σ 0.30
  (Allen mouse C logSD 0.30), cytosol and shell scaled alike; a leak scale on all three resting
  permeabilities σ 0.4, correlated −0.3 with the area (Allen: ln τ against ln C +0.31, bigger cells
  leak less per area); a K+-leak ratio P_K × e^−r, r ~ N(0, 0.4) (V_rest SD ≈ 4 mV against Allen's
  5.6; on the K side so that a depolarised cell has the higher R_in, as in the data); Nav and Kd with
  a shared factor σ 0.25 and their own σ 0.15 (2–4-fold co-varying ranges: Marder & Goaillard 2006
  Nat Rev Neurosci 7:563; Schulz 2006 Nat Neurosci 9:356); M-current σ 0.3; the pump tied to the
  Na+ leak (× leak scale × e^N(0, 0.2); Anderson 2010 J Physiol 588:4401). The mature cell's NKCC1
  log-uniform ×1 to ×60 (E_Cl −102 to −94 mV); the immature cell's KCC2 log-uniform ×0.5 to ×20
  (E_Cl about −22 to −34 mV; Lombardi 2018 Front Cell Neurosci 12:420 spread wider).
- astrocyte: K+ permeability and area σ 0.3 each (R_in CV 0.44 at P9); V stays near E_K, which is
  the lesson.
- node of Ranvier: area σ 0.35 at fixed densities (node length 4–9-fold: Arancibia-Cárcamo 2017
  eLife 6:e23329).
- squid axon: ḡNa σ 0.125, ḡK σ 0.1 (correlated 0.5), ḡL σ 0.15, C_m σ 0.075: half the widths of
  HH 1952 Table 3's ranges, which put most draws outside the firing of targets row 21.
- the internode is not drawn: its one property a student varies, the myelin wraps, is chosen at
  patching.

Each group of parameters draws from a generator of its own, keyed by (cell seed, attempt, group
name), so a group added later leaves every other draw as it was. Whether a draw is a cell that
exists (its rest, input resistance and rheobase inside the measured ranges) is measured on the
settled cell by the rig (``rig.variability``), which redraws with the next attempt if not.
"""
import hashlib
import math

import numpy as np

def generator(cell_seed, attempt, group):
    """The random generator of parameter group ``group`` for draw ``attempt`` of cell ``cell_seed``."""
    key = int.from_bytes(hashlib.sha256(group.encode("utf-8")).digest()[:8], "little")
    return np.random.default_rng(np.random.SeedSequence([int(cell_seed), int(attempt), key]))


def drawn(preparation_name, values, cell_seed, attempt=0):
    """The patched cell's own parameters that a draw changes, by name: ``values`` are the
    preparation's (kernel parameter name -> value). Empty for a preparation that is not drawn."""
    draw = DRAWS.get(preparation_name)
    return {} if draw is None else draw(lambda group: generator(cell_seed, attempt, group), values)


def _scaled(values, factors):
    return {name: values[name] * factor for name, factor in factors.items()}


def _sized(values, area_factor):
    """Area with the cytosol and the shell around it scaled alike (the cell is bigger, not flatter)."""
    return _scaled(values, {"area_cm2": area_factor, "vol_i_L": area_factor, "vol_o_L": area_factor})


def _log_uniform(rng, low, high):
    return math.exp(rng.uniform(math.log(low), math.log(high)))


def _neuron_membrane(g, values):
    z_area, z_leak = g("size_and_leak").standard_normal(2)
    leak = math.exp(0.4 * (-0.3 * z_area + math.sqrt(1 - 0.3 ** 2) * z_leak))
    k_ratio = math.exp(-0.4 * g("k_leak_ratio").standard_normal())
    shared, own_na, own_kd = g("spike_channels").standard_normal(3)
    return {**_sized(values, math.exp(0.30 * z_area)),
            **_scaled(values, {"P_Na_cm_s": leak, "P_K_cm_s": leak * k_ratio, "P_Cl_cm_s": leak,
                               "gNa_mS": math.exp(0.25 * shared + 0.15 * own_na),
                               "gKd_mS": math.exp(0.25 * shared + 0.15 * own_kd),
                               "gM_mS": math.exp(0.3 * g("m_current").standard_normal()),
                               "pump_max_uA": leak * math.exp(0.2 * g("pump").standard_normal())})}


def _neuron(g, values):
    return {**_neuron_membrane(g, values),
            **_scaled(values, {"U_nkcc1_mM_per_ms": _log_uniform(g("chloride"), 1.0, 60.0)})}


def _immature_neuron(g, values):
    return {**_neuron_membrane(g, values),
            **_scaled(values, {"U_kcc2_mM_per_ms": _log_uniform(g("chloride"), 0.5, 20.0)})}


def _astrocyte(g, values):
    z_area, z_k = g("size_and_kir").standard_normal(2)
    return {**_sized(values, math.exp(0.3 * z_area)), **_scaled(values, {"P_K_cm_s": math.exp(0.3 * z_k)})}


def _node(g, values):
    return _sized(values, math.exp(0.35 * g("node_length").standard_normal()))


def _squid_axon(g, values):
    z_na, z_own = g("hh_channels").standard_normal(2)
    z_k = 0.5 * z_na + math.sqrt(1 - 0.5 ** 2) * z_own
    z_leak, z_cm = g("hh_passive").standard_normal(2)
    # half the sheet's widths: at full width two draws in three fired outside row 21's 60–75 Hz
    return _scaled(values, {"gNa_mS": math.exp(0.125 * z_na), "gKd_mS": math.exp(0.1 * z_k),
                            "gL_mS": math.exp(0.15 * z_leak), "Cm_uF_per_cm2": math.exp(0.075 * z_cm)})


DRAWS = {"neuron": _neuron, "slice": _neuron, "immature_neuron": _immature_neuron, "astrocyte": _astrocyte,
         "node": _node, "squid_axon": _squid_axon}
