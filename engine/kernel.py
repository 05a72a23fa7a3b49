"""The Numba kernel: one call advances the patched cell and its neighbourhood by a block of steps.

Everything numerical that runs per step lives in this one module, on purpose: Numba's on-disk
cache (``cache=True``) is keyed on the file of the function it compiles, so a helper or a layout
kept in another file could change without the cached kernel noticing. The one exception, the
solutes' table (``engine/solutes.py``), is checked against ``SOLUTES_STAMP`` on import.

What is integrated (model-spec §1–§8): the patched cell (membrane, gates, cytosol, ATP); the
extracellular *shell* around it, which exchanges with the tissue in tens of ms; one representative
unpatched *neighbour* standing for the thousands of cells that share the *tissue* ECS; the tissue
ECS itself, with astrocyte uptake and diffusion to the *bath*; O2 in bath and tissue. The pipette
acts on the patched cell only; bath, gas, temperature and drugs act on every cell. In the slice
preparation (``advance_slice``, at the end) the neighbour and the tissue give way to a line of
units, each a neuron, an astrocyte share and their ECS (model-spec §9).

Every cell — the patched one, its neighbour, each unit's neuron — is advanced by the same three
functions with its own parameters (``CELL_PARAMS``): ``_cell_slow`` (reversal potentials, pump,
cotransport, what drugs and transmitters open), ``_cell_step`` (gates, currents, V) and
``_cytosol_change`` (its ions), with ``_cell_energy`` for its ATP.

The kernel reads the state vector ``y`` and the parameter vector ``p`` (layouts below), writes
decimated samples into the preallocated ``out`` array, never allocates, never calls Python and
runs with the GIL released. Equations and parameter sources: ``../shared/science/model-spec.md``
and ``engine/preparations.py``.

Units inside the kernel: mV, ms, µA/cm², mS/cm², µF/cm², mM, cm/s (permeabilities), litres
(volumes), cm² (area). Currents are positive outward (membrane convention); the amplifier current
``I_pA`` is the current the pipette injects (inward membrane current reads negative in voltage clamp).
"""
import math
from collections import namedtuple

import numpy as np
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic
from numba.np.unsafe.ndarray import to_fixed_tuple

from . import solutes
from .solutes import SOLUTES

F_C_per_mol = 96485.33212  # Faraday constant (CODATA 2018)
R_J_per_mol_K = 8.314462618  # gas constant (CODATA 2018)
ZERO_C_K = 273.15
AVOGADRO_per_mol = 6.02214076e23
# free diffusion coefficients, cm²/s (25 °C; Hille 2001 Table 14.1; glutamate and GABA: Nicholson &
# Syková 1998 Trends Neurosci 21:207 give 7.6e-6 for glutamate-sized ions; GABA alike)
D_NA_cm2_s, D_K_cm2_s, D_CL_cm2_s, D_GLU_cm2_s = 1.33e-5, 1.96e-5, 2.03e-5, 7.6e-6

# The solutes' rows in the layouts below come from engine/solutes.py, but Numba's on-disk cache is
# keyed on this file alone: a cached kernel would keep the old indices. So this file names the
# table it was compiled against, and a table that moves the layouts stops the import until the
# stamp here is updated, which also makes Numba recompile.
SOLUTES_STAMP = "c2db1554e5296a02"
if solutes.layout_stamp(SOLUTES) != SOLUTES_STAMP:
    raise ImportError(f"engine/solutes.py changed the kernel's layouts: set SOLUTES_STAMP in engine/kernel.py to "
                      f"{solutes.layout_stamp(SOLUTES)!r} (then the kernel recompiles against them)")


# ---- layouts ------------------------------------------------------------------------------------
# Each vector is declared once, as (name, unit, meaning) rows; every index derives from that
# declaration: ``S.V_mV`` in the kernel (a constant Numba folds in), ``S["V_mV"]`` elsewhere.
def layout(typename, fields):
    """The index of each of ``fields`` ((name, unit, meaning) rows) by name."""
    names = tuple(name for name, _, _ in fields)
    base = namedtuple(typename, names)

    class Index(base):
        __slots__ = ()
        fields_declared = tuple(fields)

        def __getitem__(self, key):
            return getattr(self, key) if isinstance(key, str) else base.__getitem__(self, key)

    Index.__name__ = Index.__qualname__ = typename
    return Index(*range(len(names)))


def prefixed(prefix, fields, meaning_prefix=""):
    return tuple((prefix + name, unit, meaning_prefix + meaning) for name, unit, meaning in fields)


def values_of(typename, index):
    """A namedtuple type with ``index``'s field names, to carry those values in the kernel."""
    return namedtuple(typename, index._fields)


# ---- a cell: what each of the patched cell, its neighbour and a slice unit's neuron carries
CELL_STATE_FIELDS = (
    ("V_mV", "mV", "membrane potential"),
    ("m", "1", "Nav activation"),
    ("h", "1", "Nav fast inactivation"),
    ("s", "1", "Nav slow inactivation (1: none)"),
    ("n", "1", "delayed rectifier (Kd) activation"),
    ("q", "1", "delayed rectifier slow inactivation (1: none)"),
    ("p", "1", "M-current (KCNQ2/3) activation"),
) + solutes.cytosol_fields(SOLUTES) + (  # its ions (engine/solutes.py)
    ("ATP_mM", "mM", "cytosolic ATP"),
    ("syn_ampa_cm_s", "cm/s", "open AMPA receptors (synaptic background), as a cation permeability"),
    ("syn_nmda_cm_s", "cm/s", "open NMDA receptors (synaptic background), unblocked"),
    ("syn_gaba_cm_s", "cm/s", "open GABA_A receptors (synaptic background), as a Cl- permeability"),
    ("syn_gabab_cm_s", "cm/s", "open GIRK channels by GABA_B (synaptic background), as a K+ permeability"),
)
CELL = layout("CellIndex", CELL_STATE_FIELDS)
CellState = values_of("CellState", CELL)
CELL_STATE_NAMES = CELL._fields
N_CELL = len(CELL)

# a cell's own parameters: its geometry and how many of each channel and transporter it has (the
# densities that vary from cell to cell; the channels' kinetics are the same protein's in every cell)
CELL_PARAM_FIELDS = (
    ("area_cm2", "cm²", "membrane area"),
    ("vol_i_L", "L", "cytosol volume"),
    ("vol_o_L", "L", "ECS around the cell: the patched cell's shell, a tissue cell's share"),
    ("Cm_uF_per_cm2", "µF/cm²", "specific capacitance"),
    ("gNa_mS", "mS/cm²", "Nav (transient Na+) conductance"),
    ("gKd_mS", "mS/cm²", "delayed rectifier K+ conductance"),
    ("gM_mS", "mS/cm²", "M-current (KCNQ2/3) conductance"),
    ("gL_mS", "mS/cm²", "ohmic leak of untracked ions (the squid axon's)"),
    ("EL_mV", "mV", "reversal of that leak"),
    ("P_Na_cm_s", "cm/s", "resting Na+ permeability (GHK)"),
    ("P_K_cm_s", "cm/s", "resting K+ permeability (GHK)"),
    ("P_Cl_cm_s", "cm/s", "resting Cl- permeability (GHK)"),
    ("P_paranodal_cm_s", "cm/s", "non-selective paranodal leak that demyelination exposes"),
    ("P_gaba_max_cm_s", "cm/s", "GABA_A Cl- permeability at saturating GABA"),
    ("P_nmda_max_cm_s", "cm/s", "NMDA receptors' cation permeability at saturating glutamate"),
    ("eaat_max_uA", "µA/cm²", "glutamate transporters' cycling at saturation (one charge a cycle)"),
    ("ampa_quantum_cm_s", "cm/s", "AMPA permeability one synaptic event opens"),
    ("nmda_quantum_cm_s", "cm/s", "NMDA permeability one synaptic event opens"),
    ("gaba_quantum_cm_s", "cm/s", "GABA_A permeability one inhibitory event opens"),
    ("gabab_quantum_cm_s", "cm/s", "GIRK permeability one inhibitory event opens through GABA_B"),
    ("pump_max_uA", "µA/cm²", "Na/K-ATPase maximal current"),
    ("U_kcc2_mM_per_ms", "mM/ms", "KCC2 capacity"),
    ("U_nkcc1_mM_per_ms", "mM/ms", "NKCC1 capacity"),
)
CELL_P = layout("CellParamIndex", CELL_PARAM_FIELDS)
CellParams = values_of("CellParams", CELL_P)
N_CELL_P = len(CELL_P)
TISSUE_PREFIX = "tissue_"  # the parameters of the cells around the patched one (neighbour, units)

# an ECS compartment's ions, and the slow terms a cell holds between their evaluations
ECS_FIELDS = solutes.ecs_fields(SOLUTES)
ECS = layout("EcsIndex", ECS_FIELDS)
Ecs = values_of("Ecs", ECS)
N_ECS = len(ECS)
IONS = solutes.ions(SOLUTES)  # the ions every compartment tracks

CELL_SLOW_FIELDS = (
    ("E_Na_mV", "mV", "Na+ reversal potential"),
    ("E_K_mV", "mV", "K+ reversal potential"),
    ("E_Cl_mV", "mV", "Cl- reversal potential"),
    ("I_pump_uA", "µA/cm²", "Na/K-ATPase current (one charge out per ATP)"),
    ("kcc2_mM_per_ms", "mM/ms", "KCC2 flux, K+ and Cl- out"),
    ("nkcc1_mM_per_ms", "mM/ms", "NKCC1 flux, Na+, K+ and 2 Cl- in"),
    ("g_Na_max_mS", "mS/cm²", "Nav conductance TTX leaves"),
    ("g_M_max_mS", "mS/cm²", "M-current conductance with retigabine and the KCNQ mutation"),
    ("rtg_shift_mV", "mV", "retigabine's shift of KCNQ activation"),
    ("P_Na_cm_s", "cm/s", "Na+ permeability: leak, paranode, bath NMDA (Mg2+-blocked at V)"),
    ("P_K_cm_s", "cm/s", "K+ permeability: leak, paranode, bath NMDA"),
    ("P_Cl_cm_s", "cm/s", "Cl- permeability: leak and bath GABA_A"),
    ("P_HCO3_cm_s", "cm/s", "HCO3- permeability of bath GABA_A"),
    ("ampa_open", "1", "share of AMPA receptors kynurenic acid leaves"),
    ("nmda_open", "1", "share of NMDA receptors kynurenic acid and Mg2+ leave (at V)"),
    ("eaat_uA", "µA/cm²", "glutamate transporters' cycling"),
)
CELL_SLOW = layout("CellSlowIndex", CELL_SLOW_FIELDS)
CellSlow = values_of("CellSlow", CELL_SLOW)
N_CELL_SLOW = len(CELL_SLOW)

# what the patched cell's and the tissue's ECS exchange, and the pipette, each step: held between
# evaluations, with the books' share of them
EXCHANGE_FIELDS = (
    ("shell_Na_mM", "mM", "Na+ the shell gives the tissue ECS each step"),
    ("shell_K_mM", "mM", "K+ the shell gives the tissue ECS each step"),
    ("shell_Cl_mM", "mM", "Cl- the shell gives the tissue ECS each step"),
    ("tissue_Na_mM", "mM", "Na+ the tissue ECS gains each step: the shell's share, less what goes to the bath"),
    ("tissue_K_mM", "mM", "K+ the tissue ECS gains each step: the shell's share, less bath and astrocytes"),
    ("tissue_Cl_mM", "mM", "Cl- the tissue ECS gains each step: the shell's share, less what goes to the bath"),
    ("Na_to_tissue_mmol", "mmol", "Na+ the shell gives the tissue ECS each step"),
    ("K_to_tissue_mmol", "mmol", "K+ the shell gives the tissue ECS each step"),
    ("Cl_to_tissue_mmol", "mmol", "Cl- the shell gives the tissue ECS each step"),
    ("Na_to_bath_mmol", "mmol", "Na+ a neighbour's share of tissue ECS gives the bath each step"),
    ("K_to_bath_mmol", "mmol", "K+ a neighbour's share of tissue ECS gives the bath each step"),
    ("Cl_to_bath_mmol", "mmol", "Cl- a neighbour's share of tissue ECS gives the bath each step"),
    ("K_to_glia_mmol", "mmol", "K+ the astrocytes take from a neighbour's share each step"),
    ("pipette_K_share_out", "1", "K+ share of the cations that leave the cytosol by the pipette"),
    ("pipette_K_mM", "mM", "K+ the pipette's exchange brings into the cytosol each step"),
    ("pipette_Na_mM", "mM", "Na+ the pipette's exchange brings into the cytosol each step"),
)
EXCHANGE = layout("ExchangeIndex", EXCHANGE_FIELDS)
Exchange = values_of("Exchange", EXCHANGE)
N_EXCHANGE = len(EXCHANGE)


def _ecs_fields(letter, where):
    return tuple((f"{ion}_{letter}_mM", "mM", f"{ion} in {where}") for ion in IONS)


NEIGHBOUR_PREFIX = "nb_"
HELD_PREFIX = "held_"
# chamber solutes carried to the slice by perfusion (engine/solutes.py): each chamber state follows
# its control with the perfusion's wash-in (the bath's ions at the slice surface, the drugs in the chamber)
PERFUSED = solutes.perfused(SOLUTES)
DRUG_FIELDS = solutes.drug_fields(SOLUTES)

# ---- state vector -------------------------------------------------------------------------------
STATE = layout("StateIndex", (
    prefixed("", CELL_STATE_FIELDS, "patched cell: ")
    + _ecs_fields("o", "the shell around the patched cell: the ECS it sees")
    + prefixed(NEIGHBOUR_PREFIX, CELL_STATE_FIELDS, "neighbour: ")
    + _ecs_fields("t", "the tissue ECS the neighbours share")
    + _ecs_fields("b", "the bath at the slice surface (follows perfusion)")
    + (("O2_b_mM", "mM", "O2 in the bath at the slice"), ("O2_mM", "mM", "O2 in the tissue"))
    + DRUG_FIELDS
    + (
        # in a slice: the patched cell's unit
        ("glu_local_uM", "µM", "glutamate at the patched cell beyond the chamber's (released, puffed)"),
        ("gaba_local_uM", "µM", "GABA at the patched cell beyond the chamber's"),
        ("unit_pending_steps", "steps", "patched-cell steps since the slice's units last stepped"),
        ("unit_steps", "steps", "the units' steps since the recording started"),
        ("presynaptic_available", "1", "share of its unit's neurons that can still fire (their Nav's s)"),
        # clock, sampling, spike detector
        ("steps", "steps", "whole steps since the recording started"),
        ("steps_to_sample", "steps", "steps until the next sample"),
        ("I_amp_sum", "µA/cm²", "amplifier current summed since the last sample"),
        ("I_amp_count", "steps", "steps in that sum"),
        ("spikes_in_sample", "1", "spikes since the last sample"),
        ("spike_count", "1", "spikes since the recording started"),
        ("above_threshold", "1", "1 while the patched cell is above the spike threshold"),
        ("membrane_broken", "1", "1 once the patched cell's membrane broke down (the cell is lost)"),
        # the slow terms are evaluated at fixed points of the step grid and held in between; the
        # steps they still hold for, and the held values, are state, so a run cut anywhere goes on
        # as if uncut
        ("slow_steps_left", "steps", "steps the held slow terms still hold for"),
    )
    + prefixed(HELD_PREFIX, CELL_SLOW_FIELDS, "held, patched cell: ")
    + prefixed(HELD_PREFIX + NEIGHBOUR_PREFIX, CELL_SLOW_FIELDS, "held, neighbour: ")
    + prefixed(HELD_PREFIX, EXCHANGE_FIELDS, "held: ")
    + (
        # budgets (engine/budget.py). The patched cell's books: what left cell + shell, and the
        # Na+ and K+ that came in from the pipette
        ("Na_to_tissue_mmol", "mmol", "Na+ the shell gave the tissue ECS"),
        ("K_to_tissue_mmol", "mmol", "K+ the shell gave the tissue ECS"),
        ("Cl_to_tissue_mmol", "mmol", "Cl- the shell gave the tissue ECS"),
        ("Na_from_pipette_mmol", "mmol", "Na+ the pipette brought into the cytosol"),
        ("K_from_pipette_mmol", "mmol", "K+ the pipette brought into the cytosol"),
        ("untracked_charge_out_mmol", "mmol", "charge untracked ions carried out of the patched cell"),
        # the tissue's books, per neighbour's share: what left neighbour + tissue ECS
        ("Na_to_bath_mmol", "mmol", "Na+ the tissue ECS gave the bath"),
        ("K_to_bath_mmol", "mmol", "K+ the tissue ECS gave the bath"),
        ("Cl_to_bath_mmol", "mmol", "Cl- the tissue ECS gave the bath"),
        ("K_to_glia_mmol", "mmol", "K+ the astrocytes took up"),
        ("nb_untracked_charge_out_mmol", "mmol", "charge untracked ions carried out of the neighbour"),
    )))
S = STATE
STATE_NAMES = STATE._fields

# ---- parameter vector ---------------------------------------------------------------------------
PARAMS = layout("ParamIndex", (
    ("dt_ms", "ms", "the step"),
    ("settle_speedup", "×", "how much faster cytosols run while the cell settles"),
    ("has_neighbour", "1", "1: the tissue's representative neighbour is integrated (0: none, as for the squid axon)"),
    # channels' kinetics: the same protein in every cell
    ("kinetics", "code", "0 cortical (Pospischil 2008), 1 squid (Hodgkin & Huxley 1952)"),
    ("V_T_mV", "mV", "Pospischil's V_T: where Nav and Kd gates sit"),
    ("nav_h_shift_mV", "mV", "Nav inactivation's offset from activation"),
    ("M_V_half_mV", "mV", "M-current half-activation"),
    ("tau_M_max_ms", "ms", "M-current's slowest time constant"),
    ("nav_slow_V_half_mV", "mV", "Nav slow inactivation half-point"),
    ("nav_slow_slope_mV", "mV", "its slope"),
    ("tau_nav_slow_ms", "ms", "its time constant (0: none)"),
    ("kd_slow_V_half_mV", "mV", "Kd slow inactivation half-point"),
    ("kd_slow_slope_mV", "mV", "its slope"),
    ("tau_kd_slow_ms", "ms", "its time constant (0: none)"),
    ("T_ref_gating_C", "°C", "temperature the gating rates are written for"),
    ("Q10_gating", "1", "Q10 of gating"),
    ("gaba_EC50_uM", "µM", "GABA_A EC50"),
    ("gaba_hill", "1", "GABA_A Hill coefficient"),
    ("gaba_hco3_ratio", "1", "P_HCO3/P_Cl of GABA_A"),
    ("ttx_IC50_nM", "nM", "TTX IC50 at Nav"),
    ("retigabine_shift_max_mV", "mV", "KCNQ V½ shift by retigabine at saturation"),
    ("retigabine_EC50_uM", "µM", "retigabine EC50"),
    ("retigabine_gain_max", "×", "KCNQ conductance at saturating retigabine"),
    ("nmda_EC50_uM", "µM", "NMDA receptors' glutamate EC50"),
    ("eaat_K_m_uM", "µM", "glutamate transporters' K_m"),
    ("tboa_IC50_uM", "µM", "DL-TBOA IC50"),
    ("tau_ampa_ms", "ms", "AMPA decay"),
    ("tau_nmda_ms", "ms", "NMDA decay"),
    ("tau_gaba_ms", "ms", "GABA_A decay"),
    ("tau_gabab_ms", "ms", "GABA_B (GIRK) decay"),
    ("gabab_hill", "1", "GABA_B quantum's power of the GABA released"),
    ("kyna_IC50_nmda_uM", "µM", "kynurenic acid IC50 at NMDA receptors"),
    ("kyna_IC50_ampa_uM", "µM", "kynurenic acid IC50 at AMPA receptors"),
    ("quin_EC50_uM", "µM", "quinolinic acid EC50 at NMDA receptors"),
    ("butyrate_gaba_gain", "×", "GABA per vesicle in a butyrate-fed animal"),
    # pump, transporters, glia, the neighbourhood, diffusion
    ("pump_K_Na_mM", "mM", "Na/K-ATPase Na+ affinity"),
    ("pump_K_K_mM", "mM", "Na/K-ATPase K+ affinity"),
    ("pump_K_ATP_mM", "mM", "Na/K-ATPase ATP affinity"),
    ("Q10_transport", "1", "Q10 of pump and cotransporters"),
    ("T_ref_transport_C", "°C", "temperature the transport rates are given at"),
    ("glia_max_mM_per_ms", "mM/ms", "astrocytes' maximal K+ uptake"),
    ("glia_K_half_mM", "mM", "its half-point"),
    ("glia_K_slope_mM", "mM", "its slope"),
    ("tau_shell_ms", "ms", "shell ↔ tissue ECS exchange"),
    ("tissue_cells", "1", "cells sharing the tissue ECS the shell gives to"),
    ("tau_diffusion_ms", "ms", "tissue ECS ↔ bath exchange through the slice"),
    # energy
    ("O2_sat_mM", "mM", "dissolved O2 at 100 % gas"),
    ("tau_gas_ms", "ms", "a gas change's wash-in"),
    ("tau_O2_ms", "ms", "bath → tissue O2"),
    ("K_O2_mM", "mM", "mitochondrial O2 affinity"),
    ("k_syn_per_ms", "1/ms", "ATP synthesis rate"),
    ("ATP_max_mM", "mM", "ATP synthesis ceiling"),
    ("k_basal_per_ms", "1/ms", "ATP use outside the pump"),
    ("O2_per_ATP", "1", "O2 per ATP made"),
    # the solutes (engine/solutes.py): concentrations the bath cannot change (HCO3-, Mg2+), then
    # the perfused ones' controls; user controls (rig/controls.py names them; same names here)
) + solutes.fixed_fields(SOLUTES) + solutes.control_fields(SOLUTES) + (
    ("temperature_C", "°C", "control"), ("o2_pct", "%", "control"), ("perfusion_tau_s", "s", "control"),
    ("kcc2_rel", "×", "control"), ("nkcc1_rel", "×", "control"),
    ("syn_exc_Hz", "Hz", "control"), ("syn_inh_Hz", "Hz", "control"), ("butyrate_fed", "1", "control"),
    ("nav_shift_mV", "mV", "control"), ("kcnq_gain", "×", "control"),
    ("demyelination", "1", "control"), ("kir_block", "1", "control"), ("myelin_wraps", "1", "control"),
    # amplifier and spike detector
    ("clamp_code", "code", "0 current clamp (I = 0 injects nothing), 1 voltage clamp"),
    ("inject_pA", "pA", "current injected in current clamp"),
    ("command_mV", "mV", "voltage-clamp command"),
    ("rs_MOhm", "MΩ", "series (access) resistance; 0: ideal"),
    ("noise_V_mV", "mV", "recording noise on V (current clamp)"),
    ("noise_I_pA", "pA", "recording noise on I (voltage clamp)"),
    ("noise_seed", "1", "this Session's noise stream"),
    ("spike_threshold_mV", "mV", "spike detector threshold"),
    ("breakdown_mV", "mV", "where a membrane breaks down (electroporation)"),
    ("P_pore_cm_s", "cm/s", "a porated membrane's permeability to Na+, K+, Cl-"),
    # the pipette, a reservoir joined to the cytosol through the perforated patch: its solutes, resistivity
) + solutes.pipette_fields(SOLUTES) + (
    ("pipette_rho_ohm_cm", "Ω cm", "pipette solution resistivity"),
    # the slice (model-spec §9; engine/slice.py). 0 units = a single-cell preparation
    ("slice_units", "1", "units in the slice's line"),
    ("unit_spacing_um", "µm", "their spacing"),
    ("unit_dt_ms", "ms", "the units' step"),
    ("tortuosity", "1", "ECS tortuosity λ"),
    ("unit_cells", "1", "cells a unit stands for"),
    ("vol_astro_L", "L", "a unit's astrocyte share"),
    ("area_astro_cm2", "cm²", "its membrane"),
    ("P_K_astro_cm_s", "cm/s", "astrocytes' K+ permeability (Kir4.1)"),
    ("P_Na_astro_cm_s", "cm/s", "their Na+ permeability"),
    ("P_Cl_astro_cm_s", "cm/s", "their Cl- permeability"),
    ("pump_astro_uA", "µA/cm²", "their Na/K-ATPase"),
    ("eaat_astro_uA", "µA/cm²", "their glutamate transporters"),
    ("U_nkcc1_astro_mM_per_ms", "mM/ms", "their NKCC1"),
    ("k_gj_per_ms", "1/ms", "gap junctions between astrocyte shares"),
    ("glu_release_uM_per_ms", "µM/ms", "depolarisation-driven glutamate release at most"),
    ("glu_release_V_half_mV", "mV", "its half-point"),
    ("glu_release_slope_mV", "mV", "its slope"),
    ("tau_release_V_ms", "ms", "the V that release follows, low-passed"),
    ("glu_pool_uM", "µM", "releasable glutamate, full"),
    ("tau_glu_refill_ms", "ms", "its refilling"),
    ("tau_puff_ms", "ms", "a puff's exchange of the ECS under it"),
    ("gap_junction_rel", "×", "control"), ("core_o2_pct", "%", "control"), ("core_mm", "mm", "control"),
    ("patch_mm", "mm", "control"),
) + prefixed("", CELL_PARAM_FIELDS, "patched cell: ")
  + prefixed(TISSUE_PREFIX, CELL_PARAM_FIELDS, "the tissue's cells (neighbour, slice units): "))
P = PARAMS
PARAM_NAMES = PARAMS._fields
PERFUSED_INDEX = tuple((STATE[state], PARAMS[control]) for state, control in PERFUSED)
CLAMP_CURRENT, CLAMP_VOLTAGE = 0, 1  # I = 0 is current clamp with inject_pA = 0

# ---- decimated output channels (the patched cell and its shell) ---------------------------------
OUTPUT = layout("OutputIndex", (
    ("t_s", "s", "time (the kernel writes the step count; the caller divides)"),
    ("V_mV", "mV", "membrane potential as recorded (noise in current clamp)"),
    ("I_pA", "pA", "amplifier current, mean over the sample (noise in voltage clamp)"),
    ("E_K_mV", "mV", "K+ reversal"), ("E_Na_mV", "mV", "Na+ reversal"), ("E_Cl_mV", "mV", "Cl- reversal"),
    ("Na_i_mM", "mM", "cytosolic Na+"), ("K_i_mM", "mM", "cytosolic K+"), ("Cl_i_mM", "mM", "cytosolic Cl-"),
    ("Na_o_mM", "mM", "Na+ at the cell"), ("K_o_mM", "mM", "K+ at the cell"), ("Cl_o_mM", "mM", "Cl- at the cell"),
    ("ATP_mM", "mM", "cytosolic ATP"), ("O2_mM", "mM", "tissue O2"),
    ("I_pump_pA", "pA", "Na/K-ATPase current"),
    ("ATP_use_per_s", "1/s", "ATP the pump spends, molecules per second"),
    ("Na_influx_per_s", "1/s", "Na+ entry but the pump's, ions per second"),
    ("spikes", "1", "spikes that began in this sample's interval"),
))
O = OUTPUT
OUTPUT_NAMES = OUTPUT._fields


# ---- biophysics, callable from Python too ---------------------------------------------------
@njit(cache=True, inline="always")
def rt_over_f_mV(temperature_C):
    return 1000.0 * R_J_per_mol_K * (temperature_C + ZERO_C_K) / F_C_per_mol


@njit(cache=True, inline="always")
def nernst_mV(z, conc_out_mM, conc_in_mM, temperature_C):
    """Reversal potential E = (RT/zF) ln([X]o/[X]i)."""
    return rt_over_f_mV(temperature_C) / z * math.log(conc_out_mM / conc_in_mM)


@njit(cache=True, inline="always")
def _ghk(P_cm_s, z, conc_in_mM, conc_out_mM, w, e, rt_f_mV):
    """GHK current and slope given w = zFV/RT and e = exp(-w) (shared between ions)."""
    if abs(w) < 1e-6:  # removable singularity at V = 0: first-order series
        xi = (conc_in_mM - conc_out_mM) + w * 0.5 * (conc_in_mM + conc_out_mM)
        dxi = 0.5 * (conc_in_mM + conc_out_mM)
    else:
        d = 1.0 - e
        inv_d = 1.0 / d
        num = conc_in_mM - conc_out_mM * e
        xi = w * num * inv_d
        dxi = (num * (d - w * e) + w * conc_out_mM * e * d) * inv_d * inv_d
    scale = P_cm_s * z * F_C_per_mol
    return scale * xi, scale * dxi * z / rt_f_mV


@njit(cache=True, inline="always")
def ghk_current(P_cm_s, z, conc_in_mM, conc_out_mM, V_mV, rt_f_mV):
    """GHK current density (µA/cm², outward positive) and its slope dI/dV (mS/cm²).

    I = P z F w (X_i - X_o e^-w) / (1 - e^-w), w = zFV/RT. With X in mM and P in cm/s the unit
    factors cancel to µA/cm² (P·F·mM = 1e-6 A/cm²).
    """
    w = z * V_mV / rt_f_mV
    return _ghk(P_cm_s, z, conc_in_mM, conc_out_mM, w, math.exp(-w), rt_f_mV)


@njit(cache=True, inline="always")
def _vtrap(x, k):
    """x / (1 - exp(-x/k)), finite at x = 0."""
    r = x / k
    if abs(r) < 1e-6:
        return k * (1.0 + 0.5 * r)
    return x / (1.0 - math.exp(-r))


@njit(cache=True, inline="always")
def rates_cortical(V, V_T):
    """Pospischil et al. 2008 (Biol Cybern 99:427) Na m,h and K_d n rates, 1/ms, at 36 °C."""
    v = V - V_T
    am = 0.32 * _vtrap(v - 13.0, 4.0)
    bm = 0.28 * _vtrap(-(v - 40.0), 5.0)
    ah = 0.128 * math.exp(-(v - 17.0) / 18.0)
    bh = 4.0 / (1.0 + math.exp(-(v - 40.0) / 5.0))
    an = 0.032 * _vtrap(v - 15.0, 5.0)
    bn = 0.5 * math.exp(-(v - 10.0) / 40.0)
    return am, bm, ah, bh, an, bn


@njit(cache=True, inline="always")
def rates_squid(V):
    """Hodgkin & Huxley 1952 (J Physiol 117:500) rates, 1/ms, at 6.3 °C, rest near -65 mV."""
    am = 0.1 * _vtrap(V + 40.0, 10.0)
    bm = 4.0 * math.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(V + 35.0) / 10.0))
    an = 0.01 * _vtrap(V + 55.0, 10.0)
    bn = 0.125 * math.exp(-(V + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


# ---- gating tables ---------------------------------------------------------------------------
# Steady states and Rush–Larsen decay factors of every gate, tabulated against V for the current
# temperature, dt and kinetics (as NEURON does), interpolated linearly. Shifts (Nav mutation,
# retigabine) move the lookup point, so the tables depend only on TABLE_KEY parameters.
TABLE_V_MIN_mV = -150.0
TABLE_V_MAX_mV = 100.0
TABLE_ROWS_PER_mV = 20.0
TABLE_ROWS = round((TABLE_V_MAX_mV - TABLE_V_MIN_mV) * TABLE_ROWS_PER_mV) + 1
TABLE = layout("TableIndex", tuple(
    field for gate, what in (("m", "Nav activation"), ("h", "Nav inactivation"), ("n", "Kd activation"),
                             ("p", "M-current activation"), ("s", "Nav slow inactivation"),
                             ("q", "Kd slow inactivation"))
    for field in ((f"{gate}_inf", "1", f"{what}: steady state"), (f"{gate}_decay", "1", f"{what}: decay over dt"))))
TABLE_KEY = tuple(PARAMS[name] for name in (
    "dt_ms", "temperature_C", "kinetics", "V_T_mV", "nav_h_shift_mV", "M_V_half_mV", "tau_M_max_ms",
    "T_ref_gating_C", "Q10_gating", "nav_slow_V_half_mV", "nav_slow_slope_mV", "tau_nav_slow_ms",
    "kd_slow_V_half_mV", "kd_slow_slope_mV", "tau_kd_slow_ms"))


def new_tables():
    """Workspace for the gating tables: (table, key). The kernel fills it when the key changes."""
    return np.zeros((TABLE_ROWS, len(TABLE))), np.full(len(TABLE_KEY), np.nan)


@njit(cache=True, inline="always")
def _slow_gate(V, V_half, slope, tau_ms, dt_phi):
    """Steady state and decay factor of a slow inactivation gate; none (1, instant) where tau is 0."""
    if tau_ms <= 0.0:
        return 1.0, 0.0
    return 1.0 / (1.0 + math.exp((V - V_half) / slope)), math.exp(-dt_phi / tau_ms)


@njit(cache=True)
def _fill_tables(tab, key, p):
    dt = p[P.dt_ms]
    phi = p[P.Q10_gating] ** ((p[P.temperature_C] - p[P.T_ref_gating_C]) / 10.0)
    squid = p[P.kinetics] > 0.5
    for i in range(TABLE_ROWS):
        V = TABLE_V_MIN_mV + i / TABLE_ROWS_PER_mV
        # Na inactivation may sit elsewhere on the voltage axis than activation (nodal Nav1.6)
        V_h = V - p[P.nav_h_shift_mV]
        if squid:
            am, bm, _, _, an, bn = rates_squid(V)
            ah, bh = rates_squid(V_h)[2:4]
        else:
            am, bm, _, _, an, bn = rates_cortical(V, p[P.V_T_mV])
            ah, bh = rates_cortical(V_h, p[P.V_T_mV])[2:4]
        tab[i, TABLE.m_inf] = am / (am + bm)
        tab[i, TABLE.m_decay] = math.exp(-phi * dt * (am + bm))
        tab[i, TABLE.h_inf] = ah / (ah + bh)
        tab[i, TABLE.h_decay] = math.exp(-phi * dt * (ah + bh))
        tab[i, TABLE.n_inf] = an / (an + bn)
        tab[i, TABLE.n_decay] = math.exp(-phi * dt * (an + bn))
        # M-current (KCNQ2/3) slow gate, Pospischil 2008 (there with V½ -35 mV)
        ex = math.exp((V - p[P.M_V_half_mV]) / 20.0)
        tab[i, TABLE.p_inf] = 1.0 / (1.0 + 1.0 / (ex * ex))
        tab[i, TABLE.p_decay] = math.exp(-dt * phi * (3.3 * ex + 1.0 / ex) / p[P.tau_M_max_ms])
        # slow inactivation of Nav and of the delayed rectifier over seconds of depolarisation
        tab[i, TABLE.s_inf], tab[i, TABLE.s_decay] = _slow_gate(
            V, p[P.nav_slow_V_half_mV], p[P.nav_slow_slope_mV], p[P.tau_nav_slow_ms], dt * phi)
        tab[i, TABLE.q_inf], tab[i, TABLE.q_decay] = _slow_gate(
            V, p[P.kd_slow_V_half_mV], p[P.kd_slow_slope_mV], p[P.tau_kd_slow_ms], dt * phi)
    for k in range(len(TABLE_KEY)):
        key[k] = p[TABLE_KEY[k]]


@njit(cache=True)
def _refresh_tables(tab, key, p):
    """Refill the tables if a parameter they depend on changed since they were filled."""
    for k in range(len(TABLE_KEY)):
        if key[k] != p[TABLE_KEY[k]]:
            _fill_tables(tab, key, p)
            return


@njit(cache=True, inline="always")
def _row(V):
    """Table row and interpolation weight for V (clamped to the table's range)."""
    x = (V - TABLE_V_MIN_mV) * TABLE_ROWS_PER_mV
    if x < 0.0:
        x = 0.0
    elif x > TABLE_ROWS - 1.001:
        x = TABLE_ROWS - 1.001
    i = int(x)
    return i, x - i


@njit(cache=True, inline="always")
def _gate(tab, i, w, col_inf, col_dec, x, double_step):
    """Rush–Larsen update over one table step dt, or over 2 dt (decay squared) if ``double_step``."""
    x_inf = tab[i, col_inf] + w * (tab[i + 1, col_inf] - tab[i, col_inf])
    dec = tab[i, col_dec] + w * (tab[i + 1, col_dec] - tab[i, col_dec])
    if double_step:
        dec *= dec
    return x_inf + (x - x_inf) * dec


@njit(cache=True, inline="always")
def _relax(x, target, decay):
    return target + (x - target) * decay


@njit(cache=True, inline="always")
def _decay(dt_ms, tau_ms):
    """exp(-dt/tau); tau <= 0 means instant (factor 0)."""
    if tau_ms <= 0.0:
        return 0.0
    return math.exp(-dt_ms / tau_ms)



# ---- the amplifier's noise: a counter-based stream (splitmix64, Steele 2014), so that the same
# seed gives the same samples however a run is sliced and on whichever thread it runs, and two
# Sessions never share a generator's state
GOLDEN_U64 = np.uint64(0x9E3779B97F4A7C15)
MIX1_U64 = np.uint64(0xBF58476D1CE4E5B9)
MIX2_U64 = np.uint64(0x94D049BB133111EB)
TWO_POW_M53 = 2.0 ** -53


@njit(cache=True, inline="always")
def _splitmix64(seed, k):
    """The k-th 64-bit output of the stream ``seed``."""
    z = np.uint64(seed) + np.uint64(k) * GOLDEN_U64
    z = (z ^ (z >> np.uint64(30))) * MIX1_U64
    z = (z ^ (z >> np.uint64(27))) * MIX2_U64
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def normal_draw(seed, n):
    """Standard normal number ``n`` (0, 1, 2...) of the stream ``seed`` (Box–Muller)."""
    u1 = (float(_splitmix64(seed, 2.0 * n + 1.0) >> np.uint64(11)) + 1.0) * TWO_POW_M53  # (0, 1]
    u2 = float(_splitmix64(seed, 2.0 * n + 2.0) >> np.uint64(11)) * TWO_POW_M53
    return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


# Everything random is keyed by the step it belongs to, so a run sliced anyhow draws the same
# numbers: a sample's noise is normal number 2 * step (V) or 2 * step + 1 (I), uniform numbers
# 4 * step + 1 ... + 4, below 2**44 for 2**42 steps (2.8 years at 20 µs); the synaptic background's
# events are counters of their own above that, 4 per step
SYN_KEY = 2.0 ** 44


@njit(cache=True, inline="always")
def _events(seed, key, mean):
    """Poisson-distributed count with this ``mean``, from uniform number ``key`` of the stream."""
    u = float(_splitmix64(seed, key) >> np.uint64(11)) * TWO_POW_M53
    term = math.exp(-mean)
    total = term
    k = 0
    while u > total and k < 50:
        k += 1
        term *= mean / k
        total += term
    return k



RS_IDEAL_BELOW_MOhm = 0.01  # series resistance this small clamps ideally (and never divides by ~0)
SLOW_EVERY = 10  # steps between updates of reversal potentials, pump, transporters, glia, energy
# fast-math without the no-NaN/no-Inf promises, so a NaN still propagates to where tests see it
FAST = {"contract", "arcp", "afn", "reassoc", "nsz"}


# ---- one cell -----------------------------------------------------------------------------------
# INLINED STAGES. The stages below are inlined into the kernels (inline="always"). Numba counts the
# references to an array handed to an inlined function; where the array's last use in it sits
# inside a branch, those counts survive optimisation as two atomic operations on every pass. In
# the neuron's step that cost 13 %. So a stage reads what it needs from an array before it
# branches, or the branch is taken by its caller (the puff); tests/test_kernel_speed.py checks
# that no reference count is left inside the kernels' loops.
Membrane = namedtuple("Membrane", (
    "nav_shift_mV", "rtg_shift_mV", "g_Na_max_mS", "g_Kd_max_mS", "g_M_max_mS", "gL_mS", "EL_mV",
    "P_Na_cm_s", "P_K_cm_s", "P_Cl_cm_s", "P_HCO3_cm_s", "HCO3_i_mM", "HCO3_o_mM"))
# what the pipette does to the patched cell (every other cell has NO_PIPETTE)
Clamp = namedtuple("Clamp", ("voltage", "ideal", "g_series_mS", "command_mV", "inject_uA"))
NO_PIPETTE = Clamp(False, False, 0.0, 0.0, 0.0)
# a step's currents, µA/cm², each at the step's mean V (pump included in Na and K)
Currents = namedtuple("Currents", ("Na", "K", "Cl", "untracked", "amplifier"))
# what the chamber's drugs do to every cell (model-spec §5, §9)
Chamber = namedtuple("Chamber", ("nav_open", "rtg_shift_mV", "kcnq_factor", "nmda_open", "ampa_open",
                                 "eaat_open", "quinolinic_acid_uM"))
# what the transmitters at a cell open, per unit of each density
Transmitters = namedtuple("Transmitters", ("gaba_open", "nmda_occupancy", "eaat_per_max"))
# a cell's constants over a kernel call
CellConstants = namedtuple("CellConstants", ("cm_uF", "k_i", "r_io", "vol_i_L", "vol_o_L", "to_pA"))
# the synaptic background over one step: events expected, decay of each receptor's open share
Synapses = namedtuple("Synapses", ("exc_events", "inh_events", "ampa_decay", "nmda_decay", "gaba_decay",
                                   "gabab_decay", "gaba_gain", "gabab_gain"))


@intrinsic
def _values(typingctx, v, first, n):
    """The ``n`` values of the 1-D array ``v`` from ``first`` on, as a tuple, loaded one by one.
    Numba's ``to_fixed_tuple`` fills its tuple in a loop that goes through memory with a variable
    index; where LLVM does not unroll that loop, each of its passes stores and reloads the whole
    tuple: the 23 parameters of a cell cost ~0.4 µs a call of ``_step_units`` that way. No bounds
    check, as there. (``_ecs`` keeps ``to_fixed_tuple``: loaded this way, a unit's ECS moves
    LLVM's fast-math reassociation, and the units' values change in their last bits.)"""
    if not (isinstance(v, types.Array) and v.ndim == 1 and isinstance(v.dtype, types.Float)
            and isinstance(n, types.IntegerLiteral)):
        return None
    count = n.literal_value
    tuple_type = types.UniTuple(v.dtype, count)

    def codegen(context, builder, signature, args):
        array_type, first_type, _ = signature.args
        array = context.make_array(array_type)(context, builder, args[0])
        start = context.cast(builder, args[1], first_type, types.intp)
        values = context.get_constant_undef(tuple_type)
        for k in range(count):
            at = builder.add(start, context.get_constant(types.intp, k))
            pointer = cgutils.get_item_pointer(context, builder, array_type, array, [at])
            values = builder.insert_value(values, builder.load(pointer), k)
        return values

    return tuple_type(v, first, n), codegen


@njit(cache=True, inline="always")
def _cell_state(v, first):
    return CellState(*_values(v, first, N_CELL))


@njit(cache=True, inline="always")
def _cell_params(p, first):
    return CellParams(*_values(p, first, N_CELL_P))


@njit(cache=True, inline="always")
def _pump_current(p, pump_max, Na_i, K_o, ATP, phi_t):
    """Na/K-ATPase current, µA/cm² (3 Na+ out, 2 K+ in, one net charge out per ATP)."""
    na3 = Na_i * Na_i * Na_i
    return (pump_max * phi_t * na3 / (na3 + p[P.pump_K_Na_mM] ** 3) * K_o / (K_o + p[P.pump_K_K_mM])
            * ATP / (ATP + p[P.pump_K_ATP_mM]))


@njit(cache=True, inline="always")
def _cell_slow_held(v, first):
    return CellSlow(*_values(v, first, N_CELL_SLOW))


@njit(cache=True, inline="always")
def _ecs(v, first):
    return Ecs(*to_fixed_tuple(v[first:first + N_ECS], N_ECS))


@njit(cache=True, inline="always")
def _store(v, first, values):
    for k in range(len(values)):
        v[first + k] = values[k]


@njit(cache=True, inline="always")
def _with_ions(c, Na_i, K_i, Cl_i):
    return CellState(c.V_mV, c.m, c.h, c.s, c.n, c.q, c.p, Na_i, K_i, Cl_i, c.ATP_mM,
                     c.syn_ampa_cm_s, c.syn_nmda_cm_s, c.syn_gaba_cm_s, c.syn_gabab_cm_s)


@njit(cache=True, inline="always")
def _with_atp(c, ATP):
    return CellState(c.V_mV, c.m, c.h, c.s, c.n, c.q, c.p, c.Na_i_mM, c.K_i_mM, c.Cl_i_mM, ATP,
                     c.syn_ampa_cm_s, c.syn_nmda_cm_s, c.syn_gaba_cm_s, c.syn_gabab_cm_s)


@njit(cache=True, inline="always")
def _cell_constants(cp, speed, myelin_wraps):
    """A cell's constants for a call. Myelin: N wraps put N more membranes in series with the
    axolemma, so every conductance and the capacitance fall (N+1)-fold, as for a membrane of
    1/(N+1) the area. While cells settle (``speed`` > 1) the cytosol's ions change ``speed`` times
    faster and the capacitance is divided by the same factor, so that the charge the ions carry
    still equals C·ΔV: the cells settle on the charge-neutral state they would reach in real time."""
    area = cp.area_cm2 / (1.0 + myelin_wraps)
    return CellConstants(cm_uF=cp.Cm_uF_per_cm2 / speed,
                         k_i=area * 1e-6 / (F_C_per_mol * cp.vol_i_L),  # µA/cm² -> mM/ms in the cytosol
                         r_io=cp.vol_i_L / cp.vol_o_L, vol_i_L=cp.vol_i_L, vol_o_L=cp.vol_o_L,
                         to_pA=area * 1e6)


@njit(cache=True, inline="always")
def _synapses(p, dt, available):
    """The synaptic background over a step of ``dt`` (model-spec §9): Poisson events from the
    neurons around that can still fire (``available``), each opening a quantum that decays."""
    per_vesicle = 1.0 + (p[P.butyrate_gaba_gain] - 1.0) * p[P.butyrate_fed]
    return Synapses(exc_events=p[P.syn_exc_Hz] * available * dt * 1e-3,
                    inh_events=p[P.syn_inh_Hz] * available * dt * 1e-3,
                    ampa_decay=math.exp(-dt / p[P.tau_ampa_ms]), nmda_decay=math.exp(-dt / p[P.tau_nmda_ms]),
                    gaba_decay=math.exp(-dt / p[P.tau_gaba_ms]), gabab_decay=math.exp(-dt / p[P.tau_gabab_ms]),
                    # butyrate from gut bacteria puts more GABA in each vesicle (more GAD); GABA
                    # reaches the GABA_B receptors by spillover and their G proteins open GIRK
                    # channels cooperatively, so that quantum grows more steeply than the GABA
                    gaba_gain=per_vesicle, gabab_gain=per_vesicle ** p[P.gabab_hill])


@njit(cache=True, inline="always")
def _synaptic_step(c, syn, cp, seed, key):
    """A cell's open synaptic permeabilities after one step: decay, then this step's events
    (uniform numbers ``key`` and ``key + 1`` of the seed's stream)."""
    s_a = c.syn_ampa_cm_s * syn.ampa_decay
    s_n = c.syn_nmda_cm_s * syn.nmda_decay
    s_g = c.syn_gaba_cm_s * syn.gaba_decay
    s_b = c.syn_gabab_cm_s * syn.gabab_decay
    if syn.exc_events > 0.0 or syn.inh_events > 0.0:
        n_e = _events(seed, key, syn.exc_events)
        if n_e:
            s_a += n_e * cp.ampa_quantum_cm_s
            s_n += n_e * cp.nmda_quantum_cm_s
        n_i = _events(seed, key + 1.0, syn.inh_events)
        s_g += n_i * cp.gaba_quantum_cm_s * syn.gaba_gain
        s_b += n_i * cp.gabab_quantum_cm_s * syn.gabab_gain
    return s_a, s_n, s_g, s_b


@njit(cache=True, inline="always")
def _chamber(p, y):
    """What the chamber's drugs do to every cell: TTX blocks Nav; retigabine shifts KCNQ V½ and
    raises its conductance (with the KCNQ mutation's gain); kynurenic acid blocks NMDA receptors
    (glycine site) and weakly AMPA receptors; quinolinic acid is a weak NMDA agonist; TBOA blocks
    glutamate transporters."""
    rtg = y[S.retigabine_uM]
    occupancy = rtg / (rtg + p[P.retigabine_EC50_uM])
    kyna = y[S.kynurenic_acid_uM]
    return Chamber(nav_open=1.0 / (1.0 + y[S.ttx_nM] / p[P.ttx_IC50_nM]),
                   rtg_shift_mV=p[P.retigabine_shift_max_mV] * occupancy,
                   kcnq_factor=p[P.kcnq_gain] * (1.0 + (p[P.retigabine_gain_max] - 1.0) * occupancy),
                   nmda_open=1.0 / (1.0 + kyna / p[P.kyna_IC50_nmda_uM]),
                   ampa_open=1.0 / (1.0 + kyna / p[P.kyna_IC50_ampa_uM]),
                   eaat_open=1.0 / (1.0 + y[S.tboa_uM] / p[P.tboa_IC50_uM]),
                   quinolinic_acid_uM=y[S.quinolinic_acid_uM])


@njit(cache=True, inline="always")
def _transmitters(p, chamber, glu_uM, gaba_uM, phi_t):
    """What the transmitters at a cell (``glu_uM``, ``gaba_uM``) open, per unit of each density:
    GABA_A (Hill), NMDA receptors (glutamate, and quinolinic acid, a weak agonist) and the
    glutamate transporters' cycling (temperature-dependent, blocked by TBOA)."""
    hill, gaba_EC50 = p[P.gaba_hill], p[P.gaba_EC50_uM]  # read before branching: see INLINED STAGES
    nmda_EC50, quin_EC50, eaat_K_m = p[P.nmda_EC50_uM], p[P.quin_EC50_uM], p[P.eaat_K_m_uM]
    gaba_open = nmda_occupancy = eaat = 0.0
    if gaba_uM > 0.0:
        ch = gaba_uM ** hill
        gaba_open = ch / (ch + gaba_EC50 ** hill)
    quin = chamber.quinolinic_acid_uM
    if glu_uM > 0.0 or quin > 0.0:
        nmda_occupancy = min(1.0, glu_uM / (glu_uM + nmda_EC50) + quin / (quin + quin_EC50))
        eaat = phi_t * glu_uM / (glu_uM + eaat_K_m) * chamber.eaat_open
    return Transmitters(gaba_open, nmda_occupancy, eaat)


@njit(cache=True, inline="always")
def _cell_slow(p, cp, c, ecs, chamber, tm, rtf, phi_t, with_E_Cl):
    """A cell's slow terms: reversal potentials, the Na/K-ATPase (3 Na+ out, 2 K+ in, one net
    charge out per ATP) and electroneutral cotransport (thermodynamic forms, model-spec §3; KCC2
    positive = K+ and Cl- out, NKCC1 positive = Na+, K+ and 2 Cl- in), and what the chamber's drugs
    and the transmitters at the cell (``tm``) open in its densities. GABA_A passes HCO3- at a fixed
    ratio to Cl-; NMDA receptors pass Na+ and K+ alike, with the Mg2+ block at the cell's own V
    (Jahr & Stevens 1990 J Neurosci 10:3178). A term whose density is 0 is not evaluated, nor E_Cl
    but ``with_E_Cl``: Cl- crosses by GHK, so E_Cl is for the state and the record, and the slice's
    units, which keep none, skip its logarithm."""
    E_Na = rtf * math.log(ecs.Na_mM / c.Na_i_mM)
    E_K = rtf * math.log(ecs.K_mM / c.K_i_mM)
    E_Cl = -rtf * math.log(ecs.Cl_mM / c.Cl_i_mM) if with_E_Cl else 0.0
    i_pump = kcc2 = nkcc1 = 0.0
    if cp.pump_max_uA != 0.0:
        i_pump = _pump_current(p, cp.pump_max_uA, c.Na_i_mM, ecs.K_mM, c.ATP_mM, phi_t)
    if cp.U_kcc2_mM_per_ms != 0.0:
        kcc2 = cp.U_kcc2_mM_per_ms * p[P.kcc2_rel] * phi_t * math.log(
            (c.K_i_mM * c.Cl_i_mM) / (ecs.K_mM * ecs.Cl_mM))
    if cp.U_nkcc1_mM_per_ms != 0.0:
        nkcc1 = cp.U_nkcc1_mM_per_ms * p[P.nkcc1_rel] * phi_t * math.log(
            (ecs.Na_mM * ecs.K_mM * ecs.Cl_mM * ecs.Cl_mM) / (c.Na_i_mM * c.K_i_mM * c.Cl_i_mM * c.Cl_i_mM))
    nmda_open = chamber.nmda_open / (1.0 + p[P.Mg_o_mM] / 3.57 * math.exp(-0.062 * c.V_mV))
    P_gaba = cp.P_gaba_max_cm_s * tm.gaba_open
    P_nmda = cp.P_nmda_max_cm_s * tm.nmda_occupancy * nmda_open
    P_para = cp.P_paranodal_cm_s * p[P.demyelination]  # non-selective Na/K leak: reversal near 0 mV
    return CellSlow(E_Na_mV=E_Na, E_K_mV=E_K, E_Cl_mV=E_Cl, I_pump_uA=i_pump, kcc2_mM_per_ms=kcc2,
                    nkcc1_mM_per_ms=nkcc1, g_Na_max_mS=cp.gNa_mS * chamber.nav_open,
                    g_M_max_mS=cp.gM_mS * chamber.kcnq_factor, rtg_shift_mV=chamber.rtg_shift_mV,
                    P_Na_cm_s=cp.P_Na_cm_s + P_para + P_nmda, P_K_cm_s=cp.P_K_cm_s + P_para + P_nmda,
                    P_Cl_cm_s=cp.P_Cl_cm_s + P_gaba, P_HCO3_cm_s=P_gaba * p[P.gaba_hco3_ratio],
                    ampa_open=chamber.ampa_open, nmda_open=nmda_open, eaat_uA=cp.eaat_max_uA * tm.eaat_per_max)


@njit(cache=True, inline="always")
def _cell_energy(p, ATP, O2, i_pump, k_i, dt, speed):
    """A cell's ATP after ``dt`` and what it made (mM/ms): synthesis driven by the ATP deficit
    (respiratory control by ADP), limited by O2 (model-spec §4); spent on its pump (1 per cycle)
    and on housekeeping."""
    made = p[P.k_syn_per_ms] * O2 / (O2 + p[P.K_O2_mM]) * (p[P.ATP_max_mM] - ATP)
    return ATP + speed * (made - i_pump * k_i - p[P.k_basal_per_ms] * ATP) * dt, made


@njit(cache=True, inline="always")
def _membrane(cp, slow, syn_open, nav_shift, hco3_ratio, HCO3_i, HCO3_o, P_pore):
    """The channels of a cell at this step: its slow terms plus the open synaptic receptors
    (``syn_open``: AMPA, NMDA, GABA_A, GABA_B permeabilities) and electroporation's pores."""
    s_a, s_n, s_g, s_b = syn_open
    P_cat = s_a * slow.ampa_open + s_n * slow.nmda_open
    return Membrane(nav_shift, slow.rtg_shift_mV, slow.g_Na_max_mS, cp.gKd_mS, slow.g_M_max_mS, cp.gL_mS,
                    cp.EL_mV, slow.P_Na_cm_s + P_cat + P_pore, slow.P_K_cm_s + P_cat + s_b + P_pore,
                    slow.P_Cl_cm_s + s_g + P_pore, slow.P_HCO3_cm_s + hco3_ratio * s_g, HCO3_i, HCO3_o)


@njit(cache=True, inline="always")
def _membrane_step(tab, dt, double_step, ck, rtf, c, mb, ecs, slow, clamp):
    """One step (``dt``, the tables' step, or twice it) of one membrane: gates by Rush–Larsen
    (tabulated) at the start-of-step V, then V by exponential Euler on the linearised total
    current, exact for it over the step.

    The glutamate transporters' cycling (``slow.eaat_uA``, one charge a cycle): each cycle takes
    3 Na+, 1 H+ and 1 glutamate- in and 1 K+ out, two positive charges in (Zerangue & Kavanaugh
    1996 Nature 383:634); H+ and glutamate- carry equal and opposite charge, so the current is that
    of the Na+ and K+ it moves.

    Returns the new V and gates, and the step's Currents, each evaluated at the exact mean V of
    the step so that the charge they carry equals C·ΔV.
    """
    V = c.V_mV
    cm = ck.cm_uF
    row, wt = _row(V)
    h = _gate(tab, row, wt, TABLE.h_inf, TABLE.h_decay, c.h, double_step)
    s = _gate(tab, row, wt, TABLE.s_inf, TABLE.s_decay, c.s, double_step)
    n = _gate(tab, row, wt, TABLE.n_inf, TABLE.n_decay, c.n, double_step)
    q = _gate(tab, row, wt, TABLE.q_inf, TABLE.q_decay, c.q, double_step)
    row_m, wt_m = _row(V - mb.nav_shift_mV)
    m = _gate(tab, row_m, wt_m, TABLE.m_inf, TABLE.m_decay, c.m, double_step)
    row_p, wt_p = _row(V - mb.rtg_shift_mV)
    pg = _gate(tab, row_p, wt_p, TABLE.p_inf, TABLE.p_decay, c.p, double_step)

    # conductances (mS/cm²) and GHK leaks linearised about V; one exponential serves every ion:
    # e^-w for cations, e^+w = 1/e^-w for anions
    g_na = mb.g_Na_max_mS * m * m * m * h * s
    n2 = n * n
    g_kv = mb.g_Kd_max_mS * n2 * n2 * q + mb.g_M_max_mS * pg
    iNaL = gNaL = iKL = gKL = iClL = gClL = i_hco3 = g_hco3 = 0.0
    if mb.P_Na_cm_s != 0.0 or mb.P_K_cm_s != 0.0 or mb.P_Cl_cm_s != 0.0:  # none in HH's squid axon
        w = V / rtf
        e = math.exp(-w)
        iNaL, gNaL = _ghk(mb.P_Na_cm_s, 1.0, c.Na_i_mM, ecs.Na_mM, w, e, rtf)
        iKL, gKL = _ghk(mb.P_K_cm_s, 1.0, c.K_i_mM, ecs.K_mM, w, e, rtf)
        e_anion = 1.0 / e
        iClL, gClL = _ghk(mb.P_Cl_cm_s, -1.0, c.Cl_i_mM, ecs.Cl_mM, -w, e_anion, rtf)
        if mb.P_HCO3_cm_s > 0.0:
            i_hco3, g_hco3 = _ghk(mb.P_HCO3_cm_s, -1.0, mb.HCO3_i_mM, mb.HCO3_o_mM, -w, e_anion, rtf)

    # I(V') = a + G V' summed over every channel
    gL = mb.gL_mS
    g_series = clamp.g_series_mS
    G = g_na + g_kv + gL + gNaL + gKL + gClL + g_hco3 + g_series
    a = (-g_na * slow.E_Na_mV - g_kv * slow.E_K_mV - gL * mb.EL_mV
         + (iNaL - gNaL * V) + (iKL - gKL * V) + (iClL - gClL * V) + (i_hco3 - g_hco3 * V)
         + slow.I_pump_uA - 2.0 * slow.eaat_uA - g_series * clamp.command_mV - clamp.inject_uA)
    if clamp.ideal:
        V_new = V_mean = clamp.command_mV
        i_amp = (a + G * V_new) + cm * (V_new - V) / dt  # the clamp supplies all current
    else:
        V_inf = -a / G
        x = G * dt / cm
        decay = math.exp(-x)
        V_new = V_inf + (V - V_inf) * decay
        V_mean = V_inf + (V - V_inf) * (1.0 - decay) / x
        i_amp = g_series * (clamp.command_mV - V_mean) if clamp.voltage else clamp.inject_uA

    # HCO3- through GABA_A is replaced from CO2 by carbonic anhydrase, so its concentrations stay,
    # and pH regulation books its charge: the H+ left behind by each HCO3- that leaves goes out by
    # Na+/H+ exchange (one Na+ in); an HCO3- that enters leaves again by Cl-/HCO3- exchange (one
    # Cl- in) (Kaila & Voipio 1987 Nature 330:163; Chesler 2003 Physiol Rev 83:1183). Left
    # untracked, its charge drained the cells of K+ under a synaptic background.
    I_hco3 = i_hco3 + g_hco3 * (V_mean - V)
    i_pump = slow.I_pump_uA
    c_eaat = slow.eaat_uA
    I_Na = (g_na * (V_mean - slow.E_Na_mV) + iNaL + gNaL * (V_mean - V) + 3.0 * i_pump - 3.0 * c_eaat
            + min(I_hco3, 0.0))
    I_K = g_kv * (V_mean - slow.E_K_mV) + iKL + gKL * (V_mean - V) - 2.0 * i_pump + c_eaat
    I_Cl = iClL + gClL * (V_mean - V) + max(I_hco3, 0.0)
    I_untracked = gL * (V_mean - mb.EL_mV)  # the squid axon's ohmic leak
    return V_new, m, h, s, n, q, pg, Currents(I_Na, I_K, I_Cl, I_untracked, i_amp)


@njit(cache=True, inline="always")
def _cell_step(tab, dt, double_step, ck, rtf, cp, c, ecs, slow, syn_open, nav_shift, hco3_ratio, HCO3_i, HCO3_o,
               P_pore, clamp):
    """One step of a cell's membrane: the new state (ions as they were: ``_cytosol_change`` moves
    them) and the step's Currents."""
    mb = _membrane(cp, slow, syn_open, nav_shift, hco3_ratio, HCO3_i, HCO3_o, P_pore)
    V, m, h, s, n, q, pg, I = _membrane_step(tab, dt, double_step, ck, rtf, c, mb, ecs, slow, clamp)
    s_a, s_n, s_g, s_b = syn_open
    return CellState(V, m, h, s, n, q, pg, c.Na_i_mM, c.K_i_mM, c.Cl_i_mM, c.ATP_mM, s_a, s_n, s_g, s_b), I


@njit(cache=True, inline="always")
def _cytosol_change(I, slow, k_i, dt):
    """What a step of ``dt`` moves into a cytosol (mM) through its membrane and cotransporters."""
    return ((-I.Na * k_i + slow.nkcc1_mM_per_ms) * dt,
            (-I.K * k_i + slow.nkcc1_mM_per_ms - slow.kcc2_mM_per_ms) * dt,
            (I.Cl * k_i + 2.0 * slow.nkcc1_mM_per_ms - slow.kcc2_mM_per_ms) * dt)


@njit(cache=True, inline="always")
def _spike(V_new, above, I, threshold):
    """The spike detector: upward crossings of the threshold driven by the membrane's own inward
    current, i.e. regenerative (an action potential), not a passive membrane charged through 0 mV
    by the pipette or a spreading depolarisation. Returns (above, spiked)."""
    if V_new < threshold:
        return False, False
    if above:
        return True, False
    return True, I.Na + I.K + I.Cl + I.untracked < 0.0


# ---- the patched cell, its shell, its neighbour and their tissue ------------------------------
BOOK_FIELDS = STATE.fields_declared[STATE.Na_to_tissue_mmol:]
Books = namedtuple("Books", tuple(name for name, _, _ in BOOK_FIELDS))
N_BOOKS = len(BOOK_FIELDS)
# a call's constants: the run's, and the pipette's
Run = namedtuple("Run", ("dt", "dt_slow", "perfusion", "speed", "rtf", "phi_t", "seed", "in_slice", "with_neighbour",
                         "nav_shift_mV", "hco3_ratio", "HCO3_i_mM", "HCO3_o_mM", "threshold_mV", "breakdown_mV",
                         "P_pore_cm_s"))
Pipette = namedtuple("Pipette", ("K_mM", "Na_mM", "K_share_in", "K_rate", "Na_rate"))
# perfusion's relaxation factors over a stretch of time: the chamber's solutes, the bath's O2
Perfusion = namedtuple("Perfusion", ("chamber", "gas"))


@njit(cache=True, inline="always")
def _run(p):
    T = p[P.temperature_C]
    in_slice = p[P.slice_units] > 0.5
    has_neighbour = p[P.has_neighbour] > 0.5
    with_neighbour = has_neighbour and not in_slice
    dt_slow = SLOW_EVERY * p[P.dt_ms]  # the usual stretch the slow terms hold for
    perfusion = _perfusion(p, dt_slow)
    return Run(dt=p[P.dt_ms], dt_slow=dt_slow, perfusion=perfusion, speed=p[P.settle_speedup],
               rtf=rt_over_f_mV(T), phi_t=p[P.Q10_transport] ** ((T - p[P.T_ref_transport_C]) / 10.0),
               seed=p[P.noise_seed], in_slice=in_slice, with_neighbour=with_neighbour,
               nav_shift_mV=p[P.nav_shift_mV], hco3_ratio=p[P.gaba_hco3_ratio], HCO3_i_mM=p[P.HCO3_i_mM],
               HCO3_o_mM=p[P.HCO3_o_mM], threshold_mV=p[P.spike_threshold_mV], breakdown_mV=p[P.breakdown_mV],
               P_pore_cm_s=p[P.P_pore_cm_s])


@njit(cache=True, inline="always")
def _clamp(p, area_cm2):
    """The amplifier: current clamp injects ``inject_pA``; voltage clamp holds ``command_mV``
    through ``rs_MOhm`` (ideally below RS_IDEAL_BELOW_MOhm)."""
    voltage = p[P.clamp_code] > 0.5
    rs = p[P.rs_MOhm]
    inject_pA = p[P.inject_pA]
    command_mV = p[P.command_mV]
    ideal = voltage and rs < RS_IDEAL_BELOW_MOhm
    g_series = 1e3 / (rs * 1e6 * area_cm2) if voltage and not ideal else 0.0  # mS/cm²
    inject = 0.0 if voltage else inject_pA / (area_cm2 * 1e6)  # µA/cm²
    return Clamp(voltage, ideal, g_series, command_mV, inject)


@njit(cache=True, inline="always")
def _pipette(p, vol_i_L, dt):
    """The pipette is a reservoir of K+ and Na+ joined to the cytosol through gramicidin pores,
    which pass monovalent cations and not Cl- (whole-cell.md §6). The amplifier's current is
    carried by the cations of the side it comes from, in proportion to their mobility, so no
    current empties the cytosol; and through the access resistance R_s each ion relaxes to the
    pipette's concentration with tau = R_s V / (rho D) (Pusch & Neher 1988 Pflügers Arch 411:204;
    Oliva, Cohen & Mathias 1988 Biophys J 54:791). R_s = 0 is the ideal pipette of the rig's
    defaults (model-spec §7), whose access is not modelled: no exchange. 0 mM K+: not patched."""
    K_pip = p[P.pipette_K_mM]
    Na_pip = p[P.pipette_Na_mM]
    rs = p[P.rs_MOhm]
    rho = p[P.pipette_rho_ohm_cm]
    share_in = 1.0
    if K_pip > 0.0:
        share_in = D_K_cm2_s * K_pip / (D_K_cm2_s * K_pip + D_NA_cm2_s * Na_pip)
    per_D = 0.0
    if K_pip > 0.0 and rs >= RS_IDEAL_BELOW_MOhm:
        per_D = dt * 1e-3 * rho / (rs * 1e6 * vol_i_L * 1e3)  # dt/tau
    return Pipette(K_pip, Na_pip, share_in, per_D * D_K_cm2_s, per_D * D_NA_cm2_s)


@njit(cache=True, inline="always")
def _perfusion(p, dt):
    """How far perfusion moves the chamber (solutes) and the gas the bath's O2 over ``dt``."""
    return Perfusion(_decay(dt, 1000.0 * p[P.perfusion_tau_s]), _decay(dt, p[P.tau_gas_ms]))


@njit(cache=True, inline="always")
def _perfuse(y, p, a):
    """Perfusion by ``a`` (Perfusion): the bath at the slice and the chamber's drugs follow their
    controls, the bath's O2 the gas."""
    for state, control in PERFUSED_INDEX:
        y[state] = _relax(y[state], p[control], a.chamber)
    y[S.O2_b_mM] = _relax(y[S.O2_b_mM], p[P.O2_sat_mM] * p[P.o2_pct] / 100.0, a.gas)


@njit(cache=True, inline="always")
def _exchange(p, bath, run, pc, shell, tissue, nb_ATP, pipette):
    """What the ECS compartments exchange (mM/ms) and the pipette's exchange per step.

    Shell -> tissue: K+ spreads over ~10 µm in tens of ms (model-spec §8). Astrocytes (Kir4.1 +
    their pump, failing with the tissue's ATP; Cressman 2009 sigmoid referred to the bath: no net
    uptake when K_t equals the bath) and diffusion through the slice to the bath. In a slice the
    units do the tissue's part. The pipette: each ion towards the pipette's concentration; what net
    charge that would carry goes back in the ions' shares (the amplifier alone passes current)."""
    tau = p[P.tau_shell_ms]
    glia = d_na = d_k = d_cl = 0.0
    if not run.in_slice:
        if p[P.glia_max_mM_per_ms] != 0.0:  # no astrocytes around the squid axon
            kh = p[P.glia_K_half_mM]
            ks = p[P.glia_K_slope_mM]
            glia = p[P.glia_max_mM_per_ms] * (1.0 - p[P.kir_block]) * nb_ATP / (nb_ATP + p[P.pump_K_ATP_mM]) * (
                1.0 / (1.0 + math.exp((kh - tissue.K_mM) / ks)) - 1.0 / (1.0 + math.exp((kh - bath.K_mM) / ks)))
        tau_d = p[P.tau_diffusion_ms]
        d_na = (tissue.Na_mM - bath.Na_mM) / tau_d
        d_k = (tissue.K_mM - bath.K_mM) / tau_d
        d_cl = (tissue.Cl_mM - bath.Cl_mM) / tau_d
    share_out = 1.0
    K_step = Na_step = 0.0
    if pipette.K_mM > 0.0:
        K_i = pc.K_i_mM
        Na_i = pc.Na_i_mM
        share_out = D_K_cm2_s * K_i / (D_K_cm2_s * K_i + D_NA_cm2_s * Na_i)
        k_mean = D_K_cm2_s * (pipette.K_mM + K_i)
        share_mean = k_mean / (k_mean + D_NA_cm2_s * (pipette.Na_mM + Na_i))
        ex_K = (pipette.K_mM - K_i) * pipette.K_rate
        ex_Na = (pipette.Na_mM - Na_i) * pipette.Na_rate
        K_step = ex_K - share_mean * (ex_K + ex_Na)
        Na_step = ex_Na - (1.0 - share_mean) * (ex_K + ex_Na)
    dt = run.dt
    x_na = (shell.Na_mM - tissue.Na_mM) / tau * dt
    x_k = (shell.K_mM - tissue.K_mM) / tau * dt
    x_cl = (shell.Cl_mM - tissue.Cl_mM) / tau * dt
    n_cells = p[P.tissue_cells]
    vo = p[P.vol_o_L]
    vt = p[P.tissue_vol_o_L]
    return Exchange(x_na, x_k, x_cl, x_na / n_cells - d_na * dt, x_k / n_cells - (d_k + glia) * dt,
                    x_cl / n_cells - d_cl * dt, vo * x_na, vo * x_k, vo * x_cl, vt * d_na * dt, vt * d_k * dt,
                    vt * d_cl * dt, vt * glia * dt, share_out, K_step, Na_step)


@njit(cache=True, inline="always")
def _slow_stage(y, p, run, pcp, tcp, pk, nk, pc, nb, nb_slow, shell, tissue, O2, pipette, dt_slow):
    """The slow terms, evaluated for the next ``dt_slow``: perfusion, each cell's slow terms, the
    exchanges, and energy (each cell makes ATP from the tissue's O2, which the neighbours spend).
    Without a neighbour its slow terms are not evaluated."""
    _perfuse(y, p, run.perfusion if dt_slow == run.dt_slow else _perfusion(p, dt_slow))
    chamber = _chamber(p, y)
    glu = y[S.glutamate_uM] + y[S.glu_local_uM]
    gaba = y[S.gaba_uM] + y[S.gaba_local_uM]
    tm = _transmitters(p, chamber, glu, gaba, run.phi_t)
    pc_slow = _cell_slow(p, pcp, pc, shell, chamber, tm, run.rtf, run.phi_t, True)
    xch = _exchange(p, _ecs(y, S.Na_b_mM), run, pc, shell, tissue, nb.ATP_mM, pipette)
    ATP, made = _cell_energy(p, pc.ATP_mM, O2, pc_slow.I_pump_uA, pk.k_i, dt_slow, run.speed)
    pc = _with_atp(pc, ATP)
    nb_made = 0.0
    if run.with_neighbour:
        nb_slow = _cell_slow(p, tcp, nb, tissue, chamber, tm, run.rtf, run.phi_t, True)
        nb_ATP, nb_made = _cell_energy(p, nb.ATP_mM, O2, nb_slow.I_pump_uA, nk.k_i, dt_slow, run.speed)
        nb = _with_atp(nb, nb_ATP)
    O2_next = O2 + run.speed * ((y[S.O2_b_mM] - O2) / p[P.tau_O2_ms]
                                - p[P.O2_per_ATP] * (nb_made + made / p[P.tissue_cells])) * dt_slow
    if not run.in_slice:  # in a slice the patched cell's tissue O2 is its unit's
        O2 = O2_next
    return pc, nb, O2, pc_slow, nb_slow, xch


@njit(cache=True, inline="always")
def _patched_step(tab, run, pcp, pk, pc, shell, slow, xch, syn, clamp, pipette, P_pore, steps):
    """One step of the patched cell through the pipette, its membrane porated by ``P_pore``.
    Returns the new cell and shell, the step's Currents, and the K+ and Na+ the pipette brought in."""
    syn_open = _synaptic_step(pc, syn, pcp, run.seed, SYN_KEY + 4.0 * steps)
    new, I = _cell_step(tab, run.dt, False, pk, run.rtf, pcp, pc, shell, slow, syn_open, run.nav_shift_mV,
                        run.hco3_ratio, run.HCO3_i_mM, run.HCO3_o_mM, P_pore, clamp)
    dNa, dK, dCl = _cytosol_change(I, slow, pk.k_i, run.dt)
    # the pipette: its current's cations (from the side they leave) and the exchange
    d_pipette = I.amplifier * pk.k_i * run.dt
    share_K = pipette.K_share_in if d_pipette > 0.0 else xch.pipette_K_share_out
    dK_pip = share_K * d_pipette + xch.pipette_K_mM
    dNa_pip = (1.0 - share_K) * d_pipette + xch.pipette_Na_mM
    new = _with_ions(new, pc.Na_i_mM + run.speed * (dNa + dNa_pip), pc.K_i_mM + run.speed * (dK + dK_pip),
                     pc.Cl_i_mM + run.speed * dCl)
    shell = Ecs(shell.Na_mM - dNa * pk.r_io - xch.shell_Na_mM, shell.K_mM - dK * pk.r_io - xch.shell_K_mM,
                shell.Cl_mM - dCl * pk.r_io - xch.shell_Cl_mM)
    return new, shell, I, dNa_pip, dK_pip


@njit(cache=True, inline="always")
def _neighbour_step(tab, run, tcp, nk, nb, tissue, slow, syn2, steps):
    """One step of the neighbour over 2 dt (on even step counts, so it is at most one step ahead):
    never recorded, its ion fluxes — all the tissue needs of it — agree with those at dt within
    0.1 % (300 pA held for 5 s: the same 46 spikes, Na_i and K_i within 0.1 %). Its own events."""
    dt2 = 2.0 * run.dt
    syn_open = _synaptic_step(nb, syn2, tcp, run.seed, SYN_KEY + 4.0 * steps + 2.0)
    new, I = _cell_step(tab, dt2, True, nk, run.rtf, tcp, nb, tissue, slow, syn_open, run.nav_shift_mV,
                        run.hco3_ratio, run.HCO3_i_mM, run.HCO3_o_mM, 0.0, NO_PIPETTE)
    dNa, dK, dCl = _cytosol_change(I, slow, nk.k_i, dt2)
    new = _with_ions(new, nb.Na_i_mM + run.speed * dNa, nb.K_i_mM + run.speed * dK, nb.Cl_i_mM + run.speed * dCl)
    tissue = Ecs(tissue.Na_mM - dNa * nk.r_io, tissue.K_mM - dK * nk.r_io, tissue.Cl_mM - dCl * nk.r_io)
    return new, tissue, nk.vol_i_L * I.untracked * nk.k_i * dt2


@njit(cache=True, inline="always")
def _booked(b, xch, pk, I, dNa_pip, dK_pip, nb_untracked, dt):
    """The books after a step: every flux taken on both sides, every step, so the budgets balance
    whenever a call ends."""
    vi = pk.vol_i_L
    return Books(b.Na_to_tissue_mmol + xch.Na_to_tissue_mmol, b.K_to_tissue_mmol + xch.K_to_tissue_mmol,
                 b.Cl_to_tissue_mmol + xch.Cl_to_tissue_mmol,
                 b.Na_from_pipette_mmol + vi * dNa_pip, b.K_from_pipette_mmol + vi * dK_pip,
                 b.untracked_charge_out_mmol + vi * I.untracked * pk.k_i * dt,
                 b.Na_to_bath_mmol + xch.Na_to_bath_mmol, b.K_to_bath_mmol + xch.K_to_bath_mmol,
                 b.Cl_to_bath_mmol + xch.Cl_to_bath_mmol, b.K_to_glia_mmol + xch.K_to_glia_mmol,
                 b.nb_untracked_charge_out_mmol + nb_untracked)


@njit(cache=True, inline="always")
def _write_sample(out, row, steps, pc, shell, slow, O2, I, I_amp_pA, noise_V, noise_I, seed, pk, spikes):
    """One sample of OUTPUT_NAMES. The noise of a sample is the normal numbers its step owns in the
    seed's stream."""
    out[row, O.t_s] = steps
    V = pc.V_mV
    if noise_V > 0.0:
        V += noise_V * normal_draw(seed, 2.0 * steps)
    if noise_I > 0.0:
        I_amp_pA += noise_I * normal_draw(seed, 2.0 * steps + 1.0)
    out[row, O.V_mV] = V
    out[row, O.I_pA] = I_amp_pA
    out[row, O.E_K_mV] = slow.E_K_mV
    out[row, O.E_Na_mV] = slow.E_Na_mV
    out[row, O.E_Cl_mV] = slow.E_Cl_mV
    out[row, O.Na_i_mM] = pc.Na_i_mM
    out[row, O.K_i_mM] = pc.K_i_mM
    out[row, O.Cl_i_mM] = pc.Cl_i_mM
    out[row, O.Na_o_mM] = shell.Na_mM
    out[row, O.K_o_mM] = shell.K_mM
    out[row, O.Cl_o_mM] = shell.Cl_mM
    out[row, O.ATP_mM] = pc.ATP_mM
    out[row, O.O2_mM] = O2
    out[row, O.I_pump_pA] = slow.I_pump_uA * pk.to_pA
    per_s = pk.vol_i_L * AVOGADRO_per_mol  # mM/ms in the cytosol -> molecules/s
    out[row, O.ATP_use_per_s] = slow.I_pump_uA * pk.k_i * per_s
    # all Na+ entry but the pump's, molecules/s (the last step's)
    out[row, O.Na_influx_per_s] = (-(I.Na - 3.0 * slow.I_pump_uA) * pk.k_i + slow.nkcc1_mM_per_ms) * per_s
    out[row, O.spikes] = spikes


@njit(cache=True, nogil=True, fastmath=FAST, error_model="numpy")
def advance(y, p, tab, key, n_steps, decim, out, out_pos):
    """Advance state ``y`` by ``n_steps`` steps of ``p[dt_ms]``; return the new ``out_pos``.

    Every ``decim`` steps one sample (OUTPUT_NAMES columns) is written at row ``out_pos`` of ``out``
    (samples × channels: one sample's writes share a cache line); the caller sizes ``out`` for
    ``n_steps // decim + 1`` more rows. The ``t_s`` column holds the step count: the caller divides
    it by the step rate outside fast-math, so that sample times land exactly on the grid (1.0, not
    0.99999999999938). ``tab``/``key`` is the gating table workspace from ``new_tables()``, refilled
    here only when its key parameters changed.

    Fast terms (gates, channel and leak currents, V) are integrated every step; slow terms
    (``_slow_stage``) are re-evaluated every SLOW_EVERY steps of the step grid (in a slice, also at
    each step of its units) and held in between, in the state (``slow_steps_left``, ``held_...``):
    a call may end anywhere and the next goes on exactly as one longer call would. The call returns
    early, after the step, when the patched cell's membrane breaks down (``membrane_broken``), so
    that the rig can say so before any later sample.
    """
    _refresh_tables(tab, key, p)
    run = _run(p)
    dt = run.dt
    pcp = _cell_params(p, P.area_cm2)
    tcp = _cell_params(p, P.tissue_area_cm2)
    pk = _cell_constants(pcp, run.speed, p[P.myelin_wraps])
    nk = _cell_constants(tcp, run.speed, p[P.myelin_wraps])
    clamp = _clamp(p, pk.to_pA * 1e-6)
    pipette = _pipette(p, pk.vol_i_L, dt)
    available = y[S.presynaptic_available] if run.in_slice else 1.0
    syn = _synapses(p, dt, available)
    syn2 = _synapses(p, 2.0 * dt, available)
    voltage_clamp = clamp.voltage
    noise_V = 0.0 if voltage_clamp else p[P.noise_V_mV]
    noise_I = p[P.noise_I_pA] if voltage_clamp else 0.0
    # in a slice the units step every `unit_every` steps, and the slow terms are evaluated anew then
    unit_every = int(round(p[P.unit_dt_ms] / dt)) if run.in_slice else 0

    pc = _cell_state(y, S.V_mV)
    nb = _cell_state(y, S.nb_V_mV)
    shell = _ecs(y, S.Na_o_mM)
    tissue = _ecs(y, S.Na_t_mM)
    O2 = y[S.O2_mM]
    pc_slow = _cell_slow_held(y, S.held_E_Na_mV)
    nb_slow = _cell_slow_held(y, S.held_nb_E_Na_mV)
    xch = Exchange(*_values(y, S.held_shell_Na_mM, N_EXCHANGE))
    books = Books(*_values(y, S.Na_to_tissue_mmol, N_BOOKS))
    slow_left = int(y[S.slow_steps_left])
    steps = y[S.steps]
    to_sample = y[S.steps_to_sample]
    # amplifier current summed since the last sample: samples are interval means, as behind an
    # anti-alias filter (an ideal clamp's capacitive step lasts one step)
    i_sum = y[S.I_amp_sum]
    n_sum = y[S.I_amp_count]
    above = y[S.above_threshold] > 0.5
    spikes = y[S.spike_count]
    spikes_in_sample = y[S.spikes_in_sample]
    P_pore = run.P_pore_cm_s if y[S.membrane_broken] > 0.5 else 0.0

    step = 0
    lost = False
    while step < n_steps and not lost:
        if slow_left == 0:
            # the slow terms hold for the next `slow_left` steps: a fixed stretch of the step grid,
            # whatever the calls' lengths, so that a run gives the same answer however it is cut
            slow_left = SLOW_EVERY
            if run.in_slice:
                slow_left = min(slow_left, unit_every - int(y[S.unit_pending_steps]) - step)
            pc, nb, O2, pc_slow, nb_slow, xch = _slow_stage(y, p, run, pcp, tcp, pk, nk, pc, nb, nb_slow, shell,
                                                            tissue, O2, pipette, slow_left * dt)
        for _ in range(min(slow_left, n_steps - step)):
            slow_left -= 1
            step += 1
            new_pc, new_shell, I, dNa_pip, dK_pip = _patched_step(tab, run, pcp, pk, pc, shell, pc_slow, xch, syn,
                                                                  clamp, pipette, P_pore, steps)
            broke = P_pore == 0.0 and abs(new_pc.V_mV) > run.breakdown_mV
            if broke:  # a membrane driven past breakdown is porated for good: the step is taken again
                P_pore = run.P_pore_cm_s
                new_pc, new_shell, I, dNa_pip, dK_pip = _patched_step(tab, run, pcp, pk, pc, shell, pc_slow, xch,
                                                                      syn, clamp, pipette, P_pore, steps)
            pc = new_pc
            shell = new_shell
            nb_untracked = 0.0
            if run.with_neighbour and (int(steps) & 1) == 0:
                nb, tissue, nb_untracked = _neighbour_step(tab, run, tcp, nk, nb, tissue, nb_slow, syn2, steps)
            tissue = Ecs(tissue.Na_mM + xch.tissue_Na_mM, tissue.K_mM + xch.tissue_K_mM,
                         tissue.Cl_mM + xch.tissue_Cl_mM)
            books = _booked(books, xch, pk, I, dNa_pip, dK_pip, nb_untracked, dt)
            i_sum += I.amplifier
            n_sum += 1.0
            above, spiked = _spike(pc.V_mV, above, I, run.threshold_mV)
            if spiked:
                spikes += 1.0
                spikes_in_sample += 1.0
            steps += 1.0
            to_sample -= 1.0
            if to_sample <= 0.0:
                to_sample = decim
                _write_sample(out, out_pos, steps, pc, shell, pc_slow, O2, I, i_sum / n_sum * pk.to_pA, noise_V,
                              noise_I, run.seed, pk, spikes_in_sample)
                i_sum = n_sum = spikes_in_sample = 0.0
                out_pos += 1
            if broke:
                lost = True
                break

    _store(y, S.V_mV, pc)
    _store(y, S.nb_V_mV, nb)
    _store(y, S.Na_o_mM, shell)
    _store(y, S.Na_t_mM, tissue)
    _store(y, S.held_E_Na_mV, pc_slow)
    _store(y, S.held_nb_E_Na_mV, nb_slow)
    _store(y, S.held_shell_Na_mM, xch)
    _store(y, S.Na_to_tissue_mmol, books)
    y[S.O2_mM] = O2
    y[S.slow_steps_left] = slow_left
    y[S.steps] = steps
    y[S.steps_to_sample] = to_sample
    y[S.I_amp_sum] = i_sum
    y[S.I_amp_count] = n_sum
    y[S.above_threshold] = 1.0 if above else 0.0
    y[S.spike_count] = spikes
    y[S.spikes_in_sample] = spikes_in_sample
    y[S.membrane_broken] = 1.0 if P_pore > 0.0 else 0.0
    return out_pos


# ---- the slice (model-spec §9) -------------------------------------------------------------------
# A line of units, each a neuron (a tissue cell, no pipette), its share of an astrocyte and their
# share of extracellular space, standing for the ``unit_cells`` cells of a ``unit_spacing_um`` slab
# of the slice. The patched cell is one more cell in its unit: ``advance`` steps it (and its shell,
# which exchanges with the unit's ECS) between the units' steps.
UNIT = layout("UnitIndex", prefixed("", CELL_STATE_FIELDS, "the unit's neuron: ") + (
    ("Na_o_mM", "mM", "Na+ in the unit's ECS"), ("K_o_mM", "mM", "K+ in the unit's ECS"),
    ("Cl_o_mM", "mM", "Cl- in the unit's ECS"),
    ("glu_uM", "µM", "glutamate in the ECS beyond the chamber's (released, puffed)"),
    ("gaba_uM", "µM", "GABA in the ECS beyond the chamber's (puffed)"),
    ("glu_pool_uM", "µM", "glutamate its synapses can still release"),
    ("V_slow_mV", "mV", "its neuron's V, low-passed (release follows it)"),
    ("astro_V_mV", "mV", "the astrocyte share's potential"),
    ("astro_Na_mM", "mM", "astrocyte Na+"), ("astro_K_mM", "mM", "astrocyte K+"),
    ("astro_Cl_mM", "mM", "astrocyte Cl-"),
    ("astro_ATP_mM", "mM", "astrocyte ATP"),
    ("O2_b_mM", "mM", "O2 in the bath over the unit"), ("O2_mM", "mM", "O2 in the unit"),
    # books per cell's share
    ("Na_to_bath_mmol", "mmol", "Na+ the unit's ECS gave the bath"),
    ("K_to_bath_mmol", "mmol", "K+ the unit's ECS gave the bath"),
    ("Cl_to_bath_mmol", "mmol", "Cl- the unit's ECS gave the bath"),
    ("untracked_charge_out_mmol", "mmol", "charge untracked ions carried out of its neuron"),
    ("spike_count", "1", "its neuron's spikes"),
    ("above_threshold", "1", "1 while its neuron is above the spike threshold"),
))
U = UNIT
UNIT_NAMES = UNIT._fields
# the puff pipette over each unit (rig: Session.puff): time left, and its solution (NaN = as the
# ECS), its solutes named as Session.puff's keywords
PUFF = layout("PuffIndex", (("ms_left", "ms", "time the puff still lasts"),) + tuple(
    (solutes.puff_keyword(s), s.unit, f"the puff's {s.meaning}") for s in SOLUTES if s.puffed))
PUFF_SOLUTES = tuple(name for name in PUFF._fields if name != "ms_left")
# where each puffed solute goes in a unit (its physics): (puff column, the unit's column it sets,
# the book its delivery goes to: the pipette's solution comes from outside, like the bath's; -1
# for glutamate and GABA, which the books do not count)
PUFF_TARGETS = ((PUFF.Na_mM, UNIT.Na_o_mM, UNIT.Na_to_bath_mmol), (PUFF.K_mM, UNIT.K_o_mM, UNIT.K_to_bath_mmol),
                (PUFF.Cl_mM, UNIT.Cl_o_mM, UNIT.Cl_to_bath_mmol), (PUFF.glutamate_uM, UNIT.glu_uM, -1),
                (PUFF.gaba_uM, UNIT.gaba_uM, -1))
SCAN_NAMES = ("V_mV", "K_o_mM", "astro_V_mV")  # the linescan's channels, one row every scan_every unit steps
SCAN_COLUMNS = tuple(UNIT[name] for name in SCAN_NAMES)
# workspace per unit: the astrocytes' tridiagonal system and the fluxes between units
WORK = layout("WorkIndex", (
    ("diag", "µS", "the astrocytes' system: diagonal"), ("rhs", "µA", "right-hand side, then the new V"),
    ("lower", "µS", "coupling to the unit before"), ("upper", "µS", "coupling to the unit after"),
    ("pump_uA", "µA/cm²", "astrocyte pump"), ("eaat_uA", "µA/cm²", "astrocyte glutamate transport"),
    ("g_K_mS", "mS/cm²", "astrocyte K+ slope conductance"), ("g_Na_mS", "mS/cm²", "Na+"), ("g_Cl_mS", "mS/cm²", "Cl-"),
    ("I_K_uA", "µA/cm²", "astrocyte K+ current at the old V"), ("I_Na_uA", "µA/cm²", "Na+"),
    ("I_Cl_uA", "µA/cm²", "Cl-"),
    ("gj_K_mM", "mM", "K+ through the gap junctions to the next unit this step"),
    ("gj_Na_mM", "mM", "Na+"), ("gj_Cl_mM", "mM", "Cl-"),
    ("diffusion_mM", "mM", "ECS diffusion to the next unit this step"),
))
SYN_UNIT_KEY = 2.0 ** 46  # the units' synaptic events: 2 uniform numbers per unit and unit step
# the unit step's constants
UnitRun = namedtuple("UnitRun", ("dt", "speed", "rtf", "phi_t", "seed", "nav_shift_mV", "hco3_ratio", "HCO3_i_mM",
                                 "HCO3_o_mM", "threshold_mV", "a_release", "a_refill", "a_puff", "a_gas"))


def new_slice_workspace(n_units):
    return np.zeros((n_units, len(WORK)))


@njit(cache=True, inline="always")
def _tridiagonal(lower, diag, upper, rhs, n):
    """Solve in place (Thomas algorithm); the solution is left in ``rhs``. ``lower[i]`` couples
    row i to i-1, ``upper[i]`` to i+1; ``diag`` is overwritten."""
    for i in range(1, n):
        w = lower[i] / diag[i - 1]
        diag[i] -= w * upper[i - 1]
        rhs[i] -= w * rhs[i - 1]
    rhs[n - 1] /= diag[n - 1]
    for i in range(n - 2, -1, -1):
        rhs[i] = (rhs[i] - upper[i] * rhs[i + 1]) / diag[i]


@njit(cache=True, inline="always")
def _unit_run(p):
    dt = p[P.dt_ms]
    T = p[P.temperature_C]
    return UnitRun(dt=dt, speed=p[P.settle_speedup], rtf=rt_over_f_mV(T),
                   phi_t=p[P.Q10_transport] ** ((T - p[P.T_ref_transport_C]) / 10.0), seed=p[P.noise_seed],
                   nav_shift_mV=p[P.nav_shift_mV], hco3_ratio=p[P.gaba_hco3_ratio], HCO3_i_mM=p[P.HCO3_i_mM],
                   HCO3_o_mM=p[P.HCO3_o_mM], threshold_mV=p[P.spike_threshold_mV],
                   a_release=_decay(dt, p[P.tau_release_V_ms]), a_refill=_decay(dt, p[P.tau_glu_refill_ms]),
                   a_puff=_decay(dt, p[P.tau_puff_ms]), a_gas=_decay(dt, p[P.tau_gas_ms]))


@njit(cache=True, inline="always")
def _puff(u, puff, j, ur, vol_o):
    """The puff pipette, while it puffs: the ECS under it relaxes to its solution."""
    puff[j, PUFF.ms_left] -= ur.dt
    for col, where, book in PUFF_TARGETS:
        target = puff[j, col]
        if not math.isnan(target):
            delivered = (target - u[j, where]) * (1.0 - ur.a_puff)
            u[j, where] += delivered
            if book >= 0:
                u[j, book] -= vol_o * delivered


@njit(cache=True, inline="always")
def _unit_neuron(u, j, p, ur, tcp, uk, tab, chamber, tm, syn, key):
    """A unit's neuron over one unit step, the same cell as the patched one (``_cell_slow``,
    ``_cell_step``) with the tissue's parameters; then the glutamate its depolarisation releases.
    Returns the ATP it made (mM/ms)."""
    c = _cell_state(u[j], UNIT.V_mV)
    ecs = _ecs(u[j], UNIT.Na_o_mM)
    slow = _cell_slow(p, tcp, c, ecs, chamber, tm, ur.rtf, ur.phi_t, False)
    # the background is the slice's own neurons firing: where they are held depolarised (Nav slowly
    # inactivated, as in spreading depolarisation) they fall silent
    here = Synapses(syn.exc_events * c.s, syn.inh_events * c.s, syn.ampa_decay, syn.nmda_decay, syn.gaba_decay,
                    syn.gabab_decay, syn.gaba_gain, syn.gabab_gain)
    syn_open = _synaptic_step(c, here, tcp, ur.seed, key)
    new, I = _cell_step(tab, ur.dt, False, uk, ur.rtf, tcp, c, ecs, slow, syn_open, ur.nav_shift_mV,
                        ur.hco3_ratio, ur.HCO3_i_mM, ur.HCO3_o_mM, 0.0, NO_PIPETTE)
    dNa, dK, dCl = _cytosol_change(I, slow, uk.k_i, ur.dt)
    ATP, made = _cell_energy(p, c.ATP_mM, u[j, UNIT.O2_mM], slow.I_pump_uA, uk.k_i, ur.dt, ur.speed)
    new = _with_atp(_with_ions(new, c.Na_i_mM + ur.speed * dNa, c.K_i_mM + ur.speed * dK,
                               c.Cl_i_mM + ur.speed * dCl), ATP)
    _store(u[j], UNIT.V_mV, new)
    _store(u[j], UNIT.Na_o_mM, Ecs(ecs.Na_mM - dNa * uk.r_io, ecs.K_mM - dK * uk.r_io, ecs.Cl_mM - dCl * uk.r_io))
    u[j, UNIT.untracked_charge_out_mmol] += uk.vol_i_L * I.untracked * uk.k_i * ur.dt
    above, spiked = _spike(new.V_mV, u[j, UNIT.above_threshold] > 0.5, I, ur.threshold_mV)
    u[j, UNIT.above_threshold] = 1.0 if above else 0.0
    if spiked:
        u[j, UNIT.spike_count] += 1.0
    # sustained depolarisation (V over tau_release_V_ms) releases glutamate from a pool that
    # refills slowly (vesicle depletion)
    V_slow = _relax(u[j, UNIT.V_slow_mV], new.V_mV, ur.a_release)
    u[j, UNIT.V_slow_mV] = V_slow
    released = (p[P.glu_release_uM_per_ms] * u[j, UNIT.glu_pool_uM] / p[P.glu_pool_uM]
                / (1.0 + math.exp((p[P.glu_release_V_half_mV] - V_slow) / p[P.glu_release_slope_mV])) * ur.dt)
    u[j, UNIT.glu_uM] += released
    u[j, UNIT.glu_pool_uM] = _relax(u[j, UNIT.glu_pool_uM] - released, p[P.glu_pool_uM], ur.a_refill)
    return made


@njit(cache=True, inline="always")
def _astrocyte_linearised(u, j, work, p, ur, tm, cm_a, k_a):
    """A unit's astrocyte share, its membrane linearised about its V into the units' system
    (solved with the others, through the gap junctions). Returns the ATP it made (mM/ms)."""
    rtf = ur.rtf
    Va = u[j, UNIT.astro_V_mV]
    K_o = u[j, UNIT.K_o_mM]
    w = Va / rtf
    e = math.exp(-w)
    iK, gK = _ghk(p[P.P_K_astro_cm_s] * (1.0 - p[P.kir_block]), 1.0, u[j, UNIT.astro_K_mM], K_o, w, e, rtf)
    iNa, gNa = _ghk(p[P.P_Na_astro_cm_s], 1.0, u[j, UNIT.astro_Na_mM], u[j, UNIT.Na_o_mM], w, e, rtf)
    iCl, gCl = _ghk(p[P.P_Cl_astro_cm_s], -1.0, u[j, UNIT.astro_Cl_mM], u[j, UNIT.Cl_o_mM], -w, 1.0 / e, rtf)
    ATP_a = u[j, UNIT.astro_ATP_mM]
    ip_a = _pump_current(p, p[P.pump_astro_uA], u[j, UNIT.astro_Na_mM], K_o, ATP_a, ur.phi_t)
    c_eaat = p[P.eaat_astro_uA] * tm.eaat_per_max
    a = (iK - gK * Va) + (iNa - gNa * Va) + (iCl - gCl * Va) + ip_a - 2.0 * c_eaat
    work[j, WORK.diag] = cm_a / ur.dt + gK + gNa + gCl
    work[j, WORK.rhs] = cm_a / ur.dt * Va - a
    work[j, WORK.lower] = 0.0
    work[j, WORK.upper] = 0.0
    work[j, WORK.pump_uA] = ip_a
    work[j, WORK.eaat_uA] = c_eaat
    work[j, WORK.g_K_mS] = gK
    work[j, WORK.g_Na_mS] = gNa
    work[j, WORK.g_Cl_mS] = gCl
    work[j, WORK.I_K_uA] = iK
    work[j, WORK.I_Na_uA] = iNa
    work[j, WORK.I_Cl_uA] = iCl
    ATP_new, made = _cell_energy(p, ATP_a, u[j, UNIT.O2_mM], ip_a, k_a, ur.dt, ur.speed)
    u[j, UNIT.astro_ATP_mM] = ATP_new
    return made


@njit(cache=True, inline="always")
def _gap_junction_solve(u, work, n_u, to_uA, k_gj, k_gj_na, k_gj_cl, rtf, dt):
    """The astrocytes' potentials, implicitly with their gap-junction currents: for each junction
    a conductance (the electrical term) and a current source (the concentration term); then the
    junctions' fluxes at the new potentials (mM per step from j to j+1), the same terms at the same
    concentrations as in the system."""
    for j in range(n_u - 1):
        K_mean = 0.5 * (u[j, UNIT.astro_K_mM] + u[j + 1, UNIT.astro_K_mM])
        Na_mean = 0.5 * (u[j, UNIT.astro_Na_mM] + u[j + 1, UNIT.astro_Na_mM])
        Cl_mean = 0.5 * (u[j, UNIT.astro_Cl_mM] + u[j + 1, UNIT.astro_Cl_mM])
        g = to_uA * (k_gj * K_mean + k_gj_na * Na_mean + k_gj_cl * Cl_mean) / rtf
        q = to_uA * (k_gj * (u[j, UNIT.astro_K_mM] - u[j + 1, UNIT.astro_K_mM])
                     + k_gj_na * (u[j, UNIT.astro_Na_mM] - u[j + 1, UNIT.astro_Na_mM])
                     - k_gj_cl * (u[j, UNIT.astro_Cl_mM] - u[j + 1, UNIT.astro_Cl_mM]))
        work[j, WORK.diag] += g
        work[j + 1, WORK.diag] += g
        work[j, WORK.upper] = -g
        work[j + 1, WORK.lower] = -g
        work[j, WORK.rhs] -= q
        work[j + 1, WORK.rhs] += q
    _tridiagonal(work[:, WORK.lower], work[:, WORK.diag], work[:, WORK.upper], work[:, WORK.rhs], n_u)
    for j in range(n_u - 1):
        dv = (work[j, WORK.rhs] - work[j + 1, WORK.rhs]) / rtf
        for col, gj, rate, sign in ((UNIT.astro_K_mM, WORK.gj_K_mM, k_gj, 1.0),
                                    (UNIT.astro_Na_mM, WORK.gj_Na_mM, k_gj_na, 1.0),
                                    (UNIT.astro_Cl_mM, WORK.gj_Cl_mM, k_gj_cl, -1.0)):
            work[j, gj] = rate * ((u[j, col] - u[j + 1, col]) + sign * 0.5 * (u[j, col] + u[j + 1, col]) * dv) * dt


@njit(cache=True, inline="always")
def _astrocyte_fluxes(u, j, work, y, p, ur, k_a, r_ao):
    """A unit's astrocyte membrane fluxes at its new potential (as in ``_membrane_step``, each
    current at the potential it charged the membrane to, so charge is conserved); an EAAT cycle
    takes 3 Na+ and a glutamate in and 1 K+ out, its H+ and glutamate- carry equal and opposite
    charge."""
    Vn = work[j, WORK.rhs]
    dV = Vn - u[j, UNIT.astro_V_mV]
    ip_a = work[j, WORK.pump_uA]
    c_eaat = work[j, WORK.eaat_uA]
    I_K = work[j, WORK.I_K_uA] + work[j, WORK.g_K_mS] * dV - 2.0 * ip_a + c_eaat
    I_Na = work[j, WORK.I_Na_uA] + work[j, WORK.g_Na_mS] * dV + 3.0 * ip_a - 3.0 * c_eaat
    I_Cl = work[j, WORK.I_Cl_uA] + work[j, WORK.g_Cl_mS] * dV
    nkcc1 = p[P.U_nkcc1_astro_mM_per_ms] * ur.phi_t * math.log(
        (u[j, UNIT.Na_o_mM] * u[j, UNIT.K_o_mM] * u[j, UNIT.Cl_o_mM] ** 2)
        / (u[j, UNIT.astro_Na_mM] * u[j, UNIT.astro_K_mM] * u[j, UNIT.astro_Cl_mM] ** 2))
    dNa = (-I_Na * k_a + nkcc1) * ur.dt
    dK = (-I_K * k_a + nkcc1) * ur.dt
    dCl = (I_Cl * k_a + 2.0 * nkcc1) * ur.dt
    u[j, UNIT.astro_Na_mM] += ur.speed * dNa
    u[j, UNIT.astro_K_mM] += ur.speed * dK
    u[j, UNIT.astro_Cl_mM] += ur.speed * dCl
    u[j, UNIT.Na_o_mM] -= dNa * r_ao
    u[j, UNIT.K_o_mM] -= dK * r_ao
    u[j, UNIT.Cl_o_mM] -= dCl * r_ao
    # glutamate the transporters took from the ECS: the released part's share of it
    glu = y[S.glutamate_uM] + u[j, UNIT.glu_uM]
    if glu > 0.0:
        u[j, UNIT.glu_uM] -= 1000.0 * c_eaat * k_a * ur.dt * r_ao * u[j, UNIT.glu_uM] / glu
    u[j, UNIT.astro_V_mV] = Vn


@njit(cache=True, inline="always")
def _ecs_diffusion(u, work, y, p, n_u, dt, vol_o):
    """The ECS: diffusion along the line (sealed ends: the slice's cut edges face the bath, which
    the exchange below stands for; D* dt / dx², D* = D/λ²) and through the slice to the bath."""
    dx_cm = p[P.unit_spacing_um] * 1e-4
    dd = dt * 1e-3 / (p[P.tortuosity] ** 2 * dx_cm * dx_cm)
    for col, D in ((UNIT.Na_o_mM, D_NA_cm2_s), (UNIT.K_o_mM, D_K_cm2_s), (UNIT.Cl_o_mM, D_CL_cm2_s),
                   (UNIT.glu_uM, D_GLU_cm2_s), (UNIT.gaba_uM, D_GLU_cm2_s)):
        r = D * dd
        for j in range(n_u - 1):
            work[j, WORK.diffusion_mM] = r * (u[j, col] - u[j + 1, col])
        for j in range(n_u - 1):
            u[j, col] -= work[j, WORK.diffusion_mM]
            u[j + 1, col] += work[j, WORK.diffusion_mM]
    a_bath = dt / p[P.tau_diffusion_ms]
    for j in range(n_u):
        for col, bath, book in ((UNIT.Na_o_mM, y[S.Na_b_mM], UNIT.Na_to_bath_mmol),
                                (UNIT.K_o_mM, y[S.K_b_mM], UNIT.K_to_bath_mmol),
                                (UNIT.Cl_o_mM, y[S.Cl_b_mM], UNIT.Cl_to_bath_mmol)):
            f = (u[j, col] - bath) * a_bath
            u[j, col] -= f
            u[j, book] += vol_o * f
        u[j, UNIT.glu_uM] -= u[j, UNIT.glu_uM] * a_bath
        u[j, UNIT.gaba_uM] -= u[j, UNIT.gaba_uM] * a_bath


@njit(cache=True, fastmath=FAST, error_model="numpy")
def _step_units(u, puff, p, tab, y, work):
    """One step (``p[dt_ms]``, the units' step) of every unit: puffs, neurons (the same cell as the
    patched one), astrocytes (their potentials solved together, implicitly, through the gap
    junctions), ECS diffusion along the line and to the bath, O2 and ATP. Drugs and the bath come
    from ``y``."""
    n_u = u.shape[0]
    ur = _unit_run(p)
    tcp = _cell_params(p, P.tissue_area_cm2)
    uk = _cell_constants(tcp, ur.speed, 0.0)
    chamber = _chamber(p, y)
    syn = _synapses(p, ur.dt, 1.0)
    key0 = SYN_UNIT_KEY + 2.0 * n_u * y[S.unit_steps]
    vol_a = p[P.vol_astro_L]
    k_a = p[P.area_astro_cm2] * 1e-6 / (F_C_per_mol * vol_a)
    cm_a = p[P.Cm_uF_per_cm2] / ur.speed
    spacing_um = p[P.unit_spacing_um]
    for j in range(n_u):
        if puff[j, PUFF.ms_left] > 0.0:
            _puff(u, puff, j, ur, uk.vol_o_L)
        # the neuron and the transporters see the unit's transmitters before this step's release
        tm = _transmitters(p, chamber, y[S.glutamate_uM] + u[j, UNIT.glu_uM], y[S.gaba_uM] + u[j, UNIT.gaba_uM],
                           ur.phi_t)
        made = _unit_neuron(u, j, p, ur, tcp, uk, tab, chamber, tm, syn, key0 + 2.0 * j)
        made_a = _astrocyte_linearised(u, j, work, p, ur, tm, cm_a, k_a)
        # O2: the gas over the core (an ischaemic region) or the rest, to the unit, spent by its cells
        in_core = (j + 0.5) * spacing_um * 1e-3 < p[P.core_mm]
        gas = p[P.O2_sat_mM] * (p[P.core_o2_pct] if in_core else p[P.o2_pct]) / 100.0
        u[j, UNIT.O2_b_mM] = _relax(u[j, UNIT.O2_b_mM], gas, ur.a_gas)
        u[j, UNIT.O2_mM] += ur.speed * ((u[j, UNIT.O2_b_mM] - u[j, UNIT.O2_mM]) / p[P.tau_O2_ms]
                                        - p[P.O2_per_ATP] * (made + made_a * vol_a / uk.vol_i_L)) * ur.dt
    # astrocyte gap junctions: linearised Nernst–Planck between neighbouring shares, per ms of
    # astrocyte concentration; Na+ and Cl- at their mobility relative to K+
    k_gj = p[P.k_gj_per_ms] * p[P.gap_junction_rel]
    _gap_junction_solve(u, work, n_u, 1.0 / k_a, k_gj, k_gj * D_NA_cm2_s / D_K_cm2_s, k_gj * D_CL_cm2_s / D_K_cm2_s,
                        ur.rtf, ur.dt)
    r_ao = vol_a / uk.vol_o_L
    for j in range(n_u):
        _astrocyte_fluxes(u, j, work, y, p, ur, k_a, r_ao)
    for j in range(n_u - 1):
        for col, gj in ((UNIT.astro_K_mM, WORK.gj_K_mM), (UNIT.astro_Na_mM, WORK.gj_Na_mM),
                        (UNIT.astro_Cl_mM, WORK.gj_Cl_mM)):
            u[j, col] -= ur.speed * work[j, gj]
            u[j + 1, col] += ur.speed * work[j, gj]
    _ecs_diffusion(u, work, y, p, n_u, ur.dt, uk.vol_o_L)


@njit(cache=True)
def patched_unit(p, n_units):
    """The unit whose place ``patch_mm`` names: the pipette's."""
    return min(max(int(p[P.patch_mm] * 1e3 / p[P.unit_spacing_um]), 0), n_units - 1)


@njit(cache=True, inline="always")
def _patched_cell_in_its_unit(y, u, ip):
    """The patched cell's tissue is its unit: its ECS, O2, transmitters and presynaptic neurons."""
    _store(y, S.Na_t_mM, _ecs(u[ip], UNIT.Na_o_mM))
    y[S.O2_mM] = u[ip, UNIT.O2_mM]
    y[S.glu_local_uM] = u[ip, UNIT.glu_uM]
    y[S.gaba_local_uM] = u[ip, UNIT.gaba_uM]
    y[S.presynaptic_available] = u[ip, UNIT.s]


@njit(cache=True, nogil=True, fastmath=FAST, error_model="numpy")
def advance_slice(y, p, tab, key, u, puff, p_u, tab_u, key_u, work, n_steps, decim, out, out_pos,
                  scan, scan_every, scan_pos):
    """Advance the slice by ``n_steps`` of the patched cell's step; return (out_pos, scan_pos).

    The patched cell (``advance``, samples into ``out`` as there) steps in its unit's ECS; every
    ``unit_dt_ms`` the units step (``_step_units``, with ``p_u``: ``p`` at the units' step and
    ``tab_u``/``key_u`` its gating tables), and every ``scan_every`` unit steps a linescan row
    (SCAN_NAMES × units) goes to ``scan[scan_pos]``; the caller sizes ``scan`` for them."""
    n_u = u.shape[0]
    k_u = int(round(p[P.unit_dt_ms] / p[P.dt_ms]))
    p_u[:] = p
    p_u[P.dt_ms] = k_u * p[P.dt_ms]
    _refresh_tables(tab_u, key_u, p_u)
    ip = patched_unit(p, n_u)
    left = n_steps
    while left > 0:
        n = min(left, k_u - int(y[S.unit_pending_steps]))
        _patched_cell_in_its_unit(y, u, ip)
        steps_before = y[S.steps]
        out_pos = advance(y, p, tab, key, n, decim, out, out_pos)
        _store(u[ip], UNIT.Na_o_mM, _ecs(y, S.Na_t_mM))
        done = int(y[S.steps] - steps_before)
        y[S.unit_pending_steps] += done
        left -= done
        if done < n:  # the patched cell's membrane broke down: the rig hears of it first
            break
        if y[S.unit_pending_steps] >= k_u:
            y[S.unit_pending_steps] = 0.0
            _step_units(u, puff, p_u, tab_u, y, work)
            y[S.unit_steps] += 1.0
            if scan_every > 0 and int(y[S.unit_steps]) % scan_every == 0:
                for c in range(len(SCAN_COLUMNS)):
                    for j in range(n_u):
                        scan[scan_pos, c, j] = u[j, SCAN_COLUMNS[c]]
                scan_pos += 1
    return out_pos, scan_pos
