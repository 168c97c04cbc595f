"""Source modules: which files count, physical lines exactly as `wc -l`, and code lines."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from monorepo import MONOREPO, monorepo_scan

from spectrace.config import build_config
from spectrace.discover import scan
from spectrace.discover.modules import count_lines, is_module_path
from spectrace.model import Language, ProblemKind

PY = '''"""Module docstring,
over two lines."""
import os  # a comment after code

# a comment line
URL = "http://x # not a comment"
TEMPLATE = """
# inside a string: code

"""


def f():
    "one-line docstring"
    return os.sep
def g(): "doc"; return 1
'''

RUST = '''//! crate docs
use std::fmt; // trailing

/* block
   comment */ const A: &str = "/* not a comment */";
const B: &str = "// nor this";

/// doc comment
#[cfg(test)]
mod tests {
    #[test] // #[tokio::test] in a comment
    fn t() {}
}'''

TS = '''// a comment
const a = `template
// still the template

`;
/* block */ const b = 1; /* another
block */
export const c = <div>{/* jsx comment */}</div>;
'''

GO = '''// Package x does things.
package x

/*
block
*/
const s = "// not a comment"
var r = `raw
/* still raw */`
'''

JAVA = '''/**
 * Javadoc.
 */
class A { // trailing
    String s = "/* no */";
    /* inline */ int x;
}
'''

KOTLIN = '''/* header */
fun main() {
    // comment
    val s = "// text"
}
'''


@pytest.mark.spec("2.7.2")
@pytest.mark.parametrize(("text", "language", "path", "expected"), [
    (PY, Language.PYTHON, "m.py", (16, 8)),
    (RUST, Language.RUST, "m.rs", (12, 8)),  # 13 lines, no newline after the last: wc -l says 12
    (TS, Language.TYPESCRIPT, "m.tsx", (8, 5)),
    (GO, Language.GO, "m.go", (9, 4)),
    (JAVA, Language.JAVA, "A.java", (7, 4)),
    (KOTLIN, Language.KOTLIN, "m.kt", (5, 3)),
    ("", Language.PYTHON, "e.py", (0, 0)),
    ("x = 1", Language.PYTHON, "n.py", (0, 1)),  # one line, no newline: wc -l says 0
    ("a\r\nb\r\n", Language.GO, "c.go", (2, 2)),
], ids=["python", "rust", "tsx", "go", "java", "kotlin", "empty", "no-newline", "crlf"])
def test_physical_and_code_lines(text, language, path, expected):
    assert count_lines(text, language, path) == expected


@pytest.mark.spec("2.7.2")
def test_code_lines_of_python_that_does_not_tokenize():
    # An unterminated triple-quoted string: tokenize gives up, the line scanner does not.
    text = 'x = 1\n# comment\n\ns = """never closed\n'
    assert count_lines(text, Language.PYTHON) == (4, 2)


@pytest.mark.spec("2.7.2", "2.7.4")
def test_code_lines_of_a_file_tree_sitter_cannot_parse_cleanly():
    assert count_lines("fn broken( {\n  // c\n  let x = ;\n", Language.RUST) == (3, 2)


@pytest.mark.spec("2.7.2", "2.7.4")
def test_comments_after_a_node_the_grammar_could_not_read_still_do_not_count():
    # tree-sitter-kotlin reads only the first line of this file and wraps the rest,
    # comments included, in one ERROR node.
    text = ('class Helper { fun help() = 1 }\n\n// spec: 7.1.1\n/** Disabled. */\n'
            '@Disabled("whole class")\nclass OneLiners {\n    @Test fun a() {} ; @Test fun b() {}\n'
            '    class Inner { @Test fun c() { val s = "x } // no" } }\n}\n')
    assert count_lines(text, Language.KOTLIN) == (9, 6)


@pytest.mark.spec("2.7.2")
@pytest.mark.skipif(shutil.which("wc") is None, reason="needs wc")
def test_loc_equals_wc_l_on_every_fixture_module():
    modules = monorepo_scan().modules
    assert len(modules) > 30
    out = subprocess.run(["wc", "-l", *[m.path for m in modules]], cwd=MONOREPO,
                         capture_output=True, text=True, check=True).stdout
    counted = {}
    for line in out.splitlines():
        number, name = line.split(maxsplit=1)
        if name != "total":
            counted[name] = int(number)
    assert {m.path: m.loc for m in modules} == counted


@pytest.mark.spec("2.7.2")
@pytest.mark.skipif(shutil.which("wc") is None, reason="needs wc")
def test_loc_equals_wc_l_on_awkward_files(tmp_path):
    files = {
        "no_newline.py": b"a = 1\nb = 2",
        "crlf.ts": b"const a = 1;\r\nconst b = 2;\r\n",
        "bom.go": "\ufeffpackage x\n// é\n".encode(),
        "only_newlines.rs": b"\n\n\n",
        "cr_only.js": b"a\rb\r",  # old Mac line ends: no newline byte at all
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    scanned = scan(build_config(tmp_path, overrides={"cache": False}))
    out = subprocess.run(["wc", "-l", *sorted(files)], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    expected = {line.split()[1]: int(line.split()[0]) for line in out.splitlines()
                if not line.endswith(" total")}
    assert {m.path: m.loc for m in scanned.modules} == expected


@pytest.mark.spec("2.7.2")
@pytest.mark.parametrize(("path", "is_test_file", "expected"), [
    ("src/app.py", False, True),
    ("tests/test_app.py", True, False),
    ("tests/helpers.py", False, False),  # test support code
    ("cli/tests/conftest.py", False, False),
    ("conftest.py", False, False),
    ("setup.py", False, False),
    ("crates/a/src/lib.rs", True, True),  # Rust unit tests live inside their module
    ("crates/a/src/parser/tests.rs", True, False),  # a `mod tests;` file
    ("crates/a/tests/it.rs", True, False),
    ("crates/a/benches/speed.rs", False, False),
    ("crates/a/build.rs", False, False),
    ("web/src/Button.tsx", False, True),
    ("web/src/Button.test.tsx", True, False),
    ("web/src/__tests__/util.js", True, False),
    ("web/src/env.d.ts", False, False),
    ("web/vitest.config.ts", False, False),
    ("web/next.config.mjs", False, False),
    ("e2e/pages/login.ts", False, False),
    ("svc/router.go", False, True),
    ("svc/router_test.go", True, False),
    ("svc/testdata/sample.go", False, False),
    ("svc/src/main/java/A.java", False, True),
    ("svc/src/test/java/ATest.java", True, False),
    ("svc/src/main/kotlin/B.kt", False, True),
    ("README.md", False, False),
])
def test_which_files_are_modules(path, is_test_file, expected):
    assert is_module_path(path, is_test_file) is expected


@pytest.mark.spec("2.7.2", "2.7.4")
def test_unreadable_modules_are_problems_and_the_scan_completes(tmp_path):
    (tmp_path / "good.py").write_text("x = 1\n")
    (tmp_path / "latin1.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "blob.rs").write_bytes(b"\x00\x01binary")
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    scanned = scan(build_config(tmp_path, overrides={"cache": False}))
    assert {m.path: (m.loc, m.sloc) for m in scanned.modules} == {
        "good.py": (1, 1), "broken.py": (2, 2)}
    assert {(p.path, p.kind) for p in scanned.problems} == {
        ("latin1.py", ProblemKind.SKIPPED_FILE), ("blob.rs", ProblemKind.SKIPPED_FILE)}


@pytest.mark.spec("2.7.2")
def test_cached_line_counts_follow_the_file(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    module = repo / "a.py"
    module.write_text("x = 1\n# c\n")
    old = 1_600_000_000
    os.utime(module, (old, old))  # old enough to be cached (not "racily clean")
    config = build_config(repo, overrides={"cache_dir": tmp_path / "cache"})
    assert [(m.loc, m.sloc) for m in scan(config).modules] == [(2, 1)]
    assert (tmp_path / "cache" / "scan.pickle").exists()
    module.write_text("x = 1\ny = 2\nz = 3\n")
    os.utime(module, (old + 60, old + 60))
    assert [(m.loc, m.sloc) for m in scan(config).modules] == [(3, 3)]
