"""The ``virtual-rig`` command: opens the window, or with ``--headless`` hands a scripted
experiment to ``rig.cli`` without ever importing Qt (a machine without a display, or without Qt's
libraries, still runs experiments).
"""
import os
import sys

from rig import cli


def add_window_options(parser):
    group = parser.add_argument_group("the window")
    group.add_argument("--speed", type=float, metavar="X",
                       help="start at X times real time (1–100; default 1, or the scenario's speed)")
    group.add_argument("--screenshot", metavar="PNG", help="save a picture of the whole window when quitting")
    group.add_argument("--quit-after", type=float, metavar="S", help="close the window after S seconds")
    group.add_argument("--projector", action="store_true", help="start in projector mode (large fonts, thick traces)")
    group.add_argument("--span", type=float, metavar="S", help="the scopes show the last S seconds (1–600)")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in cli.COMMANDS:  # work on a recording: no window
        return cli.main(argv)
    parser = cli.build_parser()
    add_window_options(parser)
    args = parser.parse_args(argv)
    if args.headless:
        return cli.main(argv)
    timed = any(option == "--at" for option, _ in args.schedule or [])
    extra = [flag for flag, used in (("--csv", args.csv is not None), ("--atf", args.atf is not None),
                                     ("--record", args.record is not None), ("--force", args.force),
                                     ("--at", timed)) if used]
    if extra:
        verb = "work" if len(extra) > 1 else "works"
        parser.error(f"{' and '.join(extra)} only {verb} with --headless: the window has its own controls "
                     f"(a timeline of changes for the window: --scenario)")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("virtual-rig: no display to open the window on; run experiments with --headless "
              "(see virtual-rig --help)", file=sys.stderr)
        return 2
    from .app import main as open_window  # Qt loads here, and only here

    return open_window(args)
