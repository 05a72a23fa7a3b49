"""The run loop a window drives: commands from any thread land within a slice, pause holds the
cell's clock, speed is kept or the achieved speed is reported. No Qt.

The loop paces itself on the wall clock, so these tests poll for what they expect with a deadline
(a second at most) rather than advancing simulated time themselves.
"""
import threading
import time

import numpy as np
import pytest

from rig import RunLoop, Session
from rig.runloop import LoopStopped
from rig.meters import RATE_WINDOW_S


def wait_for(condition, timeout_s=3.0):
    deadline = time.perf_counter() + timeout_s
    while not condition():
        assert time.perf_counter() < deadline, "timed out"
        time.sleep(0.002)


@pytest.fixture
def loop():
    running = RunLoop(Session(preparation="neuron", sample_rate_hz=1000), speed=1.0)
    running.start()
    yield running
    running.stop()
    assert running.error is None


def test_a_change_from_another_thread_lands_within_20_ms_of_cell_time(loop):
    wait_for(lambda: loop.session.t_s > 0.05)
    asked = []

    def student():
        asked.append(loop.session.t_s)
        loop.set(bath_K_mM=8.0)

    threading.Thread(target=student).start()
    wait_for(lambda: loop.session.markers())
    t_marker, text = loop.session.markers()[0]
    assert text == "bath_K_mM 3 -> 8"
    assert 0.0 <= t_marker - asked[0] <= 0.020


def test_a_bad_value_is_refused_in_the_caller_and_nothing_changes(loop):
    with pytest.raises(ValueError, match="bath_K_mM = 900 is out of range"):
        loop.set(bath_K_mM=900)
    with pytest.raises(ValueError, match="demyelination belongs to the node preparation"):
        loop.set(demyelination=1)
    loop.set(temperature_C=30.0)
    wait_for(lambda: loop.session.markers())
    assert [text for _, text in loop.session.markers()] == ["temperature_C 37 -> 30"]


def test_pause_holds_the_clock_and_resume_goes_on(loop):
    wait_for(lambda: loop.session.t_s > 0.02)
    loop.pause()
    time.sleep(0.03)  # a slice in flight finishes
    held = loop.session.t_s
    time.sleep(0.1)
    assert loop.session.t_s == held and loop.paused
    loop.set(hold_pA=50.0)  # commands still land while paused
    wait_for(lambda: loop.session.markers())
    assert loop.session.markers()[0][0] == held
    loop.resume()
    wait_for(lambda: loop.session.t_s > held + 0.02)


def test_real_time_is_kept_and_reported(loop):
    wait_for(lambda: loop.achieved_speed is not None)
    assert loop.achieved_speed == pytest.approx(1.0, rel=0.2)


def test_as_fast_as_possible_reports_what_it_achieves_and_the_meters_stay_readable():
    loop = RunLoop(Session(preparation="neuron", sample_rate_hz=1000), speed=None)
    loop.start()
    try:
        wait_for(lambda: loop.achieved_speed is not None)
        assert loop.achieved_speed > 20.0
        t0 = time.perf_counter()
        loop.session.readout()
        assert time.perf_counter() - t0 < 0.05  # waits for one slice at most
        loop.speed = 10
        time.sleep(2 * 0.5)
        wait_for(lambda: loop.achieved_speed < 12.0)
    finally:
        loop.stop()
    assert loop.error is None and not loop.alive


def test_a_loop_behind_its_speed_still_lets_the_window_read_the_slice():
    """Asked for 100x, the slice runs at ~8x: its slices shrink to what the engine does in 10 ms
    and the worker pauses after each, so a linescan waits for one short slice. Before, it waited
    a second (median of 20; Python's locks are not fair) and the window drew at 2 frames a second."""
    loop = RunLoop(Session(preparation="slice", sample_rate_hz=1000, keep_trace=False), speed=100.0)
    loop.start()
    try:
        wait_for(lambda: loop.achieved_speed is not None)
        waits = []
        for _ in range(20):
            t0 = time.perf_counter()
            loop.session.linescan(1.0)
            waits.append(time.perf_counter() - t0)
            time.sleep(0.03)
    finally:
        loop.stop()
    assert loop.error is None and loop.achieved_speed < 100.0
    assert sorted(waits)[len(waits) // 2] < 0.04


@pytest.mark.parametrize("speed", [0, 0.5, 101, "fast", True, float("nan")])
def test_a_bad_speed_names_the_range(speed):
    with pytest.raises(ValueError, match="1–100 × real time, or None"):
        RunLoop(Session(sample_rate_hz=100), speed=speed)


def test_work_submitted_runs_on_the_worker_and_answers_through_a_future(loop):
    future = loop.submit(lambda session: (threading.current_thread().name, session.membrane_test()["R_in_MOhm"]))
    name, r_in = future.result(timeout=5)
    assert name == "virtual-rig run loop"
    assert 50 < r_in < 500
    failing = loop.submit(lambda session: session.set(bath_K_mM=-1))
    with pytest.raises(ValueError, match="bath_K_mM"):
        failing.result(timeout=5)
    assert loop.error is None and loop.alive  # a failed measurement does not stop the cell


def test_the_rate_meter_counts_spikes_over_its_window():
    s = Session(sample_rate_hz=10000, hold_pA=200.0, keep_trace=True)
    for _ in range(80):  # in the pieces the run loop runs it in: the meter reads after each
        s.run(0.1)
    fired = [sp for sp in s.spikes() if sp["t_s"] > s.t_s - RATE_WINDOW_S]
    assert s.readout()["firing_rate_Hz"] == pytest.approx(len(fired) / RATE_WINDOW_S, abs=1.5 / RATE_WINDOW_S)
    assert 5 < s.readout()["firing_rate_Hz"] < 15


# ---- the lifecycle: a loop starts once, stops once, and never swallows what stopped it ----------
def blocking_work():
    """Work that holds the worker until released: commands queued meanwhile wait behind it."""
    entered, release = threading.Event(), threading.Event()

    def work(session):
        entered.set()
        assert release.wait(5)
        return "released"
    return work, entered, release


def test_set_and_submit_after_stop_raise_and_a_loop_starts_once(loop):
    with pytest.raises(RuntimeError, match="already started"):
        loop.start()
    assert loop.stop() is True and loop.stopped and not loop.alive
    with pytest.raises(LoopStopped, match=r"the run loop has stopped: stop\(\) was called"):
        loop.set(bath_K_mM=8.0)
    with pytest.raises(RuntimeError, match="the run loop has stopped"):
        loop.submit(lambda session: session.t_s)
    with pytest.raises(RuntimeError, match="already started"):
        loop.start()
    assert loop.stop() is True and loop.session.markers() == []


def test_a_stop_before_start_applies_what_was_queued_and_start_then_refuses():
    loop = RunLoop(Session(preparation="squid_axon", sample_rate_hz=1000))
    loop.set(temperature_C=10.0)
    asked = loop.submit(lambda session: session.get("temperature_C"))
    assert loop.stop() is True
    assert asked.result(timeout=0) == 10.0 and loop.session.get("temperature_C") == 10.0
    with pytest.raises(LoopStopped, match=r"stop\(\) was called.*make a new RunLoop"):
        loop.start()
    assert not loop.alive and loop.session.t_s == 0.0 and loop.error is None


def test_commands_queued_before_stop_are_applied(loop):
    wait_for(lambda: loop.session.t_s > 0.02)
    loop.set(temperature_C=30.0)
    asked = loop.submit(lambda session: session.get("temperature_C"))
    assert loop.stop() is True
    assert [text for _, text in loop.session.markers()] == ["temperature_C 37 -> 30"]
    assert asked.result(timeout=0) == 30.0


def test_stop_reports_a_worker_still_running_and_leaves_the_queue_to_it(loop):
    work, entered, release = blocking_work()
    held = loop.submit(work)
    assert entered.wait(5)
    loop.set(temperature_C=30.0)  # queued behind the work that holds the worker
    assert loop.stop(timeout_s=0.05) is False
    assert loop.alive and loop.stopped
    assert loop.session.get("temperature_C") == 37.0  # not applied by this thread beside the worker
    with pytest.raises(LoopStopped):
        loop.set(temperature_C=20.0)
    release.set()
    assert loop.stop(timeout_s=5) is True and not loop.alive
    assert held.result(timeout=0) == "released" and loop.session.get("temperature_C") == 30.0


def test_a_stop_asked_by_work_on_the_worker_ends_it():
    loop = RunLoop(Session(preparation="squid_axon", sample_rate_hz=1000))
    loop.start()
    assert loop.submit(lambda session: loop.stop()).result(timeout=5) is False  # it cannot wait for itself
    assert loop.stop(timeout_s=5) is True and loop.error is None


@pytest.mark.parametrize("error", [SystemExit(3), KeyboardInterrupt()], ids=["SystemExit", "KeyboardInterrupt"])
def test_a_system_exit_in_submitted_work_reaches_the_caller_and_stops_the_loop(error):
    loop = RunLoop(Session(preparation="squid_axon", sample_rate_hz=1000))
    loop.start()
    work, entered, release = blocking_work()
    first = loop.submit(work)
    assert entered.wait(5)

    def leave(session):
        raise error
    leaving = loop.submit(leave)
    behind = loop.submit(lambda session: session.t_s)  # queued behind it: never runs
    release.set()
    with pytest.raises(type(error)):
        leaving.result(timeout=5)
    assert loop.stop(timeout_s=5) is True
    assert first.result(timeout=0) == "released" and loop.error is error and loop.stopped
    stopped = behind.exception(timeout=0)
    assert isinstance(stopped, LoopStopped) and stopped.error is error
    name = type(error).__name__
    with pytest.raises(LoopStopped, match=f"its worker failed with {name}") as raised:
        loop.set(temperature_C=30.0)
    assert raised.value.error is error and raised.value.__cause__ is error
    with pytest.raises(LoopStopped, match=name):
        loop.submit(lambda session: session.t_s)


@pytest.mark.parametrize("error", [ZeroDivisionError("the engine fell over"), SystemExit("the engine left")],
                         ids=["ZeroDivisionError", "SystemExit"])
def test_a_failure_in_the_slice_is_kept_fails_pending_work_and_refuses_later_commands(error, monkeypatch):
    session = Session(preparation="squid_axon", sample_rate_hz=1000)
    entered, release = threading.Event(), threading.Event()

    def run(duration_s):
        entered.set()
        assert release.wait(5)
        raise error
    monkeypatch.setattr(session, "run", run)
    loop = RunLoop(session)
    loop.start()
    assert entered.wait(5)
    pending = loop.submit(lambda s: s.t_s)  # queued while the slice computes: the slice fails first
    release.set()
    assert isinstance(pending.exception(timeout=5), LoopStopped)
    assert pending.exception().error is error
    assert loop.stop(timeout_s=5) is True and not loop.alive
    assert loop.error is error and loop.stopped
    with pytest.raises(LoopStopped, match=f"its worker failed with {type(error).__name__}: {error}"):
        loop.set(temperature_C=30.0)
    with pytest.raises(LoopStopped, match=str(error)):
        loop.submit(lambda s: s.t_s)


def test_numpy_speeds_are_accepted():
    loop = RunLoop(Session(preparation="squid_axon", sample_rate_hz=1000), speed=np.float32(2))
    assert loop.speed == 2.0 and type(loop.speed) is float
    loop.speed = np.int64(5)
    assert loop.speed == 5.0 and type(loop.speed) is float
    loop.start()
    try:
        wait_for(lambda: loop.session.t_s > 0.02)
        loop.speed = np.float64(10)
        t = loop.session.t_s
        wait_for(lambda: loop.session.t_s > t + 0.02)
    finally:
        assert loop.stop() is True
    assert loop.error is None


def test_the_loops_state_is_read_and_written_under_its_lock():
    loop = RunLoop(Session(preparation="squid_axon", sample_rate_hz=1000))
    seen = []
    readers = [lambda: seen.append(loop.speed), lambda: seen.append(loop.achieved_speed),
               lambda: seen.append(loop.error), lambda: seen.append(loop.stopped),
               lambda: setattr(loop, "speed", 5)]
    with loop._lock:
        threads = [threading.Thread(target=read) for read in readers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(0.02)
        assert all(thread.is_alive() for thread in threads) and seen == []  # each waits for the lock
    for thread in threads:
        thread.join(5)
    speeds = [value for value in seen if isinstance(value, float)]  # read before or after it was set
    assert speeds in ([1.0], [5.0]) and seen.count(None) == 2 and False in seen and loop.speed == 5.0
