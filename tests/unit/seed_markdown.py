"""A reader for the seed spec markdown, so tests can compare the edition YAML with the seed itself.

It knows only what the seed uses: ATX headings, pipe tables (each after an optional bold label such
as **Error codes**), bullets, ``> **NOTE**`` blockquotes, fenced code, and a signature line right
below each method heading.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
_LABEL = re.compile(r"^\*\*(.+?)\*\*\s*$")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def clean(text: str) -> str:
    """Markdown cell/sentence → plain text: no bold, links as their text, entities decoded."""
    text = _LINK.sub(r"\1", html.unescape(text)).replace("**", "")
    return " ".join(text.split())


def anchor_of(heading: str) -> str:
    """The GitHub/Gitee anchor of a heading (before the -1, -2 suffix of repeats)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@dataclass
class Table:
    label: str
    header: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    anchor: str
    heading: str
    level: int
    parent: str | None
    lines: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def prose(self) -> list[str]:
        """Paragraph lines outside tables, notes, bullets, labels and code, cleaned."""
        return [
            clean(line)
            for line in self.lines
            if line.strip() and not line.lstrip().startswith(("|", ">", "- ", "**"))
        ]

    @property
    def text(self) -> str:
        """All the section's words outside code, cleaned, on one line."""
        return clean(" ".join(line.lstrip(">- ") for line in self.lines))

    def table(self, label: str) -> Table | None:
        return next((table for table in self.tables if table.label == label), None)

    def labelled(self, label: str) -> str | None:
        """The value of a ``**Label**: value`` line."""
        for line in self.lines:
            if line.startswith(f"**{label}**:"):
                return clean(line.split(":", 1)[1])
        return None


def sentences(text: str) -> list[str]:
    """A bullet or note split into clauses at '.', ';' followed by a space."""
    return [part.strip() for part in re.split(r"(?<=[.;])\s+", clean(text)) if part.strip()]


def parse_seed(path: Path) -> list[Section]:
    """The seed's sections in order, with anchors numbered as GitHub/Gitee number repeats."""
    sections: list[Section] = []
    seen: Counter[str] = Counter()
    in_code = False
    current_h2: str | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip().startswith("```"):
            in_code = not in_code
            continue
        if in_code:
            if sections:
                sections[-1].code.append(line.strip())
            continue
        match = _HEADING.match(line)
        if match:
            level, heading = len(match[1]), match[2]
            base = anchor_of(heading)
            anchor = base if not seen[base] else f"{base}-{seen[base]}"
            seen[base] += 1
            if level <= 2:
                current_h2 = anchor if level == 2 else None
            sections.append(Section(anchor, heading, level, current_h2 if level == 3 else None))
        elif sections:
            sections[-1].lines.append(line)
    for section in sections:
        _split_items(section)
    return sections


def method_sections(seed: list[Section]) -> list[tuple[str, Section]]:
    """(form id, section) for every method heading; the form id as docs/requirements.md derives it."""
    result = []
    for section in seed:
        if section.parent is None:
            continue
        owner = next(parent.heading for parent in seed if parent.anchor == section.parent)
        repeats = sum(1 for one in seed if one.parent == section.parent and one.heading == section.heading)
        form_id = f"{owner}.{section.heading}"
        if repeats > 1:
            form_id += ".callback" if "AsyncCallback" in section.prose[0] else ".promise"
        result.append((form_id, section))
    return result


def _split_items(section: Section) -> None:
    label = ""
    table: Table | None = None
    for line in section.lines:
        stripped = line.strip()
        if stripped.startswith("|"):
            cells = [clean(cell) for cell in stripped.strip("|").split("|")]
            if table is None:
                table = Table(label, cells, [])
                section.tables.append(table)
            elif not all(set(cell) <= set("-: ") for cell in cells):
                table.rows.append(cells)
            continue
        table = None
        if label_match := _LABEL.match(stripped):
            label = label_match[1]
        elif stripped.startswith(">"):
            body = stripped.lstrip("> ").removeprefix("- ").strip()
            if body and body != "**NOTE**":
                section.notes.append(clean(body))
        elif stripped.startswith("- "):
            section.bullets.append(clean(stripped[2:]))
