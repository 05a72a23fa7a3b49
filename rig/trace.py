"""The recorded trace in memory: decimated samples appended block by block.

Blocks (samples × channels, as the kernel writes them) are copied out of its reusable output
buffer into a list of chunks, a plain memory copy, so appending costs nothing per sample in
Python; ``arrays()`` and ``column()`` join them on demand.
"""
import numpy as np


class Trace:
    def __init__(self, names):
        self.names = tuple(names)
        self._chunks = []
        self._length = 0

    def append(self, block):
        """Append ``block`` (samples × channels); it is copied."""
        self._chunks.append(np.array(block, dtype=np.float64, order="C", copy=True))
        self._length += block.shape[0]

    def __len__(self):
        return self._length

    def column(self, name, start=0):
        """One channel from sample ``start`` on (joins only the chunks it needs)."""
        i = self.names.index(name)
        parts, first = [], self._length
        for chunk in reversed(self._chunks):
            if first <= start:
                break
            first -= chunk.shape[0]
            parts.append(chunk[:, i])
        if not parts:
            return np.zeros(0)
        return np.concatenate(parts[::-1])[max(start - first, 0):]

    def arrays(self):
        """Every channel as its own contiguous array."""
        if not self._chunks:
            return {name: np.zeros(0) for name in self.names}
        joined = np.concatenate(self._chunks, axis=0).T.copy()
        return {name: joined[i] for i, name in enumerate(self.names)}
