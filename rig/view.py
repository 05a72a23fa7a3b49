"""What the scopes show: the latest minutes of every channel, min/max-decimated so no spike
vanishes at any zoom, in bounded memory whatever the run's length.

Two rings, both float32 and fixed in size: the newest samples as recorded (``RAW_SAMPLES``: 20 s at
10 kHz) and min/max pairs over ``BIN_S`` bins for the last ``HISTORY_S`` seconds. ``window`` picks
the finer ring that covers the asked span and reduces it to at most ``n_points`` (min, max) pairs:
a scope of n pixels draws a vertical line from min to max at each. The worker thread appends
blocks; readers copy out under a lock held only for the copy, never while the engine computes.
Scrolling back further than ten minutes reads the recording on disk, not this.
"""
import threading

import numpy as np

RAW_SAMPLES = 200_000  # 20 s at 10 kHz (4 s at 50 kHz, 200 s at 1 kHz); 14 MB for 18 channels
BIN_S = 0.01  # the long-span ring keeps the min and max of every 10 ms
HISTORY_S = 600.0  # ten minutes: the longest scope window


class ScopeView:
    def __init__(self, names, sample_rate_hz):
        self.names = tuple(names)
        self.sample_rate_hz = float(sample_rate_hz)
        n = len(self.names)
        self._raw = np.zeros((RAW_SAMPLES, n), np.float32)
        self._raw_count = 0  # samples ever appended; the newest sits at (count - 1) % RAW_SAMPLES
        self._per_bin = max(1, round(BIN_S * self.sample_rate_hz))
        self._bins = round(HISTORY_S * self.sample_rate_hz / self._per_bin)
        self._lo = np.zeros((self._bins, n), np.float32)
        self._hi = np.zeros((self._bins, n), np.float32)
        self._bin_count = 0  # whole bins ever completed
        self._partial = np.zeros((0, n))  # samples of the bin being filled
        self._lock = threading.Lock()

    @property
    def nbytes(self):
        return self._raw.nbytes + self._lo.nbytes + self._hi.nbytes

    def append(self, block):
        """Add samples (samples × channels, as the kernel writes them)."""
        with self._lock:
            _write_ring(self._raw, self._raw_count, block)
            self._raw_count += len(block)
            if len(self._partial):  # finish the bin begun in the last block
                head = self._per_bin - len(self._partial)
                self._partial = np.concatenate([self._partial, block[:head]])
                block = block[head:]
                if len(self._partial) == self._per_bin:
                    self._add_bins(self._partial[None])
                    self._partial = self._partial[:0]
            whole = len(block) // self._per_bin * self._per_bin
            if whole:
                self._add_bins(block[:whole].reshape(-1, self._per_bin, block.shape[1]))
            if whole < len(block):
                self._partial = np.array(block[whole:])

    def _add_bins(self, binned):
        """Bins × samples × channels: their minima and maxima join the long-span ring."""
        by_channel = np.ascontiguousarray(binned.transpose(2, 0, 1))  # reduce along contiguous rows: 2x faster
        _write_ring(self._lo, self._bin_count, by_channel.min(axis=2).T)
        _write_ring(self._hi, self._bin_count, by_channel.max(axis=2).T)
        self._bin_count += len(binned)

    def window(self, name, span_s, n_points=2000, end_s=None):
        """The ``span_s`` seconds of channel ``name`` up to ``end_s`` (default: the newest sample)
        as (t_s, lo, hi), at most ``n_points`` each: the minimum and maximum over each point's
        stretch of samples. ``t_s`` is the time at the end of each stretch. What is asked for and
        no longer (or not yet) held is left out: a scope scrolled back past ten minutes is empty
        there, and the recording on disk has it."""
        i = self.names.index(name)
        n_points = max(1, int(n_points))
        wanted = max(0, round(span_s * self.sample_rate_hz))
        with self._lock:
            end = (self._raw_count if end_s is None
                   else int(np.clip(round(end_s * self.sample_rate_hz), 0, self._raw_count)))
            first = end - wanted
            if first >= self._raw_count - RAW_SAMPLES:  # all of it still in the raw ring
                n = min(wanted, end)
                lo = hi = _read_ring(self._raw[:, i], end, n)
                end_sample, per = end, 1
            else:
                per = self._per_bin
                end_bin = min(end // per, self._bin_count)
                oldest = max(self._bin_count - self._bins, 0)
                n = max(0, end_bin - max(first // per, oldest))
                lo = _read_ring(self._lo[:, i], end_bin, n)
                hi = _read_ring(self._hi[:, i], end_bin, n)
                end_sample = end_bin * per
        lo, hi, group = _reduce(lo, hi, n_points)
        t_end = end_sample / self.sample_rate_hz
        t = t_end - (np.arange(len(lo))[::-1] * group * per) / self.sample_rate_hz
        return t, lo, hi

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


def _read_ring(column, end, n):
    """The ``n`` values of a ring column before the value ever written ``end``-th, oldest first."""
    return column[np.arange(end - n, end) % len(column)]


def _reduce(lo, hi, n_points):
    """Group consecutive values so that at most ``n_points`` remain; min of lows, max of highs.
    Groups are counted back from the newest value; the oldest, partial group is dropped."""
    group = max(1, -(-len(lo) // n_points))
    keep = len(lo) // group * group
    if group == 1:
        return lo, hi, 1
    lo = lo[len(lo) - keep:].reshape(-1, group).min(axis=1)
    hi = hi[len(hi) - keep:].reshape(-1, group).max(axis=1)
    return lo, hi, group
