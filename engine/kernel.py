"""The Numba kernel: one call advances the cell by a block of fixed steps.

Everything numerical that runs per step lives in this one module, on purpose: Numba's on-disk
cache (``cache=True``) is keyed on the file of the function it compiles, so a helper kept in
another file could change without the cached kernel noticing.

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

F_C_per_mol = 96485.33212  # Faraday constant (CODATA 2018)
R_J_per_mol_K = 8.314462618  # gas constant (CODATA 2018)
ZERO_C_K = 273.15
AVOGADRO_per_mol = 6.02214076e23


def _index(names):
    return {name: i for i, name in enumerate(names)}


# ---- state vector -------------------------------------------------------------------------
STATE_NAMES = (
    "V_mV", "m", "h", "n", "p",                 # membrane potential and gates
    "Na_i_mM", "K_i_mM", "Cl_i_mM",             # cytosol
    "Na_o_mM", "K_o_mM", "Cl_o_mM",             # extracellular space around the cell
    "Na_b_mM", "K_b_mM", "Cl_b_mM",             # bath at the slice surface (follows perfusion)
    "O2_b_mM", "O2_mM", "ATP_mM",               # O2 in the bath at the slice, in the tissue
    "retigabine_uM", "gaba_uM", "ttx_nM",       # drug concentrations in the chamber
    "t_ms", "steps_to_sample",
    "spike_count", "last_spike_ms", "above_threshold",
    # budgets, in mmol (of ions or of elementary charge): what left the cell/ECS system
    "Na_to_bath_mmol", "K_to_bath_mmol", "Cl_to_bath_mmol", "K_to_glia_mmol",
    "charge_injected_mmol", "untracked_charge_out_mmol",
)
S = _index(STATE_NAMES)
(S_V, S_M, S_H, S_N, S_P, S_NAI, S_KI, S_CLI, S_NAO, S_KO, S_CLO, S_NAB, S_KB, S_CLB, S_O2B, S_O2, S_ATP,
 S_RTG, S_GABA, S_TTX, S_T, S_STS, S_SPK, S_LAST, S_ABOVE,
 S_NA_BATH, S_K_BATH, S_CL_BATH, S_K_GLIA, S_QINJ, S_UNTRACKED) = range(len(STATE_NAMES))

# ---- parameter vector ---------------------------------------------------------------------
PARAM_NAMES = (
    # numerics
    "dt_ms", "settle_speedup",
    # geometry
    "area_cm2", "vol_i_L", "vol_o_L", "Cm_uF_per_cm2",
    # channels
    "kinetics",                                  # 0 cortical (Pospischil 2008), 1 squid (HH 1952)
    "gNa_mS", "gKd_mS", "gM_mS", "V_T_mV", "tau_M_max_ms", "T_ref_gating_C", "Q10_gating",
    "P_Na_cm_s", "P_K_cm_s", "P_Cl_cm_s", "gL_mS", "EL_mV",
    "P_paranodal_cm_s", "g_gaba_max_mS", "gaba_EC50_uM", "gaba_hill", "gaba_hco3_frac",
    "HCO3_i_mM", "HCO3_o_mM", "ttx_IC50_nM",
    "retigabine_shift_max_mV", "retigabine_EC50_uM", "retigabine_gain_max",
    # pump, transporters, glia, diffusion
    "pump_max_uA", "pump_K_Na_mM", "pump_K_K_mM", "pump_K_ATP_mM", "Q10_transport", "T_ref_transport_C",
    "U_kcc2_mM_per_ms", "U_nkcc1_mM_per_ms",
    "glia_max_mM_per_ms", "glia_K_half_mM", "glia_K_slope_mM", "tau_diffusion_ms",
    # energy
    "O2_sat_mM", "tau_gas_ms", "tau_O2_ms", "K_O2_mM", "k_syn_per_ms", "ATP_max_mM", "k_basal_per_ms", "O2_per_ATP",
    # user controls (rig/controls.py names them; same names here)
    "bath_Na_mM", "bath_K_mM", "bath_Cl_mM", "temperature_C", "o2_pct", "perfusion_tau_s",
    "kcc2_rel", "nkcc1_rel", "retigabine_uM", "gaba_uM", "ttx_nM", "nav_shift_mV", "kcnq_gain",
    "demyelination", "kir_block",
    # amplifier
    "clamp_code", "inject_pA", "command_mV", "rs_MOhm", "noise_V_mV", "noise_I_pA", "spike_threshold_mV",
)
P = _index(PARAM_NAMES)
(P_DT, P_SPEEDUP, P_AREA, P_VOLI, P_VOLO, P_CM, P_KIN, P_GNA, P_GKD, P_GM, P_VT, P_TAUM, P_TREFG,
 P_Q10G, P_PNA, P_PK, P_PCL, P_GL, P_EL, P_PPARA, P_GGABA, P_GABA_EC50, P_GABA_HILL, P_HCO3F,
 P_HCO3I, P_HCO3O, P_TTX_IC50, P_RTG_SHIFT, P_RTG_EC50, P_RTG_GAIN,
 P_PUMP, P_PUMP_KNA, P_PUMP_KK, P_PUMP_KATP, P_Q10T, P_TREFT, P_UKCC2, P_UNKCC1,
 P_GLIA, P_GLIA_KH, P_GLIA_KS, P_TAU_DIFF,
 P_O2SAT, P_TAU_GAS, P_TAU_O2, P_KO2, P_KSYN, P_ATPMAX, P_KBASAL, P_O2_PER_ATP,
 P_BATH_NA, P_BATH_K, P_BATH_CL, P_TEMP, P_O2PCT, P_TAU_PERF, P_KCC2, P_NKCC1, P_RTG, P_GABA, P_TTX,
 P_NAVSHIFT, P_KCNQ, P_DEMY, P_KIRBLOCK,
 P_CLAMP, P_INJ, P_CMD, P_RS, P_NOISE_V, P_NOISE_I, P_SPK_THR) = range(len(PARAM_NAMES))

CLAMP_CURRENT, CLAMP_VOLTAGE = 0, 1  # I = 0 is current clamp with inject_pA = 0

# ---- decimated output channels --------------------------------------------------------------
OUTPUT_NAMES = (
    "t_s", "V_mV", "I_pA", "E_K_mV", "E_Na_mV", "E_Cl_mV",
    "Na_i_mM", "K_i_mM", "Cl_i_mM", "Na_o_mM", "K_o_mM", "Cl_o_mM",
    "ATP_mM", "O2_mM", "I_pump_pA", "ATP_use_per_s", "Na_influx_per_s",
)
(O_T, O_V, O_I, O_EK, O_ENA, O_ECL, O_NAI, O_KI, O_CLI, O_NAO, O_KO, O_CLO, O_ATP, O_O2, O_IPUMP,
 O_ATPUSE, O_NAIN) = range(len(OUTPUT_NAMES))


# ---- biophysics, callable from Python too ---------------------------------------------------
@njit(cache=True, inline="always")
def rt_over_f_mV(temperature_C):
    return 1000.0 * R_J_per_mol_K * (temperature_C + ZERO_C_K) / F_C_per_mol


@njit(cache=True, inline="always")
def nernst_mV(z, conc_out_mM, conc_in_mM, temperature_C):
    """Reversal potential E = (RT/zF) ln([X]o/[X]i)."""
    return rt_over_f_mV(temperature_C) / z * math.log(conc_out_mM / conc_in_mM)


@njit(cache=True, inline="always")
def ghk_current(P_cm_s, z, conc_in_mM, conc_out_mM, V_mV, rt_f_mV):
    """GHK current density (µA/cm², outward positive) and its slope dI/dV (mS/cm²).

    I = P z F w (X_i - X_o e^-w) / (1 - e^-w), w = zFV/RT. With X in mM and P in cm/s the unit
    factors cancel to µA/cm² (P·F·mM = 1e-6 A/cm²).
    """
    w = z * V_mV / rt_f_mV
    if abs(w) < 1e-6:  # removable singularity at V = 0: first-order series
        xi = (conc_in_mM - conc_out_mM) + w * 0.5 * (conc_in_mM + conc_out_mM)
        dxi = 0.5 * (conc_in_mM + conc_out_mM)
    else:
        e = math.exp(-w)
        d = 1.0 - e
        num = conc_in_mM - conc_out_mM * e
        xi = w * num / d
        dxi = (num * (d - w * e) + w * conc_out_mM * e * d) / (d * d)
    scale = P_cm_s * z * F_C_per_mol
    return scale * xi, scale * dxi * z / rt_f_mV


@njit(cache=True, inline="always")
def _vtrap(x, k):
    """x / (1 - exp(-x/k)), finite at x = 0."""
    r = x / k
    if abs(r) < 1e-6:
        return k * (1.0 + 0.5 * r)
    return x / (1.0 - math.exp(-r))


@njit(cache=True, inline="always")
def rates_cortical(V, V_T, nav_shift):
    """Pospischil et al. 2008 (Biol Cybern 99:427) Na m,h and K_d n rates, 1/ms, at 36 °C.

    ``nav_shift`` moves the m gate along the voltage axis (negative = activates at more negative V).
    """
    vm = V - V_T - nav_shift
    am = 0.32 * _vtrap(vm - 13.0, 4.0)
    bm = 0.28 * _vtrap(-(vm - 40.0), 5.0)
    v = V - V_T
    ah = 0.128 * math.exp(-(v - 17.0) / 18.0)
    bh = 4.0 / (1.0 + math.exp(-(v - 40.0) / 5.0))
    an = 0.032 * _vtrap(v - 15.0, 5.0)
    bn = 0.5 * math.exp(-(v - 10.0) / 40.0)
    return am, bm, ah, bh, an, bn


@njit(cache=True, inline="always")
def rates_squid(V, nav_shift):
    """Hodgkin & Huxley 1952 (J Physiol 117:500) rates, 1/ms, at 6.3 °C, rest near -65 mV."""
    vm = V - nav_shift
    am = 0.1 * _vtrap(vm + 40.0, 10.0)
    bm = 4.0 * math.exp(-(vm + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + math.exp(-(V + 35.0) / 10.0))
    an = 0.01 * _vtrap(V + 55.0, 10.0)
    bn = 0.125 * math.exp(-(V + 65.0) / 80.0)
    return am, bm, ah, bh, an, bn


@njit(cache=True, inline="always")
def _rush_larsen(x, a, b, dt):
    tot = a + b
    x_inf = a / tot
    return x_inf + (x - x_inf) * math.exp(-dt * tot)


@njit(cache=True, inline="always")
def _decay(dt_ms, tau_ms):
    """exp(-dt/tau); tau <= 0 means instant (factor 0)."""
    if tau_ms <= 0.0:
        return 0.0
    return math.exp(-dt_ms / tau_ms)


@njit(cache=True, nogil=True)
def advance(y, p, n_steps, decim, out, out_pos):
    """Advance state ``y`` by ``n_steps`` steps of ``p[dt_ms]``; return the new ``out_pos``.

    Every ``decim`` steps one sample (OUTPUT_NAMES rows) is written at column ``out_pos`` of ``out``.
    The caller sizes ``out`` for ``(n_steps + decim) // decim`` more columns.
    """
    dt = p[P_DT]
    speed = p[P_SPEEDUP]
    T = p[P_TEMP]
    rtf = rt_over_f_mV(T)
    area = p[P_AREA]
    vol_i = p[P_VOLI]
    vol_o = p[P_VOLO]
    cm = p[P_CM]
    # µA/cm² of a monovalent current -> mM/ms in the cytosol and in the ECS
    k_i = area * 1e-6 / (F_C_per_mol * vol_i)
    k_o = area * 1e-6 / (F_C_per_mol * vol_o)
    to_pA = area * 1e6
    per_s_from_mM_ms_i = vol_i * 1e-3 * AVOGADRO_per_mol * 1e3  # mM/ms in cytosol -> molecules/s

    phi = p[P_Q10G] ** ((T - p[P_TREFG]) / 10.0)
    phi_t = p[P_Q10T] ** ((T - p[P_TREFT]) / 10.0)
    squid = p[P_KIN] > 0.5

    # bath solution and drugs relax to what the perfusion delivers (exact exponential per step)
    a_perf = _decay(dt, 1000.0 * p[P_TAU_PERF])
    O2_gas = p[P_O2SAT] * p[P_O2PCT] / 100.0  # bath O2 in equilibrium with the gas
    a_gas = _decay(dt, p[P_TAU_GAS])

    gM_max = p[P_GM] * p[P_KCNQ]
    nav_shift = p[P_NAVSHIFT]
    U_kcc2 = p[P_UKCC2] * p[P_KCC2] * phi_t
    U_nkcc1 = p[P_UNKCC1] * p[P_NKCC1] * phi_t
    glia_max = p[P_GLIA] * (1.0 - p[P_KIRBLOCK])
    P_para = p[P_PPARA] * p[P_DEMY]  # non-selective Na/K leak: reversal near 0 mV
    voltage_clamp = p[P_CLAMP] > 0.5
    rs = p[P_RS]
    g_series = 0.0  # mS/cm² between pipette and membrane in voltage clamp
    if voltage_clamp and rs > 0.0:
        g_series = 1e3 / (rs * 1e6 * area)
    i_inj = p[P_INJ] / to_pA  # µA/cm² injected in current clamp
    v_cmd = p[P_CMD]

    t = y[S_T]
    V = y[S_V]
    for _ in range(n_steps):
        Na_i = y[S_NAI]; K_i = y[S_KI]; Cl_i = y[S_CLI]
        Na_o = y[S_NAO]; K_o = y[S_KO]; Cl_o = y[S_CLO]
        ATP = y[S_ATP]; O2 = y[S_O2]

        # perfusion: bath at the slice and drugs in the chamber
        y[S_NAB] = p[P_BATH_NA] + (y[S_NAB] - p[P_BATH_NA]) * a_perf
        y[S_KB] = p[P_BATH_K] + (y[S_KB] - p[P_BATH_K]) * a_perf
        y[S_CLB] = p[P_BATH_CL] + (y[S_CLB] - p[P_BATH_CL]) * a_perf
        y[S_RTG] = p[P_RTG] + (y[S_RTG] - p[P_RTG]) * a_perf
        y[S_GABA] = p[P_GABA] + (y[S_GABA] - p[P_GABA]) * a_perf
        y[S_TTX] = p[P_TTX] + (y[S_TTX] - p[P_TTX]) * a_perf
        y[S_O2B] = O2_gas + (y[S_O2B] - O2_gas) * a_gas

        E_Na = rtf * math.log(Na_o / Na_i)
        E_K = rtf * math.log(K_o / K_i)
        E_Cl = -rtf * math.log(Cl_o / Cl_i)
        E_HCO3 = -rtf * math.log(p[P_HCO3O] / p[P_HCO3I])

        # ---- gates (Rush–Larsen) at the start-of-step V
        if squid:
            am, bm, ah, bh, an, bn = rates_squid(V, nav_shift)
        else:
            am, bm, ah, bh, an, bn = rates_cortical(V, p[P_VT], nav_shift)
        pdt = phi * dt
        m = _rush_larsen(y[S_M], am, bm, pdt)
        h = _rush_larsen(y[S_H], ah, bh, pdt)
        n = _rush_larsen(y[S_N], an, bn, pdt)
        y[S_M] = m; y[S_H] = h; y[S_N] = n
        # M-current (KCNQ2/3) slow gate, Pospischil 2008; retigabine shifts V½ and raises g
        c_rtg = y[S_RTG]
        occ = c_rtg / (c_rtg + p[P_RTG_EC50])
        vp = V + 35.0 - p[P_RTG_SHIFT] * occ
        ex = math.exp(vp / 20.0)
        p_inf = 1.0 / (1.0 + 1.0 / (ex * ex))
        tau_p = p[P_TAUM] / (3.3 * ex + 1.0 / ex) / phi
        pg = p_inf + (y[S_P] - p_inf) * math.exp(-dt / tau_p)
        y[S_P] = pg

        # ---- conductances (mS/cm²) for the step
        block_ttx = 1.0 / (1.0 + y[S_TTX] / p[P_TTX_IC50])
        g_na = p[P_GNA] * block_ttx * m * m * m * h
        n2 = n * n
        g_k = p[P_GKD] * n2 * n2
        g_m = gM_max * (1.0 + (p[P_RTG_GAIN] - 1.0) * occ) * pg
        c_g = y[S_GABA]
        if c_g > 0.0:
            ch = c_g ** p[P_GABA_HILL]
            g_gaba = p[P_GGABA] * ch / (ch + p[P_GABA_EC50] ** p[P_GABA_HILL])
        else:
            g_gaba = 0.0
        g_gaba_cl = g_gaba * (1.0 - p[P_HCO3F])
        g_gaba_hco3 = g_gaba * p[P_HCO3F]

        # GHK leaks, linearised about V for the step
        iNaL, gNaL = ghk_current(p[P_PNA], 1.0, Na_i, Na_o, V, rtf)
        iKL, gKL = ghk_current(p[P_PK], 1.0, K_i, K_o, V, rtf)
        iClL, gClL = ghk_current(p[P_PCL], -1.0, Cl_i, Cl_o, V, rtf)
        if P_para > 0.0:
            i_pn, g_pn = ghk_current(P_para, 1.0, Na_i, Na_o, V, rtf)
            i_pk, g_pk = ghk_current(P_para, 1.0, K_i, K_o, V, rtf)
            iNaL += i_pn; gNaL += g_pn
            iKL += i_pk; gKL += g_pk

        # Na/K-ATPase: 3 Na out, 2 K in, one net charge out per ATP
        f_na = Na_i * Na_i * Na_i
        kna3 = p[P_PUMP_KNA] ** 3
        h_atp = ATP / (ATP + p[P_PUMP_KATP])
        i_pump = (p[P_PUMP] * phi_t * f_na / (f_na + kna3) * K_o / (K_o + p[P_PUMP_KK]) * h_atp)

        # ---- membrane potential: exponential Euler on the linearised total current
        # I(V') = a + G V' per channel; charge per channel uses the exact mean V over the step.
        G = (g_na + g_k + g_m + g_gaba + p[P_GL] + gNaL + gKL + gClL + g_series)
        a = (-g_na * E_Na - (g_k + g_m) * E_K - g_gaba_cl * E_Cl - g_gaba_hco3 * E_HCO3
             - p[P_GL] * p[P_EL] + (iNaL - gNaL * V) + (iKL - gKL * V) + (iClL - gClL * V)
             + i_pump - g_series * v_cmd)
        if voltage_clamp and rs <= 0.0:
            V_new = v_cmd
            V_mean = v_cmd
            i_amp = (a + G * v_cmd) + cm * (v_cmd - V) / dt  # ideal clamp supplies all current
        else:
            if not voltage_clamp:
                a -= i_inj
            V_inf = -a / G
            x = G * dt / cm
            e = math.exp(-x)
            V_new = V_inf + (V - V_inf) * e
            if x > 1e-9:
                V_mean = V_inf + (V - V_inf) * (1.0 - e) / x
            else:
                V_mean = 0.5 * (V + V_new)
            if voltage_clamp:
                i_amp = g_series * (v_cmd - V_mean)
            else:
                i_amp = i_inj

        # ---- ion currents over the step (µA/cm²)
        I_Na = g_na * (V_mean - E_Na) + iNaL + gNaL * (V_mean - V) + 3.0 * i_pump
        I_K = (g_k + g_m) * (V_mean - E_K) + iKL + gKL * (V_mean - V) - 2.0 * i_pump
        I_Cl = g_gaba_cl * (V_mean - E_Cl) + iClL + gClL * (V_mean - V)
        # charge carried by ions the model does not track: HCO3- through GABA_A (buffered by
        # CO2/carbonic anhydrase) and the fixed-reversal ohmic leak of the squid axon
        I_untracked = g_gaba_hco3 * (V_mean - E_HCO3) + p[P_GL] * (V_mean - p[P_EL])

        # electroneutral transporters, mM/ms in the cytosol (thermodynamic forms, model-spec §3)
        j_kcc2 = U_kcc2 * math.log((K_i * Cl_i) / (K_o * Cl_o))
        j_nkcc1 = U_nkcc1 * math.log((Na_o * K_o * Cl_o * Cl_o) / (Na_i * K_i * Cl_i * Cl_i))
        # glia (Kir4.1 + astrocytic pump; fails with ATP) and diffusion to the bath, mM/ms in ECS
        # (Cressman 2009 sigmoid, referred to the bath: no net uptake when K_o equals the bath)
        kh = p[P_GLIA_KH]; ks = p[P_GLIA_KS]
        j_glia = glia_max * h_atp * (1.0 / (1.0 + math.exp((kh - K_o) / ks))
                                     - 1.0 / (1.0 + math.exp((kh - y[S_KB]) / ks)))
        tau_d = p[P_TAU_DIFF]
        d_na = (Na_o - y[S_NAB]) / tau_d
        d_k = (K_o - y[S_KB]) / tau_d
        d_cl = (Cl_o - y[S_CLB]) / tau_d

        # ---- concentrations (forward Euler; amounts leaving one side enter the other)
        dNa_i = (-I_Na * k_i + j_nkcc1) * dt
        dK_i = (-I_K * k_i - j_kcc2 + j_nkcc1) * dt
        dCl_i = (I_Cl * k_i - j_kcc2 + 2.0 * j_nkcc1) * dt
        r = vol_i / vol_o
        y[S_NAI] = Na_i + speed * dNa_i
        y[S_KI] = K_i + speed * dK_i
        y[S_CLI] = Cl_i + speed * dCl_i
        y[S_NAO] = Na_o - dNa_i * r - d_na * dt
        y[S_KO] = K_o - dK_i * r - (d_k + j_glia) * dt
        y[S_CLO] = Cl_o - dCl_i * r - d_cl * dt
        y[S_NA_BATH] += vol_o * d_na * dt
        y[S_K_BATH] += vol_o * d_k * dt
        y[S_CL_BATH] += vol_o * d_cl * dt
        y[S_K_GLIA] += vol_o * j_glia * dt
        y[S_UNTRACKED] += vol_i * I_untracked * k_i * dt
        y[S_QINJ] += vol_i * i_amp * k_i * dt

        # energy: ATP made from O2, used by the pump (1 per cycle) and by housekeeping
        atp_made = p[P_KSYN] * O2 / (O2 + p[P_KO2]) * (p[P_ATPMAX] - ATP)
        atp_pump = i_pump * k_i
        y[S_ATP] = ATP + speed * (atp_made - atp_pump - p[P_KBASAL] * ATP) * dt
        y[S_O2] = O2 + speed * ((y[S_O2B] - O2) / p[P_TAU_O2] - p[P_O2_PER_ATP] * atp_made) * dt

        V = V_new
        t += dt
        y[S_V] = V
        y[S_T] = t

        # spike detector: upward crossings of the threshold
        if V >= p[P_SPK_THR]:
            if y[S_ABOVE] < 0.5:
                y[S_SPK] += 1.0
                y[S_LAST] = t
                y[S_ABOVE] = 1.0
        else:
            y[S_ABOVE] = 0.0

        y[S_STS] -= 1.0
        if y[S_STS] <= 0.0:
            y[S_STS] = decim
            out[O_T, out_pos] = t * 1e-3
            v_rec = V
            if p[P_NOISE_V] > 0.0 and not voltage_clamp:
                v_rec += p[P_NOISE_V] * np.random.standard_normal()
            i_rec = i_amp * to_pA
            if p[P_NOISE_I] > 0.0 and voltage_clamp:
                i_rec += p[P_NOISE_I] * np.random.standard_normal()
            out[O_V, out_pos] = v_rec
            out[O_I, out_pos] = i_rec
            out[O_EK, out_pos] = E_K
            out[O_ENA, out_pos] = E_Na
            out[O_ECL, out_pos] = E_Cl
            out[O_NAI, out_pos] = y[S_NAI]
            out[O_KI, out_pos] = y[S_KI]
            out[O_CLI, out_pos] = y[S_CLI]
            out[O_NAO, out_pos] = y[S_NAO]
            out[O_KO, out_pos] = y[S_KO]
            out[O_CLO, out_pos] = y[S_CLO]
            out[O_ATP, out_pos] = y[S_ATP]
            out[O_O2, out_pos] = y[S_O2]
            out[O_IPUMP, out_pos] = i_pump * to_pA
            out[O_ATPUSE, out_pos] = atp_pump * per_s_from_mM_ms_i
            na_in = (-(I_Na - 3.0 * i_pump) * k_i + j_nkcc1)  # all Na entry but the pump, mM/ms
            out[O_NAIN, out_pos] = na_in * per_s_from_mM_ms_i
            out_pos += 1
    return out_pos


@njit(cache=True)
def seed_noise(seed):
    """Seed the kernel's own random generator (amplifier noise)."""
    np.random.seed(seed)
