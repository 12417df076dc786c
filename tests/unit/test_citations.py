"""Every citation in the repository resolves inside the repository.

Comments, docstrings, docs and data files cite upstream facts as `docs/upstream-facts.md §N.N` and the hdc
protocol as `docs/hdc-protocol.md §N.N`. These tests read every tracked text file and fail on a citation of a
file outside the repository (design or research notes that a clone does not have), on a section sign that
belongs to no citation, and on a section number that is not a heading of the cited doc.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(REPO).as_posix()
CITED_DOCS = ("docs/upstream-facts.md", "docs/hdc-protocol.md")

# Citations of places a clone does not have: paths outside the repository and the names of the design and
# research notes the docs were written from (their facts live in the cited docs now).
OUTSIDE = re.compile(
    r"\.\./shared|/work/shared|shared/(?:reference|design)|(?<![\w/])reference/[\w.-]+\.md"
    r"|ohos-facts|ARCHITECTURE\.md|style-anchors|(?<![\w-])anchors\.md|feasibility\.md"
)
# Repository docs named by path (`docs/emulator.md`); each must exist.
DOC_PATH = re.compile(r"(?<![\w/.])docs/[\w/.-]+\.md")
# `<doc>.md §1.2, §1.5` or `<doc>.md §1.5–§1.9` / `§0.4-§0.5` / `§1.5 to §1.9`, possibly across lines.
SECTIONS = r"(?:[\s,;]*(?:and\s+|to\s+|[–-]\s*)?§\s*\d+(?:\.\d+)*)+"
CITATION = re.compile(r"(?P<doc>[\w./-]*(?:upstream-facts|hdc-protocol)\.md)`?(?P<sections>" + SECTIONS + ")")
SECTION_SIGN = re.compile(r"§\s*\d")
NUMBER = re.compile(r"\d+(?:\.\d+)*")
HEADING = re.compile(r"^#{1,6}\s+(\d+(?:\.\d+)*)\.?\s", re.MULTILINE)


def headings(text: str) -> set[str]:
    """The section numbers a doc's headings define (`## 1. Title`, `### 1.5 Title` give 1 and 1.5)."""
    return set(HEADING.findall(text))


def problems(text: str, sections: dict[str, set[str]], docs: set[str], own: str | None = None) -> list[str]:
    """What is wrong with the citations in ``text``; ``own`` is the cited doc ``text`` is, if it is one.

    ``sections`` maps each cited doc to its section numbers, ``docs`` holds the tracked files' paths.
    Inside a cited doc a bare `§N` means a section of that doc; everywhere else a section sign must
    belong to a citation of a cited doc.
    """
    found = [f"cites a file outside the repository: {m.group(0)!r}" for m in OUTSIDE.finditer(text)]
    found += [
        f"cites {m.group(0)}, which is not in the repository"
        for m in DOC_PATH.finditer(text)
        if m.group(0) not in docs
    ]
    covered: list[tuple[int, int]] = []
    for m in CITATION.finditer(text):
        doc = m.group("doc")
        covered.append(m.span("sections"))
        if doc not in sections:
            found.append(f"cites {doc!r}; cite it by its path in the repository, one of {list(sections)}")
            continue
        numbers = NUMBER.findall(m.group("sections"))
        found += [f"{doc} has no section {n}" for n in numbers if n not in sections[doc]]
    for m in SECTION_SIGN.finditer(text):
        if any(start <= m.start() < end for start, end in covered):
            continue
        number = NUMBER.match(text, m.end() - 1)
        if own is None:
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"line {line}: a section sign that cites no doc: {text[m.start() : m.end() + 4]!r}")
        elif number and number.group(0) not in sections[own]:
            found.append(f"{own} refers to its own section {number.group(0)}, which it does not have")
    return found


def tracked_text_files() -> dict[str, str]:
    """Every file git tracks in the repository that reads as UTF-8 text, by path."""
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=30
    ).stdout.decode()
    texts = {}
    for name in filter(None, listing.split("\0")):
        path = REPO / name
        if name == THIS or not path.is_file():
            continue
        try:
            texts[name] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
    return texts


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return tracked_text_files()


@pytest.fixture(scope="module")
def sections(texts: dict[str, str]) -> dict[str, set[str]]:
    return {doc: headings(texts[doc]) for doc in CITED_DOCS}


def test_the_cited_docs_are_tracked_and_numbered(
    texts: dict[str, str], sections: dict[str, set[str]]
) -> None:
    for doc in CITED_DOCS:
        assert doc in texts, f"{doc} is not tracked"
    assert {"0.1", "0.16", "1.1", "1.12", "2", "3.1", "3.7"} <= sections["docs/upstream-facts.md"]
    assert {"1", "1.1", "1.8", "2"} <= sections["docs/hdc-protocol.md"]


def test_every_citation_resolves_inside_the_repository(
    texts: dict[str, str], sections: dict[str, set[str]]
) -> None:
    found = [
        f"{name}: {one}"
        for name, text in sorted(texts.items())
        for one in problems(text, sections, set(texts), own=name if name in CITED_DOCS else None)
    ]
    assert not found, "\n".join(found)


def test_the_check_sees_each_kind_of_broken_citation() -> None:
    sections = {"docs/upstream-facts.md": {"1", "1.5"}, "docs/hdc-protocol.md": {"1.2"}}
    docs = set(sections) | {"docs/emulator.md"}
    good = "as in 4.0 (docs/upstream-facts.md §1.5,\n    §1) and docs/hdc-protocol.md §1.2"
    assert problems(good, sections, docs) == []
    assert problems("as docs/emulator.md says", sections, docs) == []
    for bad in (
        "(reference/ohos-facts.md §1.5)",
        "see ../shared/reference/x.md",
        "see /work/shared/design/a.md",
        "(hdc-protocol.md §1.2)",
        "(docs/upstream-facts.md §1.6)",
        "(docs/upstream-facts.md §1.5–§1.9)",
        "as the protocol notes say (§1.2)",
        "drawn in docs/architecture.md",
        "see ARCHITECTURE.md and style-anchors.md",
    ):
        assert problems(bad, sections, docs), bad
    assert problems("see §1.5 and §7", sections, docs, own="docs/upstream-facts.md") == [
        "docs/upstream-facts.md refers to its own section 7, which it does not have"
    ]
