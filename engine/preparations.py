"""Preparations: the cells a student can patch, each a parameter set with its sources.

A preparation fills the kernel's parameter vector (``engine.kernel.PARAM_NAMES``) and gives the
state the cell starts from before it settles. Control values the user can change (bath, temperature,
drugs...) get their defaults from ``rig.controls``; a preparation may override those defaults
(``control_defaults``) where its experiment differs. Nothing here imports Qt or ``rig``.
"""
from dataclasses import dataclass, field

import numpy as np

from .kernel import P, PARAM_NAMES, S, STATE_NAMES


@dataclass(frozen=True)
class Preparation:
    name: str
    title: str
    description: str
    params: dict          # kernel parameters (PARAM_NAMES) that are the cell's own
    initial: dict         # starting state before settling (STATE_NAMES)
    control_defaults: dict = field(default_factory=dict)  # overrides of rig.controls defaults

    def parameter_vector(self):
        p = np.zeros(len(PARAM_NAMES))
        for name, value in {**COMMON_PARAMS, **self.params}.items():
            p[P[name]] = value
        return p

    def state_vector(self):
        y = np.zeros(len(STATE_NAMES))
        for name, value in self.initial.items():
            y[S[name]] = value
        return y


# Parameters every preparation shares unless it says otherwise.
COMMON_PARAMS = {
    "dt_ms": 0.02,                # model-spec §6: fixed step 10–25 µs
    "settle_speedup": 1.0,
    "Cm_uF_per_cm2": 1.0,         # model-spec §2
    "Q10_gating": 3.0,            # model-spec §2
    "Q10_transport": 2.0,         # pump and cotransporters, model-spec §2
    "T_ref_transport_C": 37.0,    # transporter rates below are given at 37 °C
    "gaba_EC50_uM": 10.0,         # GABA_A on cortical neurons, EC50 5–20 µM (Mortensen 2010 Front Pharmacol)
    "gaba_hill": 1.5,
    "gaba_hco3_frac": 0.2,        # HCO3- carries ~20 % of GABA_A current (Kaila 1994 Prog Neurobiol)
    "HCO3_i_mM": 16.0,            # pHi 7.2 / pHo 7.4 in 5 % CO2 (Kaila & Voipio 1987 Nature)
    "HCO3_o_mM": 26.0,            # aCSF 26 mM NaHCO3
    "ttx_IC50_nM": 5.0,           # TTX-sensitive Nav, IC50 1–10 nM (Catterall 2005 Pharmacol Rev)
    "retigabine_shift_max_mV": -33.0,  # KCNQ2/3 V½ shift at saturation (Tatulian 2001 J Neurosci)
    "retigabine_EC50_uM": 1.6,    # Main 2000 Mol Pharmacol 58:253
    "retigabine_gain_max": 1.3,   # modest rise in maximal conductance (Tatulian 2001)
    "spike_threshold_mV": 0.0,    # upward 0 mV crossings count as spikes (perf-anchors.md)
    # energy (model-spec §4): ATP ~2.5 mM at rest, O2 in tissue below the bath's
    "O2_sat_mM": 0.98,            # dissolved O2 at 100 % gas, 37 °C (Henry's law, water vapour removed)
    "tau_gas_ms": 60000.0,        # a gas change reaches the slice through reservoir, tubing and chamber
    "tau_O2_ms": 5000.0,          # bath to tissue; consumption keeps tissue O2 below the bath's
    "K_O2_mM": 0.005,             # mitochondrial O2 affinity is µM (Gnaiger 1998); 5 µM in tissue
    "ATP_max_mM": 4.0,
    "O2_per_ATP": 0.2,            # P/O ≈ 2.5: 5 ATP per O2 (Hinkle 2005 BBA)
}


NEURON = Preparation(
    name="neuron",
    title="Cortical pyramidal neuron (mature)",
    description=(
        "Regular-spiking cortical neuron (Pospischil et al. 2008): Nav, Kd and M-current (KCNQ2/3), "
        "GHK leaks, Na/K-ATPase fed by ATP from O2, KCC2 keeps chloride low so GABA hyperpolarises. "
        "Recorded in perforated patch (gramicidin): the pipette does not dialyse the cytosol."),
    params={
        # geometry: 20 µm soma plus dendrites, 2×10⁴ µm² in all (model-spec §2); volume of a
        # 20 µm sphere (4.2 pL) plus 1.5 µm dendrites over the rest of the area (7 pL)
        "area_cm2": 2.0e-4,
        "vol_i_L": 1.1e-11,
        "vol_o_L": 0.275e-11,     # ECS fraction 0.2 of tissue: vol_o = vol_i · 0.2/0.8
        # channels: Pospischil 2008 RS cell (Table 1), kinetics written for 36 °C
        "kinetics": 0,
        "gNa_mS": 50.0,
        "gKd_mS": 5.0,
        "gM_mS": 0.07,
        "V_T_mV": -62.0,
        "tau_M_max_ms": 608.0,
        "T_ref_gating_C": 36.0,
        # resting permeabilities (GHK), chosen for V_rest ≈ -70 mV and R_in ≈ 200 MΩ (model-spec §2)
        "P_Na_cm_s": 1.95e-8,
        "P_K_cm_s": 2.3e-7,
        "P_Cl_cm_s": 1.0e-8,
        "gL_mS": 0.0,
        "EL_mV": 0.0,
        "P_paranodal_cm_s": 0.0,
        "g_gaba_max_mS": 0.03,    # 6 nS tonic GABA_A at saturation on this cell
        # Na/K-ATPase (model-spec §3), I_max for ~3×10⁸ ATP/s at rest (Attwell & Laughlin 2001)
        "pump_max_uA": 1.3,
        "pump_K_Na_mM": 12.0,
        "pump_K_K_mM": 1.5,
        "pump_K_ATP_mM": 0.5,
        "U_kcc2_mM_per_ms": 3.0e-5,
        "U_nkcc1_mM_per_ms": 1.0e-7,
        # astrocytes: Cressman 2009 sigmoid (66 mM/s, 18 mM, 2.5 mM) referred to the bath; diffusion
        "glia_max_mM_per_ms": 0.066,
        "glia_K_half_mM": 18.0,
        "glia_K_slope_mM": 2.5,
        "tau_diffusion_ms": 20000.0,
        # energy: 2.5 mM ATP at rest with ~25 % of use outside the pump (Attwell & Laughlin 2001)
        "k_syn_per_ms": 4.0e-5,
        "k_basal_per_ms": 6.0e-6,
    },
    initial={
        "V_mV": -70.0, "m": 0.01, "h": 0.99, "n": 0.01, "p": 0.03,
        "Na_i_mM": 10.0, "K_i_mM": 140.0, "Cl_i_mM": 5.0,
        "Na_o_mM": 152.0, "K_o_mM": 3.0, "Cl_o_mM": 134.0,
        "Na_b_mM": 152.0, "K_b_mM": 3.0, "Cl_b_mM": 134.0,
        "O2_b_mM": 0.93, "O2_mM": 0.85, "ATP_mM": 2.5,
    },
)

PREPARATIONS = {prep.name: prep for prep in (NEURON,)}
