"""What the scopes show: the latest minutes of every channel, min/max-decimated so no spike
vanishes at any zoom, in bounded memory whatever the run's length.

Two rings, both float32 and fixed in size: the newest samples as recorded (``RAW_SAMPLES``: 20 s at
10 kHz) and min/max pairs over ``BIN_S`` bins for the last ``HISTORY_S`` seconds. ``window`` picks
the finer ring that covers the asked span and reduces it to at most ``n_points`` (min, max) pairs:
a scope of n pixels draws a vertical line from min to max at each. The worker thread appends
blocks; readers reduce what they ask for under a lock held only for that one pass over the ring,
never while the engine computes.
Scrolling back further than ten minutes reads the recording on disk, not this.
"""
import threading

import numba
import numpy as np

RAW_SAMPLES = 200_000  # 20 s at 10 kHz (4 s at 50 kHz, 200 s at 1 kHz); 14 MB for 18 channels
BIN_S = 0.01  # the long-span ring keeps the min and max of every 10 ms
HISTORY_S = 600.0  # ten minutes: the longest scope window


class ScopeView:
    def __init__(self, names, sample_rate_hz):
        self.names = tuple(names)
        self.sample_rate_hz = float(sample_rate_hz)
        n = len(self.names)
        # written through now (np.full): a page first written while the cell runs costs more than binning it
        self._raw = np.full((RAW_SAMPLES, n), 0.0, np.float32)
        self._raw_count = 0  # samples ever appended; the newest sits at (count - 1) % RAW_SAMPLES
        self._per_bin = max(1, round(BIN_S * self.sample_rate_hz))
        self._bins = round(HISTORY_S * self.sample_rate_hz / self._per_bin)
        self._lo = np.full((self._bins, n), 0.0, np.float32)
        self._hi = np.full((self._bins, n), 0.0, np.float32)
        self._bin_count = 0  # whole bins ever completed
        # the bin being filled: its samples so far, their minima and maxima
        self._part_n = 0
        self._part_lo, self._part_hi = np.zeros(n), np.zeros(n)
        self._lock = threading.Lock()
        # the compiled code loads now, not in the first block or frame
        self.append(np.zeros((0, n)))
        self.windows(self.names[:1], 0.0)

    @property
    def nbytes(self):
        return self._raw.nbytes + self._lo.nbytes + self._hi.nbytes

    def append(self, block):
        """Add samples (samples × channels, as the kernel writes them)."""
        block = np.ascontiguousarray(block, dtype=np.float64)
        with self._lock:
            _write_ring(self._raw, self._raw_count, block)
            self._raw_count += len(block)
            self._bin_count, self._part_n = _fold_bins(block, self._lo, self._hi, self._bin_count, self._part_lo,
                                                       self._part_hi, self._part_n, self._per_bin)

    def window(self, name, span_s, n_points=2000, end_s=None):
        """The ``span_s`` seconds of channel ``name`` up to ``end_s`` (default: the newest sample)
        as (t_s, lo, hi), at most ``n_points`` each: the minimum and maximum over each point's
        stretch of samples. ``t_s`` is the time at the end of each stretch. What is asked for and
        no longer (or not yet) held is left out: a scope scrolled back past ten minutes is empty
        there, and the recording on disk has it."""
        t, extremes = self.windows([name], span_s, n_points, end_s)
        return (t, *extremes[name])

    def windows(self, names, span_s, n_points=2000, end_s=None):
        """``window`` of several channels at once: (t_s, {name: (lo, hi)}). One pass over the ring
        reads them all: a frame's seven traces of 10 s at 10 kHz cost one sweep of the ring's
        memory, not seven (and no copies)."""
        columns = np.array([self.names.index(name) for name in names], np.int64)
        n_points = max(1, int(n_points))
        wanted = max(0, round(span_s * self.sample_rate_hz))
        with self._lock:
            end = (self._raw_count if end_s is None
                   else int(np.clip(round(end_s * self.sample_rate_hz), 0, self._raw_count)))
            first = end - wanted
            if first >= self._raw_count - RAW_SAMPLES:  # all of it still in the raw ring
                n = min(wanted, end)
                lo_ring = hi_ring = self._raw
                end_value, per = end, 1
            else:
                per = self._per_bin
                end_value = min(end // per, self._bin_count)
                oldest = max(self._bin_count - self._bins, 0)
                n = max(0, end_value - max(first // per, oldest))
                lo_ring, hi_ring = self._lo, self._hi
            # groups of consecutive values, counted back from the newest; the oldest, partial group is left out
            group = max(1, -(-n // n_points))
            lo, hi = _extremes(lo_ring, hi_ring, columns, end_value, n // group, group)
        t_end = end_value * per / self.sample_rate_hz
        t = t_end - (np.arange(n // group)[::-1] * group * per) / self.sample_rate_hz
        return t, {name: (lo[k], hi[k]) for k, name in enumerate(names)}

    def sample_at(self, name, t_s):
        """(time, value) of the recorded sample of channel ``name`` nearest ``t_s``, as recorded
        (not decimated), or None if the raw ring no longer (or does not yet) hold it."""
        i = self.names.index(name)
        with self._lock:
            k = int(round(t_s * self.sample_rate_hz))  # sample k (1-based) was recorded at k / rate
            k = min(max(k, 1), self._raw_count)
            if k < 1 or k <= self._raw_count - RAW_SAMPLES:
                return None
            value = float(self._raw[(k - 1) % RAW_SAMPLES, i])
        return k / self.sample_rate_hz, value

    def recent(self, names, span_s):
        """The newest ``span_s`` of channels ``names`` as recorded (at most the raw ring's), and
        their times: (t_s, {name: values}); times from the sample count, in full precision."""
        with self._lock:
            n = min(max(0, round(span_s * self.sample_rate_hz)), self._raw_count, RAW_SAMPLES)
            end = self._raw_count
            values = {name: _read_ring(self._raw[:, self.names.index(name)], end, n).astype(np.float64)
                      for name in names}
        return np.arange(end - n + 1, end + 1) / self.sample_rate_hz, values

    @property
    def raw_s(self):
        """How many seconds of samples the view keeps as recorded (``sample_at`` reads those)."""
        return RAW_SAMPLES / self.sample_rate_hz

    @property
    def t_s(self):
        """Time of the newest sample."""
        return self._raw_count / self.sample_rate_hz


def _write_ring(ring, count, rows):
    """Write ``rows`` into ``ring`` after ``count`` rows ever written (keeping only the newest)."""
    size = len(ring)
    if len(rows) > size:
        count += len(rows) - size
        rows = rows[-size:]
    start = count % size
    first = min(len(rows), size - start)
    ring[start:start + first] = rows[:first]
    ring[:len(rows) - first] = rows[first:]


@numba.njit(cache=True, nogil=True)
def _fold_bins(block, lo, hi, bin_count, part_lo, part_hi, part_n, per_bin):
    """Fold the rows of ``block`` into the bin being filled (``part_n`` samples so far, their
    minima and maxima ``part_lo``, ``part_hi``); each bin of ``per_bin`` samples joins the rings
    ``lo``, ``hi`` after ``bin_count`` bins. Returns the new ``bin_count`` and ``part_n``. A NaN
    stays the bin's minimum and maximum, as in ``np.min``."""
    n_rows, n_ch = block.shape
    spare_lo, spare_hi = np.empty(n_ch), np.empty(n_ch)
    i = 0
    while i < n_rows:
        if part_n == 0:
            part_lo[:] = block[i]
            part_hi[:] = block[i]
            i += 1
            part_n = 1
        stop = min(n_rows, i + per_bin - part_n)
        while i + 1 < stop:  # two rows at a time, into the spares and back: no row is read and written at once
            _fold_row(block[i], part_lo, part_hi, spare_lo, spare_hi)
            _fold_row(block[i + 1], spare_lo, spare_hi, part_lo, part_hi)
            i += 2
            part_n += 2
        if i < stop:
            _fold_row(block[i], part_lo, part_hi, spare_lo, spare_hi)
            part_lo[:] = spare_lo
            part_hi[:] = spare_hi
            i += 1
            part_n += 1
        if part_n == per_bin:
            at = bin_count % len(lo)
            lo[at] = part_lo
            hi[at] = part_hi
            bin_count += 1
            part_n = 0
    return bin_count, part_n


@numba.njit(cache=True, nogil=True)
def _extremes(lo_ring, hi_ring, columns, end, points, group):
    """The minima (of ``lo_ring``) and maxima (of ``hi_ring``) of ``columns`` over ``points``
    groups of ``group`` rows, the last ending before the row ever written ``end``-th: arrays of
    columns × points, oldest first. A group at a time, so that the ring's memory is read once. A
    NaN stays the group's minimum and maximum, as in ``np.min``."""
    size, n_cols = len(lo_ring), len(columns)
    lo = np.empty((n_cols, points), lo_ring.dtype)
    hi = np.empty((n_cols, points), hi_ring.dtype)
    start = (end - points * group) % size
    for p in range(points):
        for j in range(n_cols):  # a group's rows (a few kB) stay in the fastest cache from one column to the next
            c, row = columns[j], start
            a, b = lo_ring[row, c], hi_ring[row, c]
            nan = a != a or b != b
            for _ in range(group - 1):
                row = row + 1 if row + 1 < size else 0
                v, w = lo_ring[row, c], hi_ring[row, c]
                a, b = min(a, v), max(b, w)
                nan |= v != v or w != w
            lo[j, p], hi[j, p] = (np.nan, np.nan) if nan else (a, b)
        start = (start + group) % size
    return lo, hi


@numba.njit(cache=True, nogil=True, inline="always")
def _fold_row(row, lo, hi, new_lo, new_hi):
    """``new_lo``, ``new_hi``: ``lo``, ``hi`` with ``row`` folded in (written apart, so the loop vectorizes)."""
    for c in range(len(row)):
        v, a, b = row[c], lo[c], hi[c]
        new_lo[c] = a if (a < v or a != a) else v
        new_hi[c] = b if (b > v or b != b) else v


def _read_ring(column, end, n):
    """A copy of the ``n`` values of a ring column before the value ever written ``end``-th, oldest
    first (at most two slices: no index array, a frame reads seven columns of 100 000)."""
    size = len(column)
    start = (end - n) % size
    if start + n <= size:
        return column[start:start + n].copy()
    return np.concatenate((column[start:], column[:start + n - size]))
