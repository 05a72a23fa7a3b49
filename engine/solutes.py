"""The solutes of the chamber and the cells, each declared once: ``SOLUTES``.

A row says what a solute is, its unit and charge, its default concentration in each compartment
the model has it in (cytosol, bath), whether the bath can change it (perfused), the range of its
control, and whether the pipette and the slice's puff pipette carry it. Everything else is derived
from the rows by the functions below, each a pure function of a table, so that a copy of the table
with one more row shows what a new solute would bring (``tests/test_solutes.py``):
- the kernel's layouts (``engine/kernel.py``): the ions it tracks (``ions``: cytosol, ECS, tissue,
  bath), the chamber's drugs (``drug_fields``), the controls (``control_fields``), fixed
  concentrations (``fixed_fields``), the pipette's (``pipette_fields``) and which chamber state
  follows which control (``perfused``);
- the preparations' starting cytosol and fixed concentrations (``engine/preparations.py``);
- the registry's controls (``rig/controls.py``), the puff's solutes (``rig/puff.py``) and the
  chamber meters (``chamber``).

Names follow one rule (they are public: CLI, scenarios, presets, CSV headers), with the unit's
suffix (``µM`` is written ``uM``):
- an ion the cells hold and the bath can change (tracked in every compartment): chamber state
  ``K_b_mM`` (the bath at the slice), control ``bath_K_mM``, cytosol ``K_i_mM``;
- a solute only the chamber holds (a drug, a transmitter): state and control ``tboa_uM``;
- a solute the bath cannot change: fixed parameters ``HCO3_i_mM`` (cytosol) and ``HCO3_o_mM`` (ECS);
- in a puff: ``K_mM``, ``glutamate_uM``; in the pipette: ``pipette_K_mM``.

Charge ``z`` is the net charge at pH 7.4. The kernel carries only the tracked ions' charge: the
drugs' µM beside the ions' mM move no potential, and what the glutamate transporters carry is in
their own stoichiometry. Numbers only: nothing here imports the kernel, ``rig`` or Qt.
"""
import hashlib
from dataclasses import dataclass

UNIT_SUFFIX = {"mM": "mM", "µM": "uM", "nM": "nM"}  # names are ASCII
BATH, CYTOSOL, ECS = "b", "i", "o"  # compartment letters in state and parameter names


@dataclass(frozen=True)
class Solute:
    name: str               # what its names are made of: "K", "tboa"
    meaning: str            # what it is: an ion's formula with its charge ("Mg2+"), a drug's name
    unit: str               # "mM", "µM", "nM": of every concentration in the row
    z: int                  # net charge at pH 7.4
    bath: float             # default in the perfusion solution (aCSF); the ECS starts equilibrated with it
    cytosol: float | None = None  # default in a mammalian cytosol (preparations may differ); None: not in cells
    perfused: bool = True   # the bath can change it: a control, and a chamber state that follows it
    lo: float = 0.0         # its control's range
    hi: float | None = None
    pipette: bool = False   # a perforated patch's pipette holds it, at the cytosol's concentration
    puffed: bool = False    # the slice's puff pipette can carry it
    help: str = ""          # its control's help: what it does
    source: str = ""        # where the effect's numbers come from


SOLUTES = (
    # the ions every cell and compartment tracks, in the order of the kernel's ECS block
    Solute("Na", "Na+", "mM", +1, bath=152.0, cytosol=10.0, lo=1.0, hi=500.0, pipette=True, puffed=True,
           help="Na+ in the perfusion solution (aCSF: 152 mM; sea water for squid ~400)."),
    Solute("K", "K+", "mM", +1, bath=3.0, cytosol=140.0, lo=0.5, hi=150.0, pipette=True, puffed=True,
           help="K+ in the perfusion solution. Raising it depolarises cells (E_K moves up).",
           source="aCSF 2.5-3 mM; Nernst/GHK (Hodgkin & Katz 1949)"),
    # gramicidin pores pass monovalent cations, not Cl-: the perforated patch leaves Cl_i alone
    # (Kyrozis & Reichling 1995 J Neurosci Methods 57:27)
    Solute("Cl", "Cl-", "mM", -1, bath=134.0, cytosol=5.0, lo=5.0, hi=600.0, puffed=True,
           help="Cl- in the perfusion solution (aCSF: 134 mM; sea water for squid ~460)."),
    # fixed: pHi 7.2 / pHo 7.4 in 5 % CO2 (Kaila & Voipio 1987 Nature); aCSF 26 mM NaHCO3
    Solute("HCO3", "HCO3-", "mM", -1, bath=26.0, cytosol=16.0, perfused=False),
    Solute("Mg", "Mg2+", "mM", +2, bath=1.3, perfused=False),  # aCSF; NMDA receptors' block
    # the chamber's drugs and transmitters, in the order the Drugs panel shows them
    Solute("gaba", "GABA", "µM", 0, bath=0.0, hi=1000.0, puffed=True,
           help="GABA in the bath: opens GABA_A (Cl-/HCO3-) channels. Effect set by V - E_Cl.",
           source="EC50 10 µM, Hill 1.5 (Mortensen 2010); P_HCO3/P_Cl (Bormann 1987)"),
    Solute("retigabine", "retigabine (a KCNQ opener)", "µM", 0, bath=0.0, hi=100.0,
           help="Retigabine (Kv7/KCNQ opener): shifts M-current activation up to 30 mV negative "
                "(EC50 ≈ 2 µM).", source="Main 2000 Mol Pharmacol; Tatulian 2001 J Neurosci"),
    Solute("glutamate", "glutamate", "µM", -1, bath=0.0, hi=10000.0, puffed=True,
           help="Glutamate in the bath: opens NMDA receptors on neurons (Mg2+-blocked near rest) and is "
                "taken up by astrocytes' transporters (EAAT: 3 Na+ and 1 H+ in, 1 K+ out: an inward current).",
           source="NMDA EC50 2.3 µM (Patneau & Mayer 1990); EAAT K_m 18 µM (Arriza 1994)"),
    Solute("tboa", "DL-TBOA (blocks glutamate transporters)", "µM", -1, bath=0.0, hi=500.0,
           help="DL-TBOA: blocks the glutamate transporters (IC50 ≈ 6 µM).",
           source="Shimamoto 1998 Mol Pharmacol 53:195"),
    Solute("kynurenic_acid", "kynurenic acid", "µM", -1, bath=0.0, hi=1000.0,
           help="Kynurenic acid (a gut–brain tryptophan metabolite): blocks NMDA receptors at their glycine "
                "site (IC50 ≈ 15 µM) and AMPA receptors weakly.",
           source="Stone 1993 Pharmacol Rev 45:309; Hilmas 2001 J Neurosci 21:7463"),
    Solute("quinolinic_acid", "quinolinic acid", "µM", -2, bath=0.0, hi=5000.0,
           help="Quinolinic acid (a tryptophan metabolite): a weak NMDA-receptor agonist (EC50 0.3–2 mM).",
           source="Stone & Perkins 1981 Eur J Pharmacol 72:411; Stone 1993 Pharmacol Rev"),
    Solute("ttx", "tetrodotoxin", "nM", +1, bath=0.0, hi=1000.0,
           help="Tetrodotoxin: blocks voltage-gated Na+ channels (IC50 ≈ 5 nM); no spikes.",
           source="TTX-sensitive Nav IC50 1-10 nM (Catterall 2005 Pharmacol Rev)"),
)


# ---- what a row is ----------------------------------------------------------------------------
def tracked(solute):
    """An ion the cells hold and the bath changes: state in the cytosol and every ECS compartment."""
    return solute.perfused and solute.cytosol is not None


def concentration_name(solute, compartment=""):
    """``K_b_mM``, ``HCO3_i_mM``, ``tboa_uM``: the solute in a compartment, with its unit."""
    return "_".join(filter(None, (solute.name, compartment, UNIT_SUFFIX[solute.unit])))


def state_name(solute):
    """The chamber's state that follows the control (None for a fixed solute)."""
    if not solute.perfused:
        return None
    return concentration_name(solute, BATH if tracked(solute) else "")


def control_name(solute):
    """The registry's control (None for a fixed solute): ``bath_K_mM``, ``tboa_uM``."""
    if not solute.perfused:
        return None
    return ("bath_" if tracked(solute) else "") + concentration_name(solute)


def puff_keyword(solute):
    """``Session.puff``'s keyword: ``K_mM``, ``glutamate_uM``."""
    return concentration_name(solute)


# ---- what a table gives ------------------------------------------------------------------------
def ions(table):
    """The tracked ions' names, in the order of every compartment's block (the kernel's ECS)."""
    for s in table:
        if tracked(s) and s.unit != "mM":
            raise ValueError(f"{s.name}: a tracked ion is in mM (the kernel's unit)")
    return tuple(s.name for s in table if tracked(s))


def cytosol_fields(table):
    """A cell's cytosolic ions, (name, unit, meaning) rows: ``K_i_mM``."""
    return tuple((concentration_name(s, CYTOSOL), s.unit, f"cytosolic {s.meaning}") for s in table if tracked(s))


def ecs_fields(table):
    """An ECS compartment's ions: ``K_mM`` (the kernel prefixes the compartment)."""
    return tuple((concentration_name(s), s.unit, s.meaning) for s in table if tracked(s))


def drug_fields(table):
    """The chamber's drugs and transmitters as state: ``tboa_uM``."""
    return tuple((state_name(s), s.unit, f"{s.meaning} in the chamber")
                 for s in table if s.perfused and not tracked(s))


def control_fields(table):
    """The kernel's parameters the solutes' controls set, named as the registry names them."""
    return tuple((control_name(s), s.unit, "control") for s in table if s.perfused)


def fixed_fields(table):
    """Concentrations the bath cannot change, as parameters: ``HCO3_i_mM``, ``Mg_o_mM``."""
    return tuple((name, s.unit, f"{where} {s.meaning}") for s in table if not s.perfused
                 for name, where, value in _fixed(s))


def fixed_params(table):
    """Those parameters' values: {``HCO3_o_mM``: 26.0, ...}."""
    return {name: value for s in table if not s.perfused for name, _, value in _fixed(s)}


def _fixed(solute):
    """(name, where, value) of a fixed solute's concentration in each compartment it is in."""
    inside = () if solute.cytosol is None else ((concentration_name(solute, CYTOSOL), "cytosolic", solute.cytosol),)
    return inside + ((concentration_name(solute, ECS), "extracellular", solute.bath),)


def pipette_fields(table):
    """The pipette's solution: ``pipette_K_mM`` (0 until a cell is patched)."""
    return tuple((f"pipette_{concentration_name(s)}", s.unit, f"pipette {s.meaning} (0: not patched)")
                 for s in table if s.pipette)


def perfused(table):
    """(chamber state, control) of each perfused solute: the state follows the control with the
    perfusion's wash-in."""
    return tuple((state_name(s), control_name(s)) for s in table if s.perfused)


def chamber(table):
    """{control: chamber state}: what the chamber holds now, per control (the rig's meters)."""
    return {control: state for state, control in perfused(table)}


def cytosol_start(table):
    """{``K_i_mM``: 140.0, ...}: a mammalian cell's cytosol before it settles."""
    return {concentration_name(s, CYTOSOL): s.cytosol for s in table if tracked(s)}


def puff_keywords(table):
    """{puff keyword: its solute's control}: a puff can hold what the bath can, in its range."""
    for s in table:
        if s.puffed and not s.perfused:
            raise ValueError(f"{s.name}: a puffed solute needs a control for its range")
    return {puff_keyword(s): control_name(s) for s in table if s.puffed}


def layout_stamp(table):
    """A digest of the names, in order, that the kernel's layouts take from ``table``: the kernel
    says which it was compiled against (``engine.kernel.SOLUTES_STAMP``)."""
    fields = (cytosol_fields(table), ecs_fields(table), drug_fields(table), control_fields(table),
              fixed_fields(table), pipette_fields(table))
    taken = (ions(table), perfused(table), tuple(puff_keywords(table)),
             tuple(name for block in fields for name, _, _ in block))
    return hashlib.sha256(repr(taken).encode("utf-8")).hexdigest()[:16]
