"""Numbers to text fast enough for a million-row export (a Numba loop: Python's own formatting
writes about 200 000 rows a second, this some millions).

Each column is written in fixed point with its own number of decimals, trailing zeros trimmed:
``decimals_for`` gives a column seven significant digits of its largest value (what float32, the
recording's format, holds), and time the decimals that its sample interval needs, so
``-65.12345``, ``3``, ``0.0125`` read as a spreadsheet expects. ``value_text`` is the one way a
single value (a control's, in a marker or a CSV cell) becomes text.
"""
import math

import numba
import numpy as np

SIGNIFICANT_DIGITS = 7
MAX_DECIMALS = 12
LARGEST = 1e15  # int64 holds the scaled digits of anything below this at 7 significant digits


def value_text(value):
    """A control's value as markers and exports write it: a float in its shortest general form
    (``3.0`` -> ``3``, ``0.25`` -> ``0.25``), a choice (``"voltage"``) as it is."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def decimals_for(column):
    """Decimals that keep ``SIGNIFICANT_DIGITS`` of the column's largest finite magnitude."""
    finite = np.abs(column[np.isfinite(column)])
    largest = float(finite.max()) if finite.size else 0.0
    if largest >= LARGEST:
        raise ValueError(f"a value of {largest:g} is too large to export")
    if largest == 0.0:
        return 0
    return int(np.clip(SIGNIFICANT_DIGITS - 1 - math.floor(math.log10(largest)), 0, MAX_DECIMALS))


def decimals_for_interval(interval_s):
    """Fewest decimals that write every multiple of ``interval_s`` exactly (0.0001 s: 4)."""
    for d in range(MAX_DECIMALS + 1):
        scaled = interval_s * 10**d
        if abs(scaled - round(scaled)) < 1e-6 * scaled:
            return d
    return MAX_DECIMALS


def tail_table(texts):
    """Row tails (each a str, written after the numbers) as one byte array and its offsets."""
    encoded = [t.encode("utf-8") for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    offsets[1:] = np.cumsum([len(e) for e in encoded])
    return np.frombuffer(b"".join(encoded), np.uint8).copy(), offsets


def format_rows(values, decimals, separator, tails, tail_offsets, tail_index):
    """Rows of ``values`` (rows × columns) as bytes: numbers joined by ``separator``, then the
    row's tail ``tails[tail_offsets[k]:tail_offsets[k + 1]]`` (k = ``tail_index[row]``), then a
    newline."""
    values = np.ascontiguousarray(values, dtype=np.float64)
    decimals = np.asarray(decimals, np.int64)
    longest_tail = int(np.diff(tail_offsets).max()) if len(tail_offsets) > 1 else 0
    out = np.empty(len(values) * (values.shape[1] * 24 + longest_tail + 1), np.uint8)
    n = _format_rows(values, decimals, ord(separator), tails, tail_offsets, np.asarray(tail_index, np.int64), out)
    return out[:n].tobytes()


@numba.njit(cache=True, nogil=True)
def _format_rows(values, decimals, separator, tails, tail_offsets, tail_index, out):
    digits = np.empty(24, np.uint8)
    powers = 10.0 ** decimals.astype(np.float64)
    pos = 0
    for r in range(values.shape[0]):
        for c in range(values.shape[1]):
            if c:
                out[pos] = separator
                pos += 1
            pos = _write_number(values[r, c], decimals[c], powers[c], out, pos, digits)
        k = tail_index[r]
        for j in range(tail_offsets[k], tail_offsets[k + 1]):
            out[pos] = tails[j]
            pos += 1
        out[pos] = 10  # \n
        pos += 1
    return pos


@numba.njit(cache=True, nogil=True, inline="always")
def _write_text(text, out, pos):
    for ch in text:
        out[pos] = ord(ch)
        pos += 1
    return pos


@numba.njit(cache=True, nogil=True)
def _write_number(x, d, power, out, pos, digits):
    if x != x:
        return _write_text("nan", out, pos)
    if x == np.inf:
        return _write_text("inf", out, pos)
    if x == -np.inf:
        return _write_text("-inf", out, pos)
    scaled = np.int64(math.floor(abs(x) * power + 0.5))
    if scaled == 0:
        out[pos] = 48  # 0, never -0
        return pos + 1
    if x < 0:
        out[pos] = 45  # -
        pos += 1
    n = 0  # digits, least significant first, at least d + 1 of them (0.05 -> 5, 0, 0)
    while scaled > 0 or n <= d:
        digits[n] = 48 + scaled % 10
        scaled //= 10
        n += 1
    zeros = 0  # trailing zeros of the fraction, trimmed
    while zeros < d and digits[zeros] == 48:
        zeros += 1
    for i in range(n - 1, d - 1, -1):
        out[pos] = digits[i]
        pos += 1
    if zeros < d:
        out[pos] = 46  # .
        pos += 1
        for i in range(d - 1, zeros - 1, -1):
            out[pos] = digits[i]
            pos += 1
    return pos
