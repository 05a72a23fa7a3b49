"""The rig window, offscreen, driven through its real widgets (pytest-qt).

The loop is paused where a test needs the cell's time to move by a known amount: the test then
advances the Session itself (``session.run``) and draws a frame (``window.tick``), so nothing waits
on the wall clock for the cell. Commands (typed values, clicks) land through the RunLoop, which
applies them while paused too; the tests poll for that with a deadline.
"""
import csv
import os

import pytest
from PySide6.QtCore import QLocale, QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QDoubleSpinBox, QPushButton, QRadioButton, QToolTip

from rig import Session
from rig.controls import CONTROLS
from ui.window import LOST_LOOK, RED


@pytest.fixture(scope="module")
def slice_session():
    """One slice for these tests: building one takes 10-20 s (it settles), compiling it the first time 20 more."""
    return Session(preparation="slice", keep_trace=False)


@pytest.fixture
def slice_window(open_window, slice_session):
    return open_window(slice_session)


def pause(window, qtbot):
    window.findChild(QAction, "run").trigger()
    qtbot.waitUntil(lambda: window.loop.paused)


def type_into(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def test_type_bath_K_10_mM_and_watch_the_cell_depolarise_with_a_marker(window, qtbot):
    pause(window, qtbot)
    window.loop.set(perfusion_tau_s=0.0)
    before = window.session.readout()["V_mV"]
    type_into(qtbot, window.tabs.widgets["bath_K_mM"], "10")
    qtbot.waitUntil(lambda: window.session.get("bath_K_mM") == 10.0)
    window.session.run(3.0)
    window.tick()
    assert window.session.readout()["V_mV"] > before + 5  # V rises towards the new E_K
    texts = [window.results.log.item(r, 1).text() for r in range(window.results.log.rowCount())]
    assert "Bath K+ 3 → 10 mM" in texts  # in words; scripts read "bath_K_mM 3 -> 10" (Session.markers)
    assert any(line.label.format == "Bath K+ 3 → 10 mM" for _, line, _ in window.scopes.marker_lines)
    shown = f"{window.session.readout()['V_mV']:.1f}"
    qtbot.waitUntil(lambda: f"<b>{shown}</b>" in window.amplifier.v_meter.text())  # digits follow ten times a second


def test_a_typed_value_out_of_range_is_refused_with_a_message(window, qtbot):
    box = window.tabs.widgets["bath_K_mM"]
    type_into(qtbot, box, "1000")
    assert "bath_K_mM = 1000.0 is out of range: valid 0.5–150 mM" in window.statusBar().currentMessage()
    assert box.value() == 3.0 and window.session.get("bath_K_mM") == 3.0
    assert "out of range" in QToolTip.text()  # beside the box too
    assert window.loop.alive


def test_scrolling_past_a_box_changes_nothing(window, qtbot):
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    box = window.tabs.widgets["bath_K_mM"]
    box.clearFocus()
    wheel = QWheelEvent(QPointF(5, 5), QPointF(box.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(box, wheel)
    assert box.value() == 3.0 and not window.session.markers()


def test_switch_clamp_mode_and_hold(window, qtbot):
    amplifier = window.amplifier

    def framed():
        return [meter.property("primary") for meter in (amplifier.v_meter, amplifier.i_meter)]
    qtbot.waitUntil(lambda: framed() == [True, False])  # IC reads V
    qtbot.mouseClick(window.findChild(QPushButton, "clamp=voltage"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.get("clamp") == "voltage")
    # the panel follows on the window's next frame of numbers
    qtbot.waitUntil(lambda: amplifier.widgets["hold_mV"].isEnabled() and not amplifier.widgets["hold_pA"].isEnabled())
    assert framed() == [False, True]  # VC reads I
    type_into(qtbot, amplifier.widgets["hold_mV"], "-80")
    qtbot.waitUntil(lambda: window.session.get("hold_mV") == -80.0)


def test_pause_holds_the_clock_and_run_resumes_it(window, qtbot):
    qtbot.waitUntil(lambda: window.session.t_s > 0.05)
    pause(window, qtbot)
    t = window.session.t_s
    qtbot.wait(100)
    assert window.session.t_s == t and not window.scopes.following
    window.findChild(QAction, "run").trigger()
    qtbot.waitUntil(lambda: window.session.t_s > t + 0.05)
    assert window.scopes.following


def test_a_step_protocol_shows_its_sweeps(window, qtbot):
    window.amplifier.step_count.setValue(4)
    window.amplifier.step_ms.setValue(100)
    qtbot.mouseClick(window.findChild(QPushButton, "run_steps"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.results.sweeps.listDataItems()) == 4, timeout=10000)
    assert window.results.currentWidget() is window.results.sweeps
    assert "4 sweeps" in window.amplifier.result.text()
    sizes = window.splitters["split/left"].sizes()  # the sweeps get room to be read
    assert sizes[2] >= 0.35 * sum(sizes) > 0


def test_voltage_clamp_steps_start_from_their_own_values(window, qtbot):
    """A current-clamp protocol (-100 pA...) would be out of range as mV: each mode keeps its own."""
    amplifier = window.amplifier
    window.loop.set(clamp="voltage")
    qtbot.waitUntil(lambda: amplifier.step_start.suffix() == " mV")
    assert (amplifier.step_start.value(), amplifier.step_delta.value()) == (-20.0, 20.0)
    amplifier.step_count.setValue(3)
    amplifier.step_ms.setValue(50)
    qtbot.mouseClick(window.findChild(QPushButton, "run_steps"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(window.results.sweeps.listDataItems()) == 3, timeout=10000)
    assert "3 sweeps of mV" in amplifier.result.text()
    window.loop.set(clamp="current")
    qtbot.waitUntil(lambda: amplifier.step_start.suffix() == " pA")
    assert amplifier.step_start.value() == -100.0


def test_membrane_test_shows_R_C_and_tau(window, qtbot):
    box = window.tabs.widgets["bath_K_mM"]
    box.setFocus()  # a number box holding the keyboard still lets the window's M through
    qtbot.keyClick(box, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: "MΩ" in window.amplifier.membrane.text(), timeout=10000)
    assert "pF" in window.amplifier.membrane.text() and "ms" in window.amplifier.membrane.text()


def test_every_registry_widget_from_minimum_to_maximum_prints_nothing(window, qtbot, capfd):
    widgets = {**window.amplifier.widgets, **window.tabs.widgets}
    assert set(widgets) == set(CONTROLS)  # generated from the registry, none listed twice
    for name, widget in widgets.items():
        assert widget.objectName() == name
        control = CONTROLS[name]
        if control.fixed or not control.applies_to(window.session.preparation.name):
            assert not widget.isEnabled()
            continue
        values = control.choices if control.is_choice else (control.lo, control.hi, control.default)
        for value in values:
            widget.show_value(value)
            widget.edited.emit(name, value)
    qtbot.waitUntil(lambda: window.session.get("kir_block") == CONTROLS["kir_block"].default)
    window.tick()
    out, err = capfd.readouterr()
    assert err == "" and window.loop.error is None


def test_the_gas_switch_cuts_the_oxygen(window, qtbot):
    qtbot.mouseClick(window.findChild(QPushButton, "gas:0"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.get("o2_pct") == 0.0)
    assert "o2_pct 95 -> 0" in [m for _, m in window.session.markers()]


def test_the_scopes_window_the_user_picks_is_remembered_and_one_asked_for_by_a_script_is_not(window):
    window.set_span(300)
    assert window.scopes.span_s == 300 and window.settings.value("span_s") is None
    window.set_projector(True)
    assert window.scopes.pen_width == 3 and window.settings.value("projector") is None
    box = window.findChild(QComboBox, "span")
    box.setCurrentText("2 min")
    box.activated.emit(box.currentIndex())  # what a user's pick sends
    assert window.scopes.span_s == 120 and window.settings.value("span_s", type=float) == 120


def test_a_preset_applies_its_controls(window, qtbot):
    box = window.findChild(QComboBox, "preset:mutations")
    box.setCurrentText("KCNQ2/3 gain of function (2x M-current)")
    qtbot.waitUntil(lambda: window.session.get("kcnq_gain") == 2.0)
    assert box.currentIndex() == 0  # ready for the next choice


def test_record_then_export_from_the_window_and_read_it_back(window, qtbot, tmp_path):
    pause(window, qtbot)
    window.findChild(QAction, "record").trigger()
    qtbot.waitUntil(lambda: window.session.logbook.recorder is not None)
    t0 = window.session.t_s  # paused: where the recording starts (wherever the loop stood, under load too)
    window.session.run(0.5)
    window.loop.set(bath_K_mM=6.0)
    qtbot.waitUntil(lambda: window.session.get("bath_K_mM") == 6.0)
    window.session.run(0.5)
    # the status bar follows the rig ten times a second (NUMBERS_S), on the window's own frames
    qtbot.waitUntil(lambda: window.recording_label.text().strip().endswith("MB"))
    window.findChild(QAction, "record").trigger()
    qtbot.waitUntil(lambda: window.session.logbook.recorder is None)
    future = window.export_to(str(tmp_path / "out.csv"))
    qtbot.waitUntil(future.done, timeout=10000)
    window.tick()
    with open(tmp_path / "out.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) - 1 == 10000 and rows[0][:2] == ["t_s", "V_mV"]
    thinned = window.export_to(str(tmp_path / "thin.atf"), from_s=t0 + 0.2, to_s=t0 + 0.6, rate_hz=1000)
    qtbot.waitUntil(thinned.done, timeout=10000)
    assert thinned.result()["rows"] in (400, 401)  # 0.4 s at 1 kHz, ends in or out as t0 meets the grid
    assert any(r[rows[0].index("marker")] == "bath_K_mM 3 -> 6" for r in rows[1:])
    qtbot.waitUntil(lambda: "Wrote" in window.statusBar().currentMessage())  # said on the frame after it is done
    assert (tmp_path / "out-spikes.csv").exists()


def test_export_without_a_recording_says_what_to_do(window):
    assert window.export_to("x.csv") is None
    assert "Nothing recorded yet: press ● Record" in window.statusBar().currentMessage()


def test_a_cut_off_recording_is_found_and_recovered(window, tmp_path):
    folder = tmp_path / "recordings"
    s = Session(sample_rate_hz=1000, keep_trace=False)
    s.start_recording(folder / "crashed.vrig")
    s.run(0.2)
    s.logbook.recorder.close()  # the process died: no "stopped" line
    from rig.recorder import cut_off

    assert cut_off(folder) == [str(folder / "crashed.vrig")]
    window.recover(str(folder / "crashed.vrig"))
    assert "Recovered" in window.statusBar().currentMessage() and cut_off(folder) == []


def test_projector_mode_enlarges_fonts_and_pens_and_is_remembered(window):
    normal = window.font().pointSize()
    window.findChild(QAction, "projector").trigger()
    assert window.font().pointSize() > normal and window.scopes.pen_width == 3
    assert window.settings.value("projector", type=bool)
    window.findChild(QAction, "projector").trigger()
    assert window.scopes.pen_width == 1


def test_patching_a_new_cell(window, qtbot):
    window.patch_new_cell("astrocyte")
    qtbot.waitUntil(lambda: window.session.preparation.name == "astrocyte", timeout=20000)
    assert window.loop.alive and window.results.log.rowCount() == 0


def test_a_lost_cell_is_said_in_red_and_marked_until_a_new_cell_is_patched(window, qtbot):
    pause(window, qtbot)
    window.loop.set(hold_pA=-2000.0)  # driven past the membrane's breakdown within milliseconds
    qtbot.waitUntil(lambda: window.session.get("hold_pA") == -2000.0)
    window.tick()
    assert "lost" not in window.status.text().lower()
    window.session.run(0.2)
    window.tick()
    message = window.statusBar().currentMessage()
    assert message.startswith("The membrane broke down at t = ") and "the cell is lost" in message
    assert message.endswith("patch a new one.") and RED in window.statusBar().styleSheet()
    assert window.status.text().startswith("CELL LOST   t = ") and window.status.styleSheet() == LOST_LOOK
    assert window.status.toolTip() == window.session.cell_lost
    assert window.caption.isVisible() and window.caption.text() == message  # over the scopes, too
    assert window.windowTitle() == "Virtual Rig: cell lost"
    window.say("Puffed")  # said once: the next frames leave the status bar to what comes next
    window.tick()
    assert window.statusBar().currentMessage() == "Puffed" and "CELL LOST" in window.status.text()
    window.findChild(QAction, "run").trigger()  # the lost cell keeps running: it can still be recorded
    t = window.session.t_s
    qtbot.waitUntil(lambda: window.session.t_s > t + 0.05)
    assert window.loop.error is None and window.run_action.isEnabled()
    lost = window.session  # a new cell of the same kind replaces a lost one
    window.patch_new_cell(lost.preparation.name)
    qtbot.waitUntil(lambda: window.session is not lost, timeout=20000)
    window.tick()
    assert window.session.cell_lost is None and window.statusBar().currentMessage().startswith("Patched")
    assert window.status.text().startswith(window.session.preparation.title)
    assert window.status.styleSheet() == "" and window.status.toolTip() == "" and window.windowTitle() == "Virtual Rig"


def test_the_spin_boxes_carry_units_and_help(window):
    box = window.findChild(QDoubleSpinBox, "bath_K_mM")
    assert box.suffix() == " mM" and "Range 0.5–150 mM" in box.toolTip()
    assert os.path.basename(window.folder) == "recordings"


def test_a_slice_shows_its_linescan_and_a_click_on_it_moves_the_pipette(slice_window, qtbot):
    window, session = slice_window, slice_window.session
    pause(window, qtbot)
    session.run(2.0)
    scan = window.linescan
    qtbot.waitUntil(lambda: scan.image.image is not None and len(scan.image.image) >= 40)  # the frame timer reads it
    assert scan.isVisible() and scan.image.image.shape[1] == 60 and scan.bar.levels() == (-90.0, 10.0)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Slice"
    box = scan.plot.getViewBox()
    (t0, t1) = box.viewRange()[0]
    at = scan.view.mapFromScene(box.mapViewToScene(QPointF((t0 + t1) / 2, 2.25)))
    qtbot.mouseClick(scan.view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    qtbot.waitUntil(lambda: abs(session.get("patch_mm") - 2.25) < 0.03)
    assert any(text.startswith("patch_mm 1.5 -> 2.2") for _, text in session.markers())
    qtbot.waitUntil(lambda: scan.pipette.value() == session.get("patch_mm"))
    scan.channel_box.setCurrentText("K_o")
    assert scan.bar.levels() == (0.0, 50.0) and scan.bar.getAxis("right").labelText == "K_o (mM)"


def test_the_puff_button_puffs_with_a_marker_and_a_band_or_says_what_is_wrong(slice_window, qtbot):
    window, session = slice_window, slice_window.session
    qtbot.mouseClick(window.findChild(QRadioButton, "puff:glutamate_uM"), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.findChild(QPushButton, "puff"), Qt.MouseButton.LeftButton)
    text = "puff glutamate_uM 100 at 0.15 mm (width 0.3 mm) for 10 s"
    qtbot.waitUntil(lambda: text in [m for _, m in session.markers()])
    words = "Puff Glutamate 100 µM at 0.15 mm (0.3 mm wide) for 10 s"
    qtbot.waitUntil(lambda: any(line.label.format == words for _, line, _ in window.scopes.marker_lines))
    qtbot.waitUntil(lambda: len(window.linescan.bands) == len(session.puffs()) > 0)
    type_into(qtbot, window.findChild(QDoubleSpinBox, "puff:at_mm:value"), "5")
    qtbot.mouseClick(window.findChild(QPushButton, "puff"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "puff at_mm = 5.0 is out of range: valid 0–3" in window.statusBar().currentMessage())
    box = window.findChild(QDoubleSpinBox, "puff:width_mm:value")
    box.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "0,5")  # not a number here: shown red, and the Puff button says so
    qtbot.mouseClick(window.findChild(QPushButton, "puff"), Qt.MouseButton.LeftButton)
    assert box.property("invalid") and len(session.puffs()) == 1
    assert "Not puffed: puff width_mm = '0,5' is not a number" in window.statusBar().currentMessage()


def test_a_neuron_has_no_linescan_and_a_slice_brings_it(window, slice_session):
    assert not window.linescan.isVisible()
    window.loop.stop()
    window.use_session(slice_session)
    assert window.linescan.isVisible()
