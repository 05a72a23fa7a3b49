"""What the experiment writes down as it goes: the markers (each control change, a measurement's
result, a note of your own), the history of control values, and the recording to disk while one is
open (``rig.recorder``), where every marker is also an event beside the samples.

A write that fails (a full disk...) closes the recording, keeps what is on disk, says why in
``error`` and in a marker; the experiment goes on. The logbook never runs the cell.
"""
from .recorder import Recorder, RecordingError
from .textformat import value_text


class Logbook:
    """Markers and the recording of one Session; ``clock()`` gives the simulated time now (for the
    marker that says a recording failed)."""

    def __init__(self, clock, controls):
        self.clock = clock
        self.markers = []  # (t_s, text): as scripts, exports and recordings read them
        self.words = []  # (t_s, text) of the same markers as the window shows them ("Bath K+ 3 → 10 mM")
        self.history = [(0.0, name, value) for name, value in controls.items()]  # (t_s, control, value)
        self.recorder = None  # the open recording, if any
        self.error = None  # why the last recording stopped by itself, if it did
        self._sink = None

    def mark(self, t_s, text, words=None, **fields):
        """A marker at ``t_s`` (shown as ``words`` if given); in a recording, an event with
        ``fields`` besides its text."""
        self.markers.append((t_s, text))
        self.words.append((t_s, words or text))
        if self.recorder is not None:
            try:
                self.recorder.event(t_s, marker=text, **fields)
            except RecordingError as e:
                self._failed(e)

    def changed(self, t_s, name, old, new, words):
        """Control ``name`` went from ``old`` to ``new``: its history and its marker ``"name old -> new"``
        (shown as ``words``)."""
        self.history.append((t_s, name, new))
        self.mark(t_s, f"{name} {value_text(old)} -> {value_text(new)}", words, control=name, value=new)

    def start(self, path, names, meta):
        """Stream the samples (blocks whose columns are ``names``) and every marker from now on to
        the recording folder ``path``, which ``meta`` describes. ``t_s`` is not stored: the sample
        grid in ``meta`` gives it."""
        if self.recorder is not None:
            raise RecordingError(f"already recording to {self.recorder.path}: stop that first")
        columns = [i for i, name in enumerate(names) if name != "t_s"]
        self.recorder = Recorder(path, [names[i] for i in columns], meta)
        self.error = None
        self._sink = _RecorderSink(self.recorder, columns, self._failed)

    def sinks(self):
        """Where recorded samples go besides memory: the open recording, if any."""
        return () if self._sink is None else (self._sink,)

    def stop(self):
        """Close the recording (everything is on disk), if there is one."""
        error = self._end()
        if error is not None:
            self._failed(error)

    def _end(self):
        """Close the recording, if there is one; the error that stopped its writer, if one did."""
        recorder, self.recorder, self._sink = self.recorder, None, None
        if recorder is None:
            return None
        if recorder.error is None:
            recorder.event(self.clock(), stopped=True)  # the last line of a recording closed on purpose
        recorder.close()
        return recorder.error

    def _failed(self, error):
        """A write failed (a full disk...): keep what is on disk, go on without recording, say so."""
        self._end()
        self.error = str(error)
        self.mark(self.clock(), f"recording stopped: {error}")


class _RecorderSink:
    """Passes the ``columns`` of each block to a Recorder; if the recorder fails, tells ``failed``
    once and passes nothing more."""

    def __init__(self, recorder, columns, failed):
        self.recorder, self.columns, self.failed = recorder, columns, failed

    def append(self, block):
        if self.recorder is None:
            return
        try:
            self.recorder.append(block[:, self.columns])
        except RecordingError as e:
            self.recorder = None
            self.failed(e)
