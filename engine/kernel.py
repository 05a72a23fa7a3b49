"""The Numba kernel: one call advances the patched cell and its neighbourhood by a block of steps.

Everything numerical that runs per step lives in this one module, on purpose: Numba's on-disk
cache (``cache=True``) is keyed on the file of the function it compiles, so a helper kept in
another file could change without the cached kernel noticing.

What is integrated (model-spec §1–§8): the patched cell (membrane, gates, cytosol, ATP); the
extracellular *shell* around it, which exchanges with the tissue in tens of ms; one representative
unpatched *neighbour* (same membrane, no pipette) standing for the thousands of cells that share the
*tissue* ECS; the tissue ECS itself, with astrocyte uptake and diffusion to the *bath*; O2 in bath and
tissue. The pipette acts on the patched cell only; bath, gas, temperature and drugs act on both.
In the slice preparation (``advance_slice``, at the end) the neighbour and the tissue give way to a
line of units, each a neuron, an astrocyte share and their ECS (model-spec §9).

The kernel reads the state vector ``y`` and the parameter vector ``p`` (layouts below), writes
decimated samples into the preallocated ``out`` array, never allocates, never calls Python and
runs with the GIL released. Equations and parameter sources: ``../shared/science/model-spec.md``
and ``engine/preparations.py``.

Units inside the kernel: mV, ms, µA/cm², mS/cm², µF/cm², mM, cm/s (permeabilities), litres
(volumes), cm² (area). Currents are positive outward (membrane convention); the amplifier current
``I_pA`` is the current the pipette injects (inward membrane current reads negative in voltage clamp).
"""
import math

import numpy as np
from numba import njit
from numba.np.unsafe.ndarray import to_fixed_tuple

F_C_per_mol = 96485.33212  # Faraday constant (CODATA 2018)
R_J_per_mol_K = 8.314462618  # gas constant (CODATA 2018)
ZERO_C_K = 273.15
AVOGADRO_per_mol = 6.02214076e23
# free diffusion coefficients, cm²/s (25 °C; Hille 2001 Table 14.1; glutamate and GABA: Nicholson &
# Syková 1998 Trends Neurosci 21:207 give 7.6e-6 for glutamate-sized ions; GABA alike)
D_NA_cm2_s, D_K_cm2_s, D_CL_cm2_s, D_GLU_cm2_s = 1.33e-5, 1.96e-5, 2.03e-5, 7.6e-6


def _index(names):
    return {name: i for i, name in enumerate(names)}


# ---- state vector -------------------------------------------------------------------------
# a cell: membrane potential, gates, cytosol and its ATP (the patched cell; its neighbour as nb_...)
CELL_STATE_NAMES = ("V_mV", "m", "h", "s", "n", "q", "p", "Na_i_mM", "K_i_mM", "Cl_i_mM", "ATP_mM",
                    # synaptic background: open synaptic channels as permeabilities, cm/s
                    "syn_ampa_cm_s", "syn_nmda_cm_s", "syn_gaba_cm_s", "syn_gabab_cm_s")
NEIGHBOUR_PREFIX = "nb_"
HELD_PREFIX = "held_"
# the slow terms as ``advance`` holds them between evaluations (units as in the kernel; ``_step``
# values are changes per step)
HELD_NAMES = (
    "E_Na_mV", "E_K_mV", "E_Cl_mV", "I_pump", "nb_E_Na_mV", "nb_E_K_mV", "nb_I_pump",
    "rtg_shift_mV", "g_M_max_mS", "g_Na_max_mS", "P_Cl_cm_s", "P_HCO3_cm_s", "P_nmda_cm_s", "nb_P_nmda_cm_s",
    "eaat_cycling", "ampa_unblocked", "nmda_unblocked", "nb_nmda_unblocked",
    "Na_i_step", "K_i_step", "Cl_i_step", "Na_o_step", "K_o_step", "Cl_o_step",
    "nb_Na_i_step", "nb_K_i_step", "nb_Cl_i_step", "Na_t_step", "K_t_step", "Cl_t_step",
    "nkcc1_mM_per_ms", "pump_ATP_mM_per_ms",
    # the pipette: the K+ share of cations leaving the cytosol by it, its exchange per step
    "pipette_K_share_out", "pipette_K_step", "pipette_Na_step",
    # the books' increments per step
    "Na_to_tissue_step", "K_to_tissue_step", "Cl_to_tissue_step",
    "Na_to_bath_step", "K_to_bath_step", "Cl_to_bath_step", "K_to_glia_step",
)
N_HELD = len(HELD_NAMES)
STATE_NAMES = CELL_STATE_NAMES + (
    # the extracellular shell around the patched cell: the K_o that cell sees
    "Na_o_mM", "K_o_mM", "Cl_o_mM",
) + tuple(NEIGHBOUR_PREFIX + name for name in CELL_STATE_NAMES) + (
    # the tissue ECS the neighbours share, and the bath at the slice surface (follows perfusion)
    "Na_t_mM", "K_t_mM", "Cl_t_mM",
    "Na_b_mM", "K_b_mM", "Cl_b_mM",
    "O2_b_mM", "O2_mM",                         # O2 in the bath at the slice, in the tissue
    "retigabine_uM", "gaba_uM", "ttx_nM",       # drug concentrations in the chamber
    "glutamate_uM", "tboa_uM", "kynurenic_acid_uM", "quinolinic_acid_uM",
    # in a slice: glutamate and GABA in the ECS at the patched cell beyond the chamber's (released,
    # puffed), and the patched-cell steps since the slice's units last stepped
    "glu_local_uM", "gaba_local_uM", "unit_pending_steps", "unit_steps",
    "presynaptic_available",  # the share of its unit's neurons that can still fire (their Nav's s)
    # clock (whole steps since the recording started), sampling, spike detector
    "steps", "steps_to_sample", "I_amp_sum", "I_amp_count", "spikes_in_sample",
    "spike_count", "above_threshold",
    "membrane_broken",                          # 1 once the patched cell's membrane broke down (lost)
    # the slow terms (reversal potentials, pump, cotransport, exchanges: see ``advance``) are
    # evaluated at fixed points of the step grid and held in between; the steps they still hold for,
    # and the held values themselves, are state, so a run cut anywhere goes on as if uncut
    "slow_steps_left",
) + tuple(HELD_PREFIX + name for name in HELD_NAMES) + (
    # budgets (engine/budget.py), mmol. The patched cell's books: what left cell + shell, and the
    # Na+ and K+ that came in from the pipette
    "Na_to_tissue_mmol", "K_to_tissue_mmol", "Cl_to_tissue_mmol",
    "Na_from_pipette_mmol", "K_from_pipette_mmol", "untracked_charge_out_mmol",
    # the tissue's books, per neighbour's share: what left neighbour + tissue ECS
    "Na_to_bath_mmol", "K_to_bath_mmol", "Cl_to_bath_mmol", "K_to_glia_mmol",
    "nb_untracked_charge_out_mmol",
)
S = _index(STATE_NAMES)
S_V, S_M, S_H, S_SI, S_N, S_Q, S_P = S["V_mV"], S["m"], S["h"], S["s"], S["n"], S["q"], S["p"]
S_NAI, S_KI, S_CLI, S_ATP = S["Na_i_mM"], S["K_i_mM"], S["Cl_i_mM"], S["ATP_mM"]
S_NAO, S_KO, S_CLO = S["Na_o_mM"], S["K_o_mM"], S["Cl_o_mM"]
S_NB_V, S_NB_M, S_NB_H, S_NB_SI, S_NB_N, S_NB_Q, S_NB_P = (S["nb_V_mV"], S["nb_m"], S["nb_h"], S["nb_s"],
                                                           S["nb_n"], S["nb_q"], S["nb_p"])
S_NB_NAI, S_NB_KI, S_NB_CLI, S_NB_ATP = S["nb_Na_i_mM"], S["nb_K_i_mM"], S["nb_Cl_i_mM"], S["nb_ATP_mM"]
S_NAT, S_KT, S_CLT = S["Na_t_mM"], S["K_t_mM"], S["Cl_t_mM"]
S_NAB, S_KB, S_CLB = S["Na_b_mM"], S["K_b_mM"], S["Cl_b_mM"]
S_O2B, S_O2 = S["O2_b_mM"], S["O2_mM"]
S_RTG, S_GABA, S_TTX = S["retigabine_uM"], S["gaba_uM"], S["ttx_nM"]
S_GLU, S_TBOA, S_KYNA, S_QUIN = S["glutamate_uM"], S["tboa_uM"], S["kynurenic_acid_uM"], S["quinolinic_acid_uM"]
S_AMPA, S_NMDA, S_GABAS = S["syn_ampa_cm_s"], S["syn_nmda_cm_s"], S["syn_gaba_cm_s"]
S_NB_AMPA, S_NB_NMDA, S_NB_GABAS = S["nb_syn_ampa_cm_s"], S["nb_syn_nmda_cm_s"], S["nb_syn_gaba_cm_s"]
S_GABAB, S_NB_GABAB = S["syn_gabab_cm_s"], S["nb_syn_gabab_cm_s"]
S_STEPS, S_STS, S_ISUM, S_INUM = S["steps"], S["steps_to_sample"], S["I_amp_sum"], S["I_amp_count"]
S_SPK_SAMPLE, S_SPK, S_ABOVE = S["spikes_in_sample"], S["spike_count"], S["above_threshold"]
S_BROKEN = S["membrane_broken"]
S_SLOW_LEFT, S_HELD = S["slow_steps_left"], S[HELD_PREFIX + HELD_NAMES[0]]
S_GLU_LOCAL, S_GABA_LOCAL, S_UPEND, S_USTEPS = (S["glu_local_uM"], S["gaba_local_uM"], S["unit_pending_steps"],
                                                S["unit_steps"])
S_PRE = S["presynaptic_available"]
S_NA_TISSUE, S_K_TISSUE, S_CL_TISSUE = S["Na_to_tissue_mmol"], S["K_to_tissue_mmol"], S["Cl_to_tissue_mmol"]
S_NA_PIPETTE, S_K_PIPETTE, S_UNTRACKED = (S["Na_from_pipette_mmol"], S["K_from_pipette_mmol"],
                                          S["untracked_charge_out_mmol"])
S_NA_BATH, S_K_BATH, S_CL_BATH = S["Na_to_bath_mmol"], S["K_to_bath_mmol"], S["Cl_to_bath_mmol"]
S_K_GLIA, S_NB_UNTRACKED = S["K_to_glia_mmol"], S["nb_untracked_charge_out_mmol"]

# ---- parameter vector ---------------------------------------------------------------------
PARAM_NAMES = (
    # numerics
    "dt_ms", "settle_speedup",
    # geometry: vol_o is the ECS around one cell (the patched cell's shell; a neighbour's share)
    "area_cm2", "vol_i_L", "vol_o_L", "Cm_uF_per_cm2",
    # channels
    "kinetics",                                  # 0 cortical (Pospischil 2008), 1 squid (HH 1952)
    "gNa_mS", "gKd_mS", "gM_mS", "V_T_mV", "nav_h_shift_mV", "M_V_half_mV", "tau_M_max_ms",
    "nav_slow_V_half_mV", "nav_slow_slope_mV", "tau_nav_slow_ms",  # slow inactivation of Nav (0 ms: none)
    "kd_slow_V_half_mV", "kd_slow_slope_mV", "tau_kd_slow_ms",     # and of the delayed rectifier
    "T_ref_gating_C",
    "Q10_gating",
    "P_Na_cm_s", "P_K_cm_s", "P_Cl_cm_s", "gL_mS", "EL_mV",
    "P_paranodal_cm_s", "P_gaba_max_cm_s", "gaba_EC50_uM", "gaba_hill", "gaba_hco3_ratio",
    "HCO3_i_mM", "HCO3_o_mM", "ttx_IC50_nM",
    "retigabine_shift_max_mV", "retigabine_EC50_uM", "retigabine_gain_max",
    "P_nmda_max_cm_s", "nmda_EC50_uM", "Mg_o_mM",         # NMDA receptors, opened by glutamate in the bath
    "eaat_max_uA", "eaat_K_m_uM", "tboa_IC50_uM",         # glutamate transporters (EAAT)
    # synaptic background: each event opens one quantum of permeability that decays exponentially
    "ampa_quantum_cm_s", "nmda_quantum_cm_s", "gaba_quantum_cm_s", "tau_ampa_ms", "tau_nmda_ms", "tau_gaba_ms",
    "gabab_quantum_cm_s", "tau_gabab_ms", "gabab_hill",   # GABA_B (GIRK, K+) from the same events
    "kyna_IC50_nmda_uM", "kyna_IC50_ampa_uM", "quin_EC50_uM",
    "butyrate_gaba_gain",                                 # GABA quanta in a butyrate-fed animal, ×
    # pump, transporters, glia, the neighbourhood, diffusion
    "pump_max_uA", "pump_K_Na_mM", "pump_K_K_mM", "pump_K_ATP_mM", "Q10_transport", "T_ref_transport_C",
    "U_kcc2_mM_per_ms", "U_nkcc1_mM_per_ms",
    "glia_max_mM_per_ms", "glia_K_half_mM", "glia_K_slope_mM",
    "tau_shell_ms", "tissue_cells", "tau_diffusion_ms",
    # energy
    "O2_sat_mM", "tau_gas_ms", "tau_O2_ms", "K_O2_mM", "k_syn_per_ms", "ATP_max_mM", "k_basal_per_ms", "O2_per_ATP",
    # user controls (rig/controls.py names them; same names here)
    "bath_Na_mM", "bath_K_mM", "bath_Cl_mM", "temperature_C", "o2_pct", "perfusion_tau_s",
    "kcc2_rel", "nkcc1_rel", "retigabine_uM", "gaba_uM", "ttx_nM", "glutamate_uM", "tboa_uM",
    "kynurenic_acid_uM", "quinolinic_acid_uM", "syn_exc_Hz", "syn_inh_Hz", "butyrate_fed",
    "nav_shift_mV", "kcnq_gain",
    "demyelination", "kir_block", "myelin_wraps",
    # amplifier and spike detector
    "clamp_code", "inject_pA", "command_mV", "rs_MOhm", "noise_V_mV", "noise_I_pA", "noise_seed",
    "spike_threshold_mV",
    "breakdown_mV", "P_pore_cm_s",               # electroporation: where a membrane breaks, how leaky then
    # the pipette, a reservoir joined to the cytosol through the perforated patch (0 mM: not patched)
    "pipette_K_mM", "pipette_Na_mM", "pipette_rho_ohm_cm",
    # the slice (model-spec §9; engine/slice.py): a line of units, each a neuron, its astrocyte share
    # and their ECS. 0 units = a single-cell preparation with its representative neighbour
    "slice_units", "unit_spacing_um", "unit_dt_ms", "tortuosity", "unit_cells", "vol_o_unit_L",
    "vol_astro_L", "area_astro_cm2", "P_K_astro_cm_s", "P_Na_astro_cm_s", "P_Cl_astro_cm_s",
    "pump_astro_uA", "eaat_astro_uA", "U_nkcc1_astro_mM_per_ms", "k_gj_per_ms",
    "glu_release_uM_per_ms", "glu_release_V_half_mV", "glu_release_slope_mV", "tau_release_V_ms", "glu_pool_uM",
    "tau_glu_refill_ms",
    "tau_puff_ms",
    "gap_junction_rel", "core_o2_pct", "core_mm", "patch_mm",
)
P = _index(PARAM_NAMES)
P_DT, P_SPEEDUP = P["dt_ms"], P["settle_speedup"]
P_AREA, P_VOLI, P_VOLO, P_CM = P["area_cm2"], P["vol_i_L"], P["vol_o_L"], P["Cm_uF_per_cm2"]
P_KIN, P_GNA, P_GKD, P_GM, P_VT = P["kinetics"], P["gNa_mS"], P["gKd_mS"], P["gM_mS"], P["V_T_mV"]
P_HSHIFT, P_MVH, P_TAUM, P_TREFG, P_Q10G = (P["nav_h_shift_mV"], P["M_V_half_mV"], P["tau_M_max_ms"],
                                             P["T_ref_gating_C"], P["Q10_gating"])
P_SI_VH, P_SI_K, P_SI_TAU = P["nav_slow_V_half_mV"], P["nav_slow_slope_mV"], P["tau_nav_slow_ms"]
P_QI_VH, P_QI_K, P_QI_TAU = P["kd_slow_V_half_mV"], P["kd_slow_slope_mV"], P["tau_kd_slow_ms"]
P_PNA, P_PK, P_PCL, P_GL, P_EL = P["P_Na_cm_s"], P["P_K_cm_s"], P["P_Cl_cm_s"], P["gL_mS"], P["EL_mV"]
P_PPARA, P_PGABA, P_GABA_EC50, P_GABA_HILL, P_HCO3R = (P["P_paranodal_cm_s"], P["P_gaba_max_cm_s"],
                                                       P["gaba_EC50_uM"], P["gaba_hill"], P["gaba_hco3_ratio"])
P_HCO3I, P_HCO3O, P_TTX_IC50 = P["HCO3_i_mM"], P["HCO3_o_mM"], P["ttx_IC50_nM"]
P_RTG_SHIFT, P_RTG_EC50, P_RTG_GAIN = (P["retigabine_shift_max_mV"], P["retigabine_EC50_uM"],
                                       P["retigabine_gain_max"])
P_PNMDA, P_NMDA_EC50, P_MGO = P["P_nmda_max_cm_s"], P["nmda_EC50_uM"], P["Mg_o_mM"]
P_EAAT, P_EAAT_KM, P_TBOA_IC50 = P["eaat_max_uA"], P["eaat_K_m_uM"], P["tboa_IC50_uM"]
P_PUMP, P_PUMP_KNA, P_PUMP_KK, P_PUMP_KATP = (P["pump_max_uA"], P["pump_K_Na_mM"], P["pump_K_K_mM"],
                                              P["pump_K_ATP_mM"])
P_Q10T, P_TREFT, P_UKCC2, P_UNKCC1 = (P["Q10_transport"], P["T_ref_transport_C"], P["U_kcc2_mM_per_ms"],
                                      P["U_nkcc1_mM_per_ms"])
P_GLIA, P_GLIA_KH, P_GLIA_KS = P["glia_max_mM_per_ms"], P["glia_K_half_mM"], P["glia_K_slope_mM"]
P_TAU_SHELL, P_CELLS, P_TAU_DIFF = P["tau_shell_ms"], P["tissue_cells"], P["tau_diffusion_ms"]
P_O2SAT, P_TAU_GAS, P_TAU_O2, P_KO2 = P["O2_sat_mM"], P["tau_gas_ms"], P["tau_O2_ms"], P["K_O2_mM"]
P_KSYN, P_ATPMAX, P_KBASAL, P_O2_PER_ATP = (P["k_syn_per_ms"], P["ATP_max_mM"], P["k_basal_per_ms"],
                                            P["O2_per_ATP"])
P_BATH_NA, P_BATH_K, P_BATH_CL = P["bath_Na_mM"], P["bath_K_mM"], P["bath_Cl_mM"]
P_TEMP, P_O2PCT, P_TAU_PERF = P["temperature_C"], P["o2_pct"], P["perfusion_tau_s"]
P_KCC2, P_NKCC1, P_RTG, P_GABA, P_TTX = P["kcc2_rel"], P["nkcc1_rel"], P["retigabine_uM"], P["gaba_uM"], P["ttx_nM"]
P_GLU, P_TBOA, P_KYNA, P_QUIN = P["glutamate_uM"], P["tboa_uM"], P["kynurenic_acid_uM"], P["quinolinic_acid_uM"]
P_SYN_E, P_SYN_I = P["syn_exc_Hz"], P["syn_inh_Hz"]
P_QA, P_QN, P_QG = P["ampa_quantum_cm_s"], P["nmda_quantum_cm_s"], P["gaba_quantum_cm_s"]
P_TAU_A, P_TAU_N, P_TAU_G = P["tau_ampa_ms"], P["tau_nmda_ms"], P["tau_gaba_ms"]
P_QB, P_TAU_B, P_GABAB_HILL = P["gabab_quantum_cm_s"], P["tau_gabab_ms"], P["gabab_hill"]
P_KYNA_N, P_KYNA_A, P_QUIN_EC50 = P["kyna_IC50_nmda_uM"], P["kyna_IC50_ampa_uM"], P["quin_EC50_uM"]
P_BUTYRATE, P_BUTYRATE_GAIN = P["butyrate_fed"], P["butyrate_gaba_gain"]
P_NAVSHIFT, P_KCNQ, P_DEMY, P_KIRBLOCK, P_WRAPS = (P["nav_shift_mV"], P["kcnq_gain"], P["demyelination"],
                                                  P["kir_block"], P["myelin_wraps"])
P_CLAMP, P_INJ, P_CMD, P_RS = P["clamp_code"], P["inject_pA"], P["command_mV"], P["rs_MOhm"]
P_NOISE_V, P_NOISE_I, P_SEED = P["noise_V_mV"], P["noise_I_pA"], P["noise_seed"]
P_SPK_THR = P["spike_threshold_mV"]
P_BREAKDOWN, P_PORE = P["breakdown_mV"], P["P_pore_cm_s"]
P_PIP_K, P_PIP_NA, P_PIP_RHO = P["pipette_K_mM"], P["pipette_Na_mM"], P["pipette_rho_ohm_cm"]
P_UNITS, P_CORE_O2 = P["slice_units"], P["core_o2_pct"]
P_POOL, P_TAU_REFILL = P["glu_pool_uM"], P["tau_glu_refill_ms"]
P_PCL_A = P["P_Cl_astro_cm_s"]
P_PK_A = P["P_K_astro_cm_s"]
P_PNA_A = P["P_Na_astro_cm_s"]
P_UNKCC1_A = P["U_nkcc1_astro_mM_per_ms"]
P_AREA_A = P["area_astro_cm2"]
P_CORE_MM = P["core_mm"]
P_EAAT_A = P["eaat_astro_uA"]
P_GJ_REL = P["gap_junction_rel"]
P_REL_HALF = P["glu_release_V_half_mV"]
P_REL_SLOPE = P["glu_release_slope_mV"]
P_REL_MAX = P["glu_release_uM_per_ms"]
P_TAU_RELEASE_V = P["tau_release_V_ms"]
P_K_GJ = P["k_gj_per_ms"]
P_PATCH_MM = P["patch_mm"]
P_PUMP_A = P["pump_astro_uA"]
P_TAU_PUFF = P["tau_puff_ms"]
P_TORT = P["tortuosity"]
P_UNIT_DT = P["unit_dt_ms"]
P_SPACING = P["unit_spacing_um"]
P_VOL_A = P["vol_astro_L"]
P_VOL_O_UNIT = P["vol_o_unit_L"]

CLAMP_CURRENT, CLAMP_VOLTAGE = 0, 1  # I = 0 is current clamp with inject_pA = 0

# ---- decimated output channels (the patched cell and its shell) -----------------------------
OUTPUT_NAMES = (
    "t_s", "V_mV", "I_pA", "E_K_mV", "E_Na_mV", "E_Cl_mV",
    "Na_i_mM", "K_i_mM", "Cl_i_mM", "Na_o_mM", "K_o_mM", "Cl_o_mM",
    "ATP_mM", "O2_mM", "I_pump_pA", "ATP_use_per_s", "Na_influx_per_s",
    "spikes",   # spikes that began in this sample's interval (the kernel's detector, every step)
)
O = _index(OUTPUT_NAMES)
O_T, O_V, O_I, O_EK, O_ENA, O_ECL = O["t_s"], O["V_mV"], O["I_pA"], O["E_K_mV"], O["E_Na_mV"], O["E_Cl_mV"]
O_NAI, O_KI, O_CLI, O_NAO, O_KO, O_CLO = (O["Na_i_mM"], O["K_i_mM"], O["Cl_i_mM"], O["Na_o_mM"], O["K_o_mM"],
                                         O["Cl_o_mM"])
O_ATP, O_O2, O_IPUMP, O_ATPUSE, O_NAIN, O_SPK = (O["ATP_mM"], O["O2_mM"], O["I_pump_pA"], O["ATP_use_per_s"],
                                                 O["Na_influx_per_s"], O["spikes"])


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
TABLE_V_STEP_mV = 0.05
TABLE_ROWS_PER_mV = 20.0  # 1 / TABLE_V_STEP_mV, to multiply rather than divide per step
TABLE_ROWS = 5001  # to +100 mV
(T_MINF, T_MDEC, T_HINF, T_HDEC, T_NINF, T_NDEC, T_PINF, T_PDEC, T_SINF, T_SDEC, T_QINF, T_QDEC) = range(12)
TABLE_COLUMNS = 12
TABLE_KEY = (P_DT, P_TEMP, P_KIN, P_VT, P_HSHIFT, P_MVH, P_TAUM, P_TREFG, P_Q10G, P_SI_VH, P_SI_K, P_SI_TAU,
             P_QI_VH, P_QI_K, P_QI_TAU)


def new_tables():
    """Workspace for the gating tables: (table, key). The kernel fills it when the key changes."""
    return np.zeros((TABLE_ROWS, TABLE_COLUMNS)), np.full(len(TABLE_KEY), np.nan)


@njit(cache=True, inline="always")
def _slow_gate(V, V_half, slope, tau_ms, dt_phi):
    """Steady state and decay factor of a slow inactivation gate; none (1, instant) where tau is 0."""
    if tau_ms <= 0.0:
        return 1.0, 0.0
    return 1.0 / (1.0 + math.exp((V - V_half) / slope)), math.exp(-dt_phi / tau_ms)


@njit(cache=True)
def _fill_tables(tab, key, p):
    dt = p[P_DT]
    phi = p[P_Q10G] ** ((p[P_TEMP] - p[P_TREFG]) / 10.0)
    squid = p[P_KIN] > 0.5
    for i in range(TABLE_ROWS):
        V = TABLE_V_MIN_mV + i * TABLE_V_STEP_mV
        # Na inactivation may sit elsewhere on the voltage axis than activation (nodal Nav1.6)
        V_h = V - p[P_HSHIFT]
        if squid:
            am, bm, _, _, an, bn = rates_squid(V)
            ah, bh = rates_squid(V_h)[2:4]
        else:
            am, bm, _, _, an, bn = rates_cortical(V, p[P_VT])
            ah, bh = rates_cortical(V_h, p[P_VT])[2:4]
        tab[i, T_MINF] = am / (am + bm)
        tab[i, T_MDEC] = math.exp(-phi * dt * (am + bm))
        tab[i, T_HINF] = ah / (ah + bh)
        tab[i, T_HDEC] = math.exp(-phi * dt * (ah + bh))
        tab[i, T_NINF] = an / (an + bn)
        tab[i, T_NDEC] = math.exp(-phi * dt * (an + bn))
        # M-current (KCNQ2/3) slow gate, Pospischil 2008 (there with V½ -35 mV)
        ex = math.exp((V - p[P_MVH]) / 20.0)
        tab[i, T_PINF] = 1.0 / (1.0 + 1.0 / (ex * ex))
        tab[i, T_PDEC] = math.exp(-dt * phi * (3.3 * ex + 1.0 / ex) / p[P_TAUM])
        # slow inactivation of Nav and of the delayed rectifier over seconds of depolarisation
        tab[i, T_SINF], tab[i, T_SDEC] = _slow_gate(V, p[P_SI_VH], p[P_SI_K], p[P_SI_TAU], dt * phi)
        tab[i, T_QINF], tab[i, T_QDEC] = _slow_gate(V, p[P_QI_VH], p[P_QI_K], p[P_QI_TAU], dt * phi)
    for k in range(len(TABLE_KEY)):
        key[k] = p[TABLE_KEY[k]]


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


@njit(cache=True, inline="always")
def _gaba_quantum(p):
    """A GABA_A quantum: larger in a butyrate-fed animal (more GAD, more GABA per vesicle)."""
    return p[P_QG] * _gaba_per_vesicle(p)


@njit(cache=True, inline="always")
def _gaba_per_vesicle(p):
    """GABA released per event relative to normal: more in a butyrate-fed animal."""
    return 1.0 + (p[P_BUTYRATE_GAIN] - 1.0) * p[P_BUTYRATE]


@njit(cache=True, inline="always")
def _gabab_quantum(p):
    """A GABA_B quantum (GIRK K+ permeability): GABA reaches these extrasynaptic receptors by
    spillover and their G proteins open GIRK channels cooperatively, so the quantum grows more
    steeply than the GABA released."""
    return p[P_QB] * _gaba_per_vesicle(p) ** p[P_GABAB_HILL]


RS_IDEAL_BELOW_MOhm = 0.01  # series resistance this small clamps ideally (and never divides by ~0)
SLOW_EVERY = 10  # steps between updates of reversal potentials, pump, transporters, glia, energy


# fast-math without the no-NaN/no-Inf promises, so a NaN still propagates to where tests see it
FAST = {"contract", "arcp", "afn", "reassoc", "nsz"}


@njit(cache=True, inline="always")
def _pump_and_cotransport(p, Na_i, K_i, Cl_i, Na_o, K_o, Cl_o, ATP, phi_t, U_kcc2, U_nkcc1):
    """One cell's Na/K-ATPase current (µA/cm²; 3 Na+ out, 2 K+ in, one net charge out per ATP)
    and its electroneutral cotransport (mM/ms in the cytosol, thermodynamic forms, model-spec §3):
    KCC2 positive = K+ and Cl- out, NKCC1 positive = Na+, K+ and 2 Cl- in."""
    na3 = Na_i * Na_i * Na_i
    i_pump = (p[P_PUMP] * phi_t * na3 / (na3 + p[P_PUMP_KNA] ** 3)
              * K_o / (K_o + p[P_PUMP_KK]) * ATP / (ATP + p[P_PUMP_KATP]))
    j_kcc2 = U_kcc2 * math.log((K_i * Cl_i) / (K_o * Cl_o))
    j_nkcc1 = U_nkcc1 * math.log((Na_o * K_o * Cl_o * Cl_o) / (Na_i * K_i * Cl_i * Cl_i))
    return i_pump, j_kcc2, j_nkcc1


@njit(cache=True, inline="always")
def _atp_made(p, O2, ATP):
    """ATP synthesis (mM/ms): respiration driven by the ATP deficit (respiratory control by ADP),
    limited by O2 (model-spec §4)."""
    return p[P_KSYN] * O2 / (O2 + p[P_KO2]) * (p[P_ATPMAX] - ATP)


@njit(cache=True, inline="always")
def _membrane_step(tab, dt, double_step, cm, rtf, V, m, h, s, n, q, pg, membrane, Na_i, K_i, Cl_i, Na_o, K_o, Cl_o,
                   E_Na, E_K, i_pump, c_eaat, clamp):
    """One step (``dt``, the tables' step, or twice it) of one membrane: gates by Rush–Larsen
    (tabulated) at the start-of-step V, then V by exponential Euler on the linearised total
    current, exact for it over the step.

    ``membrane`` holds what both cells share (the tissue's channels and drugs, tuple below);
    ``clamp`` what the pipette does (the neighbour's is ``NO_PIPETTE``). Tuples keep the call
    within the 30 arguments that Numba inlines.

    ``c_eaat`` is the glutamate transporters' cycling (µA/cm² of one charge a cycle): each cycle
    takes 3 Na+, 1 H+ and 1 glutamate- in and 1 K+ out, two positive charges in (Zerangue &
    Kavanaugh 1996 Nature 383:634); H+ and glutamate- carry equal and opposite charge, so the
    current is that of the Na+ and K+ it moves.

    Returns the new V and gates, the ion currents over the step (µA/cm², pump included, each
    evaluated at the exact mean V of the step so that the charge they carry equals C·ΔV), the
    current carried by ions the model does not track, and the current the amplifier supplied.
    """
    (nav_shift, rtg_shift, g_na_max, g_kd_max, g_m_max, gL, EL,
     P_Na, P_K, P_Cl, P_hco3, HCO3_i, HCO3_o) = membrane
    voltage_clamp, ideal_clamp, g_series, v_cmd, i_inj = clamp
    row, wt = _row(V)
    h = _gate(tab, row, wt, T_HINF, T_HDEC, h, double_step)
    s = _gate(tab, row, wt, T_SINF, T_SDEC, s, double_step)
    n = _gate(tab, row, wt, T_NINF, T_NDEC, n, double_step)
    q = _gate(tab, row, wt, T_QINF, T_QDEC, q, double_step)
    row, wt = _row(V - nav_shift)
    m = _gate(tab, row, wt, T_MINF, T_MDEC, m, double_step)
    row, wt = _row(V - rtg_shift)
    pg = _gate(tab, row, wt, T_PINF, T_PDEC, pg, double_step)

    # conductances (mS/cm²) and GHK leaks linearised about V; one exponential serves every ion:
    # e^-w for cations, e^+w = 1/e^-w for anions
    g_na = g_na_max * m * m * m * h * s
    n2 = n * n
    g_kv = g_kd_max * n2 * n2 * q + g_m_max * pg
    w = V / rtf
    e = math.exp(-w)
    iNaL, gNaL = _ghk(P_Na, 1.0, Na_i, Na_o, w, e, rtf)
    iKL, gKL = _ghk(P_K, 1.0, K_i, K_o, w, e, rtf)
    e_anion = 1.0 / e
    iClL, gClL = _ghk(P_Cl, -1.0, Cl_i, Cl_o, -w, e_anion, rtf)
    i_hco3 = g_hco3 = 0.0
    if P_hco3 > 0.0:
        i_hco3, g_hco3 = _ghk(P_hco3, -1.0, HCO3_i, HCO3_o, -w, e_anion, rtf)

    # I(V') = a + G V' summed over every channel
    G = g_na + g_kv + gL + gNaL + gKL + gClL + g_hco3 + g_series
    a = (-g_na * E_Na - g_kv * E_K - gL * EL
         + (iNaL - gNaL * V) + (iKL - gKL * V) + (iClL - gClL * V) + (i_hco3 - g_hco3 * V)
         + i_pump - 2.0 * c_eaat - g_series * v_cmd - i_inj)
    if ideal_clamp:
        V_new = v_cmd
        V_mean = v_cmd
        i_amp = (a + G * v_cmd) + cm * (v_cmd - V) / dt  # the clamp supplies all current
    else:
        V_inf = -a / G
        x = G * dt / cm
        decay = math.exp(-x)
        V_new = V_inf + (V - V_inf) * decay
        V_mean = V_inf + (V - V_inf) * (1.0 - decay) / x
        i_amp = g_series * (v_cmd - V_mean) if voltage_clamp else i_inj

    # HCO3- through GABA_A is replaced from CO2 by carbonic anhydrase, so its concentrations stay,
    # and pH regulation books its charge: the H+ left behind by each HCO3- that leaves goes out by
    # Na+/H+ exchange (one Na+ in); an HCO3- that enters leaves again by Cl-/HCO3- exchange (one
    # Cl- in) (Kaila & Voipio 1987 Nature 330:163; Chesler 2003 Physiol Rev 83:1183). Left
    # untracked, its charge drained the cells of K+ under a synaptic background.
    I_hco3 = i_hco3 + g_hco3 * (V_mean - V)
    I_Na = (g_na * (V_mean - E_Na) + iNaL + gNaL * (V_mean - V) + 3.0 * i_pump - 3.0 * c_eaat
            + min(I_hco3, 0.0))
    I_K = g_kv * (V_mean - E_K) + iKL + gKL * (V_mean - V) - 2.0 * i_pump + c_eaat
    I_Cl = iClL + gClL * (V_mean - V) + max(I_hco3, 0.0)
    I_untracked = gL * (V_mean - EL)  # the squid axon's ohmic leak
    return V_new, m, h, s, n, q, pg, I_Na, I_K, I_Cl, I_untracked, i_amp


@njit(cache=True, inline="always")
def _porated(membrane, P_pore):
    """The same membrane with electroporation's pores, which pass Na+, K+ and Cl- alike."""
    (nav_shift, rtg_shift, g_na_max, g_kd_max, g_m_max, gL, EL,
     P_Na, P_K, P_Cl, P_hco3, HCO3_i, HCO3_o) = membrane
    return (nav_shift, rtg_shift, g_na_max, g_kd_max, g_m_max, gL, EL,
            P_Na + P_pore, P_K + P_pore, P_Cl + P_pore, P_hco3, HCO3_i, HCO3_o)


NO_PIPETTE = (False, False, 0.0, 0.0, 0.0)
# Always True in the app; bench/engine.py compiles a copy of `advance` with it False to report what
# integrating the neighbour's membrane costs, measured side by side in one run.
WITH_NEIGHBOUR = True


@njit(cache=True, nogil=True, fastmath=FAST, error_model="numpy")
def advance(y, p, tab, key, n_steps, decim, out, out_pos):
    """Advance state ``y`` by ``n_steps`` steps of ``p[dt_ms]``; return the new ``out_pos``.

    Every ``decim`` steps one sample (OUTPUT_NAMES columns) is written at row ``out_pos`` of ``out``
    (samples × channels: one sample's writes share a cache line); the caller sizes ``out`` for
    ``n_steps // decim + 1`` more rows. The ``t_s`` column holds the
    step count: the caller divides it by the step rate outside fast-math, so that sample times
    land exactly on the grid (1.0, not 0.99999999999938). ``tab``/``key`` is the gating table
    workspace from ``new_tables()``, refilled here only when its key parameters changed.

    Fast terms (gates, channel and leak currents, V) are integrated every step for the patched
    cell and its neighbour; slow terms (reversal potentials, pump, cotransporters, shell exchange,
    glia, diffusion, perfusion, O2 and ATP, the pipette's exchange) are re-evaluated every
    SLOW_EVERY steps of the step grid (in a slice, also at each step of its units) and held in
    between, in the state (``slow_steps_left``, ``held_...``): a call may end anywhere and the next
    goes on exactly as one longer call would. Every flux is booked on both sides every step, so the
    budgets balance exactly whenever a call ends. The call returns early, after the step, when the
    patched cell's membrane breaks down (``membrane_broken``).
    """
    for k in range(len(TABLE_KEY)):
        if key[k] != p[TABLE_KEY[k]]:
            _fill_tables(tab, key, p)
            break

    dt = p[P_DT]
    dt2 = 2.0 * dt
    speed = p[P_SPEEDUP]
    T = p[P_TEMP]
    rtf = rt_over_f_mV(T)
    # myelin: N wraps put N more membranes in series with the axolemma, so every conductance and
    # the capacitance fall (N+1)-fold: the same as a membrane of 1/(N+1) the area
    area = p[P_AREA] / (1.0 + p[P_WRAPS])
    vol_i = p[P_VOLI]
    vol_o = p[P_VOLO]
    r_io = vol_i / vol_o
    # While the slice settles (speed > 1) the cytosol's ions change `speed` times faster; the
    # membrane capacitance is divided by the same factor so that the charge the ions carry still
    # equals C·ΔV: the cells settle on the charge-neutral state they would reach in real time.
    cm = p[P_CM] / speed
    # µA/cm² of a monovalent current -> mM/ms in the cytosol
    k_i = area * 1e-6 / (F_C_per_mol * vol_i)
    to_pA = area * 1e6
    per_s_from_mM_ms_i = vol_i * AVOGADRO_per_mol  # mM/ms in the cytosol -> molecules/s

    phi_t = p[P_Q10T] ** ((T - p[P_TREFT]) / 10.0)
    O2_gas = p[P_O2SAT] * p[P_O2PCT] / 100.0  # bath O2 in equilibrium with the gas
    voltage_clamp = p[P_CLAMP] > 0.5
    gM_max = p[P_GM] * p[P_KCNQ]
    g_kd_max = p[P_GKD]
    noise_V = 0.0 if voltage_clamp else p[P_NOISE_V]
    noise_I = p[P_NOISE_I] if voltage_clamp else 0.0
    seed = p[P_SEED]
    nav_shift = p[P_NAVSHIFT]
    U_kcc2 = p[P_UKCC2] * p[P_KCC2] * phi_t
    U_nkcc1 = p[P_UNKCC1] * p[P_NKCC1] * phi_t
    glia_max = p[P_GLIA] * (1.0 - p[P_KIRBLOCK])
    P_para = p[P_PPARA] * p[P_DEMY]  # non-selective Na/K leak: reversal near 0 mV
    P_Na = p[P_PNA] + P_para
    P_K = p[P_PK] + P_para
    gL = p[P_GL]; EL = p[P_EL]
    HCO3_i = p[P_HCO3I]; HCO3_o = p[P_HCO3O]
    rs = p[P_RS]
    ideal_clamp = voltage_clamp and rs < RS_IDEAL_BELOW_MOhm
    g_series = 0.0  # mS/cm² between pipette and membrane in voltage clamp
    if voltage_clamp and not ideal_clamp:
        g_series = 1e3 / (rs * 1e6 * area)
    i_inj = 0.0 if voltage_clamp else p[P_INJ] / to_pA  # µA/cm² injected in current clamp
    v_cmd = p[P_CMD]
    v_thr = p[P_SPK_THR]
    tau_shell = p[P_TAU_SHELL]
    n_cells = p[P_CELLS]
    kh = p[P_GLIA_KH]; ks = p[P_GLIA_KS]
    tau_d = p[P_TAU_DIFF]
    clamp = (voltage_clamp, ideal_clamp, g_series, v_cmd, i_inj)
    # The pipette is a reservoir of K+ and Na+ joined to the cytosol through gramicidin pores, which
    # pass monovalent cations and not Cl- (whole-cell.md §6). The amplifier's current is carried by
    # the cations of the side it comes from, in proportion to their mobility, so no current empties
    # the cytosol; and through the access resistance R_s each ion relaxes to the pipette's
    # concentration with tau = R_s V / (rho D) (Pusch & Neher 1988 Pflügers Arch 411:204; Oliva,
    # Cohen & Mathias 1988 Biophys J 54:791). R_s = 0 is the ideal pipette of the rig's defaults
    # (model-spec §7), whose access is not modelled: no exchange.
    K_pip = p[P_PIP_K]
    Na_pip = p[P_PIP_NA]
    patched = K_pip > 0.0
    pip_K_share_in = 1.0  # the K+ share of cations entering the cytosol from the pipette
    pip_K_rate = pip_Na_rate = 0.0  # per step
    if patched:
        pip_K_share_in = D_K_cm2_s * K_pip / (D_K_cm2_s * K_pip + D_NA_cm2_s * Na_pip)
    if patched and rs >= RS_IDEAL_BELOW_MOhm:
        per_D = dt * 1e-3 * p[P_PIP_RHO] / (rs * 1e6 * vol_i * 1e3)  # dt / tau = dt rho D / (R_s V)
        pip_K_rate = per_D * D_K_cm2_s
        pip_Na_rate = per_D * D_NA_cm2_s
    # in a slice (advance_slice) the tissue is the patched unit's: its neurons, astrocytes, ECS
    # and O2 are the units', stepped there; here only the patched cell and its shell
    in_slice = p[P_UNITS] > 0.5
    # synaptic background: events per step (in a slice, from the neurons around that can still
    # fire), quantal sizes, decay per step
    syn_on = p[P_SYN_E] > 0.0 or p[P_SYN_I] > 0.0
    available = y[S_PRE] if in_slice else 1.0
    lam_e = p[P_SYN_E] * available * dt * 1e-3
    lam_i = p[P_SYN_I] * available * dt * 1e-3
    dec_a = math.exp(-dt / p[P_TAU_A])
    dec_n = math.exp(-dt / p[P_TAU_N])
    dec_g = math.exp(-dt / p[P_TAU_G])
    dec_b = math.exp(-dt / p[P_TAU_B])
    q_a = p[P_QA]; q_n = p[P_QN]; q_g = _gaba_quantum(p); q_b = _gabab_quantum(p)
    hco3_ratio = p[P_HCO3R]

    # state into locals for the loop: patched cell and shell, neighbour and tissue
    V = y[S_V]; m = y[S_M]; h = y[S_H]; si = y[S_SI]; n = y[S_N]; qi = y[S_Q]; pg = y[S_P]
    Na_i = y[S_NAI]; K_i = y[S_KI]; Cl_i = y[S_CLI]; ATP = y[S_ATP]
    Na_o = y[S_NAO]; K_o = y[S_KO]; Cl_o = y[S_CLO]
    nV = y[S_NB_V]; nm = y[S_NB_M]; nh = y[S_NB_H]; nsi = y[S_NB_SI]; nn = y[S_NB_N]; nqi = y[S_NB_Q]
    npg = y[S_NB_P]
    nNa_i = y[S_NB_NAI]; nK_i = y[S_NB_KI]; nCl_i = y[S_NB_CLI]; nATP = y[S_NB_ATP]
    s_a = y[S_AMPA]; s_n = y[S_NMDA]; s_g = y[S_GABAS]; s_b = y[S_GABAB]
    ns_a = y[S_NB_AMPA]; ns_n = y[S_NB_NMDA]; ns_g = y[S_NB_GABAS]; ns_b = y[S_NB_GABAB]
    Na_t = y[S_NAT]; K_t = y[S_KT]; Cl_t = y[S_CLT]
    O2 = y[S_O2]
    steps = y[S_STEPS]
    sts = y[S_STS]
    above = y[S_ABOVE] > 0.5
    # a membrane driven past breakdown is porated for good: the cell is lost, and the call returns
    # after that step so that the rig can say so before any later sample
    v_breakdown = p[P_BREAKDOWN]
    P_pore = p[P_PORE] if y[S_BROKEN] > 0.5 else 0.0
    broke_now = False
    spikes = y[S_SPK]
    spikes_in_sample = y[S_SPK_SAMPLE]
    untracked = y[S_UNTRACKED]
    nb_untracked = y[S_NB_UNTRACKED]
    from_pipette = y[S_K_PIPETTE]
    na_from_pipette = y[S_NA_PIPETTE]
    # amplifier current summed since the last sample: samples are interval means, as behind an
    # anti-alias filter (an ideal clamp's capacitive step lasts one step)
    i_sum = y[S_ISUM]
    n_sum = y[S_INUM]

    na_tissue, k_tissue, cl_tissue = y[S_NA_TISSUE], y[S_K_TISSUE], y[S_CL_TISSUE]
    na_bath, k_bath, cl_bath, k_glia = y[S_NA_BATH], y[S_K_BATH], y[S_CL_BATH], y[S_K_GLIA]

    # the slow terms as held since their last evaluation (in HELD_NAMES' order)
    (E_Na, E_K, E_Cl, i_pump, nE_Na, nE_K, ni_pump,
     rtg_shift, g_m_max, g_na_max, P_Cl, P_hco3, P_nmda_cell, P_nmda_nb,
     c_eaat, f_ampa, f_nmda_cell, f_nmda_nb,
     dNa_i_slow, dK_i_slow, dCl_i_slow, dNa_o_slow, dK_o_slow, dCl_o_slow,
     ndNa_i_slow, ndK_i_slow, ndCl_i_slow, dNa_t_slow, dK_t_slow, dCl_t_slow,
     j_nkcc1, atp_pump, pip_K_share_out, pip_K_step, pip_Na_step,
     bk_na_tissue, bk_k_tissue, bk_cl_tissue, bk_na_bath, bk_k_bath, bk_cl_bath,
     bk_k_glia) = to_fixed_tuple(y[S_HELD:S_HELD + N_HELD], N_HELD)
    slow_left = int(y[S_SLOW_LEFT])
    # in a slice the units step every `unit_every` steps, and the slow terms are evaluated anew then
    unit_every = int(round(p[P_UNIT_DT] / dt)) if in_slice else 0

    for step in range(n_steps):
        if slow_left == 0:
            # the slow terms hold for the next `slow_left` steps: a fixed stretch of the step grid,
            # whatever the calls' lengths, so that a run gives the same answer however it is cut
            slow_left = SLOW_EVERY
            if in_slice:
                slow_left = min(slow_left, unit_every - int(y[S_UPEND]) - step)
            dt_slow = slow_left * dt
            a_perf = _decay(dt_slow, 1000.0 * p[P_TAU_PERF])
            a_gas = _decay(dt_slow, p[P_TAU_GAS])
            # perfusion: bath at the slice, drugs in the chamber, O2 in the bath
            y[S_NAB] = _relax(y[S_NAB], p[P_BATH_NA], a_perf)
            y[S_KB] = _relax(y[S_KB], p[P_BATH_K], a_perf)
            y[S_CLB] = _relax(y[S_CLB], p[P_BATH_CL], a_perf)
            y[S_RTG] = _relax(y[S_RTG], p[P_RTG], a_perf)
            y[S_GABA] = _relax(y[S_GABA], p[P_GABA], a_perf)
            y[S_TTX] = _relax(y[S_TTX], p[P_TTX], a_perf)
            y[S_GLU] = _relax(y[S_GLU], p[P_GLU], a_perf)
            y[S_TBOA] = _relax(y[S_TBOA], p[P_TBOA], a_perf)
            y[S_KYNA] = _relax(y[S_KYNA], p[P_KYNA], a_perf)
            y[S_QUIN] = _relax(y[S_QUIN], p[P_QUIN], a_perf)
            y[S_O2B] = _relax(y[S_O2B], O2_gas, a_gas)

            # drugs reach every cell: TTX blocks Nav; retigabine shifts KCNQ V½ and raises its
            # conductance; GABA_A opens a Cl- permeability (Hill), HCO3- passes at a fixed ratio
            g_na_max = p[P_GNA] / (1.0 + y[S_TTX] / p[P_TTX_IC50])
            occ = y[S_RTG] / (y[S_RTG] + p[P_RTG_EC50])
            rtg_shift = p[P_RTG_SHIFT] * occ
            g_m_max = gM_max * (1.0 + (p[P_RTG_GAIN] - 1.0) * occ)
            c_g = y[S_GABA] + y[S_GABA_LOCAL]
            P_gaba = 0.0
            if c_g > 0.0:
                ch = c_g ** p[P_GABA_HILL]
                P_gaba = p[P_PGABA] * ch / (ch + p[P_GABA_EC50] ** p[P_GABA_HILL])
            P_Cl = p[P_PCL] + P_gaba
            P_hco3 = P_gaba * p[P_HCO3R]
            # glutamate in the bath: NMDA receptors (a cation channel passing Na+ and K+ alike;
            # Mg2+ block at each cell's own V, Jahr & Stevens 1990 J Neurosci 10:3178) and the
            # transporters, which TBOA blocks
            # Quinolinic acid is a weak NMDA agonist, kynurenic acid an antagonist (at the glycine
            # site, and weakly at AMPA receptors); both act on synaptic receptors too
            glu = y[S_GLU] + y[S_GLU_LOCAL]
            quin = y[S_QUIN]
            kyna_n = 1.0 / (1.0 + y[S_KYNA] / p[P_KYNA_N])
            f_ampa = 1.0 / (1.0 + y[S_KYNA] / p[P_KYNA_A])
            occupancy = min(1.0, glu / (glu + p[P_NMDA_EC50]) + quin / (quin + p[P_QUIN_EC50]))
            P_nmda = p[P_PNMDA] * occupancy * kyna_n
            mg_k = p[P_MGO] / 3.57
            block = 1.0 / (1.0 + mg_k * math.exp(-0.062 * V))
            nb_block = 1.0 / (1.0 + mg_k * math.exp(-0.062 * nV))
            P_nmda_cell = P_nmda * block
            P_nmda_nb = P_nmda * nb_block
            f_nmda_cell = kyna_n * block
            f_nmda_nb = kyna_n * nb_block
            c_eaat = p[P_EAAT] * phi_t * glu / (glu + p[P_EAAT_KM]) / (1.0 + y[S_TBOA] / p[P_TBOA_IC50])

            # the patched cell against its shell
            E_Na = rtf * math.log(Na_o / Na_i)
            E_K = rtf * math.log(K_o / K_i)
            E_Cl = -rtf * math.log(Cl_o / Cl_i)
            i_pump, j_kcc2, j_nkcc1 = _pump_and_cotransport(p, Na_i, K_i, Cl_i, Na_o, K_o, Cl_o, ATP,
                                                            phi_t, U_kcc2, U_nkcc1)
            atp_pump = i_pump * k_i
            # the neighbour against the tissue ECS
            nE_Na = rtf * math.log(Na_t / nNa_i)
            nE_K = rtf * math.log(K_t / nK_i)
            ni_pump, nj_kcc2, nj_nkcc1 = _pump_and_cotransport(p, nNa_i, nK_i, nCl_i, Na_t, K_t, Cl_t, nATP,
                                                               phi_t, U_kcc2, U_nkcc1)
            # shell -> tissue (mM/ms in the shell): K+ spreads over ~10 µm in tens of ms
            # (model-spec §8); in the tissue it is diluted among `n_cells` cells' shares
            x_na = (Na_o - Na_t) / tau_shell
            x_k = (K_o - K_t) / tau_shell
            x_cl = (Cl_o - Cl_t) / tau_shell
            # astrocytes (Kir4.1 + their pump, failing with the tissue's ATP; Cressman 2009
            # sigmoid referred to the bath: no net uptake when K_t equals the bath) and diffusion
            # through the slice to the bath, mM/ms in the tissue ECS
            j_glia = glia_max * nATP / (nATP + p[P_PUMP_KATP]) * (
                1.0 / (1.0 + math.exp((kh - K_t) / ks)) - 1.0 / (1.0 + math.exp((kh - y[S_KB]) / ks)))
            d_na = (Na_t - y[S_NAB]) / tau_d
            d_k = (K_t - y[S_KB]) / tau_d
            d_cl = (Cl_t - y[S_CLB]) / tau_d
            if in_slice:
                j_glia = d_na = d_k = d_cl = nj_kcc2 = nj_nkcc1 = 0.0

            # per-step changes from the slow fluxes (cytosol mM, ECS mM)
            dNa_i_slow = j_nkcc1 * dt
            dK_i_slow = (j_nkcc1 - j_kcc2) * dt
            dCl_i_slow = (2.0 * j_nkcc1 - j_kcc2) * dt
            dNa_o_slow = -dNa_i_slow * r_io - x_na * dt
            dK_o_slow = -dK_i_slow * r_io - x_k * dt
            dCl_o_slow = -dCl_i_slow * r_io - x_cl * dt
            ndNa_i_slow = nj_nkcc1 * dt
            ndK_i_slow = (nj_nkcc1 - nj_kcc2) * dt
            ndCl_i_slow = (2.0 * nj_nkcc1 - nj_kcc2) * dt
            dNa_t_slow = -ndNa_i_slow * r_io + (x_na / n_cells - d_na) * dt
            dK_t_slow = -ndK_i_slow * r_io + (x_k / n_cells - d_k - j_glia) * dt
            dCl_t_slow = -ndCl_i_slow * r_io + (x_cl / n_cells - d_cl) * dt
            # the books take their share every step, as the ions move
            bk_na_tissue = vol_o * x_na * dt
            bk_k_tissue = vol_o * x_k * dt
            bk_cl_tissue = vol_o * x_cl * dt
            bk_na_bath = vol_o * d_na * dt
            bk_k_bath = vol_o * d_k * dt
            bk_cl_bath = vol_o * d_cl * dt
            bk_k_glia = vol_o * j_glia * dt

            # the pipette's exchange: each ion towards the pipette's concentration; what net charge
            # that would carry goes back in the ions' shares (the amplifier alone passes current)
            pip_K_share_out = 1.0
            pip_K_step = pip_Na_step = 0.0
            if patched:
                pip_K_share_out = D_K_cm2_s * K_i / (D_K_cm2_s * K_i + D_NA_cm2_s * Na_i)
                k_mean = D_K_cm2_s * (K_pip + K_i)
                share_mean = k_mean / (k_mean + D_NA_cm2_s * (Na_pip + Na_i))
                ex_K = (K_pip - K_i) * pip_K_rate
                ex_Na = (Na_pip - Na_i) * pip_Na_rate
                pip_K_step = ex_K - share_mean * (ex_K + ex_Na)
                pip_Na_step = ex_Na - (1.0 - share_mean) * (ex_K + ex_Na)

            # energy: each cell makes ATP from the tissue's O2 and spends it on its pump (1 per
            # cycle) and on housekeeping; the tissue's O2 is spent by the neighbours
            made = _atp_made(p, O2, ATP)
            ATP += speed * (made - atp_pump - p[P_KBASAL] * ATP) * dt_slow
            if not in_slice:
                n_made = _atp_made(p, O2, nATP)
                nATP += speed * (n_made - ni_pump * k_i - p[P_KBASAL] * nATP) * dt_slow
                O2 += speed * ((y[S_O2B] - O2) / p[P_TAU_O2]
                               - p[P_O2_PER_ATP] * (n_made + made / n_cells)) * dt_slow
        slow_left -= 1
        na_tissue += bk_na_tissue
        k_tissue += bk_k_tissue
        cl_tissue += bk_cl_tissue
        na_bath += bk_na_bath
        k_bath += bk_k_bath
        cl_bath += bk_cl_bath
        k_glia += bk_k_glia

        # ---- the patched cell, through the pipette
        s_a *= dec_a
        s_n *= dec_n
        s_g *= dec_g
        s_b *= dec_b
        if syn_on:
            key = SYN_KEY + 4.0 * steps
            n_e = _events(seed, key, lam_e)
            if n_e:
                s_a += n_e * q_a
                s_n += n_e * q_n
            n_i = _events(seed, key + 1.0, lam_i)
            s_g += n_i * q_g
            s_b += n_i * q_b
        P_cat = P_nmda_cell + s_a * f_ampa + s_n * f_nmda_cell
        membrane = (nav_shift, rtg_shift, g_na_max, g_kd_max, g_m_max, gL, EL,
                    P_Na + P_cat, P_K + P_cat + s_b, P_Cl + s_g, P_hco3 + hco3_ratio * s_g, HCO3_i, HCO3_o)
        if P_pore > 0.0:
            membrane = _porated(membrane, P_pore)
        V_new, m_new, h_new, si_new, n_new, qi_new, pg_new, I_Na, I_K, I_Cl, I_untracked, i_amp = _membrane_step(
            tab, dt, False, cm, rtf, V, m, h, si, n, qi, pg, membrane, Na_i, K_i, Cl_i, Na_o, K_o, Cl_o,
            E_Na, E_K, i_pump, c_eaat, clamp)
        if abs(V_new) > v_breakdown and P_pore == 0.0:
            # electroporation: the step is taken again through a porated membrane
            P_pore = p[P_PORE]
            broke_now = True
            V_new, m_new, h_new, si_new, n_new, qi_new, pg_new, I_Na, I_K, I_Cl, I_untracked, i_amp = _membrane_step(
                tab, dt, False, cm, rtf, V, m, h, si, n, qi, pg, _porated(membrane, P_pore), Na_i, K_i, Cl_i,
                Na_o, K_o, Cl_o, E_Na, E_K, i_pump, c_eaat, clamp)
        m = m_new; h = h_new; si = si_new; n = n_new; qi = qi_new; pg = pg_new
        dNa_i = -I_Na * k_i * dt
        dK_i = -I_K * k_i * dt
        dCl_i = I_Cl * k_i * dt
        # the pipette: its current's cations (from the side they leave) and the exchange
        d_pipette = i_amp * k_i * dt
        share_K = pip_K_share_in if d_pipette > 0.0 else pip_K_share_out
        dK_pipette = share_K * d_pipette + pip_K_step
        dNa_pipette = (1.0 - share_K) * d_pipette + pip_Na_step
        Na_i += speed * (dNa_i + dNa_i_slow + dNa_pipette)
        K_i += speed * (dK_i + dK_i_slow + dK_pipette)
        Cl_i += speed * (dCl_i + dCl_i_slow)
        Na_o += -dNa_i * r_io + dNa_o_slow
        K_o += -dK_i * r_io + dK_o_slow
        Cl_o += -dCl_i * r_io + dCl_o_slow
        untracked += vol_i * I_untracked * k_i * dt
        from_pipette += vol_i * dK_pipette
        na_from_pipette += vol_i * dNa_pipette
        i_sum += i_amp
        n_sum += 1.0

        # ---- its neighbour: the same membrane in the tissue ECS, no pipette. Never recorded,
        # it steps its membrane every other step over 2 dt (on even step counts, so it is at most
        # one step ahead): its ion fluxes, all the tissue needs of it, agree with those at dt
        # within 0.1 % (300 pA held for 5 s: the same 46 spikes, Na_i and K_i within 0.1 %).
        if WITH_NEIGHBOUR and not in_slice and (int(steps) & 1) == 0:
            ns_a *= dec_a * dec_a
            ns_n *= dec_n * dec_n
            ns_g *= dec_g * dec_g
            ns_b *= dec_b * dec_b
            if syn_on:  # its own events, over 2 dt
                key = SYN_KEY + 4.0 * steps
                n_e = _events(seed, key + 2.0, 2.0 * lam_e)
                if n_e:
                    ns_a += n_e * q_a
                    ns_n += n_e * q_n
                n_i = _events(seed, key + 3.0, 2.0 * lam_i)
                ns_g += n_i * q_g
                ns_b += n_i * q_b
            nP_cat = P_nmda_nb + ns_a * f_ampa + ns_n * f_nmda_nb
            nb_membrane = (nav_shift, rtg_shift, g_na_max, g_kd_max, g_m_max, gL, EL,
                           P_Na + nP_cat, P_K + nP_cat + ns_b, P_Cl + ns_g, P_hco3 + hco3_ratio * ns_g, HCO3_i, HCO3_o)
            nV, nm, nh, nsi, nn, nqi, npg, nI_Na, nI_K, nI_Cl, nI_untracked, _ = _membrane_step(
                tab, dt2, True, cm, rtf, nV, nm, nh, nsi, nn, nqi, npg, nb_membrane, nNa_i, nK_i, nCl_i, Na_t, K_t, Cl_t,
                nE_Na, nE_K, ni_pump, c_eaat, NO_PIPETTE)
            dNa_i = -nI_Na * k_i * dt2
            dK_i = -nI_K * k_i * dt2
            dCl_i = nI_Cl * k_i * dt2
            nNa_i += speed * dNa_i
            nK_i += speed * dK_i
            nCl_i += speed * dCl_i
            Na_t -= dNa_i * r_io
            K_t -= dK_i * r_io
            Cl_t -= dCl_i * r_io
            nb_untracked += vol_i * nI_untracked * k_i * dt2
        nNa_i += speed * ndNa_i_slow
        nK_i += speed * ndK_i_slow
        nCl_i += speed * ndCl_i_slow
        Na_t += dNa_t_slow
        K_t += dK_t_slow
        Cl_t += dCl_t_slow

        # spike detector: upward crossings of the threshold driven by the membrane's own inward
        # current, i.e. regenerative (an action potential), not a passive membrane charged
        # through 0 mV by the pipette
        if V_new >= v_thr:
            if not above:
                above = True
                if I_Na + I_K + I_Cl + I_untracked < 0.0:
                    spikes += 1.0
                    spikes_in_sample += 1.0
        else:
            above = False
        V = V_new
        steps += 1.0

        sts -= 1.0
        if sts <= 0.0:
            sts = decim
            out[out_pos, O_T] = steps
            # the noise of a sample is the normal numbers its step owns in the seed's stream
            v_rec = V
            if noise_V > 0.0:
                v_rec += noise_V * normal_draw(seed, 2.0 * steps)
            i_rec = i_sum / n_sum * to_pA
            i_sum = 0.0
            n_sum = 0.0
            if noise_I > 0.0:
                i_rec += noise_I * normal_draw(seed, 2.0 * steps + 1.0)
            out[out_pos, O_V] = v_rec
            out[out_pos, O_I] = i_rec
            out[out_pos, O_EK] = E_K
            out[out_pos, O_ENA] = E_Na
            out[out_pos, O_ECL] = E_Cl
            out[out_pos, O_NAI] = Na_i
            out[out_pos, O_KI] = K_i
            out[out_pos, O_CLI] = Cl_i
            out[out_pos, O_NAO] = Na_o
            out[out_pos, O_KO] = K_o
            out[out_pos, O_CLO] = Cl_o
            out[out_pos, O_ATP] = ATP
            out[out_pos, O_O2] = O2
            out[out_pos, O_IPUMP] = i_pump * to_pA
            out[out_pos, O_ATPUSE] = atp_pump * per_s_from_mM_ms_i
            # all Na+ entry but the pump's, molecules/s
            out[out_pos, O_NAIN] = (-(I_Na - 3.0 * i_pump) * k_i + j_nkcc1) * per_s_from_mM_ms_i
            out[out_pos, O_SPK] = spikes_in_sample
            spikes_in_sample = 0.0
            out_pos += 1
        if broke_now:
            break

    y[S_V] = V; y[S_M] = m; y[S_H] = h; y[S_SI] = si; y[S_N] = n; y[S_Q] = qi; y[S_P] = pg
    y[S_NAI] = Na_i; y[S_KI] = K_i; y[S_CLI] = Cl_i; y[S_ATP] = ATP
    y[S_NAO] = Na_o; y[S_KO] = K_o; y[S_CLO] = Cl_o
    y[S_NB_V] = nV; y[S_NB_M] = nm; y[S_NB_H] = nh; y[S_NB_SI] = nsi; y[S_NB_N] = nn; y[S_NB_Q] = nqi
    y[S_NB_P] = npg
    y[S_NB_NAI] = nNa_i; y[S_NB_KI] = nK_i; y[S_NB_CLI] = nCl_i; y[S_NB_ATP] = nATP
    y[S_AMPA] = s_a; y[S_NMDA] = s_n; y[S_GABAS] = s_g; y[S_GABAB] = s_b
    y[S_NB_AMPA] = ns_a; y[S_NB_NMDA] = ns_n; y[S_NB_GABAS] = ns_g; y[S_NB_GABAB] = ns_b
    y[S_NAT] = Na_t; y[S_KT] = K_t; y[S_CLT] = Cl_t
    y[S_O2] = O2
    y[S_STEPS] = steps
    y[S_STS] = sts
    y[S_ABOVE] = 1.0 if above else 0.0
    y[S_BROKEN] = 1.0 if P_pore > 0.0 else 0.0
    y[S_SPK] = spikes
    y[S_SPK_SAMPLE] = spikes_in_sample
    y[S_SLOW_LEFT] = slow_left
    held = (E_Na, E_K, E_Cl, i_pump, nE_Na, nE_K, ni_pump,  # in HELD_NAMES' order, as loaded above
            rtg_shift, g_m_max, g_na_max, P_Cl, P_hco3, P_nmda_cell, P_nmda_nb,
            c_eaat, f_ampa, f_nmda_cell, f_nmda_nb,
            dNa_i_slow, dK_i_slow, dCl_i_slow, dNa_o_slow, dK_o_slow, dCl_o_slow,
            ndNa_i_slow, ndK_i_slow, ndCl_i_slow, dNa_t_slow, dK_t_slow, dCl_t_slow,
            j_nkcc1, atp_pump, pip_K_share_out, pip_K_step, pip_Na_step,
            bk_na_tissue, bk_k_tissue, bk_cl_tissue, bk_na_bath, bk_k_bath, bk_cl_bath,
            bk_k_glia)
    for k in range(N_HELD):
        y[S_HELD + k] = held[k]
    y[S_NA_TISSUE] = na_tissue; y[S_K_TISSUE] = k_tissue; y[S_CL_TISSUE] = cl_tissue
    y[S_NA_BATH] = na_bath; y[S_K_BATH] = k_bath; y[S_CL_BATH] = cl_bath; y[S_K_GLIA] = k_glia
    y[S_UNTRACKED] = untracked
    y[S_NB_UNTRACKED] = nb_untracked
    y[S_K_PIPETTE] = from_pipette
    y[S_NA_PIPETTE] = na_from_pipette
    y[S_ISUM] = i_sum
    y[S_INUM] = n_sum
    return out_pos


# ---- the slice (model-spec §9) -------------------------------------------------------------------
# A line of units, each a neuron (the patched cell's membrane, no pipette), its share of an
# astrocyte and their share of extracellular space, standing for the ``unit_cells`` cells of a
# ``unit_spacing_um`` slab of the slice. The patched cell is one more cell in its unit: ``advance``
# steps it (and its shell, which exchanges with the unit's ECS) between the units' steps.
UNIT_NAMES = (
    "V_mV", "m", "h", "s", "n", "q", "p", "Na_i_mM", "K_i_mM", "Cl_i_mM", "ATP_mM",     # the unit's neuron
    "syn_ampa_cm_s", "syn_nmda_cm_s", "syn_gaba_cm_s", "syn_gabab_cm_s",
    "Na_o_mM", "K_o_mM", "Cl_o_mM", "glu_uM", "gaba_uM",  # ECS; glutamate and GABA beyond the chamber's
    "glu_pool_uM",                                         # glutamate its synapses can still release
    "V_slow_mV",                                           # its neuron's V, low-passed (release follows it)
    "astro_V_mV", "astro_Na_mM", "astro_K_mM", "astro_Cl_mM", "astro_ATP_mM",  # the astrocyte share
    "O2_b_mM", "O2_mM",                                    # O2 in the bath over the unit, in it
    # books per cell's share, mmol: what went to the bath, charge untracked ions carried out
    "Na_to_bath_mmol", "K_to_bath_mmol", "Cl_to_bath_mmol", "untracked_charge_out_mmol",
    "spike_count",                                         # its neuron's upward threshold crossings
)
U = _index(UNIT_NAMES)
(U_V, U_M, U_H, U_SI, U_N, U_Q, U_P, U_NAI, U_KI, U_CLI, U_ATP, U_AMPA, U_NMDA, U_GABAS, U_GABAB, U_NAO, U_KO, U_CLO, U_GLU,
 U_GABA, U_POOL, U_VSLOW, U_AV, U_ANA, U_AK, U_ACL, U_AATP, U_O2B, U_O2, U_NA_BATH, U_K_BATH, U_CL_BATH,
 U_UNTRACKED, U_SPIKES) = range(len(UNIT_NAMES))
# the puff pipette over each unit (rig: Session.puff): time left, and its solution (NaN = as the
# ECS), its solutes named as Session.puff's keywords
PUFF_NAMES = ("ms_left", "Na_mM", "K_mM", "Cl_mM", "glutamate_uM", "gaba_uM")
PUFF_MS_LEFT = 0
# (puff column, unit column, the book its delivery goes to: the pipette's solution comes from
# outside, like the bath's; -1 for glutamate and GABA, which the books do not count)
PUFF_TARGETS = ((1, U_NAO, U_NA_BATH), (2, U_KO, U_K_BATH), (3, U_CLO, U_CL_BATH), (4, U_GLU, -1),
                (5, U_GABA, -1))
SCAN_NAMES = ("V_mV", "K_o_mM", "astro_V_mV")  # the linescan's channels, one row every scan_every unit steps
SCAN_COLUMNS = (U_V, U_KO, U_AV)
WORK_COLUMNS = 16  # workspace per unit: the astrocytes' tridiagonal system and interface fluxes
SYN_UNIT_KEY = 2.0 ** 46  # the units' synaptic events: 2 uniform numbers per unit and unit step


def new_slice_workspace(n_units):
    return np.zeros((n_units, WORK_COLUMNS))


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


@njit(cache=True, fastmath=FAST, error_model="numpy")
def _step_units(u, puff, p, tab, y, work):
    """One step (``p[dt_ms]``, the units' step) of every unit: neurons, astrocytes (their potentials
    solved together, implicitly, through the gap junctions), ECS diffusion along the line and to the
    bath, glutamate release and uptake, puffs, O2 and ATP. Drugs and the bath come from ``y``."""
    n_u = u.shape[0]
    dt = p[P_DT]
    speed = p[P_SPEEDUP]
    T = p[P_TEMP]
    rtf = rt_over_f_mV(T)
    phi_t = p[P_Q10T] ** ((T - p[P_TREFT]) / 10.0)
    cm = p[P_CM] / speed
    area = p[P_AREA]
    vol_i = p[P_VOLI]
    vol_o = p[P_VOL_O_UNIT]
    vol_a = p[P_VOL_A]
    area_a = p[P_AREA_A]
    r_io = vol_i / vol_o
    r_ao = vol_a / vol_o
    k_i = area * 1e-6 / (F_C_per_mol * vol_i)
    k_a = area_a * 1e-6 / (F_C_per_mol * vol_a)
    U_kcc2 = p[P_UKCC2] * p[P_KCC2] * phi_t
    U_nkcc1 = p[P_UNKCC1] * p[P_NKCC1] * phi_t
    U_nkcc1_a = p[P_UNKCC1_A] * phi_t
    P_K_a = p[P_PK_A] * (1.0 - p[P_KIRBLOCK])
    P_Na_a = p[P_PNA_A]
    P_Cl_a = p[P_PCL_A]
    pump_a = p[P_PUMP_A]
    tboa_block = 1.0 / (1.0 + y[S_TBOA] / p[P_TBOA_IC50])
    eaat_a = p[P_EAAT_A] * phi_t * tboa_block
    # the same membrane and drugs as the patched cell (advance), without a pipette
    g_na_max = p[P_GNA] / (1.0 + y[S_TTX] / p[P_TTX_IC50])
    occ = y[S_RTG] / (y[S_RTG] + p[P_RTG_EC50])
    rtg_shift = p[P_RTG_SHIFT] * occ
    g_m_max = p[P_GM] * p[P_KCNQ] * (1.0 + (p[P_RTG_GAIN] - 1.0) * occ)
    P_para = p[P_PPARA] * p[P_DEMY]
    kyna_n = 1.0 / (1.0 + y[S_KYNA] / p[P_KYNA_N])
    f_ampa = 1.0 / (1.0 + y[S_KYNA] / p[P_KYNA_A])
    quin = y[S_QUIN]
    mg_k = p[P_MGO] / 3.57
    hco3_ratio = p[P_HCO3R]
    seed = p[P_SEED]
    lam_e = p[P_SYN_E] * dt * 1e-3
    lam_i = p[P_SYN_I] * dt * 1e-3
    syn_on = lam_e > 0.0 or lam_i > 0.0
    q_g = _gaba_quantum(p)
    q_b = _gabab_quantum(p)
    dec_a = math.exp(-dt / p[P_TAU_A])
    dec_n = math.exp(-dt / p[P_TAU_N])
    dec_g = math.exp(-dt / p[P_TAU_G])
    dec_b = math.exp(-dt / p[P_TAU_B])
    key0 = SYN_UNIT_KEY + 2.0 * n_u * y[S_USTEPS]
    # depolarisation-driven (Ca2+-dependent) glutamate release, µM/ms into the ECS
    rel_max = p[P_REL_MAX]
    rel_half = p[P_REL_HALF]
    rel_slope = p[P_REL_SLOPE]
    pool_full = p[P_POOL]
    a_refill = _decay(dt, p[P_TAU_REFILL])
    a_slow = _decay(dt, p[P_TAU_RELEASE_V])
    a_puff = _decay(dt, p[P_TAU_PUFF])
    tau_d = p[P_TAU_DIFF]
    a_gas = _decay(dt, p[P_TAU_GAS])
    spacing_um = p[P_SPACING]
    core_mm = p[P_CORE_MM]
    O2_sat = p[P_O2SAT]
    # astrocyte gap junctions: linearised Nernst–Planck between neighbouring shares, per ms of
    # astrocyte concentration; Na+ and Cl- at their mobility relative to K+
    k_gj = p[P_K_GJ] * p[P_GJ_REL]
    k_gj_na = k_gj * D_NA_cm2_s / D_K_cm2_s
    k_gj_cl = k_gj * D_CL_cm2_s / D_K_cm2_s
    to_uA = 1.0 / k_a  # µA/cm² of astrocyte membrane per mM/ms of its cytosol
    cm_a = p[P_CM] / speed
    # ECS diffusion per step between neighbouring units: D* dt / dx² (D* = D/λ²)
    dx_cm = spacing_um * 1e-4
    dd = dt * 1e-3 / (p[P_TORT] ** 2 * dx_cm * dx_cm)
    r_na = D_NA_cm2_s * dd
    r_k = D_K_cm2_s * dd
    r_cl = D_CL_cm2_s * dd
    r_glu = D_GLU_cm2_s * dd

    for j in range(n_u):
        # the puff pipette: the ECS under it relaxes to its solution
        if puff[j, PUFF_MS_LEFT] > 0.0:
            puff[j, PUFF_MS_LEFT] -= dt
            for col, where, book in PUFF_TARGETS:
                target = puff[j, col]
                if not math.isnan(target):
                    delivered = (target - u[j, where]) * (1.0 - a_puff)
                    u[j, where] += delivered
                    if book >= 0:
                        u[j, book] -= vol_o * delivered
        V = u[j, U_V]
        Na_i = u[j, U_NAI]; K_i = u[j, U_KI]; Cl_i = u[j, U_CLI]; ATP = u[j, U_ATP]
        Na_o = u[j, U_NAO]; K_o = u[j, U_KO]; Cl_o = u[j, U_CLO]
        glu = y[S_GLU] + u[j, U_GLU]
        c_g = y[S_GABA] + u[j, U_GABA]
        # slow terms, every unit step
        E_Na = rtf * math.log(Na_o / Na_i)
        E_K = rtf * math.log(K_o / K_i)
        i_pump, j_kcc2, j_nkcc1 = _pump_and_cotransport(p, Na_i, K_i, Cl_i, Na_o, K_o, Cl_o, ATP, phi_t,
                                                        U_kcc2, U_nkcc1)
        P_gaba = 0.0
        if c_g > 0.0:
            ch = c_g ** p[P_GABA_HILL]
            P_gaba = p[P_PGABA] * ch / (ch + p[P_GABA_EC50] ** p[P_GABA_HILL])
        occupancy = min(1.0, glu / (glu + p[P_NMDA_EC50]) + quin / (quin + p[P_QUIN_EC50]))
        block = 1.0 / (1.0 + mg_k * math.exp(-0.062 * V))
        s_a = u[j, U_AMPA] * dec_a
        s_n = u[j, U_NMDA] * dec_n
        s_g = u[j, U_GABAS] * dec_g
        s_b = u[j, U_GABAB] * dec_b
        if syn_on:
            # the background is the slice's own neurons firing: where they are held depolarised
            # (Nav slowly inactivated, as in spreading depolarisation) they fall silent
            available = u[j, U_SI]
            key = key0 + 2.0 * j
            n_e = _events(seed, key, lam_e * available)
            if n_e:
                s_a += n_e * p[P_QA]
                s_n += n_e * p[P_QN]
            n_i = _events(seed, key + 1.0, lam_i * available)
            s_g += n_i * q_g
            s_b += n_i * q_b
        P_cat = (p[P_PNMDA] * occupancy + s_n) * kyna_n * block + s_a * f_ampa
        P_gaba_all = P_gaba + s_g
        membrane = (p[P_NAVSHIFT], rtg_shift, g_na_max, p[P_GKD], g_m_max, p[P_GL], p[P_EL],
                    p[P_PNA] + P_para + P_cat, p[P_PK] + P_para + P_cat + s_b, p[P_PCL] + P_gaba_all,
                    P_gaba * hco3_ratio + hco3_ratio * s_g, p[P_HCO3I], p[P_HCO3O])
        V_new, m, h, si, n, qi, pg, I_Na, I_K, I_Cl, I_untracked, _ = _membrane_step(
            tab, dt, False, cm, rtf, V, u[j, U_M], u[j, U_H], u[j, U_SI], u[j, U_N], u[j, U_Q], u[j, U_P],
            membrane,
            Na_i, K_i, Cl_i, Na_o, K_o, Cl_o, E_Na, E_K, i_pump, 0.0, NO_PIPETTE)
        dNa_i = (-I_Na * k_i + j_nkcc1) * dt
        dK_i = (-I_K * k_i + j_nkcc1 - j_kcc2) * dt
        dCl_i = (I_Cl * k_i + 2.0 * j_nkcc1 - j_kcc2) * dt
        u[j, U_NAI] = Na_i + speed * dNa_i
        u[j, U_KI] = K_i + speed * dK_i
        u[j, U_CLI] = Cl_i + speed * dCl_i
        Na_o -= dNa_i * r_io
        K_o -= dK_i * r_io
        Cl_o -= dCl_i * r_io
        u[j, U_UNTRACKED] += vol_i * I_untracked * k_i * dt
        if V_new >= p[P_SPK_THR] > V:
            u[j, U_SPIKES] += 1.0
        u[j, U_V] = V_new; u[j, U_M] = m; u[j, U_H] = h; u[j, U_SI] = si; u[j, U_N] = n; u[j, U_Q] = qi
        u[j, U_P] = pg
        u[j, U_AMPA] = s_a; u[j, U_NMDA] = s_n; u[j, U_GABAS] = s_g; u[j, U_GABAB] = s_b
        # sustained depolarisation (V over tau_release_V_ms) releases glutamate from a pool that
        # refills slowly (vesicle depletion)
        V_slow = _relax(u[j, U_VSLOW], V_new, a_slow)
        u[j, U_VSLOW] = V_slow
        released = rel_max * u[j, U_POOL] / pool_full / (1.0 + math.exp((rel_half - V_slow) / rel_slope)) * dt
        u[j, U_GLU] += released
        u[j, U_POOL] = _relax(u[j, U_POOL] - released, pool_full, a_refill)

        # the astrocyte share: its membrane linearised about its V, solved below with the others
        Va = u[j, U_AV]
        Na_a = u[j, U_ANA]; K_a = u[j, U_AK]; Cl_a = u[j, U_ACL]; ATP_a = u[j, U_AATP]
        w = Va / rtf
        e = math.exp(-w)
        iK, gK = _ghk(P_K_a, 1.0, K_a, K_o, w, e, rtf)
        iNa, gNa = _ghk(P_Na_a, 1.0, Na_a, Na_o, w, e, rtf)
        iCl, gCl = _ghk(P_Cl_a, -1.0, Cl_a, Cl_o, -w, 1.0 / e, rtf)
        na3 = Na_a * Na_a * Na_a
        ip_a = (pump_a * phi_t * na3 / (na3 + p[P_PUMP_KNA] ** 3) * K_o / (K_o + p[P_PUMP_KK])
                * ATP_a / (ATP_a + p[P_PUMP_KATP]))
        c_eaat = eaat_a * glu / (glu + p[P_EAAT_KM])
        G = gK + gNa + gCl
        a = (iK - gK * Va) + (iNa - gNa * Va) + (iCl - gCl * Va) + ip_a - 2.0 * c_eaat
        work[j, 0] = cm_a / dt + G          # diagonal
        work[j, 1] = cm_a / dt * Va - a     # right-hand side
        work[j, 2] = 0.0                    # lower
        work[j, 3] = 0.0                    # upper
        work[j, 4] = ip_a
        work[j, 5] = c_eaat
        work[j, 6] = gK; work[j, 7] = gNa; work[j, 8] = gCl
        work[j, 9] = iK; work[j, 10] = iNa; work[j, 11] = iCl
        u[j, U_NAO] = Na_o; u[j, U_KO] = K_o; u[j, U_CLO] = Cl_o
        # energy: ATP from the unit's O2, spent on pumps and housekeeping
        made = _atp_made(p, u[j, U_O2], ATP)
        made_a = _atp_made(p, u[j, U_O2], ATP_a)
        u[j, U_ATP] = ATP + speed * (made - i_pump * k_i - p[P_KBASAL] * ATP) * dt
        u[j, U_AATP] = ATP_a + speed * (made_a - ip_a * k_a - p[P_KBASAL] * ATP_a) * dt
        gas = O2_sat * (p[P_CORE_O2] if (j + 0.5) * spacing_um * 1e-3 < core_mm else p[P_O2PCT]) / 100.0
        u[j, U_O2B] = _relax(u[j, U_O2B], gas, a_gas)
        u[j, U_O2] += speed * ((u[j, U_O2B] - u[j, U_O2]) / p[P_TAU_O2]
                               - p[P_O2_PER_ATP] * (made + made_a * vol_a / vol_i)) * dt

    # the astrocytes' potentials, implicitly with their gap-junction currents: for each junction
    # a conductance (the electrical term) and a current source (the concentration term)
    for j in range(n_u - 1):
        Kb = 0.5 * (u[j, U_AK] + u[j + 1, U_AK])
        Nab = 0.5 * (u[j, U_ANA] + u[j + 1, U_ANA])
        Clb = 0.5 * (u[j, U_ACL] + u[j + 1, U_ACL])
        g = to_uA * (k_gj * Kb + k_gj_na * Nab + k_gj_cl * Clb) / rtf
        q = to_uA * (k_gj * (u[j, U_AK] - u[j + 1, U_AK]) + k_gj_na * (u[j, U_ANA] - u[j + 1, U_ANA])
                     - k_gj_cl * (u[j, U_ACL] - u[j + 1, U_ACL]))
        work[j, 0] += g
        work[j + 1, 0] += g
        work[j, 3] = -g
        work[j + 1, 2] = -g
        work[j, 1] -= q
        work[j + 1, 1] += q
    _tridiagonal(work[:, 2], work[:, 0], work[:, 3], work[:, 1], n_u)

    # gap-junction fluxes between astrocyte shares at the new potentials (mM/ms from j to j+1):
    # the same terms, at the same concentrations, as in the potentials' system
    for j in range(n_u - 1):
        dv = (work[j, 1] - work[j + 1, 1]) / rtf
        work[j, 12] = k_gj * ((u[j, U_AK] - u[j + 1, U_AK]) + 0.5 * (u[j, U_AK] + u[j + 1, U_AK]) * dv) * dt
        work[j, 13] = k_gj_na * ((u[j, U_ANA] - u[j + 1, U_ANA])
                                 + 0.5 * (u[j, U_ANA] + u[j + 1, U_ANA]) * dv) * dt
        work[j, 14] = k_gj_cl * ((u[j, U_ACL] - u[j + 1, U_ACL])
                                 - 0.5 * (u[j, U_ACL] + u[j + 1, U_ACL]) * dv) * dt
    # the astrocytes' membrane fluxes at their new potentials (as in _membrane_step, each current
    # at the potential it charged the membrane to, so charge is conserved); an EAAT cycle takes
    # 3 Na+ and a glutamate in and 1 K+ out, its H+ and glutamate- carry equal and opposite charge
    for j in range(n_u):
        Vn = work[j, 1]
        dV = Vn - u[j, U_AV]
        ip_a = work[j, 4]
        c_eaat = work[j, 5]
        I_K = work[j, 9] + work[j, 6] * dV - 2.0 * ip_a + c_eaat
        I_Na = work[j, 10] + work[j, 7] * dV + 3.0 * ip_a - 3.0 * c_eaat
        I_Cl = work[j, 11] + work[j, 8] * dV
        j_nkcc1 = U_nkcc1_a * math.log((u[j, U_NAO] * u[j, U_KO] * u[j, U_CLO] ** 2)
                                       / (u[j, U_ANA] * u[j, U_AK] * u[j, U_ACL] ** 2))
        dNa = (-I_Na * k_a + j_nkcc1) * dt
        dK = (-I_K * k_a + j_nkcc1) * dt
        dCl = (I_Cl * k_a + 2.0 * j_nkcc1) * dt
        u[j, U_ANA] += speed * dNa
        u[j, U_AK] += speed * dK
        u[j, U_ACL] += speed * dCl
        u[j, U_NAO] -= dNa * r_ao
        u[j, U_KO] -= dK * r_ao
        u[j, U_CLO] -= dCl * r_ao
        # glutamate the transporters took from the ECS: the released part's share of it
        glu = y[S_GLU] + u[j, U_GLU]
        if glu > 0.0:
            u[j, U_GLU] -= 1000.0 * c_eaat * k_a * dt * r_ao * u[j, U_GLU] / glu
        u[j, U_AV] = Vn
    for j in range(n_u - 1):
        u[j, U_AK] -= speed * work[j, 12]; u[j + 1, U_AK] += speed * work[j, 12]
        u[j, U_ANA] -= speed * work[j, 13]; u[j + 1, U_ANA] += speed * work[j, 13]
        u[j, U_ACL] -= speed * work[j, 14]; u[j + 1, U_ACL] += speed * work[j, 14]

    # the ECS: diffusion along the line (sealed ends: the slice's cut edges face the bath, which
    # the exchange below stands for) and through the slice to the bath
    for col, r in ((U_NAO, r_na), (U_KO, r_k), (U_CLO, r_cl), (U_GLU, r_glu), (U_GABA, r_glu)):
        for j in range(n_u - 1):
            work[j, 15] = r * (u[j, col] - u[j + 1, col])
        for j in range(n_u - 1):
            u[j, col] -= work[j, 15]
            u[j + 1, col] += work[j, 15]
    a_bath = dt / tau_d
    for j in range(n_u):
        for col, bath, book in ((U_NAO, y[S_NAB], U_NA_BATH), (U_KO, y[S_KB], U_K_BATH),
                                (U_CLO, y[S_CLB], U_CL_BATH)):
            f = (u[j, col] - bath) * a_bath
            u[j, col] -= f
            u[j, book] += vol_o * f
        u[j, U_GLU] -= u[j, U_GLU] * a_bath
        u[j, U_GABA] -= u[j, U_GABA] * a_bath



@njit(cache=True)
def patched_unit(p, n_units):
    """The unit whose place ``patch_mm`` names: the pipette's."""
    return min(max(int(p[P_PATCH_MM] * 1e3 / p[P_SPACING]), 0), n_units - 1)


@njit(cache=True, nogil=True, fastmath=FAST, error_model="numpy")
def advance_slice(y, p, tab, key, u, puff, p_u, tab_u, key_u, work, n_steps, decim, out, out_pos,
                  scan, scan_every, scan_pos):
    """Advance the slice by ``n_steps`` of the patched cell's step; return (out_pos, scan_pos).

    The patched cell (``advance``, samples into ``out`` as there) steps in its unit's ECS; every
    ``unit_dt_ms`` the units step (``_step_units``, with ``p_u``: ``p`` at the units' step and
    ``tab_u``/``key_u`` its gating tables), and every ``scan_every`` unit steps a linescan row
    (SCAN_NAMES × units) goes to ``scan[scan_pos]``; the caller sizes ``scan`` for them."""
    n_u = u.shape[0]
    k_u = int(round(p[P_UNIT_DT] / p[P_DT]))
    p_u[:] = p
    p_u[P_DT] = k_u * p[P_DT]
    for k in range(len(TABLE_KEY)):
        if key_u[k] != p_u[TABLE_KEY[k]]:
            _fill_tables(tab_u, key_u, p_u)
            break
    ip = patched_unit(p, n_u)
    left = n_steps
    while left > 0:
        n = min(left, k_u - int(y[S_UPEND]))
        y[S_NAT] = u[ip, U_NAO]; y[S_KT] = u[ip, U_KO]; y[S_CLT] = u[ip, U_CLO]
        y[S_O2] = u[ip, U_O2]
        y[S_GLU_LOCAL] = u[ip, U_GLU]; y[S_GABA_LOCAL] = u[ip, U_GABA]
        y[S_PRE] = u[ip, U_SI]
        steps_before = y[S_STEPS]
        out_pos = advance(y, p, tab, key, n, decim, out, out_pos)
        u[ip, U_NAO] = y[S_NAT]; u[ip, U_KO] = y[S_KT]; u[ip, U_CLO] = y[S_CLT]
        done = int(y[S_STEPS] - steps_before)
        y[S_UPEND] += done
        left -= done
        if done < n:  # the patched cell's membrane broke down: the rig hears of it first
            break
        if y[S_UPEND] >= k_u:
            y[S_UPEND] = 0.0
            _step_units(u, puff, p_u, tab_u, y, work)
            y[S_USTEPS] += 1.0
            if scan_every > 0 and int(y[S_USTEPS]) % scan_every == 0:
                for c in range(len(SCAN_COLUMNS)):
                    for j in range(n_u):
                        scan[scan_pos, c, j] = u[j, SCAN_COLUMNS[c]]
                scan_pos += 1
    return out_pos, scan_pos
