"""A scan of a messy tree completes: bad files are problems, pathological input is bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from spectrace.config import build_config
from spectrace.discover import scan
from spectrace.model import ProblemKind

SRC = Path(__file__).resolve().parents[1] / "src"


def _tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def _scan(root: Path, **overrides):
    return scan(build_config(root, None, {"cache": False, **overrides}))


def _names(result) -> set[str]:
    return {f"{f.path}::{t.name}" for f in result.files for t in f.tests}


def _problems(result) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for p in result.problems:
        found.setdefault(p.path, set()).add(str(p.kind))
    for f in result.files:
        for p in f.problems:
            found.setdefault(p.path, set()).add(str(p.kind))
    return found


GOOD = {"tests/test_good.py": "def test_good():\n    pass\n"}


@pytest.mark.spec("2.1.4")
def test_scan_does_not_follow_symlink_loops_or_links_out_of_the_repository(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    _tree(outside, {"tests/test_secret.py": "def test_secret():\n    pass\n"})
    _tree(repo, GOOD)
    (repo / "tests/loop_a").symlink_to(repo / "tests/loop_b")
    (repo / "tests/loop_b").symlink_to(repo / "tests/loop_a")
    (repo / "tests/self").symlink_to(repo / "tests", target_is_directory=True)
    (repo / "tests/test_out.py").symlink_to(outside / "tests/test_secret.py")
    (repo / "vendor").symlink_to(outside, target_is_directory=True)
    result = _scan(repo)
    assert _names(result) == {"tests/test_good.py::test_good"}
    problems = _problems(result)
    for rel in ("tests/loop_a", "tests/loop_b", "tests/test_out.py", "vendor"):
        assert problems.get(rel) == {"skipped-file"}, (rel, problems)


@pytest.mark.spec("2.1.3")
def test_scan_skips_binary_huge_and_non_utf8_test_files_and_reports_them(tmp_path):
    _tree(tmp_path, {
        **GOOD,
        "tests/test_binary.py": b"def test_b():\x00\n    pass\n",
        "tests/test_huge.py": "def test_h():\n    pass\n" + "#" * 5000 + "\n",
        "tests/test_latin.py": b"def test_l():\n    s = 'caf\xe9'\n",
        "tests/huge_test.go": "package p\n\nfunc TestH(t *testing.T) {}\n" + "//" * 5000 + "\n",
    })
    result = _scan(tmp_path, max_file_bytes=4000)
    assert _names(result) == {"tests/test_good.py::test_good"}
    messages = {p.path: p for p in result.problems}
    assert "binary" in messages["tests/test_binary.py"].message
    assert "over the 4,000-byte limit" in messages["tests/test_huge.py"].message
    assert "over the 4,000-byte limit" in messages["tests/huge_test.go"].message
    assert "not UTF-8" in messages["tests/test_latin.py"].message
    assert messages["tests/test_latin.py"].line == 2
    assert {str(p.kind) for p in messages.values()} == {"skipped-file"}


BROKEN = {
    "tests/test_broken.py": "def test_ok():\n    pass\n\ndef test_bad(:\n",
    "tests/broken.rs": "#[test]\nfn ok() {}\n\n#[test]\nfn bad( {\n",
    "web/broken.test.js": "test('ok', () => {});\n\ntest('bad', () => {\n",
    "web/broken.spec.ts": "it('ok', () => {});\nit('bad', (): => {\n",
    "pkg/broken_test.go": "package p\n\nfunc TestOk(t *testing.T) {}\n\nfunc TestBad(t {\n",
    "src/test/java/BrokenTest.java": "class BrokenTest {\n  @Test void ok() {}\n  @Test void bad( {\n",
}


@pytest.mark.spec("2.2.7", "2.3.8", "2.7.4")
def test_syntax_errors_in_every_language_are_parse_errors_and_the_scan_completes(tmp_path):
    _tree(tmp_path, {**GOOD, **BROKEN})
    result = _scan(tmp_path)
    problems = _problems(result)
    for rel in BROKEN:
        assert "parse-error" in problems.get(rel, set()), (rel, problems)
    assert "tests/test_good.py::test_good" in _names(result)


# --- pathological input, each parsed in a child process with a time limit ---------------

N = 10_000
MB = 1_000_000

_DISCOVER = """
from spectrace.model import TestKind
from spectrace.discover.{module} import {cls}
finder = {cls}({args})
f = finder.parse(open(sys.argv[1], encoding="utf-8").read(), {path!r}, TestKind.UNIT)
print(sorted({{str(p.kind) for p in f.problems}}), len(f.tests))
"""
_PYTHON_ARGS = "load_pytest_settings(Path('.'))"

_FINDERS = {
    "py": ("python", "PythonDiscoverer", "tests/test_x.py"),
    "rs": ("rust", "RustDiscoverer", "tests/x.rs"),
    "js": ("js", "JsDiscoverer", "web/x.test.js"),
    "go": ("go", "GoDiscoverer", "x_test.go"),
    "java": ("java", "JavaDiscoverer", "src/test/java/XTest.java"),
}

_SPEC = """
from spectrace.errors import SpectraceError
from spectrace.specs.ids import IdMatcher
from spectrace.specs.{module} import {func}
try:
    spec = {func}(open(sys.argv[1], encoding="utf-8").read(), {path!r}, None, IdMatcher())
    print("ok")
except SpectraceError as exc:
    print("error", exc)
"""
_SPECS = {"md": ("markdown", "parse_markdown", "plan.md"),
          "yaml": ("yamlspec", "parse_yaml_spec", "plan.yaml")}

PATHOLOGICAL = {
    "python-parens": ("py", "def test_a():\n    x = " + "(" * N + ")" * N + "\n"),
    "python-unclosed": ("py", "def test_a():\n    x = " + "(" * N + "\n"),
    "python-1mb-line": ("py", "def test_a():\n    x = '" + "a" * MB + "'\n"),
    "python-1mb-sum": ("py", "def test_a():\n    x = " + "1+" * (MB // 2) + "1\n"),
    "js-brackets": ("js", "test('a', () => { x = " + "[" * N + "]" * N + "; });\n"),
    "js-unclosed": ("js", "test('a', () => { x = " + "[" * N + "\n"),
    "js-templates": ("js", "test(`" + "${`" * N + "\n"),
    "js-1mb-line": ("js", "test('a', () => { x = '" + "a" * MB + "'; });\n"),
    "rust-modules": ("rs", "#[cfg(test)]\n" + "mod m {\n" * N + "#[test]\nfn t() {}\n" + "}\n" * N),
    "rust-1mb-line": ("rs", "#[test]\nfn t() { let x = \"" + "a" * MB + "\"; }\n"),
    "go-parens": ("go", "package p\nfunc TestA(t *testing.T) { x := " + "(" * N + ")" * N + " }\n"),
    "go-subtests": ("go", "package p\nfunc TestA(t *testing.T) {\n"
                    + 't.Run("x", func(t *testing.T) {\n' * N + "})\n" * N + "}\n"),
    "go-1mb-line": ("go", "package p\nfunc TestA(t *testing.T) { x := \"" + "a" * MB + "\" }\n"),
    "java-classes": ("java", "class XTest {\n" + "class A {\n" * N + "@Test void t() {}\n"
                     + "}\n" * N + "}\n"),
    "java-parens": ("java", "class XTest { @Test void t() { int x = " + "(" * N + "1" + ")" * N
                    + "; } }\n"),
    "java-1mb-line": ("java", "class XTest { @Test void t() { String x = \"" + "a" * MB
                      + "\"; } }\n"),
    "md-quotes": ("md", "# Plan\n\n" + "> " * N + "1.1 case\n"),
    "md-list-markers": ("md", "# Plan\n\n" + "- " * N + "1.1 item\n"),
    # Indented nesting costs 2 bytes a level per line; 1 000 levels is already 1 MB.
    "md-indented-lists": ("md", "# Plan\n\n" + "".join("  " * i + f"- 1.{i} item\n"
                                                      for i in range(1000))),
    "md-emphasis": ("md", "# Plan\n\n" + "*a **" * N + "\n"),
    "md-brackets": ("md", "# Plan\n\n" + "[" * N + "\n"),
    "md-1mb-table-cell": ("md", "# Plan\n\n| Case | x |\n|---|---|\n| 1.1 a | " + "a" * MB + " |\n"),
    "yaml-flow-nesting": ("yaml", "areas: " + "[" * N + "]" * N + "\n"),
    "yaml-block-nesting": ("yaml", "".join("  " * i + f"k{i}:\n" for i in range(2000))),
}


@pytest.mark.spec("2.1.6")
@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_input_is_bounded_in_time_and_never_crashes(name, tmp_path):
    lang, content = PATHOLOGICAL[name]
    source = tmp_path / "input.txt"
    source.write_text(content, encoding="utf-8")
    if lang in _FINDERS:
        module, cls, path = _FINDERS[lang]
        body = _DISCOVER.format(module=module, cls=cls, path=path,
                                args=_PYTHON_ARGS if lang == "py" else "")
    else:
        module, func = _SPECS[lang][:2]
        body = _SPEC.format(module=module, func=func, path=_SPECS[lang][2])
    code = "import sys\nfrom pathlib import Path\nfrom spectrace.discover.python import " \
           "load_pytest_settings\n" + textwrap.dedent(body)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code, str(source)], capture_output=True,
                          text=True, timeout=60, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    out = done.stdout.strip()
    if lang == "yaml":
        assert out == "ok" or out.startswith("error plan.yaml:1: "), out
    elif lang == "md":
        assert out == "ok", out
    else:
        kinds, _count = out.rsplit(" ", 1)
        assert kinds in ("[]", "['parse-error']"), out
    if name in ("python-unclosed", "js-unclosed", "rust-modules", "go-subtests", "go-parens"):
        assert "parse-error" in out, out  # too deep or broken: said, not silently empty


# --- outputs: atomic, escaped, byte-identical ----------------------------------------------

import json  # noqa: E402
import shutil  # noqa: E402

from typer.testing import CliRunner  # noqa: E402

from spectrace.cli import app  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"


def _run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def gateway(tmp_path) -> Path:
    repo = tmp_path / "gateway"
    shutil.copytree(FIXTURES / "gateway", repo)
    return repo


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".tmp"))


FORMATS = {"md": "render_markdown", "json": "render_json", "html": "render_html",
           "csv": "render_csv", "xlsx": "render_xlsx"}
MODULES = {"md": "markdown", "json": "jsonreport", "html": "html", "csv": "tables",
           "xlsx": "tables"}


@pytest.mark.spec("5.9", "6.5")
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_a_renderer_that_fails_leaves_the_old_file_whole(gateway, tmp_path, monkeypatch, fmt):
    import importlib

    out = tmp_path / "out" / f"report.{fmt}"
    out.parent.mkdir()
    out.write_bytes(b"the previous report\n")
    module = importlib.import_module(f"spectrace.render.{MODULES[fmt]}")
    real = getattr(module, FORMATS[fmt])

    def half_then_boom(*args, **kwargs):
        real(*args, **kwargs)  # the work is done, then it fails before returning
        raise RuntimeError("renderer broke half way")

    monkeypatch.setattr(module, FORMATS[fmt], half_then_boom)
    result = CliRunner().invoke(app, ["report", str(gateway), "--no-cache", "--format", fmt,
                                      "-o", str(out)])
    assert result.exit_code == 3
    assert "RuntimeError: renderer broke half way" in result.stderr
    assert out.read_bytes() == b"the previous report\n"
    assert sorted(p.name for p in out.parent.iterdir()) == [out.name]


PREVIOUS = b"<!-- generated by spectrace: edits are overwritten -->\nthe previous report\n"


@pytest.mark.spec("5.9", "6.5")
@pytest.mark.parametrize("fmt", sorted(FORMATS) + ["wiki"])
def test_a_write_that_fails_half_way_leaves_no_partial_file(gateway, tmp_path, monkeypatch, fmt):
    """The temp file gets half the bytes, then the disk is full: the old file stays whole."""
    import spectrace.render.output as output

    folder = tmp_path / "out"
    folder.mkdir()
    out = folder if fmt == "wiki" else folder / f"report.{fmt}"
    old = folder / ("Home.md" if fmt == "wiki" else out.name)
    old.write_bytes(PREVIOUS)
    real_fdopen = os.fdopen

    class HalfWriter:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    result = _run("report", str(gateway), "--no-cache", "--format", fmt, "-o", str(out))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"spectrace: error: cannot write {old if fmt == 'wiki' else out}: No space left on device"]
    assert old.read_bytes() == PREVIOUS
    assert _leftovers(folder) == []




def _nasty_repo(root: Path) -> None:
    _tree(root, {
        "docs/testing-plan.md": (
            "# Nasty plan\n\n## 1. Escaping\n\n| Case | Expected |\n|---|---|\n"
            "| 1.1 Pipes \\| and <b>tags</b> & <script>alert(1)</script> | ok |\n"
            "| 1.2 Plain | ok |\n| 1.3 Not yet tested | ok |\n"),
        "web/nasty.test.js": (
            "// spec: 1.1\n"
            "test(`a | pipe and\na newline <img src=x onerror=alert(1)>`, () => {});\n"
            "// spec: 1.2\n"
            "test('plain', () => {});\n"),
        "tests/test_pipe|name.py": "def test_in_a_piped_file():\n    '''Covers 1.2.'''\n",
        "spectrace.yaml": "specs: [{path: docs/testing-plan.md, kind: testing-plan}]\n",
    })


def _md_cells(row: str) -> list[str]:
    """A GFM row's cells: split on pipes that no backslash escapes."""
    import re

    return re.split(r"(?<!\\)\|", row.strip().strip("|"))


@pytest.mark.spec("5.10")
def test_markdown_escapes_pipes_and_newlines_in_table_cells(tmp_path):
    _nasty_repo(tmp_path)
    result = _run("report", str(tmp_path), "--no-cache", "--format", "md")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("| 1.1 Pipes \\| and ") for line in lines)
    assert any(line.startswith("| 1.2 Plain | `tests/test_pipe\\|name.py`") for line in lines)
    assert "<script>" not in result.stdout and "<img" not in result.stdout
    # Every table row has as many cells as its header.
    width = None
    for line in lines:
        if not line.startswith("|"):
            width = None
            continue
        cells = len(_md_cells(line))
        if width is None:
            width = cells
        assert cells == width, line


@pytest.mark.spec("5.10")
def test_markdown_cell_keeps_a_row_one_line_and_its_cells_apart():
    from spectrace.render.markdown import cell

    assert cell("a | b\nc\r\nd\te") == "a \\| b c d e"
    assert cell("x\\|y") == "x\\\\\\|y"  # a backslash before a pipe cannot unescape it
    assert cell("<b>") == "&lt;b&gt;"


@pytest.mark.spec("5.10")
def test_markdown_code_spans_show_paths_as_they_are():
    """Inside a code span `\\` and `&lt;` are literal: escaping them there shows the escape.

    Only a table needs `\\|`, which GFM removes before the code span is read.
    """
    from spectrace.render.markdown import code

    assert code("tests/test_pipe|name.py") == "`tests/test_pipe\\|name.py`"
    assert code("tests/test_pipe|name.py", table=False) == "`tests/test_pipe|name.py`"
    assert code("src/<gen>/a\\b.py") == "`src/<gen>/a\\b.py`"
    assert code("a `tick`") == "`` a `tick` ``"  # CommonMark strips one space each side
    assert code("two\nlines") == "`two lines`"


@pytest.mark.spec("5.5")
def test_html_escapes_spec_titles_test_names_and_paths(tmp_path):
    from html.parser import HTMLParser

    _nasty_repo(tmp_path)
    out = tmp_path / "report.html"
    result = _run("report", str(tmp_path), "--no-cache", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text()
    tags: list[tuple[str, dict]] = []

    class Tags(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.append((tag, dict(attrs)))

    Tags().feed(page)
    assert not [t for t, _ in tags if t in ("img", "b")]
    assert len([t for t, _ in tags if t == "script"]) == 1  # the report's own, only
    assert not [a for _, a in tags if any(k.startswith("on") for k in a)]
    assert "Pipes | and tags &amp; alert(1)" in page  # Markdown's inline HTML is not text
    assert "a newline &lt;img src=x onerror=alert(1)&gt;" in page


def _lay_down(root: Path, files: dict[str, str], order: list[str]) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    for rel in order:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel])


@pytest.mark.spec("5.4")
def test_outputs_are_byte_identical_whatever_the_creation_order(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(FIXTURES / "gateway", source, ignore=shutil.ignore_patterns(".spectrace_cache"))
    _nasty_repo(source)
    files = {p.relative_to(source).as_posix(): p.read_text()
             for p in source.rglob("*") if p.is_file()}
    repo, outs = tmp_path / "repo", tmp_path / "outs"
    runs = []
    for order in (sorted(files), sorted(files, reverse=True),
                  sorted(files, key=lambda r: (len(r), r[::-1]))):
        _lay_down(repo, files, order)
        got = {}
        for fmt in ("md", "json", "html", "csv"):
            if outs.exists():
                shutil.rmtree(outs)
            outs.mkdir()
            target = outs / f"report.{fmt}"
            result = _run("report", str(repo), "--no-cache", "--format", fmt, "-o", str(target))
            assert result.exit_code == 0, result.stderr
            got[fmt] = target.read_bytes()
        runs.append(got)
    assert json.loads(runs[0]["json"])["summary"]["tests"] > 0
    for fmt in ("md", "json", "html", "csv"):
        assert runs[0][fmt] == runs[1][fmt] == runs[2][fmt], fmt
