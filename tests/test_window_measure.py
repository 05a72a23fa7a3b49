"""Measuring on the traces (issue 27): two cursors with Δt, ΔV, ΔI and the slope, a results table
every measurement appends to (copied, exported), I–V and f–I runs overlaid with legends, and a new
cell that marks the earlier cell's results as its own."""
import csv

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QPushButton

from rig import Session
from rig.analysis import wave_arrivals, wave_speed_mm_per_min
from rig.export import Recorded, rate_choices
from rig.variability import student_seed
from rig import PREPARATIONS
from ui import export_dialog
from ui.patch_dialog import PatchDialog


@pytest.fixture
def kept(open_window):
    """A window on a firing neuron that keeps its trace (to check the cursors against), paused."""
    session = Session(sample_rate_hz=10000)
    session.set(hold_pA=200.0)
    window = open_window(session)
    window.run_action.setChecked(False)
    return window


def _nearest(trace, t_s):
    i = int(np.argmin(np.abs(trace["t_s"] - t_s)))
    return trace["t_s"][i], trace["V_mV"][i], trace["I_pA"][i]


def test_the_cursors_read_the_samples_under_them(kept, qtbot):
    window = kept
    qtbot.waitUntil(lambda: window.loop.paused)
    window.session.run(1.0)
    window.cursors_action.setChecked(True)
    window.cursors.place(0, 0.30012)  # as a drag leaves it: between samples
    window.cursors.place(1, 0.7500049)
    window.tick()
    reading = window.cursors._reading
    trace = window.session.trace()
    (t1, v1, i1), (t2, v2, i2) = _nearest(trace, 0.30012), _nearest(trace, 0.7500049)
    period_ms = 1e3 / window.session.sample_rate_hz
    assert reading["dt_ms"] == pytest.approx(1e3 * (t2 - t1), abs=period_ms)
    assert reading["channels"]["V_mV"]["delta"] == pytest.approx(v2 - v1, abs=1e-3)
    assert reading["channels"]["V_mV"]["slope_per_s"] == pytest.approx((v2 - v1) / (t2 - t1), rel=1e-3)
    assert reading["channels"]["I_pA"]["delta"] == pytest.approx(i2 - i1, abs=1e-3)
    shown = window.cursors.text.text()
    assert "Δt 449.90 ms" in shown and "ΔV" in shown and "ΔI" in shown and "mV/s" in shown
    assert all(line.value() == pytest.approx(round(line.value() * 1e4) / 1e4) for line in window.cursors.lines[0])


def test_cursor_readings_and_measurements_fill_the_results_table(kept, qtbot, tmp_path):
    window = kept
    qtbot.waitUntil(lambda: window.loop.paused)
    window.session.run(0.5)
    window.cursors_action.setChecked(True)
    window.tick()
    window.findChild(QPushButton, "cursors_to_results").click()
    window._measured("membrane_test", {"R_in_MOhm": 152.0, "C_pF": 98.0, "tau_ms": 14.9})
    quantities = [row.quantity for row in window.book.rows]
    assert "Δt" in quantities and "ΔV" in quantities and "R_in" in quantities
    assert window.results.table.table.rowCount() == len(window.book.rows)
    window.results.table.copy()
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0].split("\t") == ["t_s", "cell", "measurement", "quantity", "value", "unit"]
    assert len(copied) == 1 + len(window.book.rows)
    path = tmp_path / "results.csv"
    window.export_results(str(path))
    with open(path, encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0][3] == "quantity" and ["R_in", "152.0", "MΩ"] == rows[-3][3:]
    window.export_results(str(tmp_path / "no folder" / "results.csv"))
    assert "Could not write the results" in window.statusBar().currentMessage()


FI = {"I_pA": [0.0, 100.0, 200.0], "rate_Hz": [0.0, 8.0, 21.0]}
IV = {"V_mV": [-100.0, -50.0, 0.0], "I_peak_pA": [-300.0, -9000.0, -2000.0], "I_steady_pA": [-300.0, 50.0, 900.0]}


def test_curves_overlay_run_after_run_with_a_legend(window):
    window._measured("fi_curve", FI)
    window._measured("fi_curve", {**FI, "rate_Hz": [0.0, 4.0, 12.0]})  # after retigabine, say
    window._measured("iv_curve", IV)
    fi, iv = window.results.curves["fi_curve"], window.results.curves["iv_curve"]
    assert len(fi.listDataItems()) == 2 and len(iv.listDataItems()) == 2  # I–V: peak and steady
    names = [label.text for _, label in fi.plotItem.legend.items]
    assert len(names) == 2 and names[0].startswith("run 1") and names[1].startswith("run 2")
    assert window.results.currentWidget() is iv


def test_a_new_cell_marks_the_earlier_cell_s_results_and_clears_its_panel(window):
    window._measured("fi_curve", FI)
    window._measured("membrane_test", {"R_in_MOhm": 152.0, "C_pF": 98.0, "tau_ms": 14.9})
    assert "152" in window.amplifier.membrane.text()
    window.loop.stop()
    window.use_session(Session(sample_rate_hz=10000, keep_trace=False))
    assert window.book.cell == 2 and all(not window.book.is_current(row) for row in window.book.rows)
    assert all(window.book.cell_label(row).endswith("previous") for row in window.book.rows)
    names = [label.text for _, label in window.results.curves["fi_curve"].plotItem.legend.items]
    assert names and all(name.endswith("(previous cell)") for name in names)
    assert "152" not in window.amplifier.membrane.text()
    window._measured("membrane_test", {"R_in_MOhm": 160.0, "C_pF": 99.0, "tau_ms": 15.8})
    assert window.book.is_current(window.book.rows[-1]) and window.book.rows[-1].cell == 2


@pytest.mark.slow
def test_the_slope_tool_reads_the_wave_s_speed_as_the_headless_analysis_does(open_window, qtbot):
    session = Session(preparation="slice", keep_trace=False, sample_rate_hz=1000)
    window = open_window(session)
    window.run_action.setChecked(False)
    qtbot.waitUntil(lambda: window.loop.paused)
    session.puff(K_mM=60.0, at_mm=0.15, width_mm=0.3, duration_s=10.0)
    session.run(150.0)
    scan = session.linescan()
    headless = wave_speed_mm_per_min(scan, from_mm=0.5)
    arrival = wave_arrivals(scan)
    a, b = np.searchsorted(scan["x_mm"], 0.7), np.searchsorted(scan["x_mm"], 2.5)  # two places on the front
    window.set_span(300)
    window.scopes.follow(True)
    window.tick()
    window.linescan.refresh(session)
    window.linescan.set_slope(arrival[a], scan["x_mm"][a], arrival[b], scan["x_mm"][b])
    assert 2.0 <= headless <= 5.0
    assert window.linescan.slope_speed() == pytest.approx(headless, rel=0.1)
    assert f"{window.linescan.slope_speed():.2f} mm/min" in window.findChild(QLabel, "slope_reading").text()
    window.findChild(QPushButton, "slope_to_results").click()
    assert window.book.rows[-3].quantity == "wave speed" and window.book.rows[-3].unit == "mm/min"


def _long_recording(rows=3_900_000, rate_hz=10000.0):
    t = np.arange(1, rows + 1) / rate_hz
    channels = {"t_s": t, **{name: np.zeros(rows, np.float32) for name in ("V_mV", "I_pA", "spikes")}}
    return Recorded({"sample_rate_hz": rate_hz}, channels, [], [])


def test_export_rates_say_rows_and_size_and_the_first_that_a_spreadsheet_opens_is_proposed(window, qtbot):
    choices = rate_choices(_long_recording())
    assert [c["rate_hz"] for c in choices][:3] == [10000.0, 5000.0, 2000.0]
    assert [c["fits"] for c in choices][:3] == [False, False, True]
    assert choices[0]["rows"] == 3_900_000 and choices[2]["rows"] == 780_000
    assert choices[0]["megabytes"] == pytest.approx(3_900_000 * 7 * 9.5 / 1e6)
    seen = {}

    def answer():
        dialog = window.findChild(QDialog, "export_rate")
        box = dialog.rate_box
        seen.update(proposed=box.currentData(), text=box.currentText(), first=box.itemText(0))
        box.setCurrentIndex(0)  # full rate stays one choice away
        dialog.accept()

    QTimer.singleShot(0, answer)
    assert export_dialog.ask_rate(window, choices) == 10000.0
    assert seen["proposed"] == 2000.0 and "780,000 rows" in seen["text"] and "MB" in seen["text"]
    assert "every sample" in seen["first"] and "more than the 1,048,576 rows" in seen["first"]


def test_a_new_cell_s_fixed_properties_are_chosen_before_patching_and_arrows_do_not_patch(window, qtbot):
    def choose():
        dialog = window.findChild(PatchDialog, "patch_dialog")
        dialog.kinds.setFocus()
        for _ in range(8):  # through the list: nothing is patched yet
            qtbot.keyClick(dialog.kinds, Qt.Key.Key_Down)
        assert window._new_cell is None
        dialog.kinds.setCurrentRow(list(PREPARATIONS).index("internode"))
        box = dialog.boxes["myelin_wraps"]
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), "500")  # out of range: said as the headless API says it
        qtbot.mouseClick(dialog.patch_button, Qt.MouseButton.LeftButton)
        seen["problem"] = dialog.problem.text()
        box.lineEdit().selectAll()
        qtbot.keyClicks(box.lineEdit(), "20")
        qtbot.keyClick(dialog.kinds, Qt.Key.Key_Return)

    seen = {}
    QTimer.singleShot(0, choose)
    window.patch_dialog()
    assert seen["problem"].startswith("Not patched: myelin_wraps = 500") and "valid 0–200" in seen["problem"]
    qtbot.waitUntil(lambda: window.session.preparation.name == "internode", timeout=20000)
    assert window.session.get("myelin_wraps") == 20.0


def test_a_student_patches_a_cell_of_their_own_and_the_same_id_gives_it_again(window, qtbot):
    def choose():
        dialog = window.findChild(PatchDialog, "patch_dialog")
        dialog.kinds.setCurrentRow(list(PREPARATIONS).index("astrocyte"))
        qtbot.keyClicks(dialog.student, " S1003 ")
        qtbot.keyClicks(dialog.course, "PHYS2026")
        qtbot.mouseClick(dialog.patch_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, choose)
    window.patch_dialog()
    qtbot.waitUntil(lambda: window.session.preparation.name == "astrocyte", timeout=30000)
    assert window.session.cell_seed == student_seed("s1003", "PHYS2026") and window.session.cell_attempt is not None
    assert "S1003's own cell" in window.statusBar().currentMessage()
    seen = {}

    def look():  # the next New cell… offers the same student
        dialog = window.findChild(PatchDialog, "patch_dialog")
        seen["whose"] = dialog.whose()
        dialog.reject()

    QTimer.singleShot(0, look)
    window.patch_dialog()
    assert seen["whose"] == ("S1003", "PHYS2026")
