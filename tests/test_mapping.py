"""Mapping files: the CONTRACT.md shape, shorthands, and wrong shapes named by line."""

from __future__ import annotations

import pytest

from spectrace.errors import MappingError, SpectraceError
from spectrace.mapping import find_mapping_files, load_mapping_files, parse_mapping
from spectrace.model import NodeKind

CONTRACT_EXAMPLE = """\
cases:
  "3.1.1":
    tests: [tests/routes/test_chat.py, "tests/routes/test_chat.py::TestChat::test_stream"]
  "25.4":
    tests: ["tests/services/test_provider_failover.py::test_400_no_failover"]
    status: partial
    note: asserts the status code only
features:
  guardrails: {status: not-implemented}
"""


@pytest.mark.spec("3.1", "3.2")
def test_contract_example_parses_with_lines():
    entries = parse_mapping(CONTRACT_EXAMPLE, "mappings/m.yaml")
    assert [(e.target, e.kind, e.line) for e in entries] == [
        ("3.1.1", NodeKind.CASE, 2), ("25.4", NodeKind.CASE, 4),
        ("guardrails", NodeKind.FEATURE, 9)]
    first, second, feature = entries
    assert [r.text for r in first.tests] == [
        "tests/routes/test_chat.py", "tests/routes/test_chat.py::TestChat::test_stream"]
    assert all(r.line == 3 and r.path == "mappings/m.yaml" for r in first.tests)
    assert (second.status, second.note) == ("partial", "asserts the status code only")
    assert (feature.status, feature.tests) == ("not-implemented", ())


@pytest.mark.spec("3.1")
def test_shorthands_and_numeric_keys_keep_their_text():
    entries = parse_mapping("cases:\n  3.10: tests/a.py\n  3.2:\n    - tests/b.py\n    - tests/c.py\n",
                            "m.yaml")
    assert [e.target for e in entries] == ["3.10", "3.2"]
    assert [r.line for r in entries[1].tests] == [4, 5]


@pytest.mark.spec("6.5")
@pytest.mark.parametrize(("text", "line", "words"), [
    ("cases: [a, b]\n", 1, "must map ids"),
    ("cases:\n  '1.1': 12\n", 2, "must be a list of tests"),
    ("cases:\n  '1.1':\n    tests: [tests/a.py]\n    stauts: partial\n", 4, "did you mean 'status'"),
    ("cases:\n  '1.1':\n    tests: [tests/a.py]\n    status: done\n", 4, "status must be one of"),
    ("cases:\n  '1.1':\n    tests:\n      - tests/a.py\n      - {x: 1}\n", 5, "a test reference"),
    ("cases:\n  '1.1':\n    tests: [../other/test_a.py]\n", 3, "leaves the repository"),
    ("cases:\n  '1.1':\n    tests: [/etc/test_a.py]\n", 3, "is absolute"),
    ("cases:\n  '1.1': {note: hi}\n", 2, "names no tests and no status"),
    ("cases:\n  '1.1': [a\n", 3, "malformed YAML"),
    ("case:\n  '1.1': [a]\n", 1, "did you mean 'cases'"),
    ("- a\n- b\n", 1, "holds `cases:`"),
])
def test_wrong_shapes_name_file_and_line(text, line, words):
    with pytest.raises(SpectraceError) as caught:
        parse_mapping(text, "mappings/bad.yaml")
    assert caught.value.path == "mappings/bad.yaml"
    assert caught.value.line == line
    assert words in caught.value.message


@pytest.mark.spec("6.5")
def test_missing_named_mapping_file_is_an_error_but_an_empty_glob_is_not(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "b.yaml").write_text("cases: {}\n")
    (tmp_path / "maps" / "a.yaml").write_text("cases: {}\n")
    assert [shown for _, shown in find_mapping_files(("maps/*.yaml",), tmp_path)] == [
        "maps/a.yaml", "maps/b.yaml"]
    assert find_mapping_files(("nothing/*.yaml",), tmp_path) == []
    with pytest.raises(MappingError, match="mapping file not found: maps/c.yaml"):
        find_mapping_files(("maps/c.yaml",), tmp_path)


@pytest.mark.spec("6.5")
def test_non_utf8_mapping_names_the_line(tmp_path):
    bad = tmp_path / "m.yaml"
    bad.write_bytes(b"cases:\n  '1.1': [caf\xe9.py]\n")
    with pytest.raises(MappingError) as caught:
        load_mapping_files([(bad, "m.yaml")])
    assert (caught.value.path, caught.value.line) == ("m.yaml", 2)
