"""The README's layout names every module of engine/, rig/ and ui/, each under its own package."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("engine", "rig", "ui")


def layout_sections():
    """{package: the text of its bullet} in the README's ``## Layout`` section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    bullets = re.split(r"^- `([a-z]+)/`", layout, flags=re.MULTILINE)[1:]
    return dict(zip(bullets[::2], bullets[1::2]))


def test_the_layout_lists_every_module():
    sections = layout_sections()
    missing = [f"{package}/{path.name}" for package in PACKAGES for path in sorted((ROOT / package).glob("*.py"))
               if path.name != "__init__.py" and f"`{path.name}`" not in sections.get(package, "")]
    assert not missing, f"README.md's Layout does not name: {', '.join(missing)}"
