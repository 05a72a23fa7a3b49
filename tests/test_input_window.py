"""The window's number fields (issue 25): typed in the user's locale, judged by the rig's number
rule, invalid text shown as invalid and said when entered, never applied; '4,4' is 4.4 where the
decimal separator is a comma and refused where it is not, never 44."""
import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QDoubleSpinBox, QPushButton, QToolTip

from test_window import type_into
from ui.puff_panel import PuffPanel

GERMAN = QLocale(QLocale.Language.German, QLocale.Country.Germany)
ENGLISH = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)


def typed_box(window, name, locale):
    box = window.tabs.widgets.get(name) or window.amplifier.widgets[name]
    box.setLocale(locale)
    return box


def test_a_comma_is_the_decimal_separator_where_the_locale_says_so(window, qtbot):
    box = typed_box(window, "bath_K_mM", GERMAN)
    assert box.text() == "3,0 mM"
    type_into(qtbot, box, "4,4")
    qtbot.waitUntil(lambda: window.session.get("bath_K_mM") == 4.4)
    assert not box.property("invalid")


@pytest.mark.parametrize("locale, text", [(ENGLISH, "4,4"), (GERMAN, "4.4"), (ENGLISH, "abc"), (GERMAN, "1.000")])
def test_text_that_is_not_a_number_here_is_shown_invalid_said_and_never_applied(window, qtbot, locale, text):
    box = typed_box(window, "bath_K_mM", locale)
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    assert box.property("invalid") and "background" in box.lineEdit().styleSheet()  # red while typed, before Enter
    assert f"bath_K_mM = {text!r} is not a number" in box.toolTip()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert f"bath_K_mM = {text!r} is not a number (valid range 0.5–150 mM)" in window.statusBar().currentMessage()
    example = "1,5" if locale == GERMAN else "1.5"
    assert f"decimals are written {example} here" in QToolTip.text()  # beside the box, in its locale
    assert window.session.get("bath_K_mM") == 3.0 and not window.session.markers()
    assert box.hasFocus() and box.text().startswith(text)  # kept, to be put right
    type_into(qtbot, box, "4,5" if locale == GERMAN else "4.5")
    qtbot.waitUntil(lambda: window.session.get("bath_K_mM") == 4.5)
    assert not box.property("invalid") and box.lineEdit().styleSheet() == "" and "Range 0.5–150 mM" in box.toolTip()


def test_out_of_range_shows_invalid_while_typing_and_the_rig_says_why(window, qtbot):
    box = typed_box(window, "hold_pA", ENGLISH)
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "2500")
    assert box.property("invalid") and "hold_pA = 2500.0 is out of range: valid -2000–2000 pA" in box.toolTip()
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert "hold_pA = 2500.0 is out of range" in window.statusBar().currentMessage()
    assert window.session.get("hold_pA") == 0.0


def test_more_decimals_than_the_box_keeps_are_refused_not_rounded(window, qtbot):
    box = typed_box(window, "bath_K_mM", ENGLISH)
    type_into(qtbot, box, "4.44")
    assert "more decimals than the box keeps (1)" in QToolTip.text()
    assert window.session.get("bath_K_mM") == 3.0


def test_leaving_the_box_with_invalid_text_says_so_and_puts_back_the_value(window, qtbot):
    box = typed_box(window, "bath_K_mM", ENGLISH)
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "4,4")
    window.scopes.setFocus()
    qtbot.waitUntil(lambda: not box.hasFocus())
    assert "bath_K_mM = '4,4' is not a number" in window.statusBar().currentMessage()
    assert box.text() == "3.0 mM" and not box.property("invalid") and window.session.get("bath_K_mM") == 3.0


def test_large_values_show_without_a_thousands_separator_and_read_back(window, qtbot):
    box = typed_box(window, "syn_exc_Hz", GERMAN)
    window.loop.set(syn_exc_Hz=12500.0)
    qtbot.waitUntil(lambda: window.session.get("syn_exc_Hz") == 12500.0)
    qtbot.waitUntil(lambda: box.text() == "12500,0 Hz")  # panels follow the rig on the window's frames
    assert not box.property("invalid")
    type_into(qtbot, box, "12500,5")
    qtbot.waitUntil(lambda: window.session.get("syn_exc_Hz") == 12500.5)


def test_a_step_protocol_field_refuses_what_is_not_a_number_here(window, qtbot):
    box = window.amplifier.step_start
    box.setLocale(ENGLISH)
    type_into(qtbot, box, "-5,5")
    assert box.property("invalid") and box.value() == -100.0
    assert "Not applied: step_start = '-5,5' is not a number" in window.amplifier.result.text()
    type_into(qtbot, box, "-5.5")
    assert box.value() == -5.5 and not box.property("invalid")


@pytest.mark.parametrize("locale, puffed", [(ENGLISH, None), (GERMAN, 4.4)])
def test_a_puff_field_reads_4_comma_4_in_the_locale_never_as_44(qtbot, locale, puffed):
    """The puff pipette (a slice's, built alone here): its numbers follow the same rule."""
    panel = PuffPanel()
    qtbot.addWidget(panel)
    panel.show()
    said, puffs = [], []
    panel.refused.connect(said.append)
    panel.puff.connect(puffs.append)
    box = panel.findChild(QDoubleSpinBox, "puff:duration_s:value")
    box.setLocale(locale)
    type_into(qtbot, box, "4,4")
    qtbot.mouseClick(panel.findChild(QPushButton, "puff"), Qt.MouseButton.LeftButton)
    if puffed is None:
        assert box.property("invalid") and box.text().startswith("4,4") and box.value() == 10.0
        assert said and all("puff duration_s = '4,4' is not a number" in s for s in said)
        assert said[-1].startswith("Not puffed:") and puffs == []
    else:
        assert not box.property("invalid") and box.text() == "4,4 s" and not said
        assert puffs == [{"at_mm": 0.15, "width_mm": 0.3, "duration_s": 4.4, "K_mM": 60.0}]


def pink_pixels(widget):
    image = widget.grab().toImage()
    return sum(QColor(image.pixel(x, y)).getRgb()[:3] == (0xff, 0xd6, 0xd6)
               for x in range(image.width()) for y in range(image.height()))


def test_the_invalid_look_is_drawn(window, qtbot):
    box = typed_box(window, "bath_K_mM", ENGLISH)
    assert pink_pixels(box) == 0
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "4,4")
    assert pink_pixels(box) > 100  # the text's background, while it is invalid


def test_a_refusal_leaves_the_status_bar_once_the_value_is_put_right(window, qtbot):
    box = typed_box(window, "hold_pA", ENGLISH)
    type_into(qtbot, box, "abc")
    assert "hold_pA = 'abc' is not a number" in window.statusBar().currentMessage()
    type_into(qtbot, box, "-5")
    qtbot.waitUntil(lambda: window.session.get("hold_pA") == -5.0)
    assert window.statusBar().currentMessage() == ""
