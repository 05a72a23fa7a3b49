"""Reading the rig's TOML files (scenarios, practicals) so that every error names the file and the
line: the file is refused if it is not a regular file (a folder, a device, a pipe), not UTF-8, too
large, or not TOML; ``Places`` then finds the line of any key or table for later messages.
"""
import hashlib
import os
import re
import stat

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib


def read_toml(path, kind, max_bytes, error, advice=""):
    """(the TOML of file ``path`` as a dict, its ``Places``); ``error`` (an exception class) says
    what is wrong, naming the file as a ``kind`` ("scenario") and, where the file cannot be read,
    ``advice`` (what there is instead)."""
    text = _text(path, kind, max_bytes, error, advice)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"line (\d+)", str(e))
        line = f", line {where.group(1)}" if where else ""
        raise error(f"{path}{line}: not valid TOML: {str(e).split(' (at')[0]}") from None
    except RecursionError:
        raise error(f"{path}: not valid TOML: brackets nested too deeply") from None
    return raw, Places(text)


def _text(path, kind, max_bytes, error, advice):
    """The text of file ``path``, refused unless it is a regular file of at most ``max_bytes`` in
    UTF-8 (a byte-order mark is allowed: Windows editors write one)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # opening a pipe must not wait
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise error(f"cannot read {kind} {path}: it is not a file (a folder, a device or a pipe)")
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(max_bytes + 1)
        finally:
            os.close(fd)
    except OSError as e:
        raise error(f"cannot read {kind} {path}: {e.strerror or e}{advice}") from None
    if len(data) > max_bytes:
        raise error(f"cannot read {kind} {path}: it is larger than {max_bytes / 1e6:g} MB, "
                    f"far more than a {kind}'s page of text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise error(f"{path}, line {line}: not UTF-8 text (byte 0x{data[e.start]:02x} at offset "
                    f"{e.start}): save the file as UTF-8") from None


class Places:
    """Where the tables and keys of a file's text are, for errors that name the line: TOML's
    reader gives values, not places. A comment after a header (``[[at]]  # raise K``) or a key
    mentioned in a comment or inside a multi-line text does not mislead it."""

    HEADER = re.compile(r"^\s*\[{1,2}\s*([\w.-]+)\s*\]{1,2}\s*(#.*)?$")

    def __init__(self, text):
        self.digest = hashlib.sha256(text.encode("utf-8")).hexdigest()  # which version of the file
        self.code = _code_lines(text.splitlines())
        self.headers = []  # (table name, line index), in file order
        for i, line in enumerate(self.code):
            header = self.HEADER.match(line)
            if header:
                self.headers.append((header.group(1), i))

    def line(self, key=None, table=None, n=0):
        """1-based line of ``key = ...`` in the ``n``-th table called ``table`` (None: the top
        level), else of that table's header (its ``table = ...`` line if it is written inline)."""
        first, end = self._span(table, n)
        if first is None:
            return self.line(table)
        if key is not None:
            pattern = re.compile(rf"^\s*([\"']?){re.escape(key)}\1\s*=")
            for i in range(first, end):
                if pattern.match(self.code[i]):
                    return i + 1
            if table is None:  # not a field but a table of that name: [foo]
                return next((i + 1 for name, i in self.headers if name == key), 1)
        return first + 1 if table is not None else 1

    def _span(self, table, n):
        """The lines [first, end) of the ``n``-th table called ``table``; (None, None) if it has no header."""
        starts = [i for _, i in self.headers] + [len(self.code)]
        if table is None:
            return 0, starts[0]
        mine = [k for k, (name, _) in enumerate(self.headers) if name == table]
        if n >= len(mine):
            return None, None
        k = mine[n]
        return starts[k], starts[k + 1]


def _code_lines(lines):
    """Each line, or "" where it lies inside a multi-line string (a caption may hold any text)."""
    code, inside = [], None
    for line in lines:
        if inside:
            code.append("")
            inside = None if line.count(inside) % 2 else inside
            continue
        code.append(line)
        inside = next((quote for quote in ('"""', "'''") if line.count(quote) % 2), None)
    return code
