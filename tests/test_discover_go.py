"""Go test discovery: test and fuzz functions, suites, subtests, skips, strings, parse errors."""

from __future__ import annotations

import textwrap

import pytest

from spectrace.discover.go import GoDiscoverer
from spectrace.model import Language, ProblemKind, TestKind

ROUTER = "monorepo/services/go-router"


def parse(source: str, path: str = "pkg/x_test.go"):
    return GoDiscoverer().parse(textwrap.dedent(source), path, TestKind.UNIT)


def by_qualname(test_file):
    return {t.qualname: t for t in test_file.tests}


@pytest.mark.spec("2.5.1")
@pytest.mark.parametrize(("path", "expected"), [
    ("router_test.go", True),
    ("internal/pathutil/clean_test.go", True),
    ("router.go", False),
    ("router_test.go.orig", False),
    ("vendor/github.com/x/y/y_test.go", False),
    ("pkg/testdata/golden_test.go", False),
    ("pkg/_scratch/a_test.go", False),
    ("pkg/.cache/a_test.go", False),
    ("pkg/_a_test.go", False),
])
def test_go_test_files_follow_the_go_tool(path, expected):
    assert GoDiscoverer().is_test_file(path) is expected


@pytest.mark.spec("2.5.1")
def test_test_and_fuzz_functions_with_the_testing_signature():
    found = parse("""\
        package x

        import "testing"

        func TestA(t *testing.T) {}
        func Test(t *testing.T) {}
        func Test_lower(t *testing.T) {}
        func Test2(t *testing.T) {}
        func FuzzParse(f *testing.F) {}
        func Testable(t *testing.T) {}
        func TestMain(m *testing.M) {}
        func TestNoParam() {}
        func TestTwo(t, u *testing.T) {}
        func TestValue(t testing.T) {}
        func TestGeneric[T any](t *testing.T) {}
        func FuzzWrongType(t *testing.T) {}
        func BenchmarkA(b *testing.B) {}
        func ExampleA() {}
        func helper(t *testing.T) {}
        """)
    assert [(t.qualname, t.line, t.markers) for t in found.tests] == [
        ("TestA", 5, ()), ("Test", 6, ()), ("Test_lower", 7, ()), ("Test2", 8, ()),
        ("FuzzParse", 9, ("fuzz",)),
    ]
    assert found.language is Language.GO and found.problems == ()


@pytest.mark.spec("2.5.1")
def test_testing_imported_under_an_alias_or_dot():
    aliased = parse("""\
        package x

        import tst "testing"

        func TestA(t *tst.T) {}
        func TestB(t *testing.T) {}
        """)
    assert [t.name for t in aliased.tests] == ["TestA"]
    dotted = parse("""\
        package x

        import . "testing"

        func TestA(t *T) {}
        """)
    assert [t.name for t in dotted.tests] == ["TestA"]


@pytest.mark.spec("2.5.1")
def test_suite_methods_are_qualified_by_their_receiver():
    found = parse("""\
        package x

        import (
        	"testing"

        	"github.com/stretchr/testify/suite"
        	check "gopkg.in/check.v1"
        )

        type StoreSuite struct{ suite.Suite }

        func (s *StoreSuite) SetupTest() {}
        func (s *StoreSuite) TestPut() {}
        func (s StoreSuite) TestGet() {}
        func (s *StoreSuite) TestWithArg(n int) {}
        func (s *StoreSuite) helperTest() {}

        type CheckSuite struct{}

        func (s *CheckSuite) TestLegacy(c *check.C) {}

        func TestStoreSuite(t *testing.T) { suite.Run(t, new(StoreSuite)) }
        """)
    assert [(t.qualname, t.name, t.line, t.markers) for t in found.tests] == [
        ("StoreSuite::TestPut", "TestPut", 13, ("suite",)),
        ("StoreSuite::TestGet", "TestGet", 14, ("suite",)),
        ("CheckSuite::TestLegacy", "TestLegacy", 20, ("suite",)),
        ("TestStoreSuite", "TestStoreSuite", 22, ()),
    ]


@pytest.mark.spec("2.5.2")
def test_literal_subtests_fold_into_their_test_with_their_names_as_texts():
    found = by_qualname(parse("""\
        package x

        import "testing"

        func TestParse(t *testing.T) {
        	t.Run("empty input", func(t *testing.T) {
        		t.Run("3.2.1 nested", func(t *testing.T) {})
        	})
        	t.Run(`raw name`, func(t *testing.T) {})
        	t.Run("escaped \\"quote\\"", check)
        }

        func TestPlain(t *testing.T) {
        	other.Run("not a subtest", nil)
        }

        func TestRenamedHandle(tt *testing.T) {
        	tt.Run("one", func(sub *testing.T) { sub.Run("two", nil) })
        }
        """))
    parse_test = found["TestParse"]
    assert parse_test.params == 4
    assert parse_test.texts == ("empty input", "3.2.1 nested", "raw name", 'escaped "quote"')
    assert parse_test.markers == ()
    assert found["TestPlain"].params is None and found["TestPlain"].texts == ()
    assert found["TestRenamedHandle"].params == 2


@pytest.mark.spec("2.5.2")
def test_computed_or_looped_subtest_names_make_an_uncountable_table_driven_test():
    found = by_qualname(parse("""\
        package x

        import (
        	"fmt"
        	"testing"
        )

        func TestTable(t *testing.T) {
        	for _, tc := range cases {
        		t.Run(tc.name, func(t *testing.T) {})
        	}
        }

        func TestSprintf(t *testing.T) {
        	t.Run(fmt.Sprintf("case %d", 1), func(t *testing.T) {})
        }

        func TestLiteralInLoop(t *testing.T) {
        	t.Run("setup", func(t *testing.T) {})
        	for i := 0; i < 3; i++ {
        		t.Run("again", func(t *testing.T) {})
        	}
        }
        """))
    for name in ("TestTable", "TestSprintf", "TestLiteralInLoop"):
        assert found[name].params is None, name
        assert found[name].markers == ("table-driven",), name
    # Literal names are still texts the linker can search, even when uncountable.
    assert found["TestLiteralInLoop"].texts == ("setup",)


@pytest.mark.spec("2.5.2")
def test_top_level_skip_skips_and_a_skip_inside_if_is_conditional():
    found = by_qualname(parse("""\
        package x

        import (
        	"os"
        	"testing"
        )

        func TestSkip(t *testing.T) {
        	t.Skip("flaky on CI, see #412")
        }

        func TestSkipf(t *testing.T) {
        	t.Skipf("needs %s", "docker")
        }

        func TestSkipNow(t *testing.T) {
        	t.SkipNow()
        }

        func TestSkipArgs(t *testing.T) {
        	t.Skip("waiting for", "v2")
        }

        func TestSkipVariable(t *testing.T) {
        	t.Skip(reason)
        }

        func TestShort(t *testing.T) {
        	if testing.Short() {
        		t.Skip("slow")
        	}
        }

        func TestInit(t *testing.T) {
        	if dsn := os.Getenv("DSN"); dsn == "" {
        		t.Skip("no database")
        	}
        }

        func TestElse(t *testing.T) {
        	if haveDocker() {
        		run()
        	} else {
        		t.Skip("no docker")
        	}
        }

        func TestNestedIf(t *testing.T) {
        	if a {
        		if b {
        			t.SkipNow()
        		}
        	}
        }

        func TestSkipInSubtest(t *testing.T) {
        	t.Run("only this", func(t *testing.T) { t.Skip("sub") })
        	for range 3 {
        		t.Skip("in a loop")
        	}
        }

        func TestOtherSkip(t *testing.T) {
        	b.Skip("not our handle")
        }
        """))
    skipped = {n: (t.skipped, t.skip_reason, t.conditional) for n, t in found.items()}
    assert skipped == {
        "TestSkip": (True, "flaky on CI, see #412", None),
        "TestSkipf": (True, "needs %s", None),
        "TestSkipNow": (True, None, None),
        "TestSkipArgs": (True, "waiting for v2", None),
        "TestSkipVariable": (True, "reason", None),
        "TestShort": (False, None, "testing.Short()"),
        "TestInit": (False, None, 'dsn := os.Getenv("DSN"); dsn == ""'),
        "TestElse": (False, None, "!(haveDocker())"),
        "TestNestedIf": (False, None, "a && b"),
        "TestSkipInSubtest": (False, None, None),
        "TestOtherSkip": (False, None, None),
    }


@pytest.mark.spec("2.5.2")
def test_suite_skips_and_subtests_go_through_the_receiver():
    found = by_qualname(parse("""\
        package x

        type S struct{ suite.Suite }

        func (s *S) TestA() {
        	s.T().Skip("not on this backend")
        }

        func (s *S) TestB() {
        	s.Run("first", func() {})
        	s.Run("second", func() {})
        }

        func (s *S) TestC(c *check.C) {
        	c.Skip("gocheck skip")
        }
        """))
    assert (found["S::TestA"].skipped, found["S::TestA"].skip_reason) == (
        True, "not on this backend")
    assert (found["S::TestB"].params, found["S::TestB"].texts) == (2, ("first", "second"))
    assert found["S::TestC"].skip_reason == "gocheck skip"


@pytest.mark.spec("2.5.2")
def test_build_constraints_make_tests_conditional_and_ignore_skips_them():
    tagged = parse("""\
        //go:build integration && !windows

        package x

        import "testing"

        func TestDB(t *testing.T) {
        	if testing.Short() {
        		t.Skip()
        	}
        }
        """)
    assert tagged.tests[0].conditional == "//go:build integration && !windows; testing.Short()"
    ignored = parse("""\
        //go:build ignore

        package x

        import "testing"

        func TestGen(t *testing.T) {}
        """)
    assert (ignored.tests[0].skipped, ignored.tests[0].skip_reason) == (
        True, "//go:build ignore")


@pytest.mark.spec("2.5.1")
def test_spec_comments_and_doc_comments_directly_above():
    found = by_qualname(parse("""\
        package x

        import "testing"

        // spec: 3.1.1, 3.1.2
        // TestLogin signs a user in.
        // It covers the happy path.
        //
        //nolint:paralleltest
        func TestLogin(t *testing.T) {}

        // spec: 9.9.9

        func TestDetached(t *testing.T) {}

        var x = 1 // spec: 8.8.8
        func TestTrailing(t *testing.T) {}

        /*
         * spec: 3.4.1-3.4.4
         * TestBlock uses a block comment.
         */
        func TestBlock(t *testing.T) {}
        """))
    login = found["TestLogin"]
    assert login.ids == ("3.1.1", "3.1.2")
    assert login.doc == "TestLogin signs a user in."
    assert login.texts == ("TestLogin signs a user in.\nIt covers the happy path.",)
    assert (found["TestDetached"].ids, found["TestDetached"].doc) == ((), None)
    assert found["TestTrailing"].ids == ()
    assert found["TestBlock"].ids == ("3.4.1-3.4.4",)
    assert found["TestBlock"].doc == "TestBlock uses a block comment."


@pytest.mark.spec("2.5.3")
def test_go_source_inside_strings_and_comments_never_counts():
    found = parse("""\
        package x

        import "testing"

        const raw = `
        func TestFake(t *testing.T) {
        	t.Run("fake sub", nil)
        }
        `
        var quoted = "func TestQuoted(t *testing.T) {}"

        /*
        func TestCommented(t *testing.T) {}
        */
        // func TestLineComment(t *testing.T) {}

        func TestReal(t *testing.T) {
        	_ = "t.Skip(\\"not a call\\")"
        	_ = `t.Run("not a call", nil)`
        }
        """)
    assert [(t.qualname, t.skipped, t.params) for t in found.tests] == [
        ("TestReal", False, None)]


@pytest.mark.spec("2.7.4")
def test_parse_error_reports_its_line_and_keeps_recovered_tests():
    found = parse("""\
        package x

        import "testing"

        func TestBefore(t *testing.T) {}

        func TestBroken(t *testing.T) {
        	if x == {
        	}
        }

        func TestAfter(t *testing.T) {
        	t.Skip("later")
        }
        """)
    assert [p.kind for p in found.problems] == [ProblemKind.PARSE_ERROR]
    problem = found.problems[0]
    assert (problem.path, problem.line) == ("pkg/x_test.go", 8)
    assert [(t.name, t.skipped) for t in found.tests] == [
        ("TestBefore", False), ("TestBroken", False), ("TestAfter", True)]


@pytest.mark.spec("2.5.1")
def test_garbage_never_raises():
    for source in ("", "\0\0\0", "func", "package x\nfunc Test(", "}}}}{{{{", "ü" * 50):
        found = parse(source)
        assert found.tests == () or all(t.name for t in found.tests)


@pytest.mark.spec("2.5.1", "2.5.2", "2.5.3")
def test_router_fixture(fixtures):
    path = f"{ROUTER}/router_test.go"
    found = GoDiscoverer().parse((fixtures / path).read_text(), path, TestKind.UNIT)
    assert found.problems == ()
    rows = [(t.qualname, t.line, t.skipped, t.skip_reason, t.conditional, t.params, t.markers)
            for t in found.tests]
    assert rows == [
        ("TestMatchStatic", 16, False, None, None, None, ()),
        ("TestMatchParams", 25, False, None, None, 3, ()),
        ("TestMethodMismatch", 46, False, None, None, None, ("table-driven",)),
        ("TestWildcardRoutes", 66, True, "wildcards land with the v2 matcher", None, None, ()),
        ("TestMatchAgainstLiveProxy", 72, False, None,
         'os.Getenv("ROUTER_PROXY_URL") == ""; runtime.GOOS == "windows"', None, ()),
        ("Test_cleanEmptyPath", 81, False, None, None, None, ()),
        ("FuzzMatch", 107, False, None, None, None, ("fuzz",)),
        ("RouterSuite::TestOrderLookup", 135, False, None, None, None, ("suite",)),
        ("RouterSuite::TestOrderSubroutes", 141, False, None, None, 1, ("suite",)),
        ("RouterSuite::TestLegacyOrderPaths", 148, True,
         "legacy /order/ paths were removed in 2.0", None, None, ("suite",)),
        ("TestRouterSuite", 152, False, None, None, None, ()),
    ]
    tests = by_qualname(found)
    assert tests["TestMatchStatic"].ids == ("4.1.1",)
    assert tests["RouterSuite::TestOrderLookup"].ids == ("4.2.1",)
    assert "4.1.3 rejects extra segments" in tests["TestMatchParams"].texts
    assert tests["TestMatchParams"].doc == "TestMatchParams binds path parameters (4.1.2)."


@pytest.mark.spec("2.5.1")
def test_router_fixture_files(fixtures):
    root = fixtures / ROUTER
    go = GoDiscoverer()
    listed = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.go"))
    assert [p for p in listed if go.is_test_file(p)] == [
        "internal/pathutil/clean_test.go", "router_test.go"]
    clean = go.parse((root / "internal/pathutil/clean_test.go").read_text(),
                     "internal/pathutil/clean_test.go", TestKind.UNIT)
    # An external test package (`package pathutil_test`) holds tests like any other.
    assert [(t.qualname, t.params, t.markers) for t in clean.tests] == [("TestClean", None, ())]

