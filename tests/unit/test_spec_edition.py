"""The packaged spec edition equals the seed document, and the loader rejects broken editions.

The expected values come from parsing the seed markdown (docs/spec/cloudsync-api10.md), never from
constants in this file, so the edition cannot drift from the seed unnoticed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from seed_markdown import Section, method_sections, parse_seed

from harness.errors import ConfigError
from harness.spec import Edition, list_editions, load_edition
from harness.spec.edition import EDITIONS_DIR

REPO = Path(__file__).resolve().parents[2]
EDITION_FILE = EDITIONS_DIR / "api10-doc.yaml"


@pytest.fixture(scope="module")
def edition() -> Edition:
    return load_edition("api10-doc")


@pytest.fixture(scope="module")
def seed(edition: Edition) -> list[Section]:
    return parse_seed(REPO / edition.source)


def test_packaged_edition_is_listed_and_loads_by_name_and_by_path(edition: Edition) -> None:
    assert "api10-doc" in list_editions()
    assert edition.id == "api10-doc"
    by_path = load_edition(EDITION_FILE)
    assert by_path.requirements == edition.requirements
    assert by_path.path == str(EDITION_FILE)


def test_module_name_and_import_equal_the_seed(edition: Edition, seed: list[Section]) -> None:
    imports = [line for section in seed for line in section.code if line.startswith("import ")]
    assert imports == [f"import {edition.import_name} from '{edition.module}'"]
    assert seed[0].heading.startswith(edition.module)


def test_sections_are_the_seed_headings_with_their_anchors(edition: Edition, seed: list[Section]) -> None:
    assert list(edition.sections.items()) == [(section.anchor, section.heading) for section in seed]
    assert [anchor for anchor in edition.sections if anchor.startswith("start")] == [
        "start",
        "start-1",
        "start-2",
        "start-3",
    ]


def test_every_enum_row_equals_the_seed(edition: Edition, seed: list[Section]) -> None:
    seed_enums = {
        section.heading: (section.anchor, section.tables[0].rows)
        for section in seed
        if section.tables and section.tables[0].header == ["Name", "Value", "Description"]
    }
    assert set(seed_enums) == set(edition.enums)
    for name, (anchor, rows) in seed_enums.items():
        enum = edition.enums[name]
        assert enum.section == anchor
        assert [(member, value, enum.descriptions[member]) for member, value in enum.members.items()] == [
            (row[0], int(row[1]), row[2]) for row in rows
        ]
        assert edition.enum(name) == {row[0]: int(row[1]) for row in rows}


def test_every_interface_field_equals_the_seed(edition: Edition, seed: list[Section]) -> None:
    seed_interfaces = {
        section.heading: (section.anchor, section.tables[0].rows)
        for section in seed
        if section.parent is None
        and section.table("")
        and section.tables[0].header[:3] == ["Name", "Type", "Mandatory"]
    }
    assert set(seed_interfaces) == set(edition.interfaces)
    for name, (anchor, rows) in seed_interfaces.items():
        interface = edition.interface(name)
        assert interface.section == anchor
        assert [(f.name, f.type, f.mandatory, f.description) for f in interface.fields] == [
            (row[0], row[1], row[2] == "Yes", row[3]) for row in rows
        ]


def test_every_method_form_equals_the_seed(edition: Edition, seed: list[Section]) -> None:
    forms = method_sections(seed)
    assert sorted(form_id for form_id, _ in forms) == sorted(
        form.id for method in edition.methods.values() for form in method.forms
    )
    for form_id, section in forms:
        form = edition.form(form_id)
        method = edition.method(form_id.rsplit(".", 1)[0] if form.style != "sync" else form_id)
        assert (form.section, form.signature, form.summary) == (
            section.anchor,
            section.prose[0],
            section.prose[1],
        )
        assert method.permission == section.labelled("Required permissions")
        params = section.table("Parameters")
        assert [(p.name, p.type, p.mandatory) for p in form.params] == [
            (row[0], row[1], row[2] == "Yes") for row in (params.rows if params else [])
        ]
        assert (form.style == "promise") == (section.table("Return value") is not None)
        table = section.table("Error codes")
        rows = table.rows if table else []
        assert list(form.errors) == [int(row[0]) for row in rows], form_id
        for code, message in rows:
            assert edition.message(int(code)) == message, (form_id, code)


def test_every_message_of_the_seed_is_in_the_edition_and_no_other(
    edition: Edition, seed: list[Section]
) -> None:
    seed_codes = {
        int(row[0])
        for section in seed
        if section.table("Error codes")
        for row in section.table("Error codes").rows
    }
    assert set(edition.messages) == seed_codes
    used = {code for method in edition.methods.values() for code in method.errors}
    assert used == seed_codes


def test_thresholds_and_permission_equal_the_seed(edition: Edition, seed: list[Section]) -> None:
    error_type = next(section for section in seed if section.anchor == "errortype")
    descriptions = edition.enums["ErrorType"].descriptions

    def percent(text: str) -> int:
        return int(re.search(r"lower than (\d+)%", text)[1])  # type: ignore[index]

    assert edition.threshold("battery_low_percent") == percent(descriptions["BATTERY_LEVEL_LOW"])
    assert edition.threshold("battery_warning_percent") == percent(descriptions["BATTERY_LEVEL_WARNING"])
    refusal = next(bullet for bullet in error_type.bullets if "start()" in bullet)
    assert edition.threshold("start_refused_below_percent") == percent(refusal)
    permissions = {section.labelled("Required permissions") for section in seed} - {None}
    assert permissions == {edition.permission}
    capabilities = {section.labelled("System capability") for section in seed} - {None}
    assert capabilities == {edition.system_capability}


def test_message_comparison_ignores_only_one_trailing_full_stop(edition: Edition) -> None:
    assert edition.messages_match(22400002, "Network unavailable.")
    assert edition.messages_match(22400002, "Network unavailable")
    assert edition.messages_match(401, "The input parameter is invalid")
    assert not edition.messages_match(22400002, "Network unavailable..")
    assert not edition.messages_match(22400002, "network unavailable")
    assert not edition.messages_match(22400003, "Low battery level")
    assert not edition.messages_match(22400002, None)


def test_lookups_reject_unknown_names_with_a_suggestion(edition: Edition) -> None:
    with pytest.raises(ConfigError, match=r"did you mean 'GallerySync\.start\.promise\.E22400002'"):
        edition.requirement("GallerySync.start.promise.E2240002")
    with pytest.raises(ConfigError, match="error code 12345"):
        edition.message(12345)
    with pytest.raises(ConfigError, match="did you mean 'SyncState'"):
        edition.enum("SyncStat")
    with pytest.raises(ConfigError, match="threshold"):
        edition.threshold("battery_percent")
    with pytest.raises(ConfigError, match="did you mean 'promise'"):
        edition.method("GallerySync.start").form("promis")


def test_requirement_lookup_and_links(edition: Edition) -> None:
    ids = [one.id for one in edition.requirements]
    assert len(ids) == len(set(ids))
    for one in edition.requirements:
        assert edition.requirement(one.id) is one
        assert edition.link(one) == f"{edition.link_base}#{one.section}"
    assert edition.link("GallerySync.start.callback.E22400003").endswith("js-apis-file-cloudsync.md#start-1")
    assert edition.method("GallerySync.start").errors == edition.form("GallerySync.start.promise").errors


def test_unknown_edition_name_and_missing_file_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown spec edition 'api11-doc' \(known: .*api10-doc"):
        load_edition("api11-doc")
    missing = tmp_path / "nothing.yaml"
    with pytest.raises(ConfigError, match=re.escape(f"{missing}: cannot read")):
        load_edition(missing)


def _replace(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, f"variant no longer applies: {old!r}"
        return text.replace(old, new, count)

    return mutate


def _replace_in_item(item_id: str, old: str, new: str) -> Callable[[str], str]:
    """Change ``old`` to ``new`` inside the requirement item whose id is ``item_id``."""

    def mutate(text: str) -> str:
        start = text.index(f"- id: {item_id}\n")
        end = text.index("\n      - ", start + 1)
        assert old in text[start:end], f"variant no longer applies: {item_id} {old!r}"
        return text[:start] + text[start:end].replace(old, new, 1) + text[end:]

    return mutate


BROKEN_VARIANTS = [
    # (name, mutation, expected message fragment, text whose first line, or line at '^', the error names)
    (
        "missing key",
        _replace("progress_event: progress\n", ""),
        "missing key 'progress_event'",
        "edition: api10-doc",
    ),
    (
        "wrong type",
        _replace("api_version: 10", "api_version: ten"),
        "api_version: expected an integer, got 'ten'",
        "api_version: ten",
    ),
    (
        "unknown key",
        _replace("import_name: cloudSync", "import_nam: cloudSync"),
        "did you mean 'import_name'",
        "import_nam:",
    ),
    (
        "duplicate requirement id",
        _replace("id: GallerySync.start.promise.E22400003", "id: GallerySync.start.promise.E22400002"),
        "duplicate requirement id 'GallerySync.start.promise.E22400002' (first at line",
        "id: GallerySync.start.promise.E22400002\n        section: start\n"
        "        source: table-row\n        statement: start() while not",
    ),
    (
        "unknown section",
        _replace_in_item("Download.contract.transfer-failure", "section: state", "section: stat"),
        "unknown value 'stat' (did you mean 'state'?)",
        "section: stat\n",
    ),
    (
        "bad YAML",
        _replace("api_version: 10", "api_version: 10: 11"),
        "invalid YAML: mapping values are not allowed",
        "api_version: 10: 11",
    ),
    (
        "duplicate YAML key",
        _replace("api_version: 10\n", "api_version: 10\napi_version: 10\n"),
        "duplicate key 'api_version'",
        "api_version: 10\n^api_version",
    ),
    (
        "method error without message",
        _replace("  13900025: No space left on device.\n", ""),
        "error code 13900025 has no message",
        "errors: [201, 202, 401, 13900002, 13900025]",
    ),
    (
        "enum duplicate value",
        _replace("STOPPED: {value: 5,", "STOPPED: {value: 4,"),
        "value 4 is already SyncState.COMPLETED",
        "STOPPED: {value: 4,",
    ),
    (
        "id names no enum member",
        _replace("{id: SyncState.UPLOADING,", "{id: SyncState.UPLOADIN,"),
        "names nothing of the edition",
        "{id: SyncState.UPLOADIN,",
    ),
    (
        "id names no error row",
        _replace("id: GallerySync.on.E201", "id: GallerySync.on.E203"),
        "names no row of an error table",
        "id: GallerySync.on.E203",
    ),
    (
        "id off the pattern",
        _replace("id: module.import", "id: module.Import!"),
        "is not dotted segments",
        "id: module.Import!",
    ),
    (
        "source does not fit the id",
        _replace_in_item("GallerySync.off.param.evt", "source: table-row", "source: note"),
        "is a table-row, not a note",
        "source: note\n        statement: evt is mandatory",
    ),
    (
        "section does not fit the id",
        _replace_in_item("GallerySync.stop.callback.E401", "section: stop-1", "section: stop"),
        "belongs to section 'stop-1', not 'stop'",
        "- id: GallerySync.stop.callback.E401\n        ^section: stop",
    ),
    (
        "note without quote",
        _replace("        quote: To resume the synchronization, call start\n", ""),
        "needs a 'quote'",
        "- id: GallerySync.stop.promise.note.resume",
    ),
    (
        "bad severity",
        _replace("    severity: blocker\n", "    severity: urgent\n"),
        "unknown value 'urgent'",
        "severity: urgent",
    ),
    (
        "boolean is not a string",
        _replace("mandatory: true}", "mandatory: yes}"),
        "expected a boolean (true or false), got 'yes'",
        "mandatory: yes}",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "fragment", "locator"),
    [variant[1:] for variant in BROKEN_VARIANTS],
    ids=[variant[0] for variant in BROKEN_VARIANTS],
)
def test_broken_edition_gives_config_error_with_file_and_line(
    tmp_path: Path, mutate: Callable[[str], str], fragment: str, locator: str
) -> None:
    text = mutate(EDITION_FILE.read_text(encoding="utf-8"))
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    position = text.index(locator.replace("^", "")) + max(locator.find("^"), 0)
    line = text[:position].count("\n") + 1
    with pytest.raises(ConfigError) as caught:
        load_edition(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert fragment in message
