"""Windows and dialogs that fit the screen they open on: a student's 1366×768 laptop, a 1280×720
projector, a 1920×1080 desktop at 150 % (1280×720 logical pixels). Nothing here is physical."""
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QScrollArea

FIRST_SIZE = QSize(1600, 1000)  # the window's size on a screen that holds it with room to spare
DIALOG_SHARE = 0.85  # of the screen's available area, at most, for a dialog


def available(widget):
    """The screen's area left by its task bars, where ``widget`` is (or would open)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit(window, saved_geometry=None):
    """Open ``window`` where it was (``saved_geometry``) cut down to the screen it opens on, or at
    FIRST_SIZE, or maximised on a screen too small for that."""
    area = available(window)
    if saved_geometry is not None and window.restoreGeometry(saved_geometry):
        window.resize(window.size().boundedTo(area.size()))
        x = min(max(window.x(), area.left()), area.right() - window.width() + 1)
        y = min(max(window.y(), area.top()), area.bottom() - window.height() + 1)
        window.move(x, y)
        return
    if area.width() > FIRST_SIZE.width() and area.height() > FIRST_SIZE.height() + 40:  # 40: a title bar
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
        window.resize(FIRST_SIZE)
    else:
        window.resize(area.size())
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)


def fit_dialog(dialog, wanted=None):
    """``dialog`` at ``wanted`` (default: its size hint), or DIALOG_SHARE of the screen if that is
    less (its contents scroll)."""
    area = available(dialog.parentWidget() or dialog)
    most = QSize(int(DIALOG_SHARE * area.width()), int(DIALOG_SHARE * area.height()))
    dialog.resize((wanted or dialog.sizeHint()).expandedTo(QSize(480, 320)).boundedTo(most))


class VerticalScroll(QScrollArea):
    """``widget`` scrolled up and down, never sideways: as wide as the widget needs, as tall as
    there is room for."""

    def __init__(self, widget):
        super().__init__()
        self.setWidget(widget)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def _width(self, hint):
        return hint.width() + self.verticalScrollBar().sizeHint().width()

    def minimumSizeHint(self):
        return QSize(self._width(self.widget().minimumSizeHint()), 120)

    def sizeHint(self):
        """As narrow as the widget allows: the room beside it is worth more (the scopes)."""
        return QSize(self._width(self.widget().minimumSizeHint()), self.widget().sizeHint().height())
