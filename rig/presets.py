"""Named presets (mutations, solutions) from ``resources/presets.json`` (``rig.shipped``), checked against the
control registry when they are read, so a typo in the file is reported with its place, not met
mid-experiment. A preset is a dict of control values for ``Session.set``.
"""
import json

from .controls import lookup
from .shipped import RESOURCES

PRESETS_PATH = RESOURCES / "presets.json"


class PresetError(ValueError):
    """The presets file is unreadable or names a control or value that does not exist."""


def load_presets(path=PRESETS_PATH):
    """{group: {preset name: {control: value}}}, every value validated."""
    try:
        with open(path, encoding="utf-8") as f:
            raw = json.load(f)
    except OSError as e:
        raise PresetError(f"cannot read presets {path}: {e.strerror or e}") from None
    except json.JSONDecodeError as e:
        raise PresetError(f"{path}, line {e.lineno} column {e.colno}: {e.msg}") from None
    presets = {}
    for group, entries in raw.items():
        presets[group] = {}
        for name, values in entries.items():
            try:
                presets[group][name] = {lookup(k).name: lookup(k).validate(v) for k, v in values.items()}
            except ValueError as e:
                raise PresetError(f"{path}: preset {group!r} / {name!r}: {e}") from None
    return presets


def preset(name, path=PRESETS_PATH):
    """The control values of the preset called ``name`` (any group; case does not matter), or a
    ValueError listing the presets there are."""
    found = {key.lower(): values for group in load_presets(path).values() for key, values in group.items()}
    try:
        return dict(found[str(name).lower()])
    except KeyError:
        names = "; ".join(key for group in load_presets(path).values() for key in group)
        raise ValueError(f"unknown preset {name!r}: choose one of {names}") from None
