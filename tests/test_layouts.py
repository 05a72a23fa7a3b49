"""The kernel's layouts: every index derives from one declaration, and the blocks the kernel loads
and stores whole (a cell, an ECS, held slow terms, books, a cell's parameters) sit where their
declaration says, in the order of the values the kernel carries them in. A swap here would mis-wire
the physics silently, so it is checked name by name."""
import pytest

from engine import kernel as k

LAYOUTS = {"state": k.STATE, "params": k.PARAMS, "outputs": k.OUTPUT, "units": k.UNIT, "puff": k.PUFF,
           "work": k.WORK, "tables": k.TABLE, "cell": k.CELL, "cell params": k.CELL_P, "ECS": k.ECS,
           "cell slow terms": k.CELL_SLOW, "exchange": k.EXCHANGE}


@pytest.mark.parametrize("name", LAYOUTS)
def test_every_index_is_its_name_s_place_in_the_declaration(name):
    index = LAYOUTS[name]
    declared = index.fields_declared
    assert len(set(index._fields)) == len(index._fields), "a name declared twice"
    for position, (field, unit, meaning) in enumerate(declared):
        assert index[field] == getattr(index, field) == position
        assert unit and meaning, f"{field} needs a unit and a meaning"


# (the values' type the kernel carries a block in, the layout that declares the block, where it starts)
BLOCKS = [
    (k.CellState, k.STATE, "V_mV"), (k.CellState, k.STATE, "nb_V_mV"), (k.CellState, k.UNIT, "V_mV"),
    (k.Ecs, k.STATE, "Na_o_mM"), (k.Ecs, k.STATE, "Na_t_mM"), (k.Ecs, k.STATE, "Na_b_mM"), (k.Ecs, k.UNIT, "Na_o_mM"),
    (k.CellSlow, k.STATE, "held_E_Na_mV"), (k.CellSlow, k.STATE, "held_nb_E_Na_mV"),
    (k.Exchange, k.STATE, "held_shell_Na_mM"), (k.Books, k.STATE, "Na_to_tissue_mmol"),
    (k.CellParams, k.PARAMS, "area_cm2"), (k.CellParams, k.PARAMS, "tissue_area_cm2"),
]


@pytest.mark.parametrize("values, index, first", BLOCKS, ids=[f"{v.__name__}@{f}" for v, _, f in BLOCKS])
def test_each_block_the_kernel_loads_whole_sits_in_its_declared_order(values, index, first):
    start = index[first]
    prefix = first[:len(first) - len(values._fields[0])] if first.endswith(values._fields[0]) else None
    for offset, field in enumerate(values._fields):
        if prefix is not None and values is not k.Ecs:
            assert index[prefix + field] == start + offset, f"{prefix + field} is not where {values.__name__} puts it"
        else:  # an ECS: Na, K, Cl in that order, named by compartment
            ion = field.split("_")[0]
            assert index._fields[start + offset].startswith(ion + "_"), f"{index._fields[start + offset]} is not {ion}"


def test_the_value_types_carry_their_layouts_names():
    assert k.CellState._fields == k.CELL._fields
    assert k.CellParams._fields == k.CELL_P._fields
    assert k.CellSlow._fields == k.CELL_SLOW._fields
    assert k.Exchange._fields == k.EXCHANGE._fields
    assert k.Ecs._fields == k.ECS._fields
    assert k.Books._fields == k.STATE._fields[k.STATE.Na_to_tissue_mmol:]


def test_derived_tables_name_what_they_join():
    for state, control in k.PERFUSED:  # each chamber state follows the control of the same solute
        assert state in k.STATE._fields and control in k.PARAMS._fields
        assert state == control or control == f"bath_{state.split('_')[0]}_mM"
    assert k.PERFUSED_INDEX == tuple((k.STATE[s], k.PARAMS[c]) for s, c in k.PERFUSED)
    for column, unit_column, book in k.PUFF_TARGETS:
        solute = k.PUFF._fields[column].split("_")[0]
        assert k.UNIT._fields[unit_column].startswith(solute[:3])
        assert book == -1 or k.UNIT._fields[book] == f"{solute}_to_bath_mmol"
    assert k.SCAN_COLUMNS == tuple(k.UNIT[name] for name in k.SCAN_NAMES)
    assert k.TABLE_KEY == tuple(sorted(set(k.TABLE_KEY), key=k.TABLE_KEY.index))  # no parameter twice
    assert k.TABLE_ROWS == round((k.TABLE_V_MAX_mV - k.TABLE_V_MIN_mV) * k.TABLE_ROWS_PER_mV) + 1


def test_the_patched_cell_and_the_tissue_have_the_same_parameters_each():
    for name in k.CELL_P._fields:
        assert k.PARAMS[k.TISSUE_PREFIX + name] == k.PARAMS.tissue_area_cm2 + k.CELL_P[name]
