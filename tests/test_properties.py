"""Property-based parsing: arbitrary text never raises anything but spectrace's own error,
discoverers never raise at all, and the same input always gives the same model."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spectrace.config import build_config
from spectrace.discover.go import GoDiscoverer
from spectrace.discover.java import JavaDiscoverer
from spectrace.discover.js import JsDiscoverer
from spectrace.discover.python import PythonDiscoverer, load_pytest_settings
from spectrace.discover.rust import RustDiscoverer
from spectrace.errors import SpectraceError
from spectrace.mapping import parse_mapping
from spectrace.model import TestKind
from spectrace.specs.ids import IdMatcher
from spectrace.specs.markdown import parse_markdown
from spectrace.specs.yamlspec import parse_yaml_spec

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _soup(fragments: list[str]) -> st.SearchStrategy[str]:
    """Text made of fragments the parser cares about, mixed with arbitrary characters:
    random text alone rarely gets past a parser's first check."""
    piece = st.one_of(st.sampled_from(fragments), st.text(max_size=8))
    return st.lists(piece, max_size=60).map("".join)


def _text(fragments: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=400), _soup(fragments))


def _same_twice(parse, text):
    """`parse(text)`: a model, or a SpectraceError; the same either way on a second call."""
    outcomes = []
    for _ in range(2):
        try:
            outcomes.append(("ok", parse(text)))
        except SpectraceError as exc:
            assert exc.message, "an error with no message"
            outcomes.append(("error", str(exc)))
    assert outcomes[0] == outcomes[1]
    return outcomes[0]


MARKDOWN = ["# ", "## ", "### ", "1.", "1.1", "2.3.4", " ", "\n", "\n\n", "| ", " |", "|---|---|",
            "- ", "* ", "1. ", "> ", "```", "`", "**", "---\n", "kind: testing-plan\n",
            "kind: [\n", "Total", "Cases", "Test Name", "3", "-", "…", "\t", "<br>", "\\|"]


@pytest.mark.spec("6.10", "1.1.1")
@FAST
@given(_text(MARKDOWN))
def test_markdown_spec_parser_raises_only_its_own_error_and_is_deterministic(text):
    _same_twice(lambda t: parse_markdown(t, "docs/plan.md", None, IdMatcher()), text)


YAML = ["kind: ", "testing-plan", "conceptual-model", "title: ", "areas:", "cases:", "features:",
        "id: ", "'1.1'", "1.2", "- ", "  ", "\n", ": ", "[", "]", "{", "}", ", ", "&a ", "*a",
        "!!python/object ", "? ", "|\n", "#", "\"", "'", "null", "true", "3.14"]


@pytest.mark.spec("6.10", "1.3.1")
@FAST
@given(_text(YAML))
def test_yaml_spec_parser_raises_only_its_own_error_and_is_deterministic(text):
    _same_twice(lambda t: parse_yaml_spec(t, "docs/plan.yaml", None, IdMatcher()), text)


MAPPING = ["cases:", "features:", "areas:", "\n", "  ", "    ", "'3.1.1':", "1.1", "3.2.1-3.2.4",
           "tests:", "status:", "partial", "not-implemented", "note:", " [", "]", "{", "}", ", ",
           "- ", "tests/test_a.py", "tests/test_a.py::TestA::test_b", "../x.py", "/abs.py",
           "tests/*.py", "::", ": ", "~", "null", "7"]


@pytest.mark.spec("6.10", "3.1")
@FAST
@given(_text(MAPPING))
def test_mapping_loader_raises_only_its_own_error_and_is_deterministic(text):
    _same_twice(lambda t: parse_mapping(t, "mappings/m.yaml"), text)


CONFIG_YAML = ["title: ", "specs:", "mappings:", "results:", "id_patterns:", "exclude:",
               "outputs:", "max_file_size: ", "cache_dir: ", "source_url: ", "kinds:",
               "publish:", "check:", "path: ", "kind: ", "format: ", "md", "json", "- ", "  ",
               "\n", "[", "]", "{", "}", "'(oops'", "\\d+", "-1", "0", "9", "true", "specz:"]
CONFIG_TOML = ["[tool.spectrace]\n", "[tool]\n", "[project]\n", "title = ", "specs = ",
               "mappings = ", "max_file_size = ", "id_patterns = ", "'x'", "\"y\"", "[", "]",
               "{", "}", ", ", "\n", "=", "1", "-1", "true", "[[tool.spectrace.outputs]]\n",
               "format = 'md'\n", "path = 'm.md'\n", "titel = 1\n"]


@pytest.fixture(scope="module")
def config_dir():
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _load_config(folder: Path, name: str, text: str):
    for stale in ("spectrace.yaml", "pyproject.toml"):
        (folder / stale).unlink(missing_ok=True)
    (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    return build_config(folder)


@pytest.mark.spec("6.10", "6.1")
@FAST
@given(text=_text(CONFIG_YAML))
def test_yaml_config_loader_raises_only_its_own_error_and_is_deterministic(config_dir, text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate cannot be written as UTF-8; the non-UTF-8 case is elsewhere
    _same_twice(lambda t: _load_config(config_dir, "spectrace.yaml", t), text)


@pytest.mark.spec("6.10", "6.1")
@FAST
@given(text=_text(CONFIG_TOML))
def test_toml_config_loader_raises_only_its_own_error_and_is_deterministic(config_dir, text):
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return
    _same_twice(lambda t: _load_config(config_dir, "pyproject.toml", t), text)


PY = ["def test_", "async def test_", "class Test", "(", ")", ":", "\n", "    ", "@pytest.mark.",
      "skip", "parametrize(", "'a', [1, 2]", "spec(", "'1.1'", "import pytest\n", "self",
      "\"\"\"", "#", "lambda", "yield", "return", "unittest.TestCase", "x", "=", ","]
RUST = ["#[test]\n", "#[cfg(test)]\n", "#[ignore]\n", "#[tokio::test]\n", "mod tests ", "fn ",
        "name", "()", " {", "}", "\n", "    ", "use super::*;\n", "//", "/*", "*/", "\"",
        "r#\"", "'a", "<", ">", "macro_rules! ", "!", "(", ")", ";"]
JS = ["describe(", "it(", "test(", "test.each(", ".skip", ".only", "xit(", "'name'", "`tpl ${",
      "}`", ", () => {", "function () {", "})", ";\n", "\n", "  ", "// ", "/*", "*/", "(", ")",
      "{", "}", "[", "]", "import { test } from 'vitest'\n", "async ", "=>", ","]
GO = ["package p\n", "import \"testing\"\n", "func Test", "func Benchmark", "func Fuzz", "Example",
      "(t *testing.T)", "(b *testing.B)", " {", "}", "\n", "\t", "t.Run(\"", "\", func(t *testing.T)",
      "t.Skip(", ")", "(", "//go:build ", "// ", "`", "\"", "for _, tc := range tests ",
      "name: ", ","]
JAVA = ["class ", "FooTest", " {", "}", "@Test", "@Disabled", "@ParameterizedTest", "@Nested",
        "void ", "test", "()", "(", ")", ";", "\n", "  ", "public ", "static ", "import org.junit",
        ".jupiter.api.Test;\n", "// ", "/*", "*/", "\"", "@DisplayName(\"x\")", "<T>", "interface "]

DISCOVERERS = {
    "python": (lambda: PythonDiscoverer(load_pytest_settings(Path("/nonexistent"))),
               "tests/test_x.py", PY),
    "rust": (RustDiscoverer, "tests/x.rs", RUST),
    "javascript": (JsDiscoverer, "web/x.test.ts", JS),
    "go": (GoDiscoverer, "pkg/x_test.go", GO),
    "java": (JavaDiscoverer, "src/test/java/FooTest.java", JAVA),
    "kotlin": (JavaDiscoverer, "src/test/kotlin/FooTest.kt",
               JAVA + ["fun ", "object ", "companion ", "val ", "`name with spaces`", "@Ignore"]),
}


def _discoverer_property(language: str):
    make, path, fragments = DISCOVERERS[language]
    finder = make()

    @pytest.mark.spec("6.10", "2.7.4")
    @FAST
    @given(_text(fragments))
    def prop(text):
        first = finder.parse(text, path, TestKind.UNIT)  # never raises, not even our error
        second = finder.parse(text, path, TestKind.UNIT)
        assert first == second
        assert first.path == path
        assert first.language.value in (language, "typescript")

    prop.__name__ = f"test_{language}_discoverer_never_raises_and_is_deterministic"
    return prop


test_python_discoverer_never_raises_and_is_deterministic = _discoverer_property("python")
test_rust_discoverer_never_raises_and_is_deterministic = _discoverer_property("rust")
test_javascript_discoverer_never_raises_and_is_deterministic = _discoverer_property("javascript")
test_go_discoverer_never_raises_and_is_deterministic = _discoverer_property("go")
test_java_discoverer_never_raises_and_is_deterministic = _discoverer_property("java")
test_kotlin_discoverer_never_raises_and_is_deterministic = _discoverer_property("kotlin")
