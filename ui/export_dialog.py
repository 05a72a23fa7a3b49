"""The export's choice of samples per second: each choice says how many rows and about how many
megabytes it gives, and the first that a spreadsheet opens whole is proposed (``rig.export``).
Full rate stays one choice away. Nothing is computed here."""
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from rig.export import SPREADSHEET_ROWS

from .screen_fit import fit_dialog


def describe(choice, full_rate_hz):
    full = " (every sample)" if choice["rate_hz"] == full_rate_hz else ""
    over = "" if choice["fits"] else f": more than the {SPREADSHEET_ROWS:,} rows a spreadsheet shows"
    return f"{choice['rate_hz']:g} samples/s{full}: {choice['rows']:,} rows, about {choice['megabytes']:,.0f} MB{over}"


def ask_rate(parent, choices):
    """The rate the user picks among ``choices`` (``rig.export.rate_choices``), or None if cancelled."""
    dialog = QDialog(parent)
    dialog.setObjectName("export_rate")
    dialog.setWindowTitle("Samples per second in the file")
    layout = QVBoxLayout(dialog)
    text = QLabel("Fewer samples per second keep a long recording within a spreadsheet's rows. The spike "
                  "table beside the file lists every spike, found at the full rate, whatever you choose.")
    text.setWordWrap(True)
    layout.addWidget(text)
    box = QComboBox()
    box.setObjectName("export_rate_choice")
    box.setAccessibleName("samples per second")
    full = choices[0]["rate_hz"]
    for choice in choices:
        box.addItem(describe(choice, full), choice["rate_hz"])
    box.setCurrentIndex(next((i for i, c in enumerate(choices) if c["fits"]), len(choices) - 1))
    layout.addWidget(box)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    fit_dialog(dialog)
    dialog.rate_box = box  # for tests: the choice as shown
    return box.currentData() if dialog.exec() == QDialog.DialogCode.Accepted else None
