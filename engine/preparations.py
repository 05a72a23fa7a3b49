"""Preparations: the cells a student can patch, each a parameter set with its sources.

A preparation fills the kernel's parameter vector (``engine.kernel.PARAM_NAMES``) and gives the
state the cell starts from before it settles. Control values the user can change (bath, temperature,
drugs...) get their defaults from ``rig.controls`` (the solutes' from ``engine.solutes``, like their
cytosolic start and fixed concentrations here); a preparation may override those defaults
(``control_defaults``) where its experiment differs. Nothing here imports Qt or ``rig``.
"""
from dataclasses import dataclass, field, replace

import numpy as np

from . import solutes
from .kernel import CELL_P, CELL_STATE_NAMES, NEIGHBOUR_PREFIX, P, PARAM_NAMES, S, STATE_NAMES, TISSUE_PREFIX

CELL_PARAM_NAMES = CELL_P._fields


@dataclass(frozen=True)
class Preparation:
    name: str
    title: str
    description: str
    params: dict          # kernel parameters (PARAM_NAMES) that are the cell's own
    initial: dict         # starting state before settling (STATE_NAMES)
    control_defaults: dict = field(default_factory=dict)  # overrides of rig.controls defaults
    # how much faster the cytosol (ions, ATP, O2) runs while the cell settles before recording
    settle_speedup: float = 1000.0

    def parameter_vector(self):
        """The kernel's parameters. The cells around the patched one (its neighbour, a slice's
        units) are the same kind of cell: their own parameters (``tissue_...``) start as the
        patched cell's unless the preparation names them."""
        p = np.zeros(len(PARAM_NAMES))
        given = self.values()
        for name in CELL_PARAM_NAMES:
            given.setdefault(TISSUE_PREFIX + name, given.get(name, 0.0))
        for name, value in given.items():
            p[P[name]] = value
        return p

    def values(self):
        """Every kernel parameter this preparation sets, by name (the shared ones included)."""
        return {**COMMON_PARAMS, **self.params}

    def with_own(self, params):
        """This preparation with the patched cell's own parameters ``params`` changed (a drawn
        cell: ``engine.variability``), and the tissue's kept as they were."""
        given = self.values()
        tissue = {TISSUE_PREFIX + name: given.get(TISSUE_PREFIX + name, given[name]) for name in params}
        return replace(self, params={**self.params, **tissue, **params})

    def state_vector(self):
        """The starting state; the unpatched neighbour starts as the patched cell does."""
        y = np.zeros(len(STATE_NAMES))
        for name, value in self.initial.items():
            y[S[name]] = value
            if name in CELL_STATE_NAMES:
                y[S[NEIGHBOUR_PREFIX + name]] = value
        return y


# Parameters every preparation shares unless it says otherwise.
COMMON_PARAMS = {
    "dt_ms": 0.02,                # model-spec §6: fixed step 10–25 µs
    "has_neighbour": 1.0,
    "settle_speedup": 1.0,
    "Cm_uF_per_cm2": 1.0,         # model-spec §2
    "Q10_gating": 3.0,            # model-spec §2
    "Q10_transport": 2.0,         # pump and cotransporters, model-spec §2
    "T_ref_transport_C": 37.0,    # transporter rates below are given at 37 °C
    "gaba_EC50_uM": 10.0,         # GABA_A on cortical neurons, EC50 5–20 µM (Mortensen 2010 Front Pharmacol)
    "gaba_hill": 1.5,
    # P_HCO3/P_Cl of GABA_A: 0.1, below the 0.18-0.4 usually reported (Bormann 1987 J Physiol;
    # Kaila 1994 Prog Neurobiol). The textbook figure of pure shunting with passive chloride
    # (targets row 9: |dV| < 1.5 mV) leaves room for no more; at 0.2 that cell depolarises 2.7 mV.
    "gaba_hco3_ratio": 0.1,
    **solutes.fixed_params(solutes.SOLUTES),  # HCO3- in and out, Mg2+ out, with their sources there
    "ttx_IC50_nM": 5.0,           # TTX-sensitive Nav, IC50 1–10 nM (Catterall 2005 Pharmacol Rev)
    # glutamate in the bath. NMDA receptors: EC50 2.3 µM for glutamate (Patneau & Mayer 1990
    # J Neurosci 10:2385), Mg2+ block with aCSF's 1.3 mM Mg2+ (Jahr & Stevens 1990 J Neurosci
    # 10:3178); AMPA receptors desensitise within milliseconds in sustained glutamate and carry
    # little steady current, so bath glutamate acts here through NMDA receptors. Only neurons
    # carry them (their permeability is set per preparation).
    "P_nmda_max_cm_s": 0.0,
    "nmda_EC50_uM": 2.3,
    # glutamate transporters: K_m 10-20 µM (Zerangue & Kavanaugh 1996 Nature 383:634; EAAT2 18 µM
    # in Arriza 1994 J Neurosci 14:5559); DL-TBOA blocks EAAT2 with IC50 ≈ 6 µM (Shimamoto 1998
    # Mol Pharmacol 53:195). Astrocytes carry them (set there); neurons' EAAT3 is left out
    "eaat_max_uA": 0.0,
    "eaat_K_m_uM": 18.0,
    "tboa_IC50_uM": 6.0,
    # synaptic background (model-spec §9): Poisson events, each opening a quantum of permeability
    # that decays exponentially. Decay at 37 °C: AMPA 2 ms, NMDA 80 ms, GABA_A 8 ms (Hestrin 1990
    # Neuron 5:247; Xiang 1998 J Neurophysiol 79:2574). Quanta are per preparation (neurons only).
    # Kynurenic acid: IC50 ≈ 15 µM at NMDA receptors (glycine site), ≈ 500 µM at AMPA receptors;
    # quinolinic acid: a weak NMDA agonist, EC50 0.3–2 mM by subunit, NR2B-containing receptors the
    # most sensitive; 0.3 mM here (Stone 1993 Pharmacol Rev
    # 45:309; Hilmas 2001 J Neurosci 21:7463)
    "ampa_quantum_cm_s": 0.0,
    "nmda_quantum_cm_s": 0.0,
    "gaba_quantum_cm_s": 0.0,
    "tau_ampa_ms": 2.0,
    "tau_nmda_ms": 80.0,
    "tau_gaba_ms": 8.0,
    # GABA_B: GIRK K+ channels opened through G proteins by GABA that spills over from the
    # synapse; IPSPs of ~200 ms (Otis, De Koninck & Mody 1993 J Physiol 463:391). Spillover needs
    # several interneurons releasing together (Scanziani 2000 Neuron 25:673), and GIRK opens
    # only with several Gβγ bound (Whorton & MacKinnon 2013 Nature 498:190): the quantum grows as
    # the cube of the GABA released
    "gabab_quantum_cm_s": 0.0,
    "tau_gabab_ms": 200.0,
    "gabab_hill": 3.0,
    "kyna_IC50_nmda_uM": 15.0,
    "kyna_IC50_ampa_uM": 500.0,
    "quin_EC50_uM": 300.0,
    # butyrate from gut bacteria inhibits histone deacetylases and raises GAD65/67 expression, so
    # vesicles carry more GABA (model-spec §9); ×2, chosen (HDAC inhibitors raise cortical GAD67
    # expression: Dong et al. 2007 PNAS 104:4676)
    "butyrate_gaba_gain": 2.0,
    "retigabine_shift_max_mV": -30.0,  # KCNQ2/3 V½ shift at saturation, -30 to -40 (Tatulian 2001)
    "retigabine_EC50_uM": 2.0,    # 1-2 µM (Main 2000 Mol Pharmacol 58:253)
    "retigabine_gain_max": 1.0,   # Tatulian 2001 saw a modest rise; left out to keep row 15 in range
    # upward 0 mV crossings count as spikes (perf-anchors.md) when the membrane's own current
    # is inward there (engine/kernel.py): an overshoot on a regenerative upstroke
    "spike_threshold_mV": 0.0,
    # electroporation: 200-250 mV across a membrane opens pores (Teissié & Rols 1993 Biophys J
    # 65:409; Weaver & Chizmadzhev 1996 Bioelectrochem Bioenerg 41:135); a porated membrane conducts
    # of the order of 1 S/cm² (DeBruin & Krassowska 1999 Biophys J 76:1213), ~1e-3 cm/s for each of
    # Na+, K+ and Cl-. A cell driven there is lost: it does not reseal on a rig's time scale
    "breakdown_mV": 250.0,
    "P_pore_cm_s": 1e-3,
    # the pipette (a gramicidin-perforated patch; whole-cell.md §6): a K-gluconate solution of
    # 77 Ω cm whose K+ and Na+ are the cytosol's when the cell is patched (engine.cell.Cell.patch):
    # a solution made for the cell, so patching alone moves nothing; 0 until then
    "pipette_rho_ohm_cm": 77.0,
    # energy (model-spec §4): ATP ~2.5 mM at rest, O2 in tissue below the bath's
    "O2_sat_mM": 0.98,            # dissolved O2 at 100 % gas, 37 °C (Henry's law, water vapour removed)
    "tau_gas_ms": 60000.0,        # a gas change reaches the slice through reservoir, tubing and chamber
    "tau_O2_ms": 5000.0,          # bath to tissue; consumption keeps tissue O2 below the bath's
    "K_O2_mM": 0.005,             # mitochondrial O2 affinity is µM (Gnaiger 1998); 5 µM in tissue
    "O2_per_ATP": 0.2,            # P/O ≈ 2.5: 5 ATP per O2 (Hinkle 2005 BBA)
    # ATP synthesis k_syn (ATP_max - ATP): respiration driven by the ADP that ATP use leaves
    # (respiratory control, Chance & Williams 1955). ATP ~2.4 mM at rest with ~20 % of use
    # outside the pump (Attwell & Laughlin 2001). The stiffness is the spare respiratory capacity:
    # active neurons hold ATP within tens of per cent while the pump works twice as hard
    # (Baeza-Lehnert 2019 Cell Metab 29:668), so synthesis at ATP_max 2.9 mM doubles when ATP
    # falls ~15 % (targets row 24: 200 pA for a minute keeps ATP ≥ 80 % of rest)
    "ATP_max_mM": 2.9,
    "k_syn_per_ms": 1.65e-4,
    "k_basal_per_ms": 6.0e-6,
    # Na/K-ATPase affinities (model-spec §3)
    # K_Na 18 mM (10-20 reported; model-spec §3): at rest the pump runs at ~15 % of its Na
    # saturation, so it has the reserve to hold Na_i when cooling slows it (Q10 2)
    "pump_K_Na_mM": 18.0,
    "pump_K_K_mM": 1.5,
    "pump_K_ATP_mM": 0.5,
    # astrocytes around the cell: Cressman 2009 sigmoid (66 mM/s, 18 mM, 2.5 mM) referred to the
    # bath; the ECS exchanges with the bath by diffusion through the slice (~200 µm: tens of s)
    "glia_max_mM_per_ms": 0.066,
    "glia_K_half_mM": 18.0,
    "glia_K_slope_mM": 2.5,
    "tau_diffusion_ms": 20000.0,
    # the neighbourhood (model-spec §8): K+ leaving a cell spreads over the ~10 µm around it in
    # tens of ms (D* = 7.7e-6 cm²/s with tortuosity 1.6: x²/2D* = 65 ms for 10 µm; Nicholson &
    # Sykova 1998 Trends Neurosci 21:207); for a soma with proximal dendrites, a point source of
    # ~30 µm effective radius, the shell's steady excess J/(4π D* r α) gives 50 ms
    "tau_shell_ms": 50.0,
    # cells sharing the tissue ECS that a cell's K+ reaches before the slice loses it to the bath:
    # radius sqrt(6 D* τ_diffusion) ≈ 300 µm in a 300 µm slice (~0.06 mm³) at ~9×10⁴ neurons/mm³
    # (Braitenberg & Schüz 1998, Cortex: statistics and geometry)
    "tissue_cells": 5000.0,
    "kinetics": 0,
    "T_ref_gating_C": 36.0,       # Pospischil 2008 kinetics are written for 36 °C
    "tau_M_max_ms": 608.0,        # Pospischil 2008 RS cell
    "M_V_half_mV": -35.0,         # Pospischil 2008
    "V_T_mV": -62.0,
    "nav_h_shift_mV": 0.0,
    "tau_nav_slow_ms": 0.0,       # no slow inactivation unless a preparation has it
    "nav_slow_V_half_mV": -45.0,
    "nav_slow_slope_mV": 6.0,
    "tau_kd_slow_ms": 0.0,
    "kd_slow_V_half_mV": -45.0,
    "kd_slow_slope_mV": 6.0,
    "gL_mS": 0.0,
    "EL_mV": 0.0,
    "P_paranodal_cm_s": 0.0,
}

# intracellular starting point of a mammalian cell; every preparation settles from here (its ions
# as engine/solutes.py declares them)
MAMMALIAN_START = {
    "V_mV": -70.0, "m": 0.01, "h": 0.99, "s": 1.0, "n": 0.01, "q": 1.0, "p": 0.03,
    **solutes.cytosol_start(solutes.SOLUTES), "O2_mM": 0.85, "ATP_mM": 2.5,
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
        # channels: Pospischil 2008 RS cell (Table 1) with three changes. Their E_Na is a fixed
        # +50 mV; here it is Nernst's (+72 mV), and with their gNa (50) spikes peaked at +67 mV.
        # Somatic recordings of cortical pyramidal cells peak at +20...+50 mV (targets row 26;
        # Stuart & Sakmann 1994 Nature; Bean 2007 Nat Rev Neurosci), so this lumped cell takes
        # gNa 20 mS/cm² (peak +42 mV, half-width 0.57 ms at 37 °C). Their inactivation overlaps
        # activation so much that the window current at -35 mV was ~3 % of the peak conductance,
        # where the persistent Na+ current of cortical cells is ~1 % (Crill 1996 Annu Rev Physiol):
        # h∞ sits 6 mV more negative (inactivation V½ near -60 mV; Rush 2005 J Physiol), which cuts
        # it fivefold. V_T -65 mV (from -56.2) keeps threshold near -50 mV as in cortical slices,
        # with 10 mM K+ driving firing (row 19)
        "gNa_mS": 20.0,
        "nav_h_shift_mV": -6.0,
        "V_T_mV": -65.0,
        "gKd_mS": 5.0,
        "gM_mS": 0.09,
        # native M-current activates 5-10 mV more negative than Pospischil's -35 mV (Shah 2002
        # J Physiol; Brown & Adams 1980 Nature): KCNQ carries ~10 % of the resting conductance
        "M_V_half_mV": -42.0,
        # resting permeabilities (GHK), chosen for V_rest ≈ -70 mV and R_in ≈ 150 MΩ (model-spec §2)
        "P_Na_cm_s": 1.95e-8,
        "P_K_cm_s": 2.3e-7,
        "P_Cl_cm_s": 1.0e-8,
        "P_gaba_max_cm_s": 1.8e-7,  # saturating GABA_A: input resistance -32 % (targets row 9)
        # NMDA receptors, Na+ and K+ alike: saturating glutamate without Mg2+ draws about 1.5 nA
        # at -60 mV, the order of whole-cell NMDA currents of cortical pyramidal cells (chosen)
        "P_nmda_max_cm_s": 2.2e-7,
        # synaptic quanta as permeabilities (a cation permeability of 8.8e-9 cm/s each for Na+
        # and K+ conducts ~1 nS near -60 mV here; Cl- 4.8e-8 cm/s ~1 nS): AMPA 0.5 nS, NMDA
        # 0.25 nS unblocked, GABA_A 1 nS (unitary cortical synapses: Markram 1997 J Physiol 500:409;
        # Gupta 2000 Science 287:273)
        "ampa_quantum_cm_s": 4.4e-9,
        "nmda_quantum_cm_s": 2.2e-9,
        "gaba_quantum_cm_s": 4.8e-8,
        # GABA_B 0.002 nS per event (K+ only), ~0.5 nS at the background's 1000 Hz: ~10 % of the
        # resting K+ conductance, and 8× that in a butyrate-fed animal (chosen, for row 32)
        "gabab_quantum_cm_s": 1.2e-10,
        # Na/K-ATPase: I_max for ~3×10⁸ ATP/s at rest (Attwell & Laughlin 2001)
        "pump_max_uA": 3.3,
        # KCC2 for E_Cl ≈ -98 mV against the Cl- leak (targets row 6), with the capacity to clear a
        # Cl- load in ~15 s (τ = Cl_i/U), as mature neurons recover from GABA_A loads in seconds to
        # tens of seconds (Staley & Proctor 1999 J Physiol 519:693; Jedlicka 2011 Hippocampus 21:885),
        # so that a synaptic background leaves E_Cl near -80 mV, not at rest; little NKCC1 when mature
        "U_kcc2_mM_per_ms": 2.4e-4,
        "U_nkcc1_mM_per_ms": 1.0e-7,
    },
    initial=MAMMALIAN_START,
)

IMMATURE_NEURON = replace(
    NEURON,
    name="immature_neuron",
    title="Immature cortical neuron (NKCC1 high, KCC2 low)",
    description=(
        "The same membrane as the mature neuron, but with the chloride handling of the first "
        "postnatal week: NKCC1 loads Cl- and KCC2 is barely expressed, so E_Cl sits well above rest "
        "and GABA depolarises (Ben-Ari 2002 Nat Rev Neurosci; Rivera 1999 Nature). The membrane is "
        "the same, so the comparison isolates chloride; the slice around it has the larger "
        "extracellular space of neonatal tissue (Lehmenkühler 1993)."),
    params={**NEURON.params,
            "U_kcc2_mM_per_ms": 1.5e-6,   # KCC2 ~5 % of mature (Rivera 1999)
            "U_nkcc1_mM_per_ms": 3.0e-5,  # NKCC1 dominant (Yamada 2004 J Physiol)
            # neonatal cortex has twice the extracellular space: α 0.36-0.46 at P2-P10
            # (Lehmenkühler 1993 Neuroscience 55:339); vol_o = vol_i · 0.4/0.6
            "vol_o_L": 7.3e-12},
    # the immature cell holds more Cl- from the start (fewer impermeant anions), not more K+
    initial={**MAMMALIAN_START, "Cl_i_mM": 58.0},
)

ASTROCYTE = Preparation(
    name="astrocyte",
    title="Hippocampal astrocyte (passive, Kir4.1)",
    description=(
        "A passive astrocyte: no voltage-gated Na+ channels, a membrane dominated by Kir4.1 K+ "
        "conductance, so V follows E_K within a few mV and the input resistance is low "
        "(Zhou 2006 J Neurophysiol; Olsen & Sontheimer 2008 J Neurochem). NKCC1 keeps Cl- high."),
    params={
        "area_cm2": 2.0e-4,       # soma and main processes of a protoplasmic astrocyte
        "vol_i_L": 1.0e-11,
        "vol_o_L": 2.0e-11,       # the ECS its K+ reaches (astrocytes tile with large territories)
        "gNa_mS": 0.0, "gKd_mS": 0.0, "gM_mS": 0.0,
        "P_Na_cm_s": 8.0e-9,      # P_Na/P_K ≈ 0.001: V within ~1 mV of E_K
        "P_K_cm_s": 8.0e-6,       # Kir4.1: R_in ≈ 15 MΩ
        "P_Cl_cm_s": 2.0e-8,
        "P_gaba_max_cm_s": 0.0,
        "pump_max_uA": 4.0,
        # GLT-1/GLAST: saturating glutamate draws ~200 pA at 37 °C (bath-applied glutamate or
        # D-aspartate evokes transporter currents of a few hundred pA in hippocampal astrocytes;
        # Bergles & Jahr 1997 Neuron 19:1297): 0.5 µA/cm² of cycling, 2 charges a cycle
        "eaat_max_uA": 0.5,
        "U_kcc2_mM_per_ms": 0.0,
        "U_nkcc1_mM_per_ms": 2.0e-5,  # astrocytic Cl- 30-40 mM (Kettenmann 1987)
    },
    initial={**MAMMALIAN_START, "V_mV": -100.0, "K_i_mM": 145.0, "Na_i_mM": 12.0, "Cl_i_mM": 37.0},
)

# A myelinated axon of 10 µm diameter: a node of Ranvier and an internode, each a membrane patch.
NODE = Preparation(
    name="node",
    title="Node of Ranvier",
    description=(
        "The exposed node of a myelinated axon: dense Nav channels, KCNQ2/3 (M-type) and K2P "
        "leak K+ channels, relatively more Na+ and Cl- permeability than the internode "
        "(Waxman & Ritchie 1993; Battefeld 2014 J Neurosci; Brohawn 2019 Neuron). Demyelination "
        "exposes the paranode: a non-selective leak with reversal near 0 mV."),
    params={
        "area_cm2": 1.0e-5,       # a node with the adjacent axolemma lumped: 1000 µm²
        "vol_i_L": 7.5e-11,       # the axoplasm of the 1 mm of axon its ions diffuse into
        "vol_o_L": 1.9e-11,
        # Pospischil kinetics moved to nodal Nav1.6: activation 7 mV to the right of the soma's
        # (V_T), inactivation 15 mV to the left (V½ near -70 mV; Rush 2005 J Physiol), so a
        # depolarised node goes quiet (conduction block) instead of firing
        "V_T_mV": -55.0,
        "nav_h_shift_mV": -15.0,
        "gNa_mS": 100.0,
        "gKd_mS": 2.0,
        "gM_mS": 3.0,             # KCNQ2/3 concentrate at nodes (Devaux 2004 J Neurosci)
        "P_Na_cm_s": 2.2e-7,
        "P_K_cm_s": 1.2e-6,       # K2P (TRAAK/TREK-1) leak (Brohawn 2019; Kanda 2019 Neuron)
        "P_Cl_cm_s": 2.0e-7,
        "P_gaba_max_cm_s": 0.0,
        "P_paranodal_cm_s": 2.0e-6,  # seed: -65 -> -39 mV when fully exposed (targets row 11)
        "pump_max_uA": 25.0,
        "U_kcc2_mM_per_ms": 0.0,
        "U_nkcc1_mM_per_ms": 0.0,
    },
    initial={**MAMMALIAN_START, "V_mV": -68.0},
)

INTERNODE = Preparation(
    name="internode",
    title="Internode (myelinated axolemma)",
    description=(
        "The axolemma under the myelin: very K+-dominant and almost no Nav, so it rests near E_K. "
        "Each of the myelin_wraps adds membranes in series: capacitance falls and resistance rises "
        "(wraps + 1)-fold (Ritchie 1984; Hodgkin 1964)."),
    params={
        "area_cm2": 3.0e-4,       # 1 mm of a 10 µm fibre
        "vol_i_L": 7.5e-11,       # area · d/4
        "vol_o_L": 1.9e-11,
        "gNa_mS": 0.0, "gKd_mS": 0.0, "gM_mS": 0.0,
        "P_Na_cm_s": 2.0e-9,
        "P_K_cm_s": 4.0e-7,
        "P_Cl_cm_s": 4.0e-9,
        "P_gaba_max_cm_s": 0.0,
        "pump_max_uA": 0.5,
        "U_kcc2_mM_per_ms": 0.0,
        "U_nkcc1_mM_per_ms": 0.0,
    },
    initial={**MAMMALIAN_START, "V_mV": -95.0},
    control_defaults={"myelin_wraps": 50.0},
)

SQUID_AXON = Preparation(
    name="squid_axon",
    title="Squid giant axon (Hodgkin & Huxley 1952)",
    description=(
        "The classic: Na+ and K+ channels with HH 1952 kinetics and their ohmic leak, at 6.3 °C. "
        "Solutions set so that E_Na = +50 mV and E_K = -77 mV as in HH's model; a 500 µm axon "
        "holds so much cytosol that its ions barely move, and it has no pump in the model."),
    params={
        "area_cm2": 1.0e-4,       # 10 µA/cm² = 1000 pA on this patch
        "vol_i_L": 1.25e-9,       # 500 µm diameter: volume = area · d/4
        "vol_o_L": 1.25e-8,       # sea water around it
        "kinetics": 1,
        "T_ref_gating_C": 6.3,
        "gNa_mS": 120.0, "gKd_mS": 36.0, "gM_mS": 0.0,  # HH 1952 Table 3
        "gL_mS": 0.3, "EL_mV": -54.387,
        "P_Na_cm_s": 0.0, "P_K_cm_s": 0.0, "P_Cl_cm_s": 0.0,
        "P_gaba_max_cm_s": 0.0,
        "pump_max_uA": 0.0,
        "U_kcc2_mM_per_ms": 0.0,
        "U_nkcc1_mM_per_ms": 0.0,
        "glia_max_mM_per_ms": 0.0,
        "tau_diffusion_ms": 100.0,
        "has_neighbour": 0.0,     # an isolated axon in sea water: no tissue of cells around it
    },
    initial={**MAMMALIAN_START, "V_mV": -65.0, "m": 0.053, "h": 0.596, "n": 0.318,
             "Na_i_mM": 50.0, "K_i_mM": 400.0, "Cl_i_mM": 60.0},
    control_defaults={"temperature_C": 6.3, "bath_Na_mM": 398.0, "bath_K_mM": 16.3,
                      "bath_Cl_mM": 460.0},
    settle_speedup=1.0,
)

# A slice (model-spec §9): a 3 mm line of 60 units 50 µm apart, each a mature neuron, its share of
# an astrocyte and of extracellular space; the patched neuron sits in the middle unit.
SLICE_ASTRO_VOL_L = 3.7e-12      # astrocytes ~20 % of cortical volume, a third of the neurons' share
SLICE_ECS_VOL_L = 3.6e-12        # ECS fraction 0.2 of tissue (Syková & Nicholson 2008 Physiol Rev 88:1277)
SLICE_UNIT_CELLS = 400           # a 50 µm slab of a 300 µm slice, 300 µm wide, at ~9×10⁴ neurons/mm³
SLICE = Preparation(
    name="slice",
    title="Cortical slice (a line of neurons and astrocytes)",
    description=(
        "A 3 mm strip of slice: 60 units 50 µm apart, each a mature cortical neuron with its share of "
        "an astrocyte (Kir4.1, pump, glutamate transporters) and of extracellular space. K+, Na+, Cl- and "
        "glutamate diffuse between units and to the bath; astrocytes are joined by gap junctions. The "
        "patched neuron is one of them. Spreading depolarisation, spatial K+ buffering and regional "
        "anoxia happen here (Kager 2000; Wallraff 2006)."),
    params={
        **NEURON.params,
        "slice_units": 60,
        "unit_spacing_um": 50.0,
        # unpatched neurons step at 0.1 ms (Rush–Larsen gates, exponential Euler V): their fluxes
        # are what the tissue needs of them; the patched cell keeps its 20 µs
        "unit_dt_ms": 0.1,
        "tortuosity": 1.6,        # λ 1.55-1.65 in cortex (Nicholson & Syková 1998 Trends Neurosci 21:207)
        "unit_cells": SLICE_UNIT_CELLS,
        "tissue_vol_o_L": SLICE_ECS_VOL_L,  # a unit's neuron's share of its unit's ECS
        # the patched cell's shell gives its ions to its unit's ECS, the ECS of unit_cells cells
        "tissue_cells": SLICE_UNIT_CELLS * SLICE_ECS_VOL_L / NEURON.params["vol_o_L"],
        "vol_astro_L": SLICE_ASTRO_VOL_L,
        # the astrocyte preparation's membrane per volume (its surface is mostly fine processes)
        "area_astro_cm2": ASTROCYTE.params["area_cm2"] * SLICE_ASTRO_VOL_L / ASTROCYTE.params["vol_i_L"],
        "P_K_astro_cm_s": ASTROCYTE.params["P_K_cm_s"],
        "P_Na_astro_cm_s": ASTROCYTE.params["P_Na_cm_s"],
        "P_Cl_astro_cm_s": ASTROCYTE.params["P_Cl_cm_s"],
        "pump_astro_uA": ASTROCYTE.params["pump_max_uA"],
        "U_nkcc1_astro_mM_per_ms": ASTROCYTE.params["U_nkcc1_mM_per_ms"],
        # gap junctions between neighbouring astrocyte shares, as a rate on concentration
        # differences (linearised Nernst–Planck): 3e-4 /ms gives the syncytium an electrical space
        # constant of ~0.2 mm (Gardner-Medwin 1983 J Physiol 335:393 for K+ spatial buffering)
        "k_gj_per_ms": 3.0e-4,
        # what spreading depolarisation needs of its neurons over tens of seconds (model-spec §9;
        # Kager, Wadman & Somjen 2000 J Neurophysiol 84:495):
        # - glutamate release. Depolarisation (high K+) releases glutamate from a pool that empties
        #   over seconds and refills over a minute (vesicle depletion); the pool is counted as ECS
        #   concentration. The release rate and threshold are chosen so that a wave crosses at
        #   2-5 mm/min (targets row 27).
        "glu_release_uM_per_ms": 5.0,
        "glu_release_V_half_mV": -30.0,
        "glu_release_slope_mV": 4.0,
        # release follows sustained depolarisation (V over 50 ms), not single spikes, whose
        # transmitter the synaptic background stands for
        "tau_release_V_ms": 50.0,
        "glu_pool_uM": 15000.0,
        "tau_glu_refill_ms": 60000.0,
        # - NMDA receptors over the whole dendritic tree: 5.5× the soma-near permeability the
        #   single-cell preparation sees in whole-cell recordings (space clamp; chosen, with the
        #   above, for the plateau of -20...0 mV seen in SD, against KCC2, which takes K+ and Cl-
        #   up when K_o is high)
        "P_nmda_max_cm_s": 1.2e-6,
        # - slow inactivation over ~1 s of depolarisation of Nav (Fleidervish, Friedman & Gutnick
        #   1996 J Physiol 493:83) and of the Kv2.1 delayed rectifier (Klemic 1998 Biophys J 74:1779):
        #   without them a depolarised neuron's window Na+ current holds it depolarised for good
        "tau_nav_slow_ms": 1000.0,
        "nav_slow_V_half_mV": -52.0,
        "nav_slow_slope_mV": 5.0,
        "tau_kd_slow_ms": 1000.0,
        "kd_slow_V_half_mV": -52.0,
        "kd_slow_slope_mV": 5.0,
        # GLT-1 at ~8500 per µm³ of tissue (Lehre & Danbolt 1998 J Neurosci 18:8751) cycling ~30/s
        # clear ~2 mM/s of ECS glutamate; the astrocyte preparation's whole-cell figure sees only
        # the clamped part of a cell's processes
        "eaat_astro_uA": 9.4,
        "tau_puff_ms": 1000.0,    # a pressure puff exchanges the ECS under the pipette over ~1 s
        "glia_max_mM_per_ms": 0.0,  # the astrocytes are explicit here
    },
    initial={**MAMMALIAN_START},
    control_defaults={"patch_mm": 1.5},
)
SLICE_START = {  # a unit's state before settling (kernel.UNIT_NAMES); the ECS and O2 come from the bath
    **{name: MAMMALIAN_START[name] for name in ("V_mV", "m", "h", "s", "n", "q", "p", "Na_i_mM", "K_i_mM",
                                               "Cl_i_mM", "ATP_mM")},
    "V_slow_mV": MAMMALIAN_START["V_mV"],
    "astro_V_mV": -85.0, "astro_Na_mM": 12.0, "astro_K_mM": 130.0, "astro_Cl_mM": 37.0, "astro_ATP_mM": 2.5,
}

PREPARATIONS = {prep.name: prep for prep in (NEURON, IMMATURE_NEURON, ASTROCYTE, NODE, INTERNODE, SQUID_AXON,
                                             SLICE)}
