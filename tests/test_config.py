"""Config: defaults < spectrace.yaml / [tool.spectrace] < flags; wrong settings named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from spectrace.config import Format, Output, build_config, parse_spec_arg
from spectrace.errors import ConfigError
from spectrace.model import DocKind
from spectrace.specs.ids import DEFAULT_ID_PATTERNS


@pytest.mark.spec("6.1")
def test_yaml_config_resolves_paths_against_the_repository(tmp_path):
    (tmp_path / "spectrace.yaml").write_text(
        "title: Gateway audit\n"
        "specs:\n  - docs/plan.md\n  - {path: docs/model.md, kind: conceptual-model}\n"
        "mappings: ['maps/*.yaml']\n"
        "outputs:\n  - {format: md, path: docs/matrix.md}\n"
        "max_file_size: 1000\n")
    cfg = build_config(tmp_path)
    assert cfg.title == "Gateway audit"
    assert cfg.specs[0].path == tmp_path.resolve() / "docs/plan.md" and cfg.specs[0].kind is None
    assert cfg.specs[1].kind is DocKind.CONCEPTUAL_MODEL
    assert cfg.mappings == ("maps/*.yaml",)
    assert cfg.outputs == (Output(Format.MD, "docs/matrix.md"),)
    assert cfg.max_file_bytes == 1000
    assert cfg.id_patterns == DEFAULT_ID_PATTERNS
    assert cfg.source == "spectrace.yaml"


@pytest.mark.spec("6.1")
def test_pyproject_table_is_read_when_there_is_no_yaml(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.spectrace]\ntitle = 'From toml'\n"
        "id_patterns = ['REQ-\\d+']\n")
    cfg = build_config(tmp_path)
    assert (cfg.title, cfg.id_patterns, cfg.source) == ("From toml", ("REQ-\\d+",), "pyproject.toml")


@pytest.mark.spec("6.2")
def test_flags_override_the_file_and_no_file_is_needed(tmp_path):
    (tmp_path / "spectrace.yaml").write_text("title: File\n")
    cfg = build_config(tmp_path, overrides={"title": "Flag", "id_patterns": ("X-\\d+",),
                                            "mappings": ()})
    assert (cfg.title, cfg.id_patterns, cfg.mappings) == ("Flag", ("X-\\d+",), ())
    bare = tmp_path / "bare"
    bare.mkdir()
    assert build_config(bare).source is None


@pytest.mark.spec("1.1.9")
def test_spec_argument_with_and_without_kind(tmp_path):
    assert parse_spec_arg("docs/p.md:testing-plan", tmp_path).kind is DocKind.TESTING_PLAN
    assert parse_spec_arg("docs/p.md", tmp_path).path == tmp_path / "docs/p.md"
    with pytest.raises(ConfigError, match="unknown spec kind 'plan'"):
        parse_spec_arg("docs/p.md:plan", tmp_path)


@pytest.mark.spec("6.5")
@pytest.mark.parametrize(("text", "line", "words"), [
    ("titel: x\n", 1, "unknown setting 'titel'; did you mean 'title'?"),
    ("title: x\nspecs: 3\n", 2, "expected a list of spec files, got a number (3)"),
    ("specs:\n  - {path: a.md, kind: plan}\n", 2, "unknown spec kind 'plan'"),
    ("outputs:\n  - {format: pdf, path: x.pdf}\n", 2, "unknown output format 'pdf'"),
    ("id_patterns: ['(unclosed']\n", 1, "invalid id pattern"),
    ("max_file_size: -5\n", 1, "expected a positive whole number"),
    ("title: [a\n", 2, "malformed YAML"),
    ("- a\n", 1, "expected a mapping of settings"),
    ("mappings:\n  - a.yaml\n  - 7\n", 3, "expected a string, got a number (7)"),
])
def test_bad_yaml_settings_name_file_and_line(tmp_path, text, line, words):
    (tmp_path / "spectrace.yaml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        build_config(tmp_path)
    assert Path(caught.value.path).name == "spectrace.yaml"
    assert caught.value.line == line
    assert words in caught.value.message


@pytest.mark.spec("6.5")
def test_bad_toml_names_the_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.spectrace]\ntitle = 'x'\nspecs = [\n")
    with pytest.raises(ConfigError) as caught:
        build_config(tmp_path)
    assert caught.value.path.endswith("pyproject.toml") and caught.value.line == 4
    (tmp_path / "pyproject.toml").write_text("[tool.spectrace]\n\ntitel = 'x'\n")
    with pytest.raises(ConfigError) as caught:
        build_config(tmp_path)
    assert caught.value.line == 3 and "did you mean 'title'" in caught.value.message


@pytest.mark.spec("6.5")
def test_missing_repository_and_config_file(tmp_path):
    with pytest.raises(ConfigError, match="repository folder not found"):
        build_config(tmp_path / "nope")
    with pytest.raises(ConfigError, match="config file not found"):
        build_config(tmp_path, tmp_path / "other.yaml")
