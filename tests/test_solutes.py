"""The solutes, declared once (``engine/solutes.py``): every list the kernel, the preparations and
the rig keep of them is the table's, under the names users already type (CLI, scenarios, presets,
CSV headers); perfusion washes each one in; and a copy of the table with one more row shows what a
new solute brings, without compiling a kernel."""
import dataclasses
import math

import pytest

from engine import kernel, solutes
from engine.preparations import COMMON_PARAMS, MAMMALIAN_START, PREPARATIONS
from engine.solutes import SOLUTES, Solute
from rig import Session, puff
from rig.controls import CONTROLS, solute_controls

PERFUSED_SOLUTES = [s for s in SOLUTES if s.perfused]
# public names: a change here breaks users' scenarios, presets, scripts and CSV readers
PUBLIC = {"bath_Na_mM": "Na_b_mM", "bath_K_mM": "K_b_mM", "bath_Cl_mM": "Cl_b_mM", "gaba_uM": "gaba_uM",
          "retigabine_uM": "retigabine_uM", "glutamate_uM": "glutamate_uM", "tboa_uM": "tboa_uM",
          "kynurenic_acid_uM": "kynurenic_acid_uM", "quinolinic_acid_uM": "quinolinic_acid_uM", "ttx_nM": "ttx_nM"}


def block(index, names):
    """``names`` as they sit in layout ``index``: one contiguous block, in the table's order."""
    start = index[names[0]]
    return index._fields[start:start + len(names)]


def test_the_public_names_are_kept():
    assert solutes.chamber(SOLUTES) == PUBLIC
    assert {s.name: solutes.control_name(s) for s in SOLUTES if not s.perfused} == {"HCO3": None, "Mg": None}
    assert list(puff.SOLUTES) == ["K_mM", "Na_mM", "Cl_mM", "gaba_uM", "glutamate_uM"]


def test_the_kernel_s_lists_are_the_table_s():
    assert kernel.IONS == solutes.ions(SOLUTES) == ("Na", "K", "Cl")  # every ECS block's order (test_layouts)
    assert kernel.PERFUSED == solutes.perfused(SOLUTES)
    assert kernel.PERFUSED_INDEX == tuple((kernel.STATE[s], kernel.PARAMS[c]) for s, c in kernel.PERFUSED)
    assert kernel.DRUG_FIELDS == solutes.drug_fields(SOLUTES)
    assert kernel.ECS_FIELDS == solutes.ecs_fields(SOLUTES)
    assert kernel.SOLUTES_STAMP == solutes.layout_stamp(SOLUTES)
    # each block of rows the table gives sits whole, in the table's order, with its units
    for index, fields in ((kernel.CELL, solutes.cytosol_fields(SOLUTES)), (kernel.STATE, kernel.DRUG_FIELDS),
                          (kernel.PARAMS, solutes.control_fields(SOLUTES)),
                          (kernel.PARAMS, solutes.fixed_fields(SOLUTES)),
                          (kernel.PARAMS, solutes.pipette_fields(SOLUTES))):
        names = tuple(name for name, _, _ in fields)
        assert block(index, names) == names
        declared = {name: unit for name, unit, _ in index.fields_declared}
        assert all(declared[name] == unit for name, unit, _ in fields)
    for letter in ("o", "t", "b"):  # the shell, the tissue, the bath at the slice: the tracked ions each
        names = tuple(f"{ion}_{letter}_mM" for ion in kernel.IONS)
        assert block(kernel.STATE, names) == names
    assert set(kernel.PUFF_SOLUTES) == set(solutes.puff_keywords(SOLUTES))


@pytest.mark.parametrize("solute", PERFUSED_SOLUTES, ids=lambda s: s.name)
def test_each_perfused_solute_has_its_control_as_the_table_declares(solute):
    control = CONTROLS[solutes.control_name(solute)]
    assert (control.unit, control.lo, control.hi, control.default) == (solute.unit, solute.lo, solute.hi, solute.bath)
    assert control.help == solute.help and control.source == solute.source and control.help
    assert control.group == ("Perfusion" if solutes.tracked(solute) else "Drugs")
    assert solute.lo <= solute.bath <= solute.hi


def test_the_registry_lists_each_solute_once_in_its_panel_s_order():
    names = [n for n in CONTROLS if n in PUBLIC]
    assert names == ["bath_K_mM", "bath_Na_mM", "bath_Cl_mM", "gaba_uM", "retigabine_uM", "glutamate_uM",
                     "tboa_uM", "kynurenic_acid_uM", "quinolinic_acid_uM", "ttx_nM"]
    assert list(CONTROLS).index("perfusion_tau_s") == 3  # after the solution's ions, before the drugs


def test_the_preparations_start_from_the_table():
    for name, value in solutes.cytosol_start(SOLUTES).items():
        assert MAMMALIAN_START[name] == value
    for name, value in solutes.fixed_params(SOLUTES).items():
        assert COMMON_PARAMS[name] == value
        assert all(prep.parameter_vector()[kernel.P[name]] == value for prep in PREPARATIONS.values())
    assert solutes.fixed_params(SOLUTES) == {"HCO3_i_mM": 16.0, "HCO3_o_mM": 26.0, "Mg_o_mM": 1.3}


@pytest.mark.parametrize("solute", [s for s in SOLUTES if not s.perfused or solutes.tracked(s)], ids=lambda s: s.name)
def test_an_ion_s_formula_carries_its_charge(solute):
    sign = solute.meaning[-1]
    assert sign == ("+" if solute.z > 0 else "-")
    assert solute.meaning[:-1].endswith(str(abs(solute.z))) == (abs(solute.z) > 1)


@pytest.mark.parametrize("solute", PERFUSED_SOLUTES, ids=lambda s: s.name)
def test_perfusion_washes_each_solute_in(solute):
    """The chamber follows a new solution with the perfusion's wash-in: 63 % after one tau."""
    name = solutes.control_name(solute)
    start = solute.bath
    target = min(start * 1.2, solute.hi) if start > 0.0 else solute.hi / 10.0
    s = Session(preparation="astrocyte", sample_rate_hz=100, keep_trace=False, perfusion_tau_s=1.0)
    assert s.readout()[f"chamber_{name}"] == pytest.approx(start)
    s.set(**{name: target})
    s.run(1.0)
    washed = (s.readout()[f"chamber_{name}"] - start) / (target - start)
    assert washed == pytest.approx(1.0 - math.exp(-1.0), abs=1e-3)


# ---- a new solute: a worked example on a copy of the table ---------------------------------------
# tetramethylammonium, the inert cation that ECS diffusion is measured with (Nicholson & Phillips
# 1981 J Physiol 321:225): a row here stands for the one a newcomer adds to SOLUTES
TRACER = Solute("TMA", "tetramethylammonium (an inert ECS tracer)", "mM", +1, bath=0.0, hi=10.0, puffed=True,
                help="Tetramethylammonium: stays outside cells; its spread measures the ECS.",
                source="Nicholson & Phillips 1981 J Physiol 321:225")


def test_adding_a_solute_to_the_table_brings_its_state_control_meter_and_puff():
    table = SOLUTES + (TRACER,)
    assert solutes.perfused(table) == solutes.perfused(SOLUTES) + (("TMA_mM", "TMA_mM"),)
    assert solutes.drug_fields(table) == kernel.DRUG_FIELDS + (
        ("TMA_mM", "mM", "tetramethylammonium (an inert ECS tracer) in the chamber"),)
    assert solutes.control_fields(table)[-1] == ("TMA_mM", "mM", "control")
    assert solutes.chamber(table) == {**PUBLIC, "TMA_mM": "TMA_mM"}
    assert solutes.puff_keywords(table)["TMA_mM"] == "TMA_mM"
    # the registry's control: the row's unit, range, default and help, on the Drugs panel
    tracer = solute_controls(table, "Drugs")[-1]
    assert (tracer.name, tracer.unit, tracer.lo, tracer.hi, tracer.default, tracer.group) == (
        "TMA_mM", "mM", 0.0, 10.0, 0.0, "Drugs")
    assert solute_controls(table, "Perfusion") == solute_controls(SOLUTES, "Perfusion")
    # what the cells hold is unchanged: a chamber-only solute adds no ion to any compartment
    assert solutes.ions(table) == kernel.IONS and solutes.cytosol_start(table) == solutes.cytosol_start(SOLUTES)
    # the kernel's layouts move: its import asks for the new stamp (and so recompiles)
    assert solutes.layout_stamp(table) != kernel.SOLUTES_STAMP


def test_a_tracked_ion_adds_a_row_to_every_compartment():
    """Cs+, were the cells and the bath to carry it: a cytosol, every ECS block, a bath control."""
    cs = Solute("Cs", "Cs+", "mM", +1, bath=0.0, cytosol=0.0, hi=150.0, pipette=True)
    table = SOLUTES[:3] + (cs,) + SOLUTES[3:]
    assert solutes.ions(table) == ("Na", "K", "Cl", "Cs")
    assert solutes.cytosol_fields(table)[-1] == ("Cs_i_mM", "mM", "cytosolic Cs+")
    assert solutes.ecs_fields(table)[-1] == ("Cs_mM", "mM", "Cs+")
    assert ("Cs_b_mM", "bath_Cs_mM") in solutes.perfused(table)
    assert solutes.pipette_fields(table)[-1] == ("pipette_Cs_mM", "mM", "pipette Cs+ (0: not patched)")
    assert [c.name for c in solute_controls(table, "Perfusion")] == ["bath_K_mM", "bath_Na_mM", "bath_Cl_mM",
                                                                     "bath_Cs_mM"]


def test_the_stamp_follows_names_not_numbers():
    """Defaults, ranges and help are read at run time: changing them needs no new kernel."""
    changed = tuple(dataclasses.replace(s, bath=s.bath + 1.0, hi=(s.hi or 0.0) * 2, help="x") for s in SOLUTES)
    assert solutes.layout_stamp(changed) == kernel.SOLUTES_STAMP
    renamed = (dataclasses.replace(SOLUTES[0], name="Li"),) + SOLUTES[1:]
    assert solutes.layout_stamp(renamed) != kernel.SOLUTES_STAMP


@pytest.mark.parametrize("row, problem", [
    (Solute("Ca", "Ca2+", "µM", +2, bath=2.0, cytosol=0.1, hi=10.0), "a tracked ion is in mM"),
    (Solute("dye", "a dye", "µM", 0, bath=0.0, perfused=False, puffed=True), "a puffed solute needs a control"),
])
def test_a_row_the_model_cannot_take_is_refused(row, problem):
    with pytest.raises(ValueError, match=problem):
        for derive in (solutes.ions, solutes.puff_keywords):
            derive(SOLUTES + (row,))
