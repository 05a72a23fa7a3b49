"""The window's figures: a benchmark that prints figures (not a unit test; it asserts nothing).
Run it on an X server: ``xvfb-run -a -s "-screen 0 1366x768x24" python bench/window_speed.py`` (``make
bench-ui`` does), the laptop screen the window is for.

- warm start to first trace: a fresh ``virtual-rig`` process (Numba's cache already on disk) until
  its scopes first draw the membrane potential (aim < 3 s);
- scope frames per second and the whole app's CPU use (all threads, % of one core) at 1× and at
  50× with every scope drawing, the cursors out and every readout following (the steady-state fit
  too), neuron firing under 150 pA (aim >= 30 fps, under half a core at 1×);
- delay from a control change (as a panel makes it) to its marker line on the scope, at 1×
  (aim < 50 ms), median and worst of 20;
- the floor of ``design/window.md`` in the same run: a bare three-plot pyqtgraph scope (V, I, a
  slow strip) fed at 10 kHz by a producer thread, doing its own min/max decimation per pixel
  column, 10 s window, one 33 ms timer, for as long as the app; its fps and CPU beside the app's at
  1×, and the ratio app / bare.

These shared machines differ by up to 2x from one session to the next; the first line says which
machine the figures came from.
"""
import os
import resource
import statistics
import subprocess
import sys
import time

from machine import machine_line

SECONDS = 8.0
SIZE = (1366, 768)  # a student's laptop
BARE_RATE_HZ, BARE_WINDOW_S, BARE_FRAME_MS = 10_000, 10.0, 33


def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def wait(seconds):
    """Let Qt run for ``seconds``."""
    from PySide6.QtCore import QEventLoop, QTimer
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def frames_and_cpu(ticks):
    """Frames a second (``ticks`` grows by one a frame) and the process's CPU, over SECONDS after
    a second to settle."""
    wait(1.0)
    w0, c0, n0 = time.perf_counter(), cpu_s(), len(ticks)
    wait(SECONDS)
    elapsed = time.perf_counter() - w0
    return (len(ticks) - n0) / elapsed, (cpu_s() - c0) / elapsed


def child_first_trace():
    """In a fresh process: build the app and report when the V scope first holds data."""
    started = float(os.environ["VRIG_BENCH_T0"])
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from rig import Session
    from ui.window import RigWindow

    app = QApplication(sys.argv[:1])
    window = RigWindow(Session(keep_trace=False), settings=QSettings("/tmp/vrig-bench.ini", QSettings.Format.IniFormat),
                       folder="/tmp/vrig-bench")
    window.show()

    def check():
        x, _ = window.scopes.curves["V_mV"].getData()
        if x is not None and len(x) > 10:
            print(f"first trace {time.time() - started:.2f}", flush=True)
            window.close()
            app.quit()

    poll = QTimer()
    poll.timeout.connect(check)
    poll.start(5)
    app.exec()


def measure_running(speed):
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QApplication

    from rig import Session
    from ui.window import RigWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = RigWindow(Session(keep_trace=False, hold_pA=150.0), speed=speed,
                       settings=QSettings("/tmp/vrig-bench.ini", QSettings.Format.IniFormat), folder="/tmp/vrig-bench")
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(*SIZE)
    window.set_span(10.0)
    window.cursors_action.setChecked(True)  # their reading follows every frame
    window.show()
    ticks = []
    window.timer.timeout.connect(lambda: ticks.append(time.perf_counter()))

    fps, cpu = frames_and_cpu(ticks)
    achieved = window.loop.achieved_speed
    delays = []
    if speed == 1:
        for k in range(20):
            seen = len(window.scopes.marker_lines)
            t0 = time.perf_counter()
            window.change("hold_pA", 160.0 - (k % 2) * 10.0)  # a new value each time: each is marked
            while len(window.scopes.marker_lines) == seen:
                app.processEvents()
            delays.append((time.perf_counter() - t0) * 1e3)
            wait(0.1)
    window.close()
    return fps, cpu, achieved, delays


def measure_bare():
    """The bare scope: what drawing three plots costs here with nothing else in the process."""
    import threading

    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    n = int(BARE_RATE_HZ * BARE_WINDOW_S)
    ring = np.zeros((3, n), np.float32)  # V, I, a slow strip; sample k at k % n
    count, lock, stop = [0], threading.Lock(), threading.Event()
    # one second, repeated: a neuron firing at 7 Hz, a noisy current, a slow drift
    k = np.arange(BARE_RATE_HZ)
    noise = np.random.default_rng(0).normal(size=(2, BARE_RATE_HZ))
    second = np.stack([np.where(k % (BARE_RATE_HZ // 7) < 10, 40.0, -60.0) + 0.3 * noise[0],
                       150.0 + 2.0 * noise[1], 3.0 + np.sin(2 * np.pi * k / BARE_RATE_HZ)]).astype(np.float32)

    def produce():  # the samples fall due at 10 kHz and arrive in blocks, as the RunLoop hands them over
        start = time.perf_counter()
        while not stop.wait(0.01):
            due = np.arange(count[0], int((time.perf_counter() - start) * BARE_RATE_HZ))
            with lock:
                ring[:, due % n] = second[:, due % BARE_RATE_HZ]
                count[0] += len(due)

    win = pg.GraphicsLayoutWidget()
    win.resize(*SIZE)
    plots = [win.addPlot(row=row, col=0) for row in range(3)]
    curves = []
    for plot, colour, y_range in zip(plots, ("#f0f0f0", "#f0c000", "#ff6060"), ((-80, 50), (140, 160), (1.5, 4.5))):
        plot.setMouseEnabled(x=False, y=False)
        plot.enableAutoRange(x=False, y=False)
        plot.setYRange(*y_range, padding=0)
        if plot is not plots[-1]:
            plot.hideAxis("bottom")
        curves.append(plot.plot(pen=pg.mkPen(colour, width=1), skipFiniteCheck=True))
    ticks = []

    def frame():
        ticks.append(time.perf_counter())
        with lock:
            end = count[0]
            data = np.roll(ring, -(end % n), axis=1)  # oldest first
        columns = max(100, int(plots[0].getViewBox().width()))
        per = n // columns
        t = (end - n + per * np.arange(1, columns + 1)) / BARE_RATE_HZ
        for plot, curve, channel in zip(plots, curves, data):
            blocks = channel[n - columns * per:].reshape(columns, per)
            y = np.empty(2 * columns, np.float32)
            y[0::2], y[1::2] = blocks.min(axis=1), blocks.max(axis=1)
            curve.setData(np.repeat(t, 2), y)
            plot.setXRange(t[0], t[-1], padding=0)

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    timer = QTimer()
    timer.timeout.connect(frame)
    timer.start(BARE_FRAME_MS)
    win.show()

    fps, cpu = frames_and_cpu(ticks)
    timer.stop()
    stop.set()
    producer.join()
    win.close()
    app.processEvents()
    return fps, cpu


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child_first_trace()
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        sys.exit("bench/window_speed.py needs an X server: "
                 "xvfb-run -a -s \"-screen 0 1366x768x24\" python bench/window_speed.py")
    print(f"{machine_line()}; QT_QPA_PLATFORM={os.environ.get('QT_QPA_PLATFORM', 'xcb')}")
    starts = []
    for _ in range(3):
        env = {**os.environ, "VRIG_BENCH_T0": repr(time.time())}
        out = subprocess.run([sys.executable, __file__, "--child"], capture_output=True, text=True, env=env).stdout
        starts.append(float(out.split("first trace")[-1]))
    print(f"warm start to first trace: {min(starts):.2f} s best, {max(starts):.2f} s worst of 3 (aim < 3 s)")
    for speed in (1, 50):
        fps, cpu_core, achieved, delays = measure_running(speed)
        line = (f"{speed}x, neuron firing, 10 kHz, all scopes drawing, cursors out (10 s window, "
                f"{SIZE[0]}x{SIZE[1]}): {fps:.0f} fps, "
                f"CPU {100 * cpu_core:.0f} % of one core for the whole app, cell at {achieved:.1f}x")
        print(line)
        if delays:
            print(f"control change to its marker on the scope at 1x: {statistics.median(delays):.0f} ms median, "
                  f"{max(delays):.0f} ms worst of {len(delays)} (aim < 50 ms)")
        if speed == 1:
            app_fps, app_cpu = fps, cpu_core
    bare_fps, bare_cpu = measure_bare()
    print(f"bare three-plot scope (own min/max per pixel, 10 s window, {BARE_FRAME_MS} ms timer, {SIZE[0]}x{SIZE[1]}, "
          f"{SECONDS:.0f} s): {bare_fps:.0f} fps, CPU {100 * bare_cpu:.0f} % of one core")
    print(f"app at 1x / bare scope: fps {app_fps:.0f} / {bare_fps:.0f} = {app_fps / bare_fps:.2f}, "
          f"CPU {100 * app_cpu:.0f} % / {100 * bare_cpu:.0f} % = {app_cpu / bare_cpu:.1f}")


if __name__ == "__main__":
    main()
