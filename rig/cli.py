"""Headless experiments from the command line: ``virtual-rig --headless ...`` (or
``python -m rig ...``) runs a scripted experiment without Qt and writes the trace as CSV. The
``virtual-rig`` command itself lives with the window (``ui.console``), which hands headless work
here; nothing in ``rig`` reaches up to ``ui``.

``--set NAME=VALUE`` is a starting condition: the slice has sat in it long enough for the cell to
settle before the recording starts (amplifier settings, which are not the slice's history, apply
at t = 0 instead). ``--at T NAME=VALUE ...`` changes a control T seconds into the
recording (``--at 0`` at its very start), with a marker; a bare ``--at T`` takes the ``--set``
options typed since the previous ``--at``::

    virtual-rig --headless --duration 60 --set bath_K_mM=8 --at 20 --csv out.csv
    virtual-rig --headless --duration 60 --at 20 bath_K_mM=8 --at 40 o2_pct=0 --csv out.csv
"""
import argparse
import contextlib
import os
import signal
import sys
import textwrap
import threading
import time

from engine.cell import NonFiniteState
from engine.preparations import PREPARATIONS

from .analysis import SHAPE_MIN_RATE_HZ
from .controls import CONTROLS, as_number, lookup
from .export import ExportError, Recorded, check_linescan_target, check_targets, export
from .presets import load_presets
from .puff import SOLUTES as PUFF_SOLUTES
from .puff import checked_puff
from .recorder import RecordingError, check_new_folder, recover
from .practical_cli import COMMANDS as PRACTICAL_COMMANDS
from .scenario import load_scenario
from .variability import CELL_SEED_MAX, student_seed
from .shipped import shipped_scenarios
from .version import version


def _controls_help():
    width = max(len(n) for n in CONTROLS)
    lines = ["controls (NAME=VALUE), with range and default:"]
    for c in CONTROLS.values():
        lines.append(f"  {c.name:<{width}}  {c.describe_range()}  [default {c.default}]")
        text = c.help + (f" Source: {c.source}." if c.source else "")
        lines += textwrap.wrap(text, 96, initial_indent=" " * (width + 4), subsequent_indent=" " * (width + 4))
    lines.append("")
    lines.append("preparations (--preparation NAME):")
    for prep in PREPARATIONS.values():
        own = ", ".join(f"{k}={v:g}" for k, v in prep.control_defaults.items())
        lines.append(f"  {prep.name:<{width}}  {prep.title}" + (f" (defaults: {own})" if own else ""))
    lines.append("")
    lines.append("presets (--preset NAME, resources/presets.json):")
    lines += [f"  {name}" for group in load_presets().values() for name in group]
    lines.append("")
    lines.append("other commands:")
    lines.append("  virtual-rig export NAME.vrig --csv OUT   a recording (or a part of it) as CSV or ATF")
    lines.append("  virtual-rig recover NAME.vrig            make a recording a crash cut off whole again")
    lines.append("  virtual-rig answer-key PRACTICAL --students roster.csv --course C   every student's answers")
    lines.append("  virtual-rig worksheet PRACTICAL --out sheet.html [--answers]   a practical on paper")
    lines.append("  virtual-rig check-submission NAME.vrsub  verify a handed-in practical's seal and mark it")
    lines.append("  virtual-rig class --n 30 --course C      a class of students' cells: mean ± SD")
    return "\n".join(lines)


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (the usage is in --help, not before every typo)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def number(form, valid=lambda value: True, whole=False):
    """An argparse type: a number as typed (``rig.controls.as_number``: never "4,4", "nan" or
    "inf"), a whole one if ``whole``, for which ``valid`` holds, or an error naming the value and
    what is expected (``form``); argparse adds the option's name."""
    def parse(text):
        value = as_number(text, typed=True, whole=whole)
        if value is None or not valid(value):
            raise argparse.ArgumentTypeError(f"got {text!r}; expected {form}")
        return value
    return parse


class _Ordered(argparse.Action):
    """Keeps --set and --at in the order they were typed."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = getattr(namespace, "schedule", None) or []
        items.append((option_string, values))
        namespace.schedule = items


def build_parser():
    parser = Parser(
        prog="virtual-rig",
        description="Virtual Rig: a patch-clamp rig with a biophysically honest cell. Without "
                    "--headless it opens the window.",
        epilog=_controls_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--headless", action="store_true",
                        help="run a scripted experiment without a window (--csv keeps the recording)")
    parser.add_argument("--preparation", default="neuron", help="the cell to patch (see below)")
    parser.add_argument("--duration", type=number("seconds, more than 0", lambda x: x > 0),
                        metavar="SECONDS",
                        help="simulated seconds to record (default 10, or the scenario's duration_s)")
    parser.add_argument("--scenario", metavar="FILE|NAME",
                        help="run the experiment a scenario file (TOML) writes down, or a shipped one by "
                             f"name ({', '.join(shipped_scenarios())}): preparation, "
                             "[start] conditions and timed [[at]] changes with captions")
    parser.add_argument("--set", action=_Ordered, dest="schedule", nargs="+", metavar="NAME=VALUE",
                        help="starting conditions: the cell settles in them before recording; "
                             "amplifier settings apply at t = 0 (followed by a bare --at T: changes at T)")
    parser.add_argument("--at", action=_Ordered, dest="schedule", nargs="+", metavar=("T", "NAME=VALUE"),
                        help="change controls T seconds into the recording (marked on the trace)")
    parser.add_argument("--puff", action=_Ordered, dest="schedule", nargs="+", metavar=("T", "KEY=VALUE"),
                        help="the slice's puff pipette T seconds in: at_mm=, width_mm=, duration_s= and the "
                             "solution, e.g. --puff 5 K_mM=60 at_mm=0.15 width_mm=0.3 duration_s=10 "
                             f"(also {', '.join(key for key in PUFF_SOLUTES if key != 'K_mM')})")
    parser.add_argument("--preset", metavar="NAME",
                        help="start in a named mutation or solution, e.g. \"High K+ (10 mM)\" "
                             "(resources/presets.json); --set overrides it")
    parser.add_argument("--csv", metavar="PATH", help="write the recording here as CSV (a spike table beside it)")
    parser.add_argument("--atf", metavar="PATH", help="write the recording here as Axon Text File (Clampfit, pyABF)")
    parser.add_argument("--linescan", metavar="PATH",
                        help="slice only: write its linescan here as CSV (t_s, x_mm, V_mV, K_o_mM, astro_V_mV; "
                             "the newest 10 minutes)")
    parser.add_argument("--force", action="store_true",
                        help="let --csv, --atf and --linescan replace existing files (and the tables beside them)")
    parser.add_argument("--record", metavar="FOLDER",
                        help="stream the recording to this new folder while it runs (NAME.vrig; "
                             "a crash loses at most the last second)")
    parser.add_argument("--sample-rate-hz", type=number("samples per second, e.g. 1000 or 10000"), default=1000.0,
                        help="samples per second in the CSV (default 1000, spreadsheet-sized; "
                             "10000 resolves spike shapes)")
    parser.add_argument("--seed", type=number("a whole number 0–4294967295", lambda n: 0 <= n < 2**32, whole=True),
                        default=0,
                        help="random seed for amplifier noise (0–4294967295)")
    cell = parser.add_mutually_exclusive_group()
    cell.add_argument("--cell-seed", type=number(f"a whole number 0–{CELL_SEED_MAX}", lambda n: 0 <= n <= CELL_SEED_MAX,
                                                 whole=True),
                      help="patch a cell of your own: its densities and geometry drawn from the spread real "
                           "cells show; the same seed, the same cell (a few seconds to find)")
    cell.add_argument("--student", metavar="ID",
                      help="patch this student's own cell (the seed is a hash of --course and the ID)")
    parser.add_argument("--course", default="", metavar="NAME",
                        help="with --student: the course (and year) whose cells these are, e.g. PHYS2026")
    parser.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    return parser


def _assignment(text):
    name, sep, value = text.partition("=")
    if not sep:
        raise ValueError(f"{text!r} is not NAME=VALUE")
    control = lookup(name.strip())
    return control.name, control.validate(value.strip(), typed=True)


def _puff_from(values):
    """``--puff T KEY=VALUE ...`` as Session.puff's keywords, checked (rig.puff)."""
    keywords = {}
    for text in values:
        key, sep, value = text.partition("=")
        if not sep:
            raise ValueError(f"--puff: {text!r} is not KEY=VALUE")
        keywords[key.strip()] = value.strip()
    where = {key: keywords.pop(key, default) for key, default in (("at_mm", None), ("width_mm", 0.2),
                                                                    ("duration_s", 5.0))}
    if where["at_mm"] is None:
        raise ValueError("--puff needs at_mm=MM (where along the slice)")
    where, solution = checked_puff(where["at_mm"], where["width_mm"], where["duration_s"], keywords, typed=True)
    return {**where, **solution}


def _time(option, text):
    t = as_number(text, typed=True)
    if t is None or t < 0.0:
        raise ValueError(f"{option} needs a time in seconds (0 or more) first, got {text!r}")
    return t


def cell_seed(args):
    """The cell seed that --cell-seed or --student names, or None: the default cell."""
    if args.student is not None:
        return student_seed(args.student, args.course)
    return args.cell_seed


def check_scenario_alone(args, start):
    """A scenario brings its own preparation and starting conditions: options that would set them
    too are refused (the window's and the headless run's alike)."""
    if args.scenario is not None and (start or args.preset or args.preparation != "neuron"
                                      or cell_seed(args) is not None):
        raise ValueError("with --scenario, write the preparation and starting conditions in the scenario file "
                         "([start]; its cell is the default one: no --cell-seed or --student); --at still adds changes")


def schedule_from(items):
    """Turn the ordered --set/--at/--puff options into (starting conditions, time-sorted
    [(t_s, changes, puff)]), ``puff`` being Session.puff's keywords or None."""
    start, events, pending = {}, [], {}
    for option, values in items or []:
        if option == "--set":
            pending = _assignments(option, values, pending)
            continue
        t = _time(option, values[0])
        if option == "--puff":
            events.append((t, {}, _puff_from(values[1:])))
            continue
        own = _assignments(f"{option} {values[0]}", values[1:])
        if own and pending:  # --set options before an --at that carries its own changes
            start.update(pending)
        elif not own and not pending:
            raise ValueError(f"--at {values[0]} has nothing to change: write --at {values[0]} NAME=VALUE")
        events.append((t, own or pending, None))
        pending = {}
    start.update(pending)
    return start, sorted(events, key=lambda e: e[0])


def _assignments(where, texts, before=None):
    """NAME=VALUE texts as a dict added to ``before``; a control given twice is refused, not
    silently given its last value."""
    out = dict(before or {})
    for name, value in map(_assignment, texts):
        if name in out:
            raise ValueError(f"{where}: {name} is given twice ({out[name]!r} and {value!r}); give it once")
        out[name] = value
    return out


def check_before_patching(preparation, events, linescan=False):
    """Refuse, before the cell is patched and the recording opened, what the run would refuse
    only when it got there: a timed change of a control the preparation does not have or that is
    fixed once the cell is patched, a puff or a linescan outside the slice."""
    if preparation not in PREPARATIONS:
        return  # Session refuses it, first thing
    for option, used in (("--puff", any(puff for _, _, puff in events)), ("--linescan", linescan)):
        if used and preparation != "slice":
            raise ValueError(f"{option} needs the slice preparation (--preparation slice, or a slice scenario); "
                             f"this is the {preparation}")
    for t, changes, _ in events:
        for name in changes:
            try:
                CONTROLS[name].check_changeable(preparation, f"make it a starting condition (--set {name}=VALUE "
                                                             f"not followed by a bare --at)")
            except ValueError as e:
                raise ValueError(f"--at {t:g}: {e}") from None


def run_headless(args, out=None):
    """Run the experiment ``args`` describe; return the exit code (0, 1 if the recording failed
    part-way, 130 after Ctrl-C)."""
    from .session import Session  # Numba loads only when an experiment runs, not for --help

    out = out or sys.stdout
    start, events = schedule_from(args.schedule)
    check_scenario_alone(args, start)
    scenario = load_scenario(args.scenario) if args.scenario is not None else None
    check_before_patching(scenario.preparation if scenario else args.preparation, events, args.linescan is not None)
    if args.duration is None:
        args.duration = scenario.duration_s if scenario else 10.0
    keep_trace = args.record is None  # a recording keeps the samples on disk, not in memory
    if keep_trace:
        _check_memory(args.duration, args.sample_rate_hz)
    check_targets(args.csv, args.atf, args.force)
    if args.record is not None:
        for option, path in (("--csv", args.csv), ("--atf", args.atf), ("--linescan", args.linescan)):
            if path is not None and os.path.abspath(path) == os.path.abspath(args.record):
                raise ExportError(f"cannot write {option} {path}: it is the recording's own folder (--record); "
                                  f"choose another name")
    if args.linescan is not None:
        check_linescan_target(args.linescan, args.force)
    if args.record is not None:
        check_new_folder(args.record)
    if scenario:
        session = Session.from_scenario(scenario, sample_rate_hz=args.sample_rate_hz, keep_trace=keep_trace)
    else:
        session = Session(preparation=args.preparation, seed=args.seed, sample_rate_hz=args.sample_rate_hz,
                          preset=args.preset, keep_trace=keep_trace, cell_seed=cell_seed(args), **start)
    if args.record is not None:
        session.start_recording(args.record)
    for step in (scenario.timeline if scenario else ()):
        if step.t_s > args.duration:
            print(f"note: the scenario's step at {step.t_s:g} s is after the end ({args.duration:g} s) and will not "
                  f"be applied", file=out)
    progress = Progress(session, args.duration)
    failed = None  # the error that stopped the run (a state no longer a number), if one did
    with _ctrl_c_stops() as stop:
        try:
            for t, changes, puff in events:
                if t > args.duration:
                    print(f"note: change at {t:g} s is after the end ({args.duration:g} s) and was not applied",
                          file=out)
                elif _run_to(session, t, stop, progress):
                    session.set(**changes)
                    if puff:
                        session.puff(**puff)
            _run_to(session, args.duration, stop, progress)
        except NonFiniteState as e:
            failed = e
    progress.done()
    session.stop_recording()
    if failed is not None:
        print(f"\nvirtual-rig: {failed}; keeping what was recorded", file=sys.stderr)
    if stop.is_set():
        print(f"\ninterrupted at t = {session.t_s:.3f} s: keeping what was recorded", file=out)
    r = session.readout()
    print(f"{session.preparation.title}: {session.t_s:g} s recorded, {session.spike_count()} spikes; "
          f"now V = {r['V_mV']:.1f} mV, E_K = {r['E_K_mV']:.1f} mV, E_Cl = {r['E_Cl_mV']:.1f} mV", file=out)
    for t, text in session.markers():
        print(f"  marker {t:8.3f} s  {text}", file=out)
    if (args.csv is not None or args.atf is not None) and stop.count > 1:
        print(f"virtual-rig: Ctrl-C twice: nothing exported"
              f"{f'; the recording {args.record} is kept' if args.record is not None else ''}", file=sys.stderr)
        return 130
    if (args.csv is not None or args.atf is not None) and session.recording_error:
        print(f"note: {session.recording_error}; the export holds only what reached the disk", file=out)
    if args.csv is not None or args.atf is not None:
        try:
            recorded = Recorded.from_recording(args.record) if args.record is not None else None
            if recorded:
                report = export(recorded, args.csv, args.atf, overwrite=args.force)
            else:
                report = session.export(args.csv, args.atf, overwrite=args.force)
        except KeyboardInterrupt:
            print(_export_interrupted(args.record), file=sys.stderr)
            return 130
        _say_exported(report, out)
    if args.linescan is not None:
        report = session.export_linescan(args.linescan, overwrite=args.force)
        print(f"wrote {args.linescan} ({report['rows']:,} rows: every {1 / session.cell.scan_rate_hz:g} s at "
              f"{len(session.cell.x_mm)} places)", file=out)
    if session.recording_error:
        print(f"virtual-rig: {session.recording_error}", file=sys.stderr)
        return 1
    if failed is not None:
        return 1
    return 130 if stop.is_set() else 0


def _say_exported(report, out):
    print(f"wrote {', '.join(report['files'])} ({report['rows']:,} samples, {report['spikes']} spikes)", file=out)
    if report["warning"]:
        print(f"warning: {report['warning']}", file=sys.stderr)
    if report["note"]:
        print(f"note: {report['note']} (--sample-rate-hz {SHAPE_MIN_RATE_HZ:g} when recording)", file=out)
    if report["dropped"]:
        print(f"note: {report['dropped']} (virtual-rig recover trims it)", file=out)


def _export_interrupted(recording):
    """What Ctrl-C during an export says: the export has removed its unfinished files."""
    untouched = f"; the recording {recording} is untouched" if recording is not None else ""
    return f"virtual-rig: export interrupted: nothing written{untouched}"


def _check_memory(duration_s, sample_rate_hz):
    """Refuse a run whose trace (kept in memory as float64, every channel) would not fit in half
    of this machine's memory, before it starts rather than when the machine starts swapping."""
    from engine.kernel import OUTPUT_NAMES

    need = duration_s * sample_rate_hz * len(OUTPUT_NAMES) * 8
    try:
        have = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return
    if need > 0.5 * have:
        raise ValueError(f"{duration_s:g} s at {sample_rate_hz:g} Hz would keep {need / 1e9:.1f} GB of trace in "
                         f"memory, more than half of this machine's {have / 1e9:.0f} GB: lower --duration or "
                         f"--sample-rate-hz")


SLICE_S = 1.0  # the run stops within this much simulated time of a Ctrl-C
PROGRESS_AFTER_S = 2.0  # wall-clock seconds before a run starts reporting its progress
PROGRESS_EVERY_S = 1.0


class Progress:
    """A progress line on stderr for runs longer than a few seconds (rewritten in place on a
    terminal, a line every few seconds in a log)."""

    def __init__(self, session, duration_s, stream=None):
        self.session, self.duration_s = session, duration_s
        self.stream = stream or sys.stderr
        self.started = self.last = time.perf_counter()
        self.shown = False

    def __call__(self):
        now = time.perf_counter()
        if now - self.started < PROGRESS_AFTER_S or now - self.last < PROGRESS_EVERY_S:
            return
        tty = self.stream.isatty()
        if not tty and now - self.last < 5 * PROGRESS_EVERY_S and self.shown:
            return
        t = self.session.t_s
        line = (f"virtual-rig: t = {t:.0f} of {self.duration_s:g} s ({100 * t / self.duration_s:.0f} %), "
                f"{t / (now - self.started):.0f}× real time; Ctrl-C stops and keeps the recording")
        print("\r" + line if tty else line, end="" if tty else "\n", file=self.stream, flush=True)
        self.last, self.shown = now, True

    def done(self):
        if self.shown and self.stream.isatty():
            print(file=self.stream)


def _run_to(session, t_s, stop, progress):
    """Advance to ``t_s`` in slices, stopping early if asked; return whether it got there."""
    while not stop.is_set():
        before = session.t_s
        session.run_to(min(t_s, before + SLICE_S))
        progress()
        if session.t_s == before:  # there (to the nearest step)
            break
    return not stop.is_set()


@contextlib.contextmanager
def _ctrl_c_stops():
    """Ctrl-C (or a polite kill, SIGTERM) sets the yielded event: the run stops between slices and
    what was recorded is kept and exported, instead of raising in the middle of a block."""
    stop = threading.Event()
    stop.count = 0  # a second Ctrl-C while the run winds down asks for no export either

    def asked(*_):
        stop.count += 1
        stop.set()

    previous = {sig: signal.signal(sig, asked) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def recover_command(argv):
    """``virtual-rig recover PATH``: make a cut-off recording whole and say what it holds."""
    parser = Parser(prog="virtual-rig recover", description="Make a recording cut off by a crash whole again.")
    parser.add_argument("path", metavar="PATH", help="the recording folder (NAME.vrig)")
    args = parser.parse_args(argv)
    try:
        r = recover(args.path)
    except RecordingError as e:
        print(f"virtual-rig: error: {e}", file=sys.stderr)
        return 2
    where = ", ".join(f"{size} of {name}" for name, size in r["dropped"].items())
    lost = f"; dropped {r['dropped_bytes']} bytes cut off mid-write ({where})" if r["dropped_bytes"] else ""
    print(f"recovered {args.path}: {r['samples']} samples from t = {r['from_s']:.4f} to {r['to_s']:.4f} s, "
          f"{r['events']} events{lost}")
    return 0


def export_command(argv):
    """``virtual-rig export PATH --csv OUT [--atf OUT] [--from S] [--to S] [--rate HZ]``."""
    parser = Parser(
        prog="virtual-rig export",
        description="Export a recording (or part of it) as CSV for a spreadsheet and/or as Axon Text File "
                    "for Clampfit and pyABF, each with a spike table beside it (OUT.csv: OUT-spikes.csv; "
                    "OUT.atf: OUT-atf-spikes.csv and OUT-atf-markers.csv).")
    parser.add_argument("path", metavar="PATH", help="the recording folder (NAME.vrig)")
    parser.add_argument("--csv", metavar="OUT", help="write CSV here")
    parser.add_argument("--atf", metavar="OUT", help="write Axon Text File 1.0 here")
    seconds = number("a time in seconds into the recording, e.g. 20")
    parser.add_argument("--from", dest="from_s", type=seconds, metavar="S",
                        help="from this time (s; default: the start)")
    parser.add_argument("--to", dest="to_s", type=seconds, metavar="S", help="to this time (s; default: the end)")
    parser.add_argument("--rate", type=number("samples per second, e.g. 1000"), metavar="HZ",
                        help="keep this many samples per second (must divide the recording's rate)")
    parser.add_argument("--force", action="store_true", help="replace existing files (and the tables beside them)")
    args = parser.parse_args(argv)
    if args.csv is None and args.atf is None:
        parser.error("say what to write: --csv OUT and/or --atf OUT")
    try:
        report = export(Recorded.from_recording(args.path), args.csv, args.atf, args.from_s, args.to_s, args.rate,
                        overwrite=args.force)
    except (ExportError, RecordingError) as e:
        print(f"virtual-rig: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(_export_interrupted(args.path), file=sys.stderr)
        return 130
    _say_exported(report, sys.stdout)
    return 0


COMMANDS = {"recover": recover_command, "export": export_command, **PRACTICAL_COMMANDS}


def main(argv=None):
    """Run a headless experiment (``--headless`` is implied), or a command on a recording
    (``recover PATH``, ``export PATH ...``); return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in COMMANDS:
        return COMMANDS[argv[0]](argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return run_headless(args)
    except (ValueError, ExportError, RecordingError) as e:
        print(f"virtual-rig: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before the recording started: nothing to keep
        print("virtual-rig: interrupted", file=sys.stderr)
        return 130
