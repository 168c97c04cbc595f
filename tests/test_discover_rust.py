"""Rust test discovery: attributes, parameter counts, ignore, modules, comments, cargo parity."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
import threading
from pathlib import Path

import pytest

from spectrace.discover import rust as rust_module
from spectrace.discover.files import kind_of, list_files, read_text
from spectrace.discover.rust import RustDiscoverer, module_path
from spectrace.discover.treesitter import first_error_line, parser_for, text
from spectrace.model import Language, ProblemKind, Test, TestFile, TestKind

MONOREPO = Path(__file__).parent / "fixtures" / "monorepo"
RUST_PLAIN = Path(__file__).parent / "fixtures" / "rust_plain"


def parse(source: str, path: str = "crates/x/src/lib.rs") -> TestFile:
    return RustDiscoverer().parse(textwrap.dedent(source), path, kind_of(path))


def by_name(test_file: TestFile) -> dict[str, Test]:
    return {t.qualname: t for t in test_file.tests}


def scan(root: Path, under: str = "") -> dict[str, TestFile]:
    """What a repository scan keeps of `root`'s Rust files (those `under` a folder), by path."""
    paths, _ = list_files(root)
    finder = RustDiscoverer()
    found = {}
    for path in paths:
        if not path.startswith(under) or not finder.is_test_file(path):
            continue
        read = read_text(root, path)
        assert read.text is not None, read.problem
        test_file = finder.parse(read.text, path, kind_of(path))
        if test_file.tests or test_file.problems:
            found[path] = test_file
    return found


# --- 2.3.1 test attributes -------------------------------------------------------------


@pytest.mark.spec("2.3.1")
def test_every_test_attribute_makes_a_test() -> None:
    test_file = parse("""\
        #[test]
        fn plain() {}

        #[tokio::test]
        async fn on_tokio() {}

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn on_tokio_multi_thread() {}

        #[test_log::test]
        fn logged() {}

        #[sqlx::test(migrations = "./migrations")]
        async fn with_database(pool: PgPool) {}

        #[async_std::test]
        async fn on_async_std() {}

        #[ :: tokio :: test ]
        async fn spaced_path() {}

        #[tokio::main]
        async fn main() {}

        #[bench]
        fn bench_parse(b: &mut Bencher) {}

        #[inline]
        fn helper() {}

        fn not_a_test() {}
        """)
    assert [(t.qualname, t.line, t.markers) for t in test_file.tests] == [
        ("plain", 2, ()),
        ("on_tokio", 5, ("tokio::test",)),
        ("on_tokio_multi_thread", 8, ("tokio::test",)),
        ("logged", 11, ("test_log::test",)),
        ("with_database", 14, ("sqlx::test",)),
        ("on_async_std", 17, ("async_std::test",)),
        ("spaced_path", 20, ("::tokio::test",)),
    ]
    assert test_file.language is Language.RUST
    assert test_file.problems == ()


@pytest.mark.spec("2.3.1")
def test_other_attributes_become_markers_and_plain_test_does_not() -> None:
    tests = by_name(parse("""\
        #[test]
        #[serial_test::serial]
        #[allow(clippy::unwrap_used)]
        fn serial_one() {}

        #[wasm_bindgen_test]
        fn in_the_browser() {}

        #[quickcheck]
        fn reverse_twice(xs: Vec<u8>) -> bool { true }
        """))
    only_quickcheck = parse("#[quickcheck]\nfn prop(xs: Vec<u8>) -> bool { true }\n")
    assert [t.qualname for t in only_quickcheck.tests] == ["prop"]
    assert tests["serial_one"].markers == ("serial_test::serial", "allow")
    assert tests["in_the_browser"].markers == ("wasm_bindgen_test",)
    assert tests["reverse_twice"].markers == ("quickcheck",)


@pytest.mark.spec("2.3.1")
def test_async_tests_in_a_file_without_a_single_plain_test_attribute() -> None:
    # The hand-written audit counted `#[test]` only and called such files untested.
    path = "crates/brightstaff/src/handlers/router_chat.rs"
    source = (MONOREPO / path).read_text()
    assert "#[test]" not in source
    test_file = RustDiscoverer().parse(source, path, kind_of(path))
    assert [(t.qualname, t.line) for t in test_file.tests] == [
        ("tests::routes_to_provider_serving_the_model", 65),
        ("tests::routes_alias_to_its_target", 72),
        ("tests::falls_back_to_default_provider", 79),
        ("tests::no_provider_without_default", 85),
        ("tests::reload_is_seen_by_concurrent_requests", 94),
        ("tests::routing_does_not_wait_on_timers", 105),
    ]
    assert all(t.markers == ("tokio::test",) for t in test_file.tests)


@pytest.mark.spec("2.3.1", "2.3.4")
def test_monorepo_inventory_per_file() -> None:
    found = scan(MONOREPO, "crates/")
    counts = {path: (len(f.tests), sum(t.skipped for t in f.tests), f.kind.value)
              for path, f in found.items()}
    assert counts == {
        "crates/brightstaff/src/handlers/router_chat.rs": (6, 0, "unit"),
        "crates/brightstaff/src/state/memory.rs": (3, 0, "unit"),
        "crates/brightstaff/tests/postgres_state.rs": (2, 1, "integration"),
        "crates/common/src/configuration.rs": (4, 0, "unit"),
        "crates/common/src/ratelimit.rs": (4, 1, "unit"),
        "crates/common/src/tokenizer.rs": (2, 0, "unit"),
        "crates/hermesllm/src/apis/mod.rs": (3, 0, "unit"),
        "crates/hermesllm/src/apis/openai.rs": (4, 0, "unit"),
        "crates/hermesllm/src/transforms/sse.rs": (3, 0, "unit"),
        "crates/hermesllm/tests/transform_roundtrip.rs": (3, 1, "integration"),
    }
    # llm_gateway has no test at all, and nothing of it is reported.
    assert not any(path.startswith("crates/llm_gateway/") for path in found)
    assert all(not f.problems for f in found.values())


# --- 2.3.2 rstest and test_case ---------------------------------------------------------


@pytest.mark.spec("2.3.2")
def test_rstest_counts_cases_and_value_combinations() -> None:
    tests = by_name(parse("""\
        #[rstest]
        #[case(1, 2)]
        #[case::named(3, 4)]
        #[case(5, /* a, b */ 6)]
        fn cases(#[case] a: u32, #[case] b: u32) {}

        #[rstest]
        fn values(#[values(1, 2, 3)] a: u32, #[values("x", "y,z", vec![1, 2],)] b: &str) {}

        #[rstest]
        #[case(1)]
        #[case(2)]
        fn cases_times_values(#[case] a: u32, #[values(true, false)] b: bool) {}

        #[rstest]
        fn fixture_only(db: Database) {}

        #[rstest]
        fn from_files(#[files("tests/data/*.json")] path: PathBuf) {}

        #[rstest]
        fn closures(#[values(|a, b| a + b, |a, b| a * b)] op: fn(u32, u32) -> u32) {}

        #[rstest::rstest]
        #[case(0)]
        fn scoped(#[case] a: u32) {}
        """))
    assert {name: t.params for name, t in tests.items()} == {
        "cases": 3, "values": 9, "cases_times_values": 4, "fixture_only": None,
        "from_files": None, "closures": None, "scoped": 1}
    assert tests["cases"].markers == ("rstest",)
    assert tests["scoped"].markers == ("rstest::rstest",)


@pytest.mark.spec("2.3.2")
def test_test_case_attributes_stack_and_matrices_multiply() -> None:
    tests = by_name(parse("""\
        #[test_case(1 ; "one")]
        #[test_case(2 ; "two")]
        #[test_case(3)]
        fn stacked(n: u32) {}

        #[test_case::test_case(1)]
        fn scoped(n: u32) {}

        #[test_matrix([1, 2, 3], ["a", "b"])]
        fn matrix(n: u32, s: &str) {}

        #[test_matrix(1..=3, [true, false])]
        fn range_matrix(n: u32, b: bool) {}
        """))
    assert {name: t.params for name, t in tests.items()} == {
        "stacked": 3, "scoped": 1, "matrix": 6, "range_matrix": None}
    assert tests["stacked"].line == 4
    assert tests["stacked"].markers == ("test_case",)


@pytest.mark.spec("2.3.2")
def test_parameter_counts_in_the_monorepo() -> None:
    path = "crates/hermesllm/src/apis/mod.rs"
    tests = by_name(RustDiscoverer().parse((MONOREPO / path).read_text(), path, TestKind.UNIT))
    assert {name: (t.line, t.params) for name, t in tests.items()} == {
        "tests::parses_provider_names": (52, 4),
        "tests::display_roundtrips": (57, 6),
        "tests::rejects_unknown_provider": (68, 3),
    }


# --- 2.3.3 ignore and should_panic ------------------------------------------------------


@pytest.mark.spec("2.3.3")
def test_ignore_skips_with_its_reason_and_should_panic_is_a_marker() -> None:
    tests = by_name(parse("""\
        #[test]
        #[ignore]
        fn ignored() {}

        #[ignore = "needs network"]
        #[tokio::test]
        async fn ignored_with_reason() {}

        #[test]
        #[ignore = r#"waits on "upstream" fix"#]
        fn raw_reason() {}

        #[test]
        #[ignore = "escaped \\"quote\\""]
        fn escaped_reason() {}

        #[test]
        #[should_panic]
        fn panics() {}

        #[test]
        #[should_panic(expected = "boom")]
        fn panics_with_message() {}

        #[test]
        #[cfg_attr(not(feature = "net"), ignore)]
        fn ignored_without_feature() {}

        #[test]
        #[cfg(target_os = "linux")]
        fn linux_only() {}
        """))
    facts = {name: (t.skipped, t.skip_reason, t.xfail, t.markers, t.conditional)
             for name, t in tests.items()}
    assert facts == {
        "ignored": (True, None, False, (), None),
        "ignored_with_reason": (True, "needs network", False, ("tokio::test",), None),
        "raw_reason": (True, 'waits on "upstream" fix', False, (), None),
        "escaped_reason": (True, 'escaped "quote"', False, (), None),
        "panics": (False, None, False, ("should_panic",), None),
        "panics_with_message": (False, None, False, ("should_panic",), None),
        "ignored_without_feature":
            (False, None, False, (), 'cfg_attr(not(feature = "net"), ignore)'),
        "linux_only": (False, None, False, (), 'cfg(target_os = "linux")'),
    }


@pytest.mark.spec("2.3.3")
def test_ignored_tests_in_the_monorepo() -> None:
    found = scan(MONOREPO, "crates/")
    skipped = sorted((path, t.qualname, t.line, t.skip_reason)
                     for path, f in found.items() for t in f.tests if t.skipped)
    assert skipped == [
        ("crates/brightstaff/tests/postgres_state.rs", "reconnects_after_database_restart",
         18, "needs network"),
        ("crates/common/src/ratelimit.rs", "tests::many_keys_stay_fast", 78, None),
        ("crates/hermesllm/tests/transform_roundtrip.rs", "live_openai_roundtrip", 28,
         "needs network"),
    ]
    panics = sorted((path, t.qualname) for path, f in found.items() for t in f.tests
                    if "should_panic" in t.markers)
    assert panics == [
        ("crates/common/src/configuration.rs", "test::alias_to_missing_model_panics_on_unwrap"),
        ("crates/common/src/ratelimit.rs", "tests::zero_capacity_is_rejected"),
    ]


# --- 2.3.4 where Rust tests live --------------------------------------------------------


@pytest.mark.spec("2.3.4")
def test_modules_make_the_qualified_name() -> None:
    test_file = parse("""\
        #[test]
        fn top_level() {}

        #[cfg(test)]
        mod tests {
            use super::*;

            #[test]
            fn parses_frame() {}

            mod roundtrip {
                #[test]
                fn bytes() {}

                pub(crate) mod deeper {
                    #[test]
                    fn nested() {}
                }
            }

            fn helper() {
                // rustc never runs a test declared inside a function body.
                #[test]
                fn unnameable() {}
            }

            impl Fixture {
                fn build() -> Self { todo!() }
            }
        }

        mod declared_elsewhere;

        #[cfg(all(test, feature = "postgres"))]
        mod postgres_tests {
            #[test]
            fn connects() {}
        }
        """)
    assert [(t.qualname, t.name, t.line, t.conditional) for t in test_file.tests] == [
        ("top_level", "top_level", 2, None),
        ("tests::parses_frame", "parses_frame", 9, None),
        ("tests::roundtrip::bytes", "bytes", 13, None),
        ("tests::roundtrip::deeper::nested", "nested", 17, None),
        ("postgres_tests::connects", "connects", 37, 'cfg(all(test, feature = "postgres"))'),
    ]


@pytest.mark.spec("2.3.4")
def test_proptest_blocks_hold_tests() -> None:
    tests = parse("""\
        #[cfg(test)]
        mod tests {
            proptest! {
                #![proptest_config(ProptestConfig::with_cases(64))]

                #[test]
                fn roundtrips(x in 0u32..1000, s in "[a-z]{1,8}") {
                    prop_assert!(x < 1000);
                }

                #[test]
                #[ignore = "slow shrink"]
                fn shrinks(v in any::<Vec<u8>>()) {}

                fn strategy_helper() {}
            }
            other_macro! { #[test] fn not_proptest() {} }
        }
        """).tests
    assert [(t.qualname, t.line, t.skipped, t.skip_reason, t.markers) for t in tests] == [
        ("tests::roundtrips", 7, False, None, ("proptest",)),
        ("tests::shrinks", 13, True, "slow shrink", ("proptest",)),
    ]


@pytest.mark.spec("2.3.4")
@pytest.mark.parametrize(("path", "expected"), [
    ("src/lib.rs", True),
    ("crates/x/src/parse/mod.rs", True),
    ("crates/x/tests/it.rs", True),
    ("crates/x/src/bin/tool.rs", True),
    ("crates/x/benches/throughput.rs", False),
    ("crates/x/examples/demo.rs", False),
    ("examples/demo/main.rs", False),
    ("target/debug/build/x/out/generated.rs", False),
    ("crates/x/src/benches/mod.rs", True),  # a module called benches inside src/
    ("compiler/src/target/mod.rs", True),
    ("crates/x/src/examples.rs", True),
    ("crates/x/src/lib.rs.orig", False),
    ("crates/x/README.md", False),
])
def test_which_files_are_rust_test_files(path: str, expected: bool) -> None:
    assert RustDiscoverer().is_test_file(path) is expected


@pytest.mark.spec("2.3.4")
def test_bench_and_example_targets_are_not_counted() -> None:
    found = scan(MONOREPO, "crates/")
    assert "crates/hermesllm/benches/transform.rs" not in found
    # The bench holds a `#[test]` that would count if the folder were scanned.
    bench = (MONOREPO / "crates/hermesllm/benches/transform.rs").read_text()
    assert "#[test]" in bench


@pytest.mark.spec("2.3.4")
def test_the_kind_given_is_kept() -> None:
    # Kinds come from the configured patterns and path conventions (files.kind_of); a
    # `unit` pattern for a crate's tests/ folder must not be overruled here.
    for kind in TestKind:
        assert RustDiscoverer().parse("#[test] fn a() {}", "crates/x/tests/it.rs", kind).kind \
            is kind
    assert parse("#[test] fn a() {}", "crates/x/tests/it.rs").kind is TestKind.INTEGRATION


@pytest.mark.spec("2.3.4", "2.3.6")
@pytest.mark.parametrize(("path", "expected"), [
    ("src/lib.rs", ""),
    ("crates/x/src/main.rs", ""),
    ("src/frame.rs", "frame"),
    ("src/parse/mod.rs", "parse"),
    ("src/parse/number.rs", "parse::number"),
    ("src/bin/tool.rs", ""),
    ("src/bin/tool/main.rs", ""),
    ("src/bin/tool/args.rs", "args"),
    ("tests/roundtrip.rs", ""),
    ("tests/common/mod.rs", "common"),
    ("tests/common/util.rs", "common::util"),
    ("tests/suite/main.rs", ""),
    ("tests/suite/props.rs", "props"),  # tests/suite/main.rs is listed below
    ("tests/fixtures/c/src/lib.rs", ""),
    ("build.rs", None),
    ("src/notes.txt", None),
])
def test_module_path_follows_cargo_layout(path: str, expected: str | None) -> None:
    assert module_path(path, {"tests/suite/main.rs"}) == expected


# --- 2.3.5 comments and strings ---------------------------------------------------------


@pytest.mark.spec("2.3.5")
def test_attributes_in_comments_and_strings_never_count() -> None:
    test_file = parse('''\
        // #[test]
        // fn line_comment() {}

        /* #[test]
           fn block_comment() {} */

        /// ```
        /// #[test]
        /// fn in_a_doc_example() {}
        /// ```
        pub fn documented() {}

        const SOURCE: &str = "#[test] fn in_a_string() {}";
        const RAW: &str = r#"
        #[tokio::test]
        async fn in_a_raw_string() {}
        "#;
        const BYTES: &[u8] = b"#[test] fn in_bytes() {}";

        macro_rules! make_test {
            ($name:ident) => {
                #[test]
                fn $name() {}
            };
        }

        #[test]
        fn the_only_test() {}
        ''')
    assert [(t.qualname, t.line) for t in test_file.tests] == [("the_only_test", 28)]
    assert test_file.problems == ()


@pytest.mark.spec("2.3.5")
def test_comment_and_string_fixture_files() -> None:
    found = scan(MONOREPO, "crates/")
    tokenizer = [t.qualname for t in found["crates/common/src/tokenizer.rs"].tests]
    assert tokenizer == ["tests::counts_whitespace_separated_words",
                         "tests::templates_are_not_tests"]
    configuration = [t.qualname for t in found["crates/common/src/configuration.rs"].tests]
    assert "test::rejects_unknown_listener_kind" not in configuration
    assert "rejects_unknown_listener_kind" in (
        MONOREPO / "crates/common/src/configuration.rs").read_text()


@pytest.mark.spec("2.3.5")
def test_files_without_the_word_test_are_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_parsing(name: str) -> None:
        raise AssertionError("parsed a file that cannot hold a test")

    monkeypatch.setattr(rust_module, "parser_for", no_parsing)
    test_file = parse("pub fn add(a: u32, b: u32) -> u32 { a + b }\n")
    assert test_file == TestFile("crates/x/src/lib.rs", Language.RUST, TestKind.UNIT)
    with pytest.raises(AssertionError):
        parse("#[test] fn a() {}")


# --- ids, docs and comments above a test (no case of their own yet) -------------------


@pytest.mark.spec("2.3.7")
def test_spec_comments_docs_and_comments_above_a_test() -> None:
    tests = by_name(parse("""\
        //! Module docs are about the module, not the first test.
        // spec: 9.9.9
        #[test]
        fn first() {}

        // spec: 3.1.1
        #[test]
        fn plain_comment_id() {}

        /// Streams are reassembled in order.
        ///
        /// Spec: 3.1.2, CM-2.4
        #[tokio::test]
        async fn doc_comment_ids() {}

        #[test]
        // spec: 3.1.3
        // checks the frame header
        fn comment_between_attribute_and_fn() {}

        // spec: 4.4.4

        #[test]
        fn detached_comment() {}

        /** Block docs
         *  second line */
        #[test]
        fn block_doc() {}

        #[doc = "Documented by attribute."]
        #[test]
        fn doc_attribute() {}

        fn helper() {} // spec: 5.5.5
        #[test]
        fn after_trailing_comment() {}
        """))
    facts = {name: (t.ids, t.doc, t.texts) for name, t in tests.items()}
    assert facts == {
        "first": (("9.9.9",), None, ("spec: 9.9.9",)),
        "plain_comment_id": (("3.1.1",), None, ("spec: 3.1.1",)),
        "doc_comment_ids": (("3.1.2", "CM-2.4"), "Streams are reassembled in order.",
                            ("Streams are reassembled in order.\n\nSpec: 3.1.2, CM-2.4",)),
        "comment_between_attribute_and_fn":
            (("3.1.3",), None, ("spec: 3.1.3\nchecks the frame header",)),
        "detached_comment": ((), None, ()),
        "block_doc": ((), "Block docs", ("Block docs\nsecond line",)),
        "doc_attribute": ((), "Documented by attribute.", ("Documented by attribute.",)),
        "after_trailing_comment": ((), None, ()),
    }


@pytest.mark.spec("2.3.7")
def test_spec_ids_in_the_monorepo() -> None:
    found = scan(MONOREPO, "crates/")
    ids = sorted((path, t.qualname, t.ids) for path, f in found.items()
                 for t in f.tests if t.ids)
    assert ids == [
        ("crates/brightstaff/tests/postgres_state.rs", "stores_and_reads_back_state",
         ("5.2.1",)),
        ("crates/common/src/configuration.rs", "test::parses_minimal_configuration",
         ("3.1.1",)),
        ("crates/common/src/configuration.rs", "test::resolves_model_alias",
         ("3.2.1", "3.2.2")),
        ("crates/hermesllm/tests/transform_roundtrip.rs", "request_survives_json_roundtrip",
         ("4.1.1",)),
    ]


# --- syntax errors (no case of their own yet) ------------------------------------------


def test_syntax_error_is_a_problem_and_tests_around_it_are_kept() -> None:
    test_file = parse("""\
        #[test]
        fn before() {}

        #[test]
        fn broken( {
            let x = ;
        }

        #[cfg(test)]
        mod tests {
            #[test]
            fn after() {}
        }
        """, "crates/x/src/lib.rs")
    assert [(p.kind, p.path, p.line) for p in test_file.problems] == [
        (ProblemKind.PARSE_ERROR, "crates/x/src/lib.rs", 5)]
    assert "syntax error" in test_file.problems[0].message
    names = [t.qualname for t in test_file.tests]
    assert names[0] == "before" and names[-1] == "tests::after"


def test_syntax_error_leaves_the_rest_of_the_scan_alone(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(MONOREPO / "crates", repo / "crates")
    clean = scan(repo, "crates/")
    broken = repo / "crates/common/src/broken.rs"
    broken.write_text(
        "#[test]\nfn ok() {}\n\n#[test]\nfn bad() { let = }\n\n#[test]\nfn also_ok() {}\n")
    found = scan(repo, "crates/")
    problems = found.pop("crates/common/src/broken.rs").problems
    assert [(p.kind, p.line) for p in problems] == [(ProblemKind.PARSE_ERROR, 5)]
    assert found == clean


def test_garbage_and_empty_input_never_raise() -> None:
    for source in ["", "test", "#[test", "#[test]", "#[test] fn", "mod tests { #[test] fn x(",
                   "\x00test\x00", "#[test]\nfn ünïcödé_test() { \"é\" }", "test" * 1000]:
        test_file = RustDiscoverer().parse(source, "src/lib.rs", TestKind.UNIT)
        assert isinstance(test_file, TestFile)
    unicode = RustDiscoverer().parse("#[test]\nfn ünïcödé_test() { \"é\" }", "src/lib.rs",
                                     TestKind.UNIT)
    assert [t.qualname for t in unicode.tests] == ["ünïcödé_test"]


# --- 2.3.6 counts equal cargo -----------------------------------------------------------


def _cargo_list(crate: Path, target_dir: Path, *args: str) -> set[tuple[str, str]]:
    """(target root file, test name) pairs `cargo test -- --list` prints."""
    env = {**os.environ, "CARGO_TARGET_DIR": str(target_dir), "CARGO_TERM_COLOR": "never"}
    # One stream for both: the "Running <file>" line on stderr comes right before that
    # binary's list on stdout.
    run = subprocess.run(["cargo", "test", "--offline", "--", "--list", *args], cwd=crate,
                         env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=600, check=False)
    assert run.returncode == 0, run.stdout
    found: set[tuple[str, str]] = set()
    target = None
    for line in run.stdout.splitlines():
        running = re.match(r"\s*Running (?:unittests )?(\S+) \(", line)
        if running:
            target = running.group(1)
        elif line.startswith("   Doc-tests"):
            target = "doctests"
        elif line.endswith(": test"):
            assert target is not None, run.stdout
            found.add((target, line[: -len(": test")]))
    return found


def _target_of(path: str) -> str:
    """The file Cargo names a target by, for the layout of the rust_plain fixture."""
    parts = path.split("/")
    if parts[:2] == ["src", "bin"]:
        return path if len(parts) == 3 else "/".join([*parts[:3], "main.rs"])
    if parts[0] == "tests":
        return path if len(parts) == 2 else f"tests/{parts[1]}/main.rs"
    return "src/lib.rs"


@pytest.mark.spec("2.3.6")
def test_counts_equal_cargo_test_list(tmp_path: Path) -> None:
    if shutil.which("cargo") is None:
        pytest.skip("cargo is not on PATH; the comparison needs a Rust toolchain")
    crate = tmp_path / "rust_plain"
    shutil.copytree(RUST_PLAIN, crate, ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    found = scan(crate)
    files = set(list_files(crate)[0])

    def cargo_name(path: str, test: Test) -> tuple[str, str]:
        prefix = module_path(path, files)
        assert prefix is not None, path
        return _target_of(path), "::".join(p for p in (prefix, test.qualname) if p)

    ours = {cargo_name(path, t) for path, f in found.items() for t in f.tests}
    ours_ignored = {cargo_name(path, t) for path, f in found.items()
                    for t in f.tests if t.skipped}
    target_dir = tmp_path / "target"
    theirs = _cargo_list(crate, target_dir)
    theirs_ignored = _cargo_list(crate, target_dir, "--ignored")

    assert len(theirs) == 19 and len(theirs_ignored) == 3  # the fixture, not an empty run
    assert ours - theirs == set(), "spectrace finds tests cargo does not list"
    assert theirs - ours == set(), "cargo lists tests spectrace misses"
    assert ours_ignored == theirs_ignored
    assert not (tmp_path / "rust_plain" / "target").exists()


# --- tree-sitter helpers shared by the discoverers ------------------------------------


def test_parser_is_cached_per_thread_and_language() -> None:
    assert parser_for("rust") is parser_for("rust")
    assert parser_for("rust") is not parser_for("go")
    other: list[object] = []
    thread = threading.Thread(target=lambda: other.append(parser_for("rust")))
    thread.start()
    thread.join()
    assert other[0] is not parser_for("rust")
    with pytest.raises(ValueError, match="no tree-sitter grammar"):
        parser_for("cobol")


def test_node_text_and_first_error_line() -> None:
    source = "fn é() {}\n\nfn broken( {\n}\n".encode()
    tree = parser_for("rust").parse(source)
    first = tree.root_node.named_children[0]
    assert text(first, source) == "fn é() {}"
    assert first_error_line(tree.root_node) == 3
    assert first_error_line(parser_for("rust").parse(b"fn ok() {}\n").root_node) is None
