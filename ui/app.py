"""The window (placeholder until the rig-window issue): starts Qt and shows what the rig offers.

The real scopes and panels will observe and command a ``rig.Session``; nothing physical is
computed here.
"""
import sys

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from rig.controls import CONTROLS


class PlaceholderWindow(QMainWindow):
    def __init__(self):
        super().__init__()
        self.setWindowTitle("Virtual Rig")
        names = ", ".join(CONTROLS)
        label = QLabel(
            "<h1>Virtual Rig</h1>"
            "<p>The rig window is being built. The headless rig works today:</p>"
            "<pre>virtual-rig --headless --duration 60 --at 20 bath_K_mM=8 --csv out.csv</pre>"
            f"<p>Controls: {names}</p>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("font-size: 16pt; padding: 24px;")
        self.setCentralWidget(label)
        self.resize(1000, 600)


def main():
    app = QApplication.instance() or QApplication(sys.argv)
    window = PlaceholderWindow()
    window.show()
    return app.exec()
