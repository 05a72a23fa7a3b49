"""The one registry of user controls: name (with unit), range, default, help.

Everything that lets a user change the experiment reads this table: ``Session.set`` validates
against it, the CLI builds its help from it, the CSV export names its control columns after it, and
the window's panels are generated from it. Never list a control anywhere else.
The solutes' controls are made from their table (``engine.solutes``): one per perfused solute, with
its unit, range, default and help.
A preparation may override a default (``engine.preparations``); ranges are the same for all.
"""
import difflib
import math
import re
import reprlib
from dataclasses import dataclass

import numpy as np

from engine import solutes
from engine.kernel import P
from engine.preparations import PREPARATIONS

from .textformat import value_text


# what counts as a number: Python's and numpy's integers and floats, but not bool (an int to
# Python, and float(True) is 1.0: a typo, not a concentration)
NUMBER_TYPES = (int, float, np.integer, np.floating)
WHOLE_TYPES = (int, np.integer)
# a number as a user types it on the command line: Python's notation, nothing looser (never "4,4",
# "nan", "inf" or "1_000")
TYPED_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
TYPED_WHOLE = re.compile(r"[+-]?[0-9]+")


def as_number(value, typed=False, whole=False):
    """``value`` as a finite Python float (an int if ``whole``), or None if it is not one: the one
    rule for every number that comes in (Session, the CLI, scenarios, presets, the window).

    Numbers are int, float and numpy's integer and floating scalars; bool (numpy's too), None,
    NaN, the infinities and anything else are not. Text is a number only where it is what a user
    typed (``typed``: the command line), and only when it is exactly one (``TYPED_NUMBER``); the
    Session, scenarios and presets take numbers, never text. ``whole``: integers only (a seed, a
    count); 2.0 is not one.
    """
    if typed and isinstance(value, str):
        text = value.strip()
        pattern, kind = (TYPED_WHOLE, int) if whole else (TYPED_NUMBER, float)
        value = kind(text) if pattern.fullmatch(text) else None
    if isinstance(value, bool) or not isinstance(value, WHOLE_TYPES if whole else NUMBER_TYPES):
        return None
    if whole:
        return int(value)
    try:
        number = float(value)
    except OverflowError:  # an int beyond any float
        return None
    return number if math.isfinite(number) else None


def describe_range(lo, hi, unit=""):
    """'0.5–150 mM', '0 s or more', 'any number'."""
    def amount(x):
        return f"{x:g} {unit}".rstrip()
    if lo > -math.inf and hi < math.inf:
        return f"{lo:g}–{amount(hi)}"
    if lo > -math.inf:
        return f"{amount(lo)} or more"
    if hi < math.inf:
        return f"{amount(hi)} or less"
    return f"any number ({unit})" if unit else "any number"


def checked_number(what, value, lo=-math.inf, hi=math.inf, unit="", typed=False):
    """``value`` as a float within ``lo``–``hi`` (the ``as_number`` rule), or ValueError naming
    ``what``, the value as given (shortened if long) and the valid range."""
    valid = describe_range(lo, hi, unit)
    number = as_number(value, typed)
    if number is None:
        raise ValueError(f"{what} = {reprlib.repr(value)} is not a number (valid range {valid})")
    if not lo <= number <= hi:
        raise ValueError(f"{what} = {reprlib.repr(value)} is out of range: valid {valid}")
    return number


@dataclass(frozen=True)
class Control:
    name: str            # carries its unit: bath_K_mM, hold_pA
    unit: str            # for labels: "mM", "pA", "" for ratios
    lo: float
    hi: float
    default: object
    help: str
    group: str           # the piece of rig it belongs to: the panel it sits on
    choices: tuple = ()  # non-empty for a choice control (values are strings)
    fixed: bool = False  # a property of the preparation: chosen when the Session is made
    source: str = ""     # where the effect's numbers come from (details in engine/preparations.py)
    only_in: tuple = ()  # the preparations it belongs to, if not all (the slice's own controls)
    # a cell property (a mutation) belongs only where the preparation has what it changes: this
    # engine parameter above zero
    needs: str = ""
    label: str = ""      # what a student reads on the panels and markers: "Bath K+" (the name stays for scripts)

    def words(self, value):
        """``value`` as a student reads it, with its unit: "4.4 mM", "2×", "voltage clamp"."""
        if self.is_choice:
            return CHOICE_WORDS.get(value, str(value))
        text = value_text(float(value))
        return f"{text}×" if self.unit == "×" else f"{text} {self.unit}".rstrip()

    def change_words(self, old, new):
        """A change as its marker shows it: "Bath K+ 3 → 4.4 mM", "Mode: current clamp → voltage clamp"."""
        if self.is_choice:
            return f"{self.label}: {self.words(old)} → {self.words(new)}"
        if self.unit in ("", "×"):
            return f"{self.label} {self.words(old)} → {self.words(new)}"
        return f"{self.label} {value_text(float(old))} → {self.words(new)}"

    def applies_to(self, preparation):
        if self.only_in and preparation not in self.only_in:
            return False
        return not self.needs or bool(PREPARATIONS[preparation].parameter_vector()[P[self.needs]] > 0.0)

    def owners(self):
        """The preparations it belongs to."""
        return tuple(name for name in PREPARATIONS if self.applies_to(name))

    @property
    def is_choice(self):
        return bool(self.choices)

    def describe_range(self):
        if self.is_choice:
            return "one of " + ", ".join(self.choices)
        return describe_range(self.lo, self.hi, self.unit)

    def validate(self, value, typed=False):
        """Return the value as the control stores it, or raise ValueError naming the problem.
        ``typed``: ``value`` is text a user typed (the command line), as ``as_number`` takes it."""
        if self.is_choice:
            if not isinstance(value, str) or value not in self.choices:
                raise ValueError(f"{self.name} = {reprlib.repr(value)} is not allowed: "
                                 f"choose {self.describe_range()}")
            return value
        return checked_number(self.name, value, self.lo, self.hi, self.unit, typed)

    def check_belongs(self, preparation):
        """ValueError unless this control belongs to ``preparation``, naming the ones it does."""
        if not self.applies_to(preparation):
            *others, last = self.owners()
            owners = f"{', '.join(others)} and {last} preparations" if others else f"{last} preparation"
            raise ValueError(f"{self.name} belongs to the {owners}; this is the {preparation}")

    def check_changeable(self, preparation, how_to_choose):
        """ValueError unless this control may change once a cell of ``preparation`` is patched;
        ``how_to_choose`` tells where a fixed one is chosen instead."""
        self.check_belongs(preparation)
        if self.fixed:
            raise ValueError(f"{self.name} is fixed once the cell is patched: {how_to_choose}")


CHOICE_WORDS = {"current": "current clamp", "voltage": "voltage clamp", "I=0": "I=0"}  # the clamp's modes


# the synaptic background: single neurons in their slice, and the slice's own neurons
SYNAPTIC = ("neuron", "immature_neuron", "slice")
# K+ leads the perfusion panel: the solute most experiments change
LEADS_PERFUSION = "K"


def solute_controls(table, group):
    """The controls of ``table``'s perfused solutes on panel ``group``: the bath's ions on
    "Perfusion" (``bath_K_mM``), the chamber's drugs and transmitters on "Drugs" (``tboa_uM``)."""
    rows = [s for s in table if s.perfused and (group == "Perfusion") == solutes.tracked(s)]
    rows.sort(key=lambda s: s.name != LEADS_PERFUSION)  # stable: the rest keep the table's order
    return tuple(Control(solutes.control_name(s), s.unit, s.lo, s.hi, s.bath, s.help, group, source=s.source,
                         label=solute_label(s)) for s in rows)


def solute_label(solute):
    """"Bath K+" for an ion of the bath, "Retigabine" for a drug (its meaning before any aside)."""
    name = solute.meaning.split(" (")[0]
    return f"Bath {name}" if solutes.tracked(solute) else name[:1].upper() + name[1:]


_CONTROLS = (
    # perfusion: what flows into the chamber (drugs too, on their own panel)
    *solute_controls(solutes.SOLUTES, "Perfusion"),
    Control("perfusion_tau_s", "s", 0.0, 300.0, 10.0,
            "Time constant of solution exchange at the slice; 0 = instant.", "Perfusion", label="Exchange time"),
    *solute_controls(solutes.SOLUTES, "Drugs"),
    # environment
    Control("temperature_C", "°C", 0.0, 42.0, 37.0,
            "Bath temperature: sets RT/F in every reversal potential and scales gating (Q10 3) and "
            "pumps (Q10 2).", "Environment", source="Q10 of gating ~3 (Hodgkin & Huxley 1952)", label="Temperature"),
    Control("o2_pct", "%", 0.0, 100.0, 95.0,
            "O2 in the gas bubbling the bath: 95 = carbogen, 0 = anoxia (ischaemia).", "Environment",
            source="ATP budget: Attwell & Laughlin 2001; anoxic depolarisation in slices", label="O2 in the gas"),
    # the synaptic background a neuron in a slice receives
    Control("syn_exc_Hz", "Hz", 0.0, 20000.0, 0.0,
            "Excitatory synaptic events onto the cell per second, all synapses together (AMPA + NMDA "
            "with its Mg2+ block). 0 = a silent slice.", "Synapses",
            source="Poisson background; quanta and kinetics in engine/preparations.py", only_in=SYNAPTIC,
            label="Excitatory synapses"),
    Control("syn_inh_Hz", "Hz", 0.0, 20000.0, 0.0,
            "Inhibitory synaptic events onto the cell per second: GABA_A, reversing at E_Cl (and "
            "HCO3-), so its sign follows the cell's chloride; and a slow GABA_B (K+) part.", "Synapses",
            only_in=SYNAPTIC, label="Inhibitory synapses"),
    Control("butyrate_fed", "", 0.0, 1.0, 0.0,
            "1 = tissue from an animal fed butyrate (a gut-bacterial metabolite): histone-deacetylase "
            "inhibition raises GABA synthesis: each inhibitory event releases twice the GABA (GABA_A ×2, "
            "GABA_B ×8 through spillover). "
            "Chosen with the preparation.", "Synapses", fixed=True,
            source="HDAC inhibition raises GAD67 (model-spec §9)", only_in=SYNAPTIC, label="Butyrate-fed"),
    # the slice (preparation "slice"): its astrocytes, its oxygen supply by region, where the pipette is
    Control("gap_junction_rel", "×", 0.0, 2.0, 1.0,
            "Astrocyte gap-junction coupling relative to normal; 0 = blocked (carbenoxolone, or the "
            "Cx30/Cx43 knockout). Coupled astrocytes move K+ from where it is high to where it is low.",
            "Slice", source="spatial buffering: Orkand 1966; Kofuji & Newman 2004; Wallraff 2006 J Neurosci",
            only_in=("slice",), label="Gap junctions"),
    Control("core_o2_pct", "%", 0.0, 100.0, 95.0,
            "O2 in the gas over the slice's core region (from its left end to core_mm): 0 = an "
            "ischaemic core, with the rest (the penumbra) on o2_pct.", "Slice",
            source="peri-infarct depolarisations: Dreier 2011 Nat Med; Wei, Ullah & Schiff 2014", only_in=("slice",),
            label="O2 over the core"),
    Control("core_mm", "mm", 0.0, 3.0, 0.0,
            "Width of the core region at the slice's left end (0 = no core).", "Slice", only_in=("slice",),
            label="Ischaemic core"),
    Control("patch_mm", "mm", 0.0, 3.0, 1.5,
            "Where along the slice the pipette sits; moving it patches the neuron there.", "Slice",
            only_in=("slice",), label="Pipette at"),
    # the cell's own make-up
    Control("kcc2_rel", "×", 0.0, 5.0, 1.0,
            "KCC2 (K-Cl out) expression relative to the preparation's normal.", "Cell",
            source="thermodynamic form: Doyon 2011; Düsterwald 2018 eLife", label="KCC2"),
    Control("nkcc1_rel", "×", 0.0, 5.0, 1.0,
            "NKCC1 (Na-K-2Cl in) expression relative to the preparation's normal.", "Cell",
            source="thermodynamic form: Doyon 2011; Düsterwald 2018 eLife", label="NKCC1"),
    Control("nav_shift_mV", "mV", -20.0, 20.0, 0.0,
            "Nav activation shift (GEFS+/SCN1A-type mutations: about -8 mV).", "Cell",
            source="S4 charge-loss variants shift activation 5-10 mV (Spampanato 2001 J Neurosci)", needs="gNa_mS",
            label="Nav activation shift"),
    Control("kcnq_gain", "×", 0.0, 5.0, 1.0,
            "KCNQ2/3 (M-current) conductance relative to wild type; >1 = gain of function.", "Cell",
            source="KCNQ2 gain-of-function variants (Miceli 2015 PNAS)", needs="gM_mS", label="KCNQ conductance"),
    Control("demyelination", "", 0.0, 1.0, 0.0,
            "Paranodal damage (0 intact, 1 fully exposed): adds a leak with reversal near 0 mV.", "Cell",
            source="exposed paranode (Waxman 1977 Arch Neurol; model-spec §5)", needs="P_paranodal_cm_s",
            label="Demyelination"),
    Control("kir_block", "", 0.0, 1.0, 0.0,
            "Block of astrocytic Kir4.1 (0 none, 1 full): slows K+ clearance from the ECS.", "Cell",
            source="glial K+ uptake: Cressman 2009 J Comput Neurosci", label="Kir4.1 block"),
    Control("myelin_wraps", "", 0.0, 200.0, 0.0,
            "Myelin wraps around the membrane (internode): capacitance falls and resistance rises "
            "(N+1)-fold. Chosen with the preparation, not changed during a recording.", "Cell",
            fixed=True, source="membranes in series (Hodgkin 1964; Ritchie 1984)", only_in=("internode",),
            label="Myelin wraps"),
    # amplifier
    Control("clamp", "", 0.0, 0.0, "current",
            "Amplifier mode: current clamp (inject hold_pA), voltage clamp (hold at hold_mV), "
            "or I=0 (no current).", "Amplifier", choices=("current", "voltage", "I=0"), label="Mode"),
    Control("hold_pA", "pA", -2000.0, 2000.0, 0.0,
            "Current injected in current clamp (positive depolarises).", "Amplifier", label="Holding current"),
    Control("hold_mV", "mV", -150.0, 60.0, -70.0,
            "Command potential in voltage clamp.", "Amplifier", label="Holding potential"),
    Control("rs_MOhm", "MΩ", 0.0, 100.0, 0.0,
            "Series (access) resistance of the pipette: the voltage-clamp error, and how fast the cytosol's K+ and "
            "Na+ exchange with the pipette (tau = R_s V / rho D, minutes); 0 = ideal pipette, no exchange.",
            "Amplifier", label="Series resistance"),
    Control("noise_V_mV", "mV", 0.0, 5.0, 0.0,
            "RMS recording noise on V in current clamp (a real rig: about 0.3 mV).", "Amplifier", label="V noise"),
    Control("noise_I_pA", "pA", 0.0, 50.0, 0.0,
            "RMS recording noise on I in voltage clamp (a real rig: about 3 pA).", "Amplifier", label="I noise"),
)

CONTROLS = {c.name: c for c in _CONTROLS}


NEAR = 0.6  # difflib's similarity above which a name is offered as the one meant


def lookup(name):
    """The control called ``name``, or a ValueError naming the closest few real names (by
    spelling, ignoring case, or by their start), else every control grouped by its panel."""
    try:
        return CONTROLS[name]
    except KeyError:
        pass
    typed = str(name).lower()
    score = {n: 1.0 if len(typed) > 1 and n.lower().startswith(typed)
             else difflib.SequenceMatcher(None, typed, n.lower()).ratio() for n in CONTROLS}
    best = max(score.values())
    near = sorted((n for n in CONTROLS if score[n] >= max(NEAR, best - 0.1)), key=score.get, reverse=True)[:3]
    if near:
        hint = " or ".join(", ".join(map(repr, near)).rsplit(", ", 1))
        raise ValueError(f"unknown control {name!r}. Did you mean {hint}?") from None
    groups = {}
    for c in CONTROLS.values():
        groups.setdefault(c.group, []).append(c.name)
    listing = "".join(f"\n  {group}: {', '.join(names)}" for group, names in groups.items())
    raise ValueError(f"unknown control {name!r}; the controls, by panel:{listing}") from None
