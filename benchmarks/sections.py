"""Named sections of docs/benchmarks.md that the real-model benchmarks write (`python -m benchmarks.model`) and that
`make bench` keeps when it rewrites the rest of the page."""

from __future__ import annotations

import re
from pathlib import Path

_SECTION = re.compile(r"<!-- section:(?P<name>[\w-]+) -->\n.*?<!-- /section:(?P=name) -->\n", re.DOTALL)


def wrap(name: str, text: str) -> str:
    return f"<!-- section:{name} -->\n{text.rstrip()}\n<!-- /section:{name} -->\n"


def sections(text: str) -> dict[str, str]:
    """The named sections of a page, each with its markers."""
    return {match.group("name"): match.group(0) for match in _SECTION.finditer(text)}


def write_section(path: Path, name: str, text: str) -> None:
    """Put ``text`` as section ``name`` of the page at ``path`` (replacing the old one, else at the end)."""
    page = path.read_text(encoding="utf-8") if path.is_file() else "# nodegen benchmarks\n"
    block = wrap(name, text)
    old = sections(page).get(name)
    page = page.replace(old, block) if old is not None else page.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
