"""The ``virtual-rig`` command: opens the window, or with ``--headless`` hands a scripted
experiment to ``rig.cli`` without ever importing Qt (a machine without a display, or without Qt's
libraries, still runs experiments).
"""
import argparse
import os
import sys

from rig import cli
from rig.runloop import SPEED_MAX, SPEED_MIN


def window_size(text):
    """An argparse type: ``WxH`` in pixels, each 200–10000."""
    parts = text.lower().replace("×", "x").split("x")
    if len(parts) == 2 and all(part.strip().isdigit() and 200 <= int(part) <= 10000 for part in parts):
        return int(parts[0]), int(parts[1])
    raise argparse.ArgumentTypeError(f"got {text!r}; expected WIDTHxHEIGHT in pixels, e.g. 1366x768")


def add_window_options(parser):
    """Add the options only the window uses; returns their argparse actions."""
    group = parser.add_argument_group("the window")
    return [
        group.add_argument("--speed", type=cli.number(f"{SPEED_MIN:g}–{SPEED_MAX:g} (× real time)",
                                                      lambda x: SPEED_MIN <= x <= SPEED_MAX), metavar="X",
                           help="start at X times real time (1–100; default 1, or the scenario's speed)"),
        group.add_argument("--screenshot", metavar="PNG", help="save a picture of the whole window when quitting"),
        group.add_argument("--quit-after", type=cli.number("seconds, 0 or more", lambda x: 0 <= x < float("inf")),
                           metavar="S", help="close the window after S seconds"),
        group.add_argument("--projector", action="store_true",
                           help="start in projector mode (large fonts, thick traces)"),
        group.add_argument("--size", type=window_size, metavar="WxH",
                           help="open the window W×H pixels, e.g. 1366x768 as on a laptop (default: fit the "
                                "screen; the window cannot shrink below what its panels need)"),
        group.add_argument("--span", type=cli.number("seconds, 1–600", lambda x: 1 <= x <= 600), metavar="S",
                           help="the scopes show the last S seconds (1–600)"),
        group.add_argument("--practical", metavar="NAME",
                           help="open a lab practical for --student (of --course), e.g. 02_potassium_and_rest "
                                "(or Practical… in the window)"),
    ]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in cli.COMMANDS:  # work on a recording: no window
        return cli.main(argv)
    parser = cli.build_parser()
    window_options = add_window_options(parser)
    args = parser.parse_args(argv)
    if args.headless:
        given = [a.option_strings[0] for a in window_options if getattr(args, a.dest) not in (None, False)]
        if given:
            parser.error(f"{' and '.join(given)} only {'apply' if len(given) > 1 else 'applies'} to the window: "
                         f"a --headless run has none and goes as fast as the computer can, for --duration "
                         f"simulated seconds")
        return cli.main(argv)
    timed = {option for option, _ in args.schedule or []}
    extra = [flag for flag, used in (("--csv", args.csv is not None), ("--atf", args.atf is not None),
                                     ("--linescan", args.linescan is not None),
                                     ("--record", args.record is not None), ("--force", args.force),
                                     ("--at", "--at" in timed), ("--puff", "--puff" in timed)) if used]
    if extra:
        verb = "work" if len(extra) > 1 else "works"
        parser.error(f"{' and '.join(extra)} only {verb} with --headless: the window has its own controls "
                     f"(a timeline of changes for the window: --scenario)")
    if args.practical is not None and args.student is None:
        parser.error("--practical needs --student ID: the practical runs on the student's own cell")
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                 or os.environ.get("QT_QPA_PLATFORM")):
        print("virtual-rig: no display to open the window on; run experiments with --headless "
              "(see virtual-rig --help)", file=sys.stderr)
        return 2
    from .app import main as open_window  # Qt loads here, and only here

    return open_window(args)
