"""The code's shape, checked on its syntax trees (nothing of the project is imported, no Qt).

The issue these tests judge: "No function in ``engine/`` or ``rig/`` longer than 150 lines; no
bare numeric index into a named layout; no module reaching into another's private names; checked
by a test in the suite." Each test lists every violation as ``file:line: snippet``.

1. ``test_no_function_longer_than_150_lines``: every ``def`` (methods and nested functions too)
   in ``engine/`` and ``rig/`` spans at most 150 lines, from its ``def`` line (decorators are not
   counted) to its last line.

2. ``test_no_bare_numeric_index_into_a_layout`` (``engine/`` and ``rig/``). The model's layouts
   are the arrays whose positions have names (``engine/kernel.py``): the state vector ``y``, the
   parameter vectors ``p``/``p_u``, the gating-table key ``key``/``key_u``, the held slow terms,
   the newest sample ``last``; and the tables whose *columns* have names: the slice's units ``u``,
   its workspace ``work``, the puffs ``puff``/``puff_state``, the samples ``out``/``block``, the
   gating tables ``tab``, the linescan ``scan`` (its channel axis). An integer literal counts
   wherever it is the index or part of it: ``7``, ``-1``, or a bound of a slice (``1:``, ``:3``).
   Flagged:
   a. an integer literal indexing a layout *vector* (``VECTOR_LAYOUTS``): ``y[3]``, ``p[2:]``,
      ``cell.y[0]``, ``snap["y"][3]``. Bare names count in ``engine/`` (where ``y``, ``p``,
      ``key`` mean nothing else); attributes (``self.y``) and string keys (``snap["p"]``)
      everywhere, since there they can only be the cell's vectors;
   b. an integer literal in any dimension after the first of a multi-dimensional subscript, on
      any array whatever its name: ``work[j, 7]``, ``out[pos, 2]``, ``block[:, 1:]``. Every
      table the model has is (position × named column) (or, for the linescan, time × channel ×
      unit), so a literal there picks a column by counting. ``ALLOWED_MULTI_DIM`` lists the
      exceptions (arrays that are not a layout), each with its reason;
   c. an integer literal into a layout's *declaration* (a names tuple such as ``OUTPUT_NAMES``,
      ``LINESCAN_COLUMNS``, ``TABLE_KEY``, or an index object ``S``/``STATE``/``UNIT``...):
      ``OUTPUT_NAMES[1:]`` skips ``t_s`` by counting. A bare ``[0]`` or ``[-1]`` (the first or
      last of a declared block, e.g. ``HELD_NAMES[0]`` for where a block starts) is allowed;
   d. column constants made by counting instead of from the declared names: upper-case names
      unpacked from ``range(...)`` (``(T_MINF, T_MDEC, ...) = range(12)``, also
      ``range(len(NAMES))``); an upper-case constant assigned an integer literal and then used to
      index a layout (``PUFF_MS_LEFT = 0`` then ``puff[j, PUFF_MS_LEFT]``); and integer literals
      standing beside column constants in a tuple of column references
      (``PUFF_TARGETS = ((1, U_NAO, U_NA_BATH), ...)``).
   Not flagged: indices into ordinary sequences (``argv[0]``, ``t[-1]``, ``parts[-1]``,
   ``counts[1][0]`` of a deque of pairs), ``.shape[1]`` (a dimension number), the first
   dimension of a table (``u[0]`` is the first *unit*: positions along the slice have no names),
   indices computed from variables (``rhs[n - 1]``, ``work[j + 1, WORK.rhs]``).

3. ``test_no_module_reaches_into_another_modules_private_names`` (``engine/``, ``rig/``, ``ui/``,
   ``bench/``). Flagged:
   a. ``from X import _name`` (and ``import X._mod``) where X is a project module (relative,
      under one of the project's top-level packages, or a script's sibling file such as
      bench/'s ``from machine import ...``);
   b. ``obj._name`` (one leading underscore, not a dunder) where ``obj`` is not ``self``,
      ``cls`` or ``super()``, unless ``_name`` belongs to a class of the same file: assigned as
      ``self._name``/``cls._name`` or defined (method, class attribute) in a class body of that
      file, or inherited by such a class from its project base classes (``Slice`` may call
      ``one._run_unrecorded()`` on another ``Slice``: ``Cell`` defines it);
   c. ``getattr``/``setattr``/``hasattr``/``delattr`` with a literal ``"_name"`` on such an object.
   Allowed everywhere: the namedtuple API (``_fields``, ``_replace``, ``_asdict``, ``_make``,
   ``_field_defaults``), which is public despite its underscore (the layouts are namedtuples).
   Private names of third-party or standard-library modules (reached through a non-project
   import, or an object made from one: ``soma = h.Section()``) are allowed only as listed in
   ``THIRD_PARTY_PRIVATE`` with a reason (today: NEURON's ``seg._ref_v`` pointer syntax in
   bench/). ``to_fixed_tuple`` from ``numba.np.unsafe.ndarray`` is not private (no underscore)
   and needs no entry.
"""
import ast
import functools
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_FUNCTION_LINES = 150


# ---- reading the tree -----------------------------------------------------------------------
def _files(*packages):
    return sorted(path for package in packages for path in (ROOT / package).rglob("*.py")
                  if "__pycache__" not in path.parts)


@functools.lru_cache(maxsize=None)
def _parse(path):
    """(tree, source lines, every node) of a file; each node knows its ``parent``."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text, filename=str(path))
    tree.parent = None
    nodes = [tree]
    for node in nodes:  # grows as it goes: one walk of the whole tree
        for child in ast.iter_child_nodes(node):
            child.parent = node
            nodes.append(child)
    return tree, text.splitlines(), nodes


def _nodes(path):
    return _parse(path)[2]


def _where(path, node):
    lines = _parse(path)[1]
    line = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
    return f"{path.relative_to(ROOT)}:{node.lineno}: {line}"


def _line_order(violation):
    path, line, _ = violation.split(":", 2)
    return path, int(line), violation


def _fail_listing(title, violations):
    if violations:
        violations = sorted(violations, key=_line_order)
        pytest.fail(f"{len(violations)} {title}:\n  " + "\n  ".join(violations), pytrace=False)


# ---- 1. function length ---------------------------------------------------------------------
def _functions(tree):
    """(qualified name, node) of every function, methods and nested functions included."""
    def walk(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + child.name
                yield name, child
                yield from walk(child, name + ".")
            elif isinstance(child, ast.ClassDef):
                yield from walk(child, prefix + child.name + ".")
            else:
                yield from walk(child, prefix)
    yield from walk(tree, "")


def test_no_function_longer_than_150_lines():
    violations = []
    for path in _files("engine", "rig"):
        for name, node in _functions(_parse(path)[0]):
            length = node.end_lineno - node.lineno + 1  # lineno is the def's, after any decorator
            if length > MAX_FUNCTION_LINES:
                violations.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}: {length} lines")
    _fail_listing(f"functions longer than {MAX_FUNCTION_LINES} lines", violations)


# ---- 2. bare numeric indices into layouts ---------------------------------------------------
# the layout vectors: every position has a name (engine/kernel.py's layouts)
VECTOR_LAYOUTS = {"y", "p", "p_u", "_p_u", "key", "key_u", "held", "last"}
# vectors reached as attributes or string keys (``self.y``, ``snap["p"]``) in rig/ as well
VECTOR_ATTRIBUTES = VECTOR_LAYOUTS - {"key", "key_u", "held"}
# a layout's declaration: its names tuple, or the index object made from it
DECLARATION = re.compile(r"^[A-Z][A-Z0-9_]*_(NAMES|COLUMNS|FIELDS|KEY|TARGETS)$")
INDEX_OBJECT_FACTORIES = {"layout", "_index"}  # engine/kernel.py: X = layout("...", fields) / _index(names)
# multi-dimensional subscripts with a literal past the first dimension that are not into a
# layout: (file, enclosing function, subscript as written) -> why
ALLOWED_MULTI_DIM = {
    ("rig/export.py", "_number_blocks", "block[:, 0]"):
        "a CSV block this function builds: time in column 0, then ``names`` from column 1 "
        "(enumerate(names, 1)); not a model layout",
}


def _int_literal(node):
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return True
    return (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd))
            and _int_literal(node.operand))


def _has_int_literal(index):
    """Whether this index (one dimension of a subscript) is or contains an integer literal."""
    if isinstance(index, ast.Slice):
        return any(part is not None and _int_literal(part) for part in (index.lower, index.upper, index.step))
    return _int_literal(index)


def _dimensions(subscript):
    index = subscript.slice
    return list(index.elts) if isinstance(index, ast.Tuple) else [index]


def _target_name(node):
    """('name', kind) of what is subscripted: a bare name, an attribute, or a string key."""
    if isinstance(node, ast.Name):
        return node.id, "name"
    if isinstance(node, ast.Attribute):
        return node.attr, "attribute"
    if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)):
        return node.slice.value, "key"
    return None, None


def _enclosing_function(node):
    while node is not None and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        node = getattr(node, "parent", None)
    return node.name if node is not None else "<module>"


def _index_objects():
    """Module-level names in engine/ bound to a layout's index object: ``X = layout(...)``,
    ``X = _index(...)``, and aliases of those (``S = STATE``)."""
    found = {"S", "P", "O", "U", "STATE", "PARAMS", "OUTPUT", "UNIT", "PUFF", "WORK", "TABLE"}
    for path in _files("engine"):
        for node in _parse(path)[0].body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                continue
            value = node.value
            if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                    and value.func.id in INDEX_OBJECT_FACTORIES) or (
                    isinstance(value, ast.Name) and value.id in found):
                found.add(node.targets[0].id)
    return found


def _is_declaration(node, index_objects):
    name, kind = _target_name(node)
    return kind in ("name", "attribute") and name is not None and (
        DECLARATION.match(name) is not None or name in index_objects)


def _is_column_reference(node, index_objects, column_constants):
    """A column named from a declaration: ``UNIT.K_o_mM``, ``S["V_mV"]``, or a constant such as
    ``U_KO``."""
    if isinstance(node, ast.Name):
        return node.id in column_constants
    if isinstance(node, (ast.Attribute, ast.Subscript)):
        return isinstance(node.value, ast.Name) and node.value.id in index_objects
    return False


def _upper(name):
    return name.isupper() and not name.startswith("_")


def _column_constants(paths):
    """Upper-case names used as a column index: the index of a layout vector, or any dimension
    after the first of a multi-dimensional subscript (``u[j, U_KO]``, ``y[S_V]``)."""
    found = set()
    for path in paths:
        for node in _nodes(path):
            if not isinstance(node, ast.Subscript):
                continue
            dims = _dimensions(node)
            name, kind = _target_name(node.value)
            columns = dims[1:] if len(dims) > 1 else dims if name in VECTOR_LAYOUTS else []
            found.update(d.id for d in columns if isinstance(d, ast.Name) and _upper(d.id))
    return found


def _counted_columns(path, index_objects, column_constants):
    """Rule d: column constants made by counting."""
    violations = []
    for node in _nodes(path):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                if (len(names) >= 2 and all(isinstance(n, ast.Name) and _upper(n.id) for n in names)
                        and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                        and node.value.func.id == "range"):
                    violations.append(_where(path, node) + "  [column constants counted by range()]")
                elif (isinstance(target, ast.Name) and target.id in column_constants
                      and _int_literal(node.value)):
                    violations.append(_where(path, node) + f"  [{target.id} is a column index set by a number]")
        if isinstance(node, ast.Tuple) and not isinstance(getattr(node, "parent", None), ast.Subscript):
            if any(_is_column_reference(e, index_objects, column_constants) for e in node.elts):
                for element in node.elts:
                    if isinstance(element, ast.Constant) and type(element.value) is int and element.value >= 0:
                        violations.append(_where(path, element) + f"  [{element.value} beside column references "
                                                                  f"in {ast.unparse(node)}]")
    return violations


def _numeric_layout_indices(path, in_engine, index_objects):
    """Rules a, b and c for one file."""
    violations = []
    relative = path.relative_to(ROOT).as_posix()
    for node in _nodes(path):
        if not isinstance(node, ast.Subscript):
            continue
        dims = _dimensions(node)
        name, kind = _target_name(node.value)
        snippet = ast.unparse(node)
        if len(dims) > 1 and any(_has_int_literal(d) for d in dims[1:]):  # rule b
            why = ALLOWED_MULTI_DIM.get((relative, _enclosing_function(node), snippet))
            if why is None:
                violations.append(_where(path, node) + f"  [{snippet}]")
        elif len(dims) == 1 and _has_int_literal(dims[0]):
            vector = name in VECTOR_LAYOUTS and (in_engine if kind == "name" else name in VECTOR_ATTRIBUTES)
            if vector and kind is not None:  # rule a
                violations.append(_where(path, node) + f"  [{snippet}]")
            elif _is_declaration(node.value, index_objects):  # rule c
                index = dims[0]
                first_or_last = _int_literal(index) and ast.literal_eval(index) in (0, -1)
                if not first_or_last:
                    violations.append(_where(path, node) + f"  [{snippet}]")
    return violations


def test_no_bare_numeric_index_into_a_layout():
    paths = _files("engine", "rig")
    index_objects = _index_objects()
    column_constants = _column_constants(paths)
    violations = []
    for path in paths:
        in_engine = path.relative_to(ROOT).parts[0] == "engine"
        violations += _numeric_layout_indices(path, in_engine, index_objects)
        violations += _counted_columns(path, index_objects, column_constants)
    _fail_listing("bare numeric indices into a named layout", violations)


# ---- 3. private names -----------------------------------------------------------------------
PROJECT_PACKAGES = {"engine", "rig", "ui", "bench"}
# public API of namedtuple (the layouts' index objects are namedtuples): underscored only so as
# not to clash with field names
NAMEDTUPLE_API = {"_fields", "_replace", "_asdict", "_make", "_field_defaults"}
# third-party / standard-library private names the project may use, each with its reason:
# (module imported, private name) -> why; e.g. ("sys", "_getframe"): "..." for ``sys._getframe()``,
# ("numba.core", "_x"): "..." for ``from numba.core import _x``. An object made from a third-party
# name (``soma = h.Section()``) counts as that module's.
THIRD_PARTY_PRIVATE = {
    ("neuron.h", "_ref_v"):
        "NEURON's documented pointer syntax (``seg._ref_v``: how NetCon and Vector.record take a "
        "range variable); public despite its underscore. bench/engine_speed.py compares against NEURON",
}
ATTRIBUTE_FUNCTIONS = {"getattr", "setattr", "hasattr", "delattr"}


def _private(name):
    return name.startswith("_") and not name.startswith("__") and name not in NAMEDTUPLE_API


def _project_module(module, level, path=None):
    """Whether an import is of the project: relative, under a project package, or (for scripts
    such as bench/'s, which import their neighbours as top-level modules) a sibling file."""
    top = (module or "").split(".")[0]
    return level > 0 or top in PROJECT_PACKAGES or (
        path is not None and bool(top) and (path.parent / f"{top}.py").is_file())


def _enclosing_class(node):
    node = node.parent
    while node is not None and not isinstance(node, ast.ClassDef):
        node = node.parent
    return node


def _class_privates(nodes):
    """{class node: private names its body defines and the ``self._x``/``cls._x`` its methods
    assign} for every class among ``nodes`` (a file's)."""
    privates = {node: set() for node in nodes if isinstance(node, ast.ClassDef)}
    for node in nodes:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.parent in privates:
            privates[node.parent].add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            owner = _enclosing_class(node)
            if owner is None:
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for t in ast.walk(target):
                    if isinstance(t, ast.Name) and node.parent is owner:
                        privates[owner].add(t.id)
                    elif (isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name)
                          and t.value.id in ("self", "cls")):
                        privates[owner].add(t.attr)
    return {cls: {name for name in names if name.startswith("_")} for cls, names in privates.items()}


def _module_path(path, module, level):
    """The file a project import refers to, if it is one."""
    if level:
        base = path.parent
        for _ in range(level - 1):
            base = base.parent
    parts = module.split(".") if module else []
    for root in ([base] if level else [ROOT, path.parent]):  # a script's neighbours too
        candidate = root.joinpath(*parts)
        for option in (candidate.with_suffix(".py"), candidate / "__init__.py"):
            if parts and option.is_file():
                return option
    return None


@functools.lru_cache(maxsize=None)
def _classes(path):
    """{class name: (private names, [base class (file, name)])} of the classes a file defines,
    and the project classes it imports by name."""
    tree = _parse(path)[0]
    imported = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and _project_module(node.module, node.level, path):
            source = _module_path(path, node.module, node.level)
            if source is not None:
                for alias in node.names:
                    imported[alias.asname or alias.name] = (source, alias.name)
    classes = {}
    for node, privates in _class_privates(_nodes(path)).items():
        bases = [imported.get(base.id, (path, base.id)) for base in node.bases if isinstance(base, ast.Name)]
        classes[node.name] = (privates, bases)
    return classes


def _inherited_privates(path, name, seen=None):
    seen = set() if seen is None else seen
    if (path, name) in seen:
        return set()
    seen.add((path, name))
    entry = _classes(path).get(name)
    if entry is None:
        return set()
    privates, bases = entry
    privates = set(privates)
    for base_path, base_name in bases:
        privates |= _inherited_privates(base_path, base_name, seen)
    return privates


def _own_privates(path):
    """Private names belonging to the classes of this file, inherited ones included."""
    names = set()
    for name in _classes(path):
        names |= _inherited_privates(path, name)
    return names


def _root_name(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _third_party_aliases(path):
    """Names bound by imports of modules outside the project: alias -> module."""
    aliases = {}
    for node in _nodes(path):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not _project_module(alias.name, 0, path):
                    if alias.asname:  # import numpy as np: np is numpy
                        aliases[alias.asname] = alias.name
                    else:  # import os.path: os is os
                        top = alias.name.split(".")[0]
                        aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and not _project_module(node.module, node.level, path):
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    # objects made from those: soma = h.Section(...) is neuron.h's
    made = [node for node in _nodes(path) if isinstance(node, ast.Assign)]
    for _ in range(3):
        for node in made:
            root = _root_name(node.value)
            if root in aliases:
                for target in node.targets:  # plain names only: not one.p[:] = np.zeros(...)
                    names = target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]
                    for name in names:
                        if isinstance(name, ast.Name):
                            aliases.setdefault(name.id, aliases[root])
    return aliases


def _is_own_object(node):
    return (isinstance(node, ast.Name) and node.id in ("self", "cls")) or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super")


def _private_reaches(path):
    own = _own_privates(path)
    third_party = _third_party_aliases(path)
    violations = []

    def allowed_third_party(obj, name):
        root = _root_name(obj)
        if root in third_party:
            return (third_party[root], name) in THIRD_PARTY_PRIVATE
        return None  # not a third-party object

    for node in _nodes(path):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if isinstance(node, ast.ImportFrom):
                imports = [(node.module, node.level, a.name) for a in node.names]
            else:
                imports = [(a.name.rpartition(".")[0], 0, a.name.rpartition(".")[2]) for a in node.names]
            for module, level, name in imports:
                private = [part for part in (module or "").split(".") + [name] if _private(part)]
                if not private:
                    continue
                if _project_module(module, level, path):
                    violations.append(_where(path, node) + f"  [imports {', '.join(private)}]")
                elif not all((module, part) in THIRD_PARTY_PRIVATE for part in private):
                    violations.append(_where(path, node) + f"  [third-party private {', '.join(private)}, "
                                                           f"not in THIRD_PARTY_PRIVATE]")
        elif isinstance(node, ast.Attribute) and _private(node.attr) and not _is_own_object(node.value):
            third = allowed_third_party(node.value, node.attr)
            if third is True or (third is None and node.attr in own):
                continue
            note = ", third-party, not in THIRD_PARTY_PRIVATE" if third is False else ""
            violations.append(_where(path, node) + f"  [{ast.unparse(node)}{note}]")
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ATTRIBUTE_FUNCTIONS
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str) and _private(node.args[1].value)
              and not _is_own_object(node.args[0])):
            name = node.args[1].value
            third = allowed_third_party(node.args[0], name)
            if third is True or (third is None and name in own):
                continue
            violations.append(_where(path, node) + f"  [{ast.unparse(node)}]")
    return violations


def test_no_module_reaches_into_another_modules_private_names():
    violations = []
    for path in _files("engine", "rig", "ui", "bench"):
        violations += _private_reaches(path)
    _fail_listing("reaches into another module's private names", violations)
