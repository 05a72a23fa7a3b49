"""The About box: what the model is and where every number comes from, gathered from the controls
registry and the preparations (``engine/preparations.py`` carries each parameter's source)."""
from PySide6.QtCore import QSize
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout

from rig import PREPARATIONS
from rig.controls import CONTROLS
from rig.version import version

from .screen_fit import fit_dialog


def text():
    preparations = "".join(f"<li><b>{p.name}</b>: {p.title}</li>" for p in PREPARATIONS.values())
    sources = "".join(f"<li><b>{c.name}</b>: {c.source}</li>" for c in CONTROLS.values() if c.source)
    return (f"<h2>Virtual Rig {version()}</h2>"
            "<p>A patch-clamp rig with a biophysically honest cell behind the glass: membrane channels, "
            "the Na/K pump, KCC2 and NKCC1, ion concentrations inside, outside and in the bath, ATP and O2, "
            "in a living slice (a shell, the tissue shared with 5000 unpatched neighbours, astrocytes, the "
            "bath). Integrated with dt = 20 µs.</p>"
            f"<p>Preparations:</p><ul>{preparations}</ul><p>Sources of the effects:</p><ul>{sources}</ul>"
            "<p>Every parameter's source sits beside it in engine/preparations.py; the model is described "
            "in the project's model specification.</p>")


def show(parent):
    """The text in a box that fits the screen and scrolls (it lists every source)."""
    dialog = QDialog(parent)
    dialog.setObjectName("about")
    dialog.setWindowTitle("About Virtual Rig")
    layout = QVBoxLayout(dialog)
    browser = QTextBrowser()
    browser.setHtml(text())
    browser.setOpenExternalLinks(True)
    layout.addWidget(browser)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    fit_dialog(dialog, QSize(760, 640))  # a page of text: as much as the screen allows, up to that
    dialog.open()
    return dialog
