"""Every checkable statement of the seed has a requirement in the edition.

The expected set is derived from the seed markdown: each enum row, interface row, method heading,
parameter row and error-table row has the requirement id the scheme gives it; each clause of each
bullet and note is quoted by a requirement of its section.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from seed_markdown import Section, clean, method_sections, parse_seed, sentences

from harness.spec import Edition, Requirement, load_edition

REPO = Path(__file__).resolve().parents[2]

# Sentences of the seed that state nothing a device can be checked for, with the reason.
NOT_CHECKABLE = {
    "Newly added APIs will be marked with a superscript to indicate their earliest API version.": (
        "about the document's typography"
    ),
}


@pytest.fixture(scope="module")
def edition() -> Edition:
    return load_edition("api10-doc")


@pytest.fixture(scope="module")
def seed(edition: Edition) -> list[Section]:
    return parse_seed(REPO / edition.source)


@pytest.fixture(scope="module")
def by_id(edition: Edition) -> dict[str, Requirement]:
    return {one.id: one for one in edition.requirements}


def expect(by_id: dict[str, Requirement], requirement_id: str, section: str, source: str) -> None:
    assert requirement_id in by_id, f"no requirement {requirement_id} for a statement of section {section}"
    assert (by_id[requirement_id].section, by_id[requirement_id].source) == (section, source), requirement_id


def test_every_enum_and_interface_row_has_a_requirement(
    seed: list[Section], by_id: dict[str, Requirement]
) -> None:
    rows = 0
    for section in seed:
        table = section.table("")
        if section.parent is None and table is not None:
            for row in table.rows:
                expect(by_id, f"{section.heading}.{row[0]}", section.anchor, "table-row")
                rows += 1
    assert rows == 6 + 7 + 4 + 2 + 4  # SyncState, ErrorType, State, SyncProgress, DownloadProgress


def test_every_method_heading_parameter_and_error_row_has_a_requirement(
    seed: list[Section], by_id: dict[str, Requirement]
) -> None:
    forms = method_sections(seed)
    assert len(forms) == 14
    for form_id, section in forms:
        expect(by_id, form_id, section.anchor, "signature")
        for label, prefix in (("Parameters", "param."), ("Error codes", "E")):
            table = section.table(label)
            for row in table.rows if table else []:
                expect(by_id, f"{form_id}.{prefix}{row[0]}", section.anchor, "table-row")


def test_the_import_statement_has_a_requirement(seed: list[Section], by_id: dict[str, Requirement]) -> None:
    section = next(section for section in seed if any(line.startswith("import ") for line in section.code))
    expect(by_id, "module.import", section.anchor, "signature")


def test_every_clause_of_every_bullet_and_note_is_quoted_by_a_requirement(
    edition: Edition, seed: list[Section]
) -> None:
    uncovered = []
    for section in seed:
        quotes = [
            clean(one.quote) for one in edition.requirements if one.quote and one.section == section.anchor
        ]
        for item in section.bullets + section.notes:
            for clause in sentences(item):
                if clause not in NOT_CHECKABLE and not any(quote in clause for quote in quotes):
                    uncovered.append(f"{section.anchor}: {clause}")
    assert not uncovered, "statements without a requirement:\n" + "\n".join(uncovered)


def test_every_error_type_bullet_has_its_own_requirement(edition: Edition, seed: list[Section]) -> None:
    bullets = next(section for section in seed if section.anchor == "errortype").bullets
    assert len(bullets) == 5
    for bullet in bullets:
        assert any(
            one.source == "bullet" and one.quote and clean(one.quote) in bullet
            for one in edition.requirements
        )


def test_not_checkable_sentences_are_still_in_the_seed(seed: list[Section]) -> None:
    clauses = {
        clause for section in seed for item in section.bullets + section.notes for clause in sentences(item)
    }
    assert set(NOT_CHECKABLE) <= clauses


def test_every_quote_is_the_seed_s_words_in_its_section(edition: Edition, seed: list[Section]) -> None:
    text = {section.anchor: section.text for section in seed}
    for one in edition.requirements:
        if one.quote:
            assert clean(one.quote) in text[one.section], one.id


def test_every_section_with_checkable_content_has_requirements(edition: Edition, seed: list[Section]) -> None:
    covered = {one.section for one in edition.requirements}
    for section in seed:
        imports = any(line.startswith("import ") for line in section.code)
        has_items = section.tables or section.bullets or section.notes or section.parent or imports
        if has_items:
            assert section.anchor in covered, f"section {section.anchor} has no requirement"


def test_every_decision_names_its_ground(edition: Edition) -> None:
    for one in edition.requirements:
        if one.decision:
            assert "docs/upstream-facts.md §" in one.decision or "behaviour contract" in one.decision, one.id


def test_docs_list_exactly_the_requirements_with_a_decision(edition: Edition) -> None:
    docs = (REPO / "docs" / "requirements.md").read_text(encoding="utf-8")
    table = docs.split("## Decisions where the seed is silent", 1)[1]
    listed = {
        requirement_id
        for line in table.splitlines()
        if line.startswith("| `")
        for requirement_id in re.findall(r"`([^`]+)`", line.split("|")[1])
    }
    assert listed == {one.id for one in edition.requirements if one.decision}
