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


@pytest.mark.spec("2.1.3")
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
