"""The real-time run loop: one worker thread advances a ``Session`` in short slices and applies
queued commands between them, at real time, time-lapse or as fast as the engine goes.

Any thread (a window's, a test's) may call ``set``, ``submit``, ``pause``, ``resume``, ``stop`` or
change ``speed``: each returns at once. ``set`` is validated in the caller, so a bad value raises
ValueError there and nothing is queued. The worker never sleeps holding a lock: the Session's lock
is held only while a slice computes (the kernel releases the GIL), and pacing sleeps come after.
When the engine cannot keep the asked speed, ``achieved_speed`` says what it does instead.

Its lifecycle is strict: a loop starts once and stops once; after ``stop()``, ``set`` and
``submit`` raise ``LoopStopped``. An exception of any kind in the worker (``SystemExit`` included)
is never swallowed: it is kept in ``error``, and work still queued and later commands fail with
``LoopStopped`` naming it. The loop's own state (speed, achieved speed, error, stopped) is read and written
under a lock of its own, never held while the cell computes.
"""
import concurrent.futures
import queue
import threading
import time

from .controls import as_number

SLICE_WALL_S = 0.01  # a slice is this much wall-clock time at the asked speed (10 ms of cell at 1x)
FASTEST_SLICE_S = 0.2  # simulated seconds a slice when running as fast as possible
SPEED_MIN, SPEED_MAX = 1.0, 100.0  # real time to 100x time-lapse; None = as fast as possible
SPEED_WINDOW_S = 0.5  # wall-clock seconds over which the achieved speed is measured
BEHIND_PAUSE_S = 0.0005  # the worker's pause after each slice when it cannot keep the asked speed


def checked_speed(speed):
    """``speed`` as the loop uses it, or ValueError naming the valid range."""
    if speed is None:
        return None
    number = as_number(speed)  # numpy's numbers too, never a bool
    if number is None or not SPEED_MIN <= number <= SPEED_MAX:
        raise ValueError(f"speed = {speed!r} is not allowed: {SPEED_MIN:g}–{SPEED_MAX:g} × real time, "
                         f"or None for as fast as the engine goes")
    return number


class LoopStopped(RuntimeError):
    """The loop has stopped (``stop()`` was called, or its worker failed): ``set`` and ``submit``
    raise it, and work still queued when the worker failed ends with it. ``error`` is what stopped
    the worker (also its ``__cause__``), or None after a plain ``stop()``."""

    def __init__(self, message, error=None):
        super().__init__(message)
        self.error = error
        self.__cause__ = error


class RunLoop:
    """Drives ``session`` on a worker thread::

        loop = RunLoop(Session(), speed=1.0)
        loop.start()
        loop.set(bath_K_mM=8)     # lands within one slice (10 ms of cell time at 1x)
        loop.speed = 50           # time-lapse
        loop.stop()               # True once the worker has ended

    A loop runs once: ``start()`` a second time, or after ``stop()``, raises; so do ``set`` and
    ``submit`` once it has stopped. An exception of any kind in the worker (``SystemExit`` and
    ``KeyboardInterrupt`` included) stops it and is kept in ``error``; work still queued fails with
    ``LoopStopped``, and so does every later ``set`` or ``submit``, naming it.
    """

    def __init__(self, session, speed=1.0):
        self.session = session
        # the fields below are written by the worker and read by any thread: only under this lock,
        # never held while a slice computes or a command runs
        self._lock = threading.Lock()
        self._speed = checked_speed(speed)
        self._achieved_speed = None  # simulated s per wall s over the last SPEED_WINDOW_S, once known
        self._error = None  # the exception that stopped the worker, if one did
        self._started = self._stopped = False  # stopped: stop() was called or the worker failed
        self._commands = queue.SimpleQueue()
        self._running = threading.Event()  # set while not paused
        self._running.set()
        self._stopping = threading.Event()  # set after _stopped, under no lock: wakes the worker
        self._thread = threading.Thread(target=self._work, name="virtual-rig run loop", daemon=True)

    # ---- commands, from any thread ----------------------------------------------------------
    def start(self):
        """Start the worker; a loop starts once (a stopped loop cannot be started again)."""
        with self._lock:
            if self._started:
                raise RuntimeError("the run loop has already started: start() is called once per RunLoop")
            if self._stopped:
                raise LoopStopped(self._stopped_message() + "; make a new RunLoop to run the session")
            self._started = True
            self._thread.start()

    def set(self, **controls):
        """Queue control changes for the next slice; a bad one raises ValueError here and now, and
        so does a stopped loop (``LoopStopped``): nothing would apply it."""
        self._check_open()
        changes = self.session.validate(**controls)
        with self._lock:
            self._check_open_locked()
            self._commands.put(changes)

    def submit(self, work):
        """Run ``work(session)`` on the worker between two slices (a measurement, a protocol, a
        recording started or stopped) and return a ``concurrent.futures.Future`` of its result,
        so a window asks without waiting: it polls ``done()`` on its timer. A stopped loop raises
        ``LoopStopped``. An ``Exception`` from ``work`` fails its future only; anything else
        (``SystemExit``, ``KeyboardInterrupt``) fails its future and stops the loop too."""
        future = concurrent.futures.Future()
        with self._lock:
            self._check_open_locked()
            self._commands.put((work, future))
        return future

    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    @property
    def paused(self):
        return not self._running.is_set()

    @property
    def speed(self):
        with self._lock:
            return self._speed

    @speed.setter
    def speed(self, value):
        speed = checked_speed(value)
        with self._lock:
            self._speed = speed

    @property
    def achieved_speed(self):
        """Simulated seconds per wall second over the last ``SPEED_WINDOW_S``, once known (None
        before, and while paused)."""
        with self._lock:
            return self._achieved_speed

    @property
    def error(self):
        """The exception that stopped the worker, if one did (any kind, ``SystemExit`` too)."""
        with self._lock:
            return self._error

    @property
    def stopped(self):
        """True once ``stop()`` was called or the worker failed: ``set`` and ``submit`` raise."""
        with self._lock:
            return self._stopped

    def stop(self, timeout_s=5.0):
        """Finish the slice in progress, apply the commands queued by then and end the worker.

        Returns True if the worker has ended, False if it was still running after ``timeout_s``
        (a long slice or command): it then applies the queued commands itself when it gets there,
        never alongside this thread; call ``stop`` again to wait longer. What stopped a worker that
        failed is in ``error``: ``stop`` does not raise it, so a window can always close."""
        with self._lock:
            first, started = not self._stopped, self._started
            self._stopped = True
        self._stopping.set()
        self._running.set()
        if not started:  # no worker ever ran: the commands queued are applied here, once
            if first:
                self._apply_commands()
            return True
        if threading.current_thread() is self._thread:
            return False  # asked by work on the worker: it ends when that work returns
        self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def alive(self):
        return self._thread.is_alive()

    def _stopped_message(self):  # with the lock held
        if self._error is not None:
            return (f"the run loop has stopped: its worker failed with {type(self._error).__name__}"
                    f"{': ' if str(self._error) else ''}{self._error}")
        return "the run loop has stopped: stop() was called"

    def _check_open_locked(self):
        if self._stopped:
            raise LoopStopped(self._stopped_message(), self._error)

    def _check_open(self):
        with self._lock:
            self._check_open_locked()

    # ---- the worker ---------------------------------------------------------------------------
    def _apply_commands(self):
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            if isinstance(command, dict):
                self.session.set(**command)
                continue
            work, future = command
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = work(self.session)
            except Exception as e:  # the asker gets it from the future; the cell goes on
                future.set_exception(e)
            except BaseException as e:  # SystemExit, KeyboardInterrupt: the asker gets it, and the loop stops
                future.set_exception(e)
                raise
            else:
                future.set_result(result)

    def _work(self):
        try:
            self._loop()
            self._apply_commands()  # those queued before stop(): none can be queued after it
        except BaseException as e:  # any kind, kept for the caller and the window to see
            with self._lock:
                self._error = e
                self._stopped = True
            self._stopping.set()
        finally:
            self._fail_pending()

    def _fail_pending(self):
        """Work still queued when the worker ended (it failed) fails with ``LoopStopped``."""
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return
            if not isinstance(command, dict) and command[1].set_running_or_notify_cancel():
                with self._lock:
                    stopped = LoopStopped(self._stopped_message(), self._error)
                command[1].set_exception(stopped)

    def _measured(self, achieved_speed):
        with self._lock:
            self._achieved_speed = achieved_speed
        return achieved_speed

    def _loop(self):
        session = self.session
        # where wall-clock and cell time last agreed at `pace_speed`; renewed after a pause, a
        # change of speed or falling behind
        pace_wall, pace_sim, pace_speed = time.perf_counter(), session.t_s, self.speed
        window_wall, window_sim, achieved = pace_wall, pace_sim, None
        while not self._stopping.is_set():
            if not self._running.is_set():
                self._apply_commands()
                self._running.wait(SLICE_WALL_S)
                pace_wall, pace_sim = time.perf_counter(), session.t_s
                window_wall, window_sim, achieved = pace_wall, pace_sim, self._measured(None)
                continue
            self._apply_commands()
            speed = self.speed
            if speed != pace_speed:
                pace_wall, pace_sim, pace_speed = time.perf_counter(), session.t_s, speed
            if speed is None:
                session.run(FASTEST_SLICE_S)
            else:  # behind, a slice is as long as the engine does in SLICE_WALL_S, not the asked speed
                session.run(min(speed, achieved or speed) * SLICE_WALL_S)
            now = time.perf_counter()
            if now - window_wall >= SPEED_WINDOW_S:
                achieved = self._measured((session.t_s - window_sim) / (now - window_wall))
                window_wall, window_sim = now, session.t_s
            if speed is None:
                continue
            ahead_s = pace_wall + (session.t_s - pace_sim) / speed - now
            if ahead_s < -SPEED_WINDOW_S:
                pace_wall, pace_sim = now, session.t_s  # behind: go on from here, don't race to catch up
            # sleeps with no lock held (a stop wakes it); behind, it still pauses a moment, or a
            # window waiting for the Session's lock (Python's locks are not fair) could wait for
            # many slices: the slice asked for 20x drew at 2 frames a second
            self._stopping.wait(max(ahead_s, BEHIND_PAUSE_S))
