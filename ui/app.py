"""Starting the window: check that Qt can open one here, build the Session (from a preparation,
a preset or a scenario), put it behind the glass (``ui.window.RigWindow``) and run Qt.

For tests, screenshots and demos the window can also be driven from the command line:
``virtual-rig --scenario FILE --speed 10 --screenshot rig.png --quit-after 20`` runs the scenario
in the real window, saves a picture of the whole window after 20 s and quits.
"""
import faulthandler
import os
import signal
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from rig import Session
from rig.cli import cell_seed, check_scenario_alone, schedule_from
from rig.runloop import checked_speed
from rig.scenario import load_scenario

from . import qtcheck
from .window import RigWindow  # ui.app.RigWindow(session) builds the window around a Session


def make_session(args):
    start, _ = schedule_from(args.schedule)
    check_scenario_alone(args, start)
    if args.scenario is not None:
        scenario = load_scenario(args.scenario)
        return Session.from_scenario(args.scenario, keep_trace=False), scenario.speed
    return Session(preparation=args.preparation, seed=args.seed, preset=args.preset, keep_trace=False,
                   cell_seed=cell_seed(args), **start), 1.0


SCREENSHOT_FORMATS = (".png", ".jpg", ".jpeg", ".bmp")  # what Qt writes without extra plugins


def checked_screenshot(path):
    """Refuse, before the cell settles and runs, a screenshot that could not be saved."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.splitext(path)[1].lower() not in SCREENSHOT_FORMATS:
        raise ValueError(f"cannot save a screenshot as {path!r}: name it {', '.join(SCREENSHOT_FORMATS)}")
    if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise ValueError(f"cannot save a screenshot in {folder}: no such folder, or not writable")


def main(args):
    # a crash inside Qt or a compiled kernel prints the Python stack of every thread, so a student's
    # bug report (or a CI log) says where it happened
    faulthandler.enable()
    missing = qtcheck.missing_libraries()
    if missing:
        print(qtcheck.advice(missing), file=sys.stderr)
        return 2
    try:
        if args.screenshot:
            checked_screenshot(args.screenshot)
        print("virtual-rig: patching the cell and letting it settle in its slice (the very first start also "
              "compiles the model for this computer: about 10 s)...", file=sys.stderr, flush=True)
        session, speed = make_session(args)
        if args.speed is not None:
            speed = checked_speed(args.speed)
    except ValueError as e:
        print(f"virtual-rig: error: {e}", file=sys.stderr)
        return 2

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Virtual Rig")
    app.setOrganizationName("VirtualRig")
    app.setStyle("Fusion")
    window = RigWindow(session, speed=speed)
    if args.projector:
        window.set_projector(True)
    if args.span is not None:
        window.set_span(args.span)
    if args.size is not None:
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
        window.resize(*args.size)
    window.show()
    if args.practical is not None:
        window.open_practical(args.practical, args.student, args.course)
    # Ctrl-C in the terminal closes the window as its close button does: the recording is closed,
    # settings saved (Qt's loop would otherwise leave the signal waiting for Python to run)
    signal.signal(signal.SIGINT, lambda *_: window.close())
    if args.quit_after is None:
        QTimer.singleShot(0, window.offer_recovery)
    else:
        def finish():
            saved = not args.screenshot or window.grab().save(args.screenshot)
            if not saved:
                print(f"virtual-rig: error: could not save the screenshot {args.screenshot}", file=sys.stderr)
            window.close()
            app.exit(0 if saved else 1)

        QTimer.singleShot(int(args.quit_after * 1000), finish)
    return app.exec()
