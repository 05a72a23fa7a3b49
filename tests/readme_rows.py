"""Put the figures the row tests measured into the README's table of rows.

Usage: ``python tests/readme_rows.py FIGURES.json README.md`` (``make figures`` runs the tests
with ``VIRTUAL_RIG_FIGURES`` set, then this). The table lies between ``<!-- rows -->`` and
``<!-- /rows -->``; its last column ("model") is replaced, row by row, with what the tests measured
(several tests of one row are joined with "; "). A row no test measured says so.
"""
import json
import re
import sys


def fill(readme, figures):
    begin, end = readme.index("<!-- rows -->"), readme.index("<!-- /rows -->")
    lines = readme[begin:end].split("\n")
    for i, line in enumerate(lines):
        row = re.match(r"\| (\d+) \|", line)
        if row:
            cells = line.split(" | ")
            text = "; ".join(figures.get(row.group(1), ["(not measured)"]))
            cells[-1] = text.replace("|", "\\|") + " |"  # a bare | would split the cell
            lines[i] = " | ".join(cells)
    return readme[:begin] + "\n".join(lines) + readme[end:]


def main(figures_path, readme_path):
    with open(figures_path, encoding="utf-8") as f:
        figures = json.load(f)
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    with open(readme_path, "w", encoding="utf-8") as f:
        f.write(fill(readme, figures))


if __name__ == "__main__":
    main(*sys.argv[1:])
