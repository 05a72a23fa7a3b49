"""The real-time run loop: one worker thread advances a ``Session`` in short slices and applies
queued commands between them, at real time, time-lapse or as fast as the engine goes.

Any thread (a window's, a test's) may call ``set``, ``submit``, ``pause``, ``resume``, ``stop`` or
change ``speed``: each returns at once. ``set`` is validated in the caller, so a bad value raises
ValueError there and nothing is queued. The worker never sleeps holding a lock: the Session's lock
is held only while a slice computes (the kernel releases the GIL), and pacing sleeps come after.
When the engine cannot keep the asked speed, ``achieved_speed`` says what it does instead.
"""
import concurrent.futures
import queue
import threading
import time

SLICE_WALL_S = 0.01  # a slice is this much wall-clock time at the asked speed (10 ms of cell at 1x)
FASTEST_SLICE_S = 0.2  # simulated seconds a slice when running as fast as possible
SPEED_MIN, SPEED_MAX = 1.0, 100.0  # real time to 100x time-lapse; None = as fast as possible
SPEED_WINDOW_S = 0.5  # wall-clock seconds over which the achieved speed is measured
BEHIND_PAUSE_S = 0.0005  # the worker's pause after each slice when it cannot keep the asked speed


def checked_speed(speed):
    """``speed`` as the loop uses it, or ValueError naming the valid range."""
    if speed is None:
        return None
    if isinstance(speed, bool) or not isinstance(speed, (int, float)) or not SPEED_MIN <= speed <= SPEED_MAX:
        raise ValueError(f"speed = {speed!r} is not allowed: {SPEED_MIN:g}–{SPEED_MAX:g} × real time, "
                         f"or None for as fast as the engine goes")
    return float(speed)


class RunLoop:
    """Drives ``session`` on a worker thread::

        loop = RunLoop(Session(), speed=1.0)
        loop.start()
        loop.set(bath_K_mM=8)     # lands within one slice (10 ms of cell time at 1x)
        loop.speed = 50           # time-lapse
        loop.stop()
    """

    def __init__(self, session, speed=1.0):
        self.session = session
        self._speed = checked_speed(speed)
        self._commands = queue.SimpleQueue()
        self._running = threading.Event()  # set while not paused
        self._running.set()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._work, name="virtual-rig run loop", daemon=True)
        self.achieved_speed = None  # simulated s per wall s over the last SPEED_WINDOW_S, once known
        self.error = None  # an exception that stopped the worker, if one did

    # ---- commands, from any thread ----------------------------------------------------------
    def start(self):
        self._thread.start()

    def set(self, **controls):
        """Queue control changes for the next slice; a bad one raises ValueError here and now."""
        self._commands.put(self.session.validate(**controls))

    def submit(self, work):
        """Run ``work(session)`` on the worker between two slices (a measurement, a protocol, a
        recording started or stopped) and return a ``concurrent.futures.Future`` of its result,
        so a window asks without waiting: it polls ``done()`` on its timer."""
        future = concurrent.futures.Future()
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
        return self._speed

    @speed.setter
    def speed(self, value):
        self._speed = checked_speed(value)

    def stop(self, timeout_s=5.0):
        """Finish the slice in progress (commands queued by then are applied) and end the worker."""
        self._stopping.set()
        self._running.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        self._apply_commands()

    @property
    def alive(self):
        return self._thread.is_alive()

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
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(work(self.session))
                except Exception as e:  # noqa: BLE001 - the asker gets it from the future
                    future.set_exception(e)

    def _work(self):
        try:
            self._loop()
        except Exception as e:  # noqa: BLE001 - kept for the caller to see, the thread must not die silently
            self.error = e

    def _loop(self):
        session = self.session
        # where wall-clock and cell time last agreed at `pace_speed`; renewed after a pause, a
        # change of speed or falling behind
        pace_wall, pace_sim, pace_speed = time.perf_counter(), session.t_s, self._speed
        window_wall, window_sim = pace_wall, pace_sim
        while not self._stopping.is_set():
            if not self._running.is_set():
                self._apply_commands()
                self._running.wait(SLICE_WALL_S)
                pace_wall, pace_sim = time.perf_counter(), session.t_s
                window_wall, window_sim, self.achieved_speed = pace_wall, pace_sim, None
                continue
            self._apply_commands()
            speed = self._speed
            if speed != pace_speed:
                pace_wall, pace_sim, pace_speed = time.perf_counter(), session.t_s, speed
            if speed is None:
                session.run(FASTEST_SLICE_S)
            else:  # behind, a slice is as long as the engine does in SLICE_WALL_S, not the asked speed
                session.run(min(speed, self.achieved_speed or speed) * SLICE_WALL_S)
            now = time.perf_counter()
            if now - window_wall >= SPEED_WINDOW_S:
                self.achieved_speed = (session.t_s - window_sim) / (now - window_wall)
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
