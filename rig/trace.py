"""The recorded trace in memory: decimated samples kept block by block in chunks; ``arrays()``
and ``column()`` join them on demand.

The cell's kernel writes its samples straight into the trace (``room``, then ``keep``: see
``engine.cell.Cell.advance``); blocks from elsewhere are copied in (``append``). Either way nothing
is done per sample in Python.

Memory the process has never written costs far more to write the first time (the system maps and
clears each page then; several times a copy on a virtual machine) and a trace only ever grows. So
once a trace is longer than ``AHEAD_AFTER_BYTES`` (a recording, not a measurement's short capture)
its next chunk is always being written through on a thread of its own, at the lowest priority
(numpy releases the GIL), while the cell runs. Each chunk is twice the size of the one before, from
``CHUNK_MIN_BYTES`` up to ``CHUNK_MAX_BYTES``.
"""
import os
import sys
import threading

import numpy as np

CHUNK_MIN_BYTES = 1 << 20
CHUNK_MAX_BYTES = 16 << 20  # 11 s at 10 kHz
AHEAD_AFTER_BYTES = 4 << 20  # 3 s at 10 kHz


class Trace:
    def __init__(self, names):
        self.names = tuple(names)
        self._chunks = []  # full chunks, then the one being filled
        self._filled = 0  # rows written in the last chunk
        self._length = 0
        self._next = None  # the next chunk, being prepared
        row_bytes = 8 * max(1, len(self.names))
        self._min_rows, self._max_rows = CHUNK_MIN_BYTES // row_bytes, CHUNK_MAX_BYTES // row_bytes
        self._ahead_after_rows = AHEAD_AFTER_BYTES // row_bytes

    def append(self, block):
        """Append ``block`` (samples × channels); it is copied."""
        done, rows = 0, block.shape[0]
        while done < rows:
            if not self._chunks or self._filled == self._chunks[-1].shape[0]:
                self._start_chunk(rows - done)
            chunk = self._chunks[-1]
            n = min(rows - done, chunk.shape[0] - self._filled)
            chunk[self._filled:self._filled + n] = block[done:done + n]
            self._filled += n
            done += n
        self._grown(rows)

    def room(self, rows):
        """Where the next ``rows`` samples go, to be written there in place (by the kernel:
        ``engine.cell``); ``keep(n)`` then appends the first ``n`` of them."""
        if not self._chunks or self._chunks[-1].shape[0] - self._filled < rows:
            self._start_chunk(rows)
        return self._chunks[-1][self._filled:self._filled + rows]

    def keep(self, n):
        """Append the first ``n`` samples written into ``room``."""
        self._filled += n
        self._grown(n)

    def _grown(self, rows):
        self._length += rows
        if self._next is None and self._length >= self._ahead_after_rows:
            self._next = _Prepared((self._next_rows(), len(self.names)))

    def _start_chunk(self, at_least_rows):
        """Go on in a chunk of at least ``at_least_rows`` (the current one ends where it is filled):
        the one being prepared if it is that large (once it is ready), or else a new one."""
        rows = max(at_least_rows, self._next_rows())
        if self._chunks:
            self._chunks[-1] = self._chunks[-1][:self._filled]
        prepared, self._next = self._next, None
        if prepared is not None and prepared.rows >= at_least_rows:
            self._chunks.append(prepared.take())
        else:
            self._chunks.append(np.empty((rows, len(self.names))))
        self._filled = 0

    def _next_rows(self):
        """Rows of the chunk after the current one: twice as many, within the bounds."""
        if not self._chunks:
            return self._min_rows
        return min(2 * self._chunks[-1].shape[0], self._max_rows)

    def __len__(self):
        return self._length

    def _parts(self):
        """The chunks as filled so far, oldest first."""
        if not self._chunks:
            return []
        return self._chunks[:-1] + [self._chunks[-1][:self._filled]]

    def column(self, name, start=0):
        """One channel from sample ``start`` on (joins only the chunks it needs)."""
        i = self.names.index(name)
        parts, first = [], self._length
        for chunk in reversed(self._parts()):
            if first <= start:
                break
            first -= chunk.shape[0]
            parts.append(chunk[:, i])
        if not parts:
            return np.zeros(0)
        return np.concatenate(parts[::-1])[max(start - first, 0):]

    def arrays(self):
        """Every channel as its own contiguous array."""
        if not self._length:
            return {name: np.zeros(0) for name in self.names}
        joined = np.concatenate(self._parts(), axis=0).T.copy()
        return {name: joined[i] for i, name in enumerate(self.names)}


class _Prepared:
    """An array of ``shape`` written through on a thread of its own, so that its pages are in
    memory before it is used; ``take()`` waits for that."""

    def __init__(self, shape):
        self.rows = shape[0]
        self._array = np.empty(shape)
        self._thread = threading.Thread(target=_write_through, args=(self._array,), daemon=True)
        self._thread.start()

    def take(self):
        self._thread.join()
        return self._array


def _write_through(array):
    """Write ``array`` through at the lowest priority: with the time the cell's thread leaves idle."""
    if sys.platform.startswith("linux"):  # where a thread has a priority of its own
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
    array.fill(0.0)
