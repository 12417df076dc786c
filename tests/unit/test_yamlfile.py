"""harness.yamlfile: safe YAML with the line of every key and value, and validators naming file:line."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from harness.errors import ConfigError
from harness.yamlfile import YamlFile, describe_path, load_yaml, parse_yaml

LAB = textwrap.dedent(
    """\
    # a device inventory
    devices:
      - id: board-1
        ssh:
          host: 127.0.0.1
          port: abc
        tags: [wifi, "mobile"]
      - id: board-2
        serial:
          url: /dev/ttyUSB0
          baud: 115200
    defaults: &defaults
      timeout: 30
      retries: 2
    lab:
      <<: *defaults
      retries: 5
    """
)


@pytest.fixture
def lab() -> YamlFile:
    return parse_yaml(LAB, "devices/lab.yaml")


def test_plain_data_comes_back(lab: YamlFile) -> None:
    assert lab.data["devices"][0]["ssh"] == {"host": "127.0.0.1", "port": "abc"}
    assert lab.data["devices"][1]["serial"]["baud"] == 115200
    assert lab.data["lab"] == {"timeout": 30, "retries": 5}


def test_lines_of_keys_values_and_list_items(lab: YamlFile) -> None:
    assert lab.line(("devices", 0)) == 3
    assert lab.line(("devices", 1)) == 8
    assert lab.line(("devices", 0, "ssh", "port")) == 6
    assert lab.key_line(("devices", 0, "ssh")) == 4
    assert lab.line(("devices", 0, "ssh")) == 5  # a block mapping starts on its first key
    assert lab.line(("devices", 0, "tags", 1)) == 7
    assert lab.line(("devices", 1, "serial", "baud")) == 11
    assert lab.line(("lab", "retries")) == 17  # the own key wins over the merged one


def test_line_of_a_missing_path_is_its_nearest_parent(lab: YamlFile) -> None:
    assert lab.line(("devices", 1, "serial", "parity")) == 10


def test_validator_message_names_file_line_and_path(lab: YamlFile) -> None:
    with pytest.raises(ConfigError) as caught:
        lab.expect(("devices", 0, "ssh", "port"), int)
    assert str(caught.value) == "devices/lab.yaml:6: devices[0].ssh.port: expected an integer, got 'abc'"


def test_integer_rejects_booleans_and_number_accepts_integers() -> None:
    doc = parse_yaml("a: true\nb: 3\n", "x.yaml")
    with pytest.raises(ConfigError, match=r"x\.yaml:1: a: expected an integer, got true"):
        doc.expect(("a",), int)
    assert doc.expect(("b",), float) == 3
    assert doc.expect(("b",), (str, int)) == 3
    with pytest.raises(ConfigError, match="expected a string or a list, got 3"):
        doc.expect(("b",), (str, list))


def test_only_true_and_false_are_booleans() -> None:
    doc = parse_yaml("on: yes\noff: no\nflag: true\nother: False\n", "x.yaml")
    assert doc.data == {"on": "yes", "off": "no", "flag": True, "other": False}


def test_mapping_reports_unknown_key_with_suggestion_at_the_key_line(lab: YamlFile) -> None:
    with pytest.raises(ConfigError) as caught:
        lab.mapping(("devices", 0, "ssh"), required=("host",), optional=("prot", "user"))
    assert (
        str(caught.value)
        == "devices/lab.yaml:6: devices[0].ssh.port: unknown key 'port' (did you mean 'prot'?)"
    )


def test_mapping_lists_allowed_keys_when_nothing_is_close(lab: YamlFile) -> None:
    with pytest.raises(ConfigError, match=r"unknown key 'serial' \(expected one of: id, hdc\)"):
        lab.mapping(("devices", 1), required=("id",), optional=("hdc",))


def test_mapping_reports_a_missing_key_at_the_mapping(lab: YamlFile) -> None:
    with pytest.raises(ConfigError) as caught:
        lab.mapping(("devices", 1, "serial"), required=("url", "baud", "parity"))
    assert str(caught.value) == "devices/lab.yaml:10: devices[1].serial: missing key 'parity'"


def test_mapping_returns_the_dict_when_valid(lab: YamlFile) -> None:
    assert lab.mapping(("defaults",), required=("timeout",), optional=("retries",)) == {
        "timeout": 30,
        "retries": 2,
    }


def test_optional_and_choice(lab: YamlFile) -> None:
    assert lab.optional(("devices", 1, "serial"), "parity", str, "none") == "none"
    assert lab.optional(("devices", 1, "serial"), "baud", int) == 115200
    with pytest.raises(ConfigError, match=r"lab\.yaml:11: devices\[1\]\.serial\.baud: expected a string"):
        lab.optional(("devices", 1, "serial"), "baud", str)
    assert lab.choice(("devices", 0, "tags", 0), ("wifi", "mobile")) == "wifi"
    with pytest.raises(ConfigError) as caught:
        lab.choice(("devices", 0, "tags", 1), ("wifi", "mobil", "ethernet"))
    assert (
        str(caught.value)
        == "devices/lab.yaml:7: devices[0].tags[1]: unknown value 'mobile' (did you mean 'mobil'?)"
    )


def test_get_names_what_is_missing(lab: YamlFile) -> None:
    with pytest.raises(ConfigError, match=r"lab\.yaml:3: devices\[0\]: missing key 'hdc'"):
        lab.get(("devices", 0, "hdc", "port"))
    with pytest.raises(ConfigError, match=r"devices: has no item 5"):
        lab.get(("devices", 5))
    with pytest.raises(ConfigError, match=r"devices\[0\]\.id: expected a mapping or a list, got 'board-1'"):
        lab.get(("devices", 0, "id", "x"))


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3, "invalid YAML"),
        ("a: 1\n  b: 2\n", 2, "mapping values are not allowed here"),
        ("a: 'unterminated\n", 2, "invalid YAML"),
        ("a: 1\n---\nb: 2\n", 2, "expected a single document"),
        ("a: !!python/object/apply:os.system ['true']\n", 1, "could not determine a constructor"),
    ],
)
def test_bad_yaml_is_a_config_error_with_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml(text, "bad.yaml")
    assert str(caught.value).startswith(f"bad.yaml:{line}: ")
    assert fragment in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "dup.yaml:3: duplicate key 'a' (first at line 1)"),
        ("x:\n  - {k: 1, k: 2}\n", "dup.yaml:2: duplicate key 'k' (first at line 2)"),
        ("x:\n  y:\n    port: 1\n    port: 1\n", "dup.yaml:4: duplicate key 'port' (first at line 3)"),
        ("1: a\n01: b\n", "dup.yaml:2: duplicate key 1 (first at line 1)"),
    ],
)
def test_duplicate_keys_are_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_yaml(text, "dup.yaml")
    assert str(caught.value) == message


def test_merged_keys_overridden_by_own_keys_are_not_duplicates(lab: YamlFile) -> None:
    assert lab.data["lab"]["retries"] == 5


def test_aliases_do_not_blow_up() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    doc = parse_yaml("\n".join(levels) + "\n", "bomb.yaml")
    assert doc.line(("a7", 9, 9, 9)) == 7  # inside an alias: where the aliased value is written


def test_empty_file_is_none_and_fails_a_mapping_check() -> None:
    doc = parse_yaml("# nothing\n", "empty.yaml")
    assert doc.data is None
    with pytest.raises(ConfigError) as caught:
        doc.mapping((), required=("devices",))
    assert str(caught.value) == "empty.yaml:1: expected a mapping, got nothing (null)"


def test_choice_of_an_unhashable_value_is_a_config_error() -> None:
    doc = parse_yaml("kind: [a, b]\n", "x.yaml")
    with pytest.raises(ConfigError, match=r"x\.yaml:1: kind: unknown value \['a', 'b'\]"):
        doc.choice(("kind",), {"hdc": 1, "ssh": 2})


def test_load_yaml_reads_a_file_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "lab.yaml"
    path.write_text("ssh:\n  port: abc\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{re.escape(str(path))}:2: ssh\.port: expected an integer"):
        load_yaml(path).expect(("ssh", "port"), int)
    with pytest.raises(ConfigError, match=r"^devices/lab\.yaml:2: "):
        load_yaml(path, name="devices/lab.yaml").expect(("ssh", "port"), int)


def test_unreadable_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.yaml: cannot read"):
        load_yaml(tmp_path / "missing.yaml")
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"a: \xff\xfe\n")
    with pytest.raises(ConfigError, match=r"binary\.yaml: cannot read"):
        load_yaml(binary)


def test_describe_path() -> None:
    assert describe_path(("devices", 3, "ssh", "port")) == "devices[3].ssh.port"
    assert describe_path((0, "a")) == "[0].a"
    assert describe_path(()) == ""
