"""What keeps the kernels fast, checked in their compiled code (speed itself is measured by bench/,
not by timed tests): no reference counting inside the kernels' loops.

Numba counts the references to an array handed to an inlined function; where the array's last use
in it sits inside a branch, the counts survive optimisation as two atomic operations on every pass
(the neuron's step paid 13 % for them). The rule the kernel keeps: engine/kernel.py, INLINED STAGES."""
import re

import numba
import numpy as np
import pytest

from engine import kernel
from engine.cell import Cell
from engine.preparations import PREPARATIONS
from engine.slice import Slice

pytestmark = pytest.mark.slow  # each kernel compiles afresh, without the cache: 20-40 s


def fresh(dispatcher):
    """The same function with the same options, compiled anew: Numba keeps no IR of cached code."""
    options = {k: v for k, v in dispatcher.targetoptions.items() if k not in ("cache", "nopython")}
    return numba.njit(**options)(dispatcher.py_func)


def function_blocks(ir, name):
    """{label: text} of the basic blocks of the compiled function ``name`` in LLVM IR ``ir``."""
    define = re.search(r"^define [^\n]*@_ZN\w*?6kernel\d+" + name + r"B[^\n]*\{$", ir, re.M)
    body = ir[define.end():ir.index("\n}\n", define.end())].strip("\n")
    blocks = {}
    for text in re.split(r"\n(?=[-\w.$]+:)", body):
        label = text.split(":", 1)[0] if re.match(r"[-\w.$]+:", text) else "entry"
        blocks[label] = text
    return blocks


def blocks_in_loops(blocks):
    """The labels of the blocks on a cycle of the control-flow graph (Tarjan's strongly connected
    components: those of more than one block, or of one that branches to itself)."""
    successors = {label: re.findall(r"label %([-\w.$]+)", text) for label, text in blocks.items()}
    order, low, stack, on_stack, looped = {}, {}, [], set(), set()

    def visit(v):
        order[v] = low[v] = len(order)
        stack.append(v)
        on_stack.add(v)
        for w in successors[v]:
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            component = []
            while not component or component[-1] != v:
                component.append(stack.pop())
                on_stack.discard(component[-1])
            if len(component) > 1 or v in successors[v]:
                looped.update(component)

    for label in blocks:
        if label not in order:
            visit(label)
    return looped


def counts_in_loops(dispatcher, name):
    """{block: [NRT_incref/decref calls]} for the blocks inside loops of compiled ``name``."""
    blocks = function_blocks(dispatcher.inspect_llvm(dispatcher.signatures[0]), name)
    in_loops = blocks_in_loops(blocks)
    assert len(in_loops) > 10, "the loops were not found: has the IR's form changed?"
    return {label: re.findall(r"@NRT_\w+", blocks[label]) for label in in_loops if "@NRT_" in blocks[label]}


def test_the_cell_kernel_counts_no_reference_in_its_loops():
    advance = fresh(kernel.advance)
    cell = Cell(PREPARATIONS["neuron"])
    out = np.zeros((3, len(kernel.OUTPUT_NAMES)))
    advance(cell.y, cell.p, *kernel.new_tables(), 10, 5, out, 0)
    assert counts_in_loops(advance, "advance") == {}


def test_the_slice_units_step_counts_no_reference_in_its_loops():
    step_units = fresh(kernel._step_units)
    s = Slice(PREPARATIONS["slice"], n_units=4)
    p_u = s.p.copy()
    p_u[kernel.P.dt_ms] = p_u[kernel.P.unit_dt_ms]
    step_units(s.u, s.puff_state, p_u, kernel.new_tables()[0], s.y, kernel.new_slice_workspace(4))
    assert counts_in_loops(step_units, "_step_units") == {}
