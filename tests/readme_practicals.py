"""Put each practical's answers for the standard cell, beside the textbook's figures, into the
README (between ``<!-- practicals -->`` and ``<!-- /practicals -->``).

Usage: ``python tests/readme_practicals.py README.md`` (``make figures`` runs it): every shipped
practical is run by the scripted student on the standard cell, headless.
"""
import sys

from rig.practical import load_practical
from rig.practical_run import answer_key
from rig.shipped import shipped_practicals


def table():
    lines = ["| practical | question | standard cell | tolerance | textbook |", "|---|---|---|---|---|"]
    for name in shipped_practicals():
        practical = load_practical(name)
        key = answer_key(practical, None)
        for step in practical.steps:
            for q in step.questions:
                expected = key[q.id]
                if q.options is not None:
                    shown = next(text for text, value in q.options.items() if value == expected)
                    tolerance = ""
                else:
                    shown, tolerance = f"{expected:.3g} {q.unit}".strip(), f"± {q.allowed_error(expected):.2g}"
                textbook = "" if q.textbook is None else f"{q.textbook:g} {q.unit}".strip()
                lines.append(f"| {practical.section}. {practical.title} | {q.ask} | {shown} | {tolerance} | "
                             f"{textbook} |".replace("\n", " "))
    return "\n".join(lines)


def main(readme_path):
    with open(readme_path, encoding="utf-8") as f:
        readme = f.read()
    begin, end = readme.index("<!-- practicals -->"), readme.index("<!-- /practicals -->")
    with open(readme_path, "w", encoding="utf-8") as f:
        f.write(readme[:begin] + "<!-- practicals -->\n" + table() + "\n" + readme[end:])


if __name__ == "__main__":
    main(*sys.argv[1:])
