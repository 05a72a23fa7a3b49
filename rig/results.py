"""The results table: every measurement a student takes (membrane test, rheobase, I–V, f–I, cursor
readings) appended as rows of (time, cell, measurement, quantity, value, unit), copied as text and
written as CSV for a report. A new cell starts a new cell number; the rows of earlier cells stay,
marked as theirs, never taken for the present cell's.
"""
import csv
import math
import os
from dataclasses import dataclass

from .textformat import value_text

COLUMNS = ("t_s", "cell", "measurement", "quantity", "value", "unit")


@dataclass(frozen=True)
class Row:
    t_s: float
    cell: int  # 1 for the first cell patched, then 2, ...
    preparation: str
    measurement: str
    quantity: str
    value: float
    unit: str


def measured_rows(kind, result):
    """(quantity, value, unit) rows of a measurement's ``result`` (``rig.protocols``)."""
    if kind == "membrane_test":
        return [("R_in", result["R_in_MOhm"], "MΩ"), ("C_m", result["C_pF"], "pF"), ("τ", result["tau_ms"], "ms")]
    if kind == "rheobase":
        return [("rheobase", result["rheobase_pA"], "pA")] if result["rheobase_pA"] is not None else []
    if kind == "iv_curve":
        return [row for v, peak, steady in zip(result["V_mV"], result["I_peak_pA"], result["I_steady_pA"])
                for row in ((f"I peak at {value_text(float(v))} mV", peak, "pA"),
                            (f"I steady at {value_text(float(v))} mV", steady, "pA"))]
    if kind == "fi_curve":
        return [(f"rate at {value_text(float(i))} pA", rate, "Hz")
                for i, rate in zip(result["I_pA"], result["rate_Hz"])]
    return []


class ResultsBook:
    def __init__(self):
        self.rows = []
        self.cell = 1
        self.preparation = ""

    def new_cell(self, preparation):
        """A new cell is patched: rows from now on are its own."""
        if self.rows or self.preparation:
            self.cell += 1
        self.preparation = preparation

    def add(self, t_s, measurement, rows):
        """Append ``rows`` ((quantity, value, unit)) of ``measurement`` taken at ``t_s``; returns the new Rows."""
        new = [Row(float(t_s), self.cell, self.preparation, measurement, quantity, float(value), unit)
               for quantity, value, unit in rows if value is not None and math.isfinite(float(value))]
        self.rows += new
        return new

    def is_current(self, row):
        return row.cell == self.cell

    def cell_label(self, row):
        """"cell 2 (neuron)", and "previous" for a cell that is no longer behind the glass."""
        label = f"cell {row.cell} ({row.preparation})"
        return label if self.is_current(row) else f"{label}, previous"

    def as_text(self, rows=None):
        """Tab-separated, with a header: what a spreadsheet takes from the clipboard."""
        lines = ["\t".join(COLUMNS)] + ["\t".join(self._fields(row)) for row in (self.rows if rows is None else rows)]
        return "\n".join(lines) + "\n"

    def write_csv(self, path):
        """Write every row to ``path`` (CSV, UTF-8); an OSError says why it could not."""
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise OSError(f"cannot write {path}: the folder {folder} does not exist")
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(COLUMNS)
            writer.writerows(self._fields(row) for row in self.rows)

    def _fields(self, row):
        return (f"{row.t_s:.4f}", self.cell_label(row), row.measurement, row.quantity, repr(row.value), row.unit)
