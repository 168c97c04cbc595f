"""JUnit results from six producers: matching to discovered tests, roll-up, statuses, errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from builders import area, case, make_file, scan, spec
from spectrace.config import build_config
from spectrace.errors import ConfigError, ResultsError
from spectrace.graph import TraceGraph
from spectrace.link import link
from spectrace.model import Language, LinkSource, LinkState, Status, Test
from spectrace.results import load_results, match_results
from spectrace.results.gaps import gap_markers, mark_gaps
from spectrace.results.junit import parse_junit, read_junit
from spectrace.specs.ids import IdMatcher

JUNIT = Path(__file__).parent / "fixtures" / "junit"
PASSED, FAILED, SKIPPED, XFAIL = (LinkState.PASSED, LinkState.FAILED, LinkState.SKIPPED,
                                  LinkState.XFAIL)


def t(qualname: str, line: int = 1, **kw) -> Test:
    return Test(qualname.rsplit("::", 1)[-1], qualname, line, **kw)


# What a static scan finds in the repository the fixture results came from.
SCAN = scan(
    make_file("tests/routes/test_chat.py", t("TestChat::test_stream"),
              t("TestChat::test_non_streaming"), t("TestChat::test_history"),
              t("test_rate_limit"), t("test_needs_redis"), t("test_needs_redis_too"),
              t("test_never_ran")),
    make_file("tests/test_broken.py", t("test_one"), t("test_two")),
    make_file("crates/codec/src/frame.rs", t("tests::parses_frame"), t("tests::rejects_short"),
              language=Language.RUST),
    make_file("crates/codec/tests/roundtrip.rs", t("roundtrip_all"), t("survives_garbage"),
              language=Language.RUST),
    make_file("web/src/checkout.test.js", t("Checkout::pays with card"), t("Checkout::refunds"),
              t("Checkout::totals in the shop currency"), t("adds %i + %i"),
              language=Language.JAVASCRIPT),
    make_file("app/src/cart.test.ts", t("Cart::adds item"), t("Cart::removes item"),
              t("Cart::totals::with tax"), language=Language.TYPESCRIPT),
    make_file("version_test.go", t("TestVersion"), language=Language.GO),
    make_file("cart/cart_test.go", t("TestAdd"), t("TestRemove"), t("TestCheckout"),
              language=Language.GO),
    make_file("shop/src/test/java/com/acme/CartTest.java", t("CartTest::addsItem"),
              t("CartTest::removesItem"), t("CartTest::disabled"), t("CartTest::addsItems"),
              t("CartTest::Checkout::emptiesOnCheckout"), language=Language.JAVA),
    make_file("shop/src/test/kotlin/com/acme/SessionTests.kt",
              t("SessionTest::keeps items across sessions"), language=Language.KOTLIN),
)

EXPECTED = {
    "pytest.xml": {
        "tests/routes/test_chat.py::TestChat::test_stream": PASSED,  # two instances passed
        "tests/routes/test_chat.py::TestChat::test_non_streaming": PASSED,
        "tests/routes/test_chat.py::TestChat::test_history": FAILED,  # one of two failed
        "tests/routes/test_chat.py::test_rate_limit": XFAIL,
        "tests/routes/test_chat.py::test_needs_redis": SKIPPED,
        "tests/routes/test_chat.py::test_needs_redis_too": SKIPPED,
        "tests/test_broken.py::test_one": FAILED,  # the module failed to import
        "tests/test_broken.py::test_two": FAILED,
    },
    "nextest.xml": {
        "crates/codec/src/frame.rs::tests::parses_frame": PASSED,
        "crates/codec/src/frame.rs::tests::rejects_short": FAILED,
        "crates/codec/tests/roundtrip.rs::roundtrip_all": PASSED,  # rstest cases roll up
        "crates/codec/tests/roundtrip.rs::survives_garbage": PASSED,
    },
    "jest-junit.xml": {
        "web/src/checkout.test.js::Checkout::pays with card": PASSED,
        "web/src/checkout.test.js::Checkout::refunds": SKIPPED,
        "web/src/checkout.test.js::Checkout::totals in the shop currency": PASSED,
        "web/src/checkout.test.js::adds %i + %i": PASSED,  # test.each rows roll up
    },
    "vitest.xml": {
        "app/src/cart.test.ts::Cart::adds item": PASSED,
        "app/src/cart.test.ts::Cart::removes item": FAILED,
        "app/src/cart.test.ts::Cart::totals::with tax": SKIPPED,
    },
    "go-junit-report.xml": {
        "version_test.go::TestVersion": PASSED,
        "cart/cart_test.go::TestAdd": PASSED,  # subtests fold into their test
        "cart/cart_test.go::TestRemove": FAILED,
        "cart/cart_test.go::TestCheckout": SKIPPED,
    },
    "TEST-com.acme.CartTest.xml": {
        "shop/src/test/java/com/acme/CartTest.java::CartTest::addsItem": PASSED,
        "shop/src/test/java/com/acme/CartTest.java::CartTest::removesItem": FAILED,
        "shop/src/test/java/com/acme/CartTest.java::CartTest::disabled": SKIPPED,
        "shop/src/test/java/com/acme/CartTest.java::CartTest::addsItems": PASSED,
        "shop/src/test/java/com/acme/CartTest.java::CartTest::Checkout::emptiesOnCheckout": PASSED,
        "shop/src/test/kotlin/com/acme/SessionTests.kt::SessionTest::keeps items across sessions":
            PASSED,
    },
}


@pytest.mark.spec("8.1")
@pytest.mark.parametrize("producer", sorted(EXPECTED))
def test_each_producer_matches_every_testcase(producer):
    results = match_results(read_junit(JUNIT / producer), SCAN)
    assert results.outcomes == EXPECTED[producer]
    assert results.unmatched == ()


@pytest.mark.spec("8.1")
def test_all_results_together_and_spec_properties():
    cases = [c for name in sorted(EXPECTED) for c in read_junit(JUNIT / name)]
    results = match_results(cases, SCAN)
    assert results.outcomes == {k: v for states in EXPECTED.values() for k, v in states.items()}
    assert results.spec_ids == {"tests/routes/test_chat.py::TestChat::test_non_streaming": ("3.1.1",)}
    assert results.testcases == len(cases) == 35
    # A test no results file mentions has no outcome: it did not run.
    assert "tests/routes/test_chat.py::test_never_ran" not in results.outcomes


@pytest.mark.spec("8.1")
def test_testcase_fields_as_written():
    [first, *_] = read_junit(JUNIT / "vitest.xml")
    assert (first.classname, first.name, first.suite, first.line) == (
        "src/cart.test.ts", "Cart > adds item", "src/cart.test.ts", 4)
    failed = read_junit(JUNIT / "TEST-com.acme.CartTest.xml")[1]
    assert failed.state is FAILED and failed.message == "expected: <0> but was: <1>"
    skipped = read_junit(JUNIT / "go-junit-report.xml")[-1]
    assert skipped.message == "    cart_test.go:40: needs a payment sandbox"


@pytest.mark.spec("8.1")
def test_ambiguous_or_unknown_names_stay_unmatched():
    xml = """<testsuite name="x">
      <testcase classname="tests.test_elsewhere" name="test_a"/>
      <testcase classname="tests.routes.test_chat.TestOther" name="test_stream"/>
      <testcase classname="nothing like it" name="at all"/>
    </testsuite>"""
    results = match_results(parse_junit(xml, "r.xml"), SCAN)
    assert results.outcomes == {}
    assert [c.line for c in results.unmatched] == [2, 3, 4]


# -- statuses -------------------------------------------------------------------------

CHAT = "tests/routes/test_chat.py"
STATUS_SPEC = spec(
    area("3", "Chat"),
    case("3.1", "Stream", "3"),
    case("3.2", "History", "3"),
    case("3.3", "Rate limit", "3"),
    case("3.4", "Redis", "3"),
    case("3.5", "Stream and history", "3"),
    case("3.6", "Never ran", "3"),
    case("3.7", "Stream, with a test that did not run", "3"),
    case("3.1.1", "Non-streaming", "3"),
)
STATUS_SCAN = scan(make_file(
    CHAT,
    t("TestChat::test_stream", ids=("3.1", "3.5", "3.7")),
    t("TestChat::test_history", ids=("3.2", "3.5")),
    t("test_rate_limit", ids=("3.3",)),
    t("test_needs_redis", ids=("3.4",)),
    t("test_needs_redis_too", ids=("3.4",)),
    t("test_never_ran", ids=("3.6", "3.7")),
    t("TestChat::test_non_streaming"),  # linked by its <property name="spec"> only
))


def status_graph(results_given: bool = True) -> TraceGraph:
    found = match_results(read_junit(JUNIT / "pytest.xml"), STATUS_SCAN)
    linkage = link(STATUS_SPEC, STATUS_SCAN, (), IdMatcher(),
                   found.outcomes if results_given else None,
                   found.spec_ids if results_given else None)
    return TraceGraph(STATUS_SPEC, STATUS_SCAN, linkage)


@pytest.mark.spec("8.1", "4.1")
@pytest.mark.parametrize(("case_id", "status", "note"), [
    ("3.1", Status.COVERED, None),
    ("3.2", Status.PARTIAL, "a linked test failed"),
    ("3.3", Status.PARTIAL, "known gap: expected to fail"),
    ("3.4", Status.PARTIAL, "every linked test is skipped"),
    ("3.5", Status.PARTIAL, "a linked test failed"),  # one passed, one failed
    ("3.6", Status.PARTIAL, "no result for any linked test"),
    ("3.7", Status.COVERED, None),  # one passed, the other did not run
    ("3.1.1", Status.COVERED, None),
])
def test_results_drive_case_status(case_id, status, note):
    graph = status_graph()
    assert (graph.verdict(case_id).status, graph.verdict(case_id).note) == (status, note)


@pytest.mark.spec("8.1")
def test_spec_property_links_with_its_own_source():
    [lk] = status_graph().links_of("3.1.1")
    assert (lk.source, lk.state, lk.name) == (LinkSource.RESULTS, PASSED, "TestChat::test_non_streaming")


@pytest.mark.spec("8.1")
def test_without_results_the_static_rules_hold():
    graph = status_graph(results_given=False)
    assert graph.status_of("3.2") is Status.COVERED
    assert graph.status_of("3.6") is Status.COVERED
    assert graph.status_of("3.1.1") is Status.MISSING


# -- gap markers ----------------------------------------------------------------------


@pytest.mark.spec("8.1")
def test_gap_markers_count_as_xfail_with_and_without_results():
    gaps = ("known_gap",)
    marked = scan(make_file(CHAT, t("TestChat::test_stream", markers=("known_gap",)),
                            t("test_never_ran", markers=("slow",))))
    static = mark_gaps(marked, gaps)
    assert [(x.xfail, x.xfail_reason) for x in static.files[0].tests] == [
        (True, "known gap"), (False, None)]
    found = match_results(read_junit(JUNIT / "pytest.xml"), marked, gaps)
    assert found.outcomes[f"{CHAT}::TestChat::test_stream"] is XFAIL  # it passed: still a gap
    assert mark_gaps(marked, ()) is marked


@pytest.mark.spec("8.1")
def test_gap_markers_setting(tmp_path):
    (tmp_path / "spectrace.yaml").write_text(
        "gap_markers: ['@pytest.mark.known_gap', todo_gap]\n", encoding="utf-8")
    assert gap_markers(build_config(tmp_path)) == ("known_gap", "todo_gap")
    (tmp_path / "spectrace.yaml").write_text("title: x\ngap_markers: {a: 1}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        gap_markers(build_config(tmp_path))
    assert (err.value.path, err.value.line) == ("spectrace.yaml", 2)


# -- a real pytest run ----------------------------------------------------------------


@pytest.mark.spec("8.1")
def test_a_real_pytest_run(tmp_path):
    (tmp_path / "tests" / "api").mkdir(parents=True)
    (tmp_path / "tests" / "api" / "test_orders.py").write_text(textwrap.dedent("""
        import pytest

        class TestOrders:
            @pytest.mark.parametrize("n", [1, 2, 3])
            def test_create(self, n):
                assert n

            @pytest.mark.parametrize("n", [1, 2])
            def test_cancel(self, n):
                assert n == 1

        @pytest.mark.xfail(reason="refunds are not built yet")
        def test_refund():
            assert False

        @pytest.mark.skip(reason="needs a payment sandbox")
        def test_pay():
            pass
    """), encoding="utf-8")
    out = tmp_path / "junit.xml"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
         f"--junitxml={out}", "--rootdir", str(tmp_path), "-c", "/dev/null", "tests"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTEST_ADDOPTS": ""})
    assert run.returncode == 1, run.stdout + run.stderr  # test_cancel[2] fails
    path = "tests/api/test_orders.py"
    discovered = scan(make_file(path, t("TestOrders::test_create"), t("TestOrders::test_cancel"),
                                t("test_refund"), t("test_pay")))
    found = match_results(read_junit(out), discovered)
    assert found.outcomes == {
        f"{path}::TestOrders::test_cancel": FAILED,
        f"{path}::TestOrders::test_create": PASSED,
        f"{path}::test_pay": SKIPPED,
        f"{path}::test_refund": XFAIL,
    }
    assert found.unmatched == () and found.testcases == 7


# -- not results files ----------------------------------------------------------------


@pytest.mark.spec("8.1", "6.5")
@pytest.mark.parametrize(("name", "line", "message"), [
    ("not-junit.xml", 3, "not a JUnit XML file: the root element is <coverage>"),
    ("truncated.xml", 5, "not a JUnit XML file: malformed XML (mismatched tag)"),
    ("bomb.xml", 3, "refusing to read this XML file"),
])
def test_files_that_are_not_junit(name, line, message):
    with pytest.raises(ResultsError) as err:
        read_junit(JUNIT / name, name)
    assert (err.value.path, err.value.line) == (name, line)
    assert err.value.message.startswith(message)


@pytest.mark.spec("8.1", "6.5")
def test_missing_results_file_and_folder(tmp_path):
    with pytest.raises(ResultsError, match="results file not found"):
        read_junit(tmp_path / "nope.xml")
    with pytest.raises(ResultsError, match="found a folder"):
        read_junit(tmp_path)
    with pytest.raises(ResultsError) as err:
        parse_junit('<testsuite>\n<testcase classname="a"/></testsuite>', "r.xml")
    assert (err.value.message, err.value.line) == ("a <testcase> without a name", 2)


@pytest.mark.spec("8.1")
def test_load_results_names_files_relative_to_the_repo(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "bad.xml").write_text("<html/>", encoding="utf-8")
    config = build_config(tmp_path, overrides={"results": (tmp_path / "out" / "bad.xml",)})
    with pytest.raises(ResultsError) as err:
        load_results(config.results, SCAN, config)
    assert str(err.value) == ("out/bad.xml:1: not a JUnit XML file: the root element is "
                              "<html>, expected <testsuites> or <testsuite>")


@pytest.mark.spec("8.1")
def test_a_lone_testsuite_root_keeps_its_name():
    [only] = parse_junit('<testsuite name="com.acme.CartTest"><testcase name="a"/></testsuite>',
                         "r.xml")
    assert only.suite == "com.acme.CartTest"


@pytest.mark.spec("8.1")
def test_results_globs_expand(tmp_path):
    reports = tmp_path / "target" / "surefire-reports"
    reports.mkdir(parents=True)
    shutil.copy(JUNIT / "TEST-com.acme.CartTest.xml", reports / "TEST-com.acme.CartTest.xml")
    (reports / "TEST-com.acme.EmptyTest.xml").write_text(
        '<testsuite name="com.acme.EmptyTest" tests="0"/>', encoding="utf-8")
    config = build_config(tmp_path, overrides={"results": (reports / "TEST-*.xml",)})
    found = load_results(config.results, SCAN, config)
    assert found.testcases == 7 and len(found.outcomes) == 6
    config = build_config(tmp_path, overrides={"results": (tmp_path / "nothing-*.xml",)})
    with pytest.raises(ResultsError, match="no results file matches this pattern"):
        load_results(config.results, SCAN, config)
