"""Java and Kotlin test discovery: JUnit 4/5 annotations, nesting, skips, params, parse errors."""

from __future__ import annotations

import textwrap

import pytest

from spectrace.discover.java import JavaDiscoverer
from spectrace.model import Language, ProblemKind, TestKind

BILLING = "monorepo/services/billing"
BILLING_TESTS = f"{BILLING}/src/test/java/com/example/billing"
NOTIFIER_TEST = "monorepo/services/notifier-kt/src/test/kotlin/com/example/notifier/NotifierTest.kt"


def parse(source: str, path: str = "src/test/java/a/ATest.java"):
    return JavaDiscoverer().parse(textwrap.dedent(source), path, TestKind.UNIT)


def parse_kt(source: str, path: str = "src/test/kotlin/a/ATest.kt"):
    return parse(source, path)


def by_qualname(test_file):
    return {t.qualname: t for t in test_file.tests}


def read(fixtures, path: str):
    return JavaDiscoverer().parse((fixtures / path).read_text(), path, TestKind.UNIT)


@pytest.mark.spec("2.6.1")
@pytest.mark.parametrize(("path", "expected"), [
    ("billing/src/test/java/com/example/billing/InvoiceTest.java", True),
    ("billing/src/test/java/com/example/billing/Fixtures.java", True),
    ("app/src/integrationTest/java/a/CheckoutFlow.java", True),
    ("app/src/androidTest/kotlin/a/ScreenSpec.kt", True),
    ("lib/src/test/kotlin/a/scripts.kts", True),
    ("legacy/test/a/InvoiceTest.java", True),
    ("legacy/test/a/InvoiceTests.java", True),
    ("legacy/test/a/InvoiceIT.java", True),
    ("legacy/test/a/TestInvoice.java", True),
    ("legacy/test/a/InvoiceTestCase.java", True),
    ("legacy/test/a/InvoiceTest.kt", True),
    ("billing/src/main/java/com/example/billing/Invoice.java", False),
    ("billing/src/main/java/com/example/billing/LoadTest.java", False),
    ("tools/mysrc/main/LoadTest.java", True),
    ("legacy/a/Invoice.java", False),
    ("notes/InvoiceTest.md", False),
    ("build.gradle.kts", False),
    ("Makefile", False),
])
def test_java_and_kotlin_test_files(path, expected):
    assert JavaDiscoverer().is_test_file(path) is expected


@pytest.mark.spec("2.6.1")
def test_junit_test_annotations_make_tests():
    found = parse("""\
        package a;

        import org.junit.jupiter.api.*;

        class ATest {
            @Test void plain() {}
            @org.junit.jupiter.api.Test void qualified() {}
            @Test public void junit4Style() {}
            @TestFactory Stream<DynamicTest> factory() { return Stream.empty(); }
            @TestTemplate void template() {}
            @Theory public void theory(int x) {}
            @Test(timeout = 100) public void withArguments() {}
            @Test private void privateIsNot() {}
            @Test static void staticIsNot() {}
            @Test abstract void abstractIsNot();
            @BeforeEach void setUp() {}
            void helper() {}
        }
        """)
    assert [(t.qualname, t.line, t.markers) for t in found.tests] == [
        ("ATest::plain", 6, ()),
        ("ATest::qualified", 7, ()),
        ("ATest::junit4Style", 8, ()),
        ("ATest::factory", 9, ("factory",)),
        ("ATest::template", 10, ("template",)),
        ("ATest::theory", 11, ("theory",)),
        ("ATest::withArguments", 12, ()),
    ]
    assert found.language is Language.JAVA and found.problems == ()


@pytest.mark.spec("2.6.1")
def test_parameterized_sources_are_counted_when_literal():
    found = by_qualname(parse('''\
        class ATest {
            @ParameterizedTest @ValueSource(ints = {1, 2, 3}) void ints(int x) {}
            @ParameterizedTest @ValueSource(strings = "one") void single(String s) {}
            @ParameterizedTest @ValueSource(classes = {A.class, B.class})
            void classes(Class<?> c) {}
            @ParameterizedTest @CsvSource({"a, 1", "b, 2", "c, 3", "d, 4"})
            void csv(String a, int b) {}
            @ParameterizedTest
            @CsvSource(useHeadersInDisplayName = true, textBlock = """
                name, n
                a,    1
                # a comment line is not a record

                b,    2
                """)
            void block(String a, int b) {}
            @ParameterizedTest @CsvSource(value = {"x"}, delimiter = ';')
            void delimited(String a) {}
            @ParameterizedTest @NullAndEmptySource @ValueSource(strings = {"a"})
            void nulls(String s) {}
            @ParameterizedTest @NullSource void onlyNull(String s) {}
            @ParameterizedTest @EnumSource(value = Color.class, names = {"RED", "BLUE"})
            void names(Color c) {}
            @ParameterizedTest @EnumSource(Color.class) void everyConstant(Color c) {}
            @ParameterizedTest
            @EnumSource(value = Color.class, names = {"RED"}, mode = EXCLUDE)
            void excluded(Color c) {}
            @ParameterizedTest @MethodSource("cases") void method(int x) {}
            @ParameterizedTest @ValueSource(ints = {1}) @MethodSource("more") void mixed(int x) {}
            @ParameterizedTest @CsvFileSource(resources = "/rates.csv") void file(String a) {}
            @ParameterizedTest void noSource(int x) {}
            @ParameterizedTest @ValueSource(ints = VALUES) void constant(int x) {}
            @RepeatedTest(5) void repeated() {}
            @RepeatedTest(value = 2, name = "{currentRepetition}") void repeatedNamed() {}
            @RepeatedTest(TIMES) void repeatedConstant() {}
            @Test void plain() {}
        }
        '''))
    params = {name.split("::")[1]: t.params for name, t in found.items()}
    assert params == {
        "ints": 3, "single": 1, "classes": 2, "csv": 4, "block": 2, "delimited": 1,
        "nulls": 3, "onlyNull": 1, "names": 2, "everyConstant": None, "excluded": None,
        "method": None, "mixed": None, "file": None, "noSource": None, "constant": 1,
        "repeated": 5, "repeatedNamed": 2, "repeatedConstant": None, "plain": None,
    }
    assert found["ATest::ints"].markers == ("parameterized",)
    assert found["ATest::repeated"].markers == ("repeated",)


@pytest.mark.spec("2.6.1")
def test_nested_classes_qualify_names_from_the_top_level_class():
    found = parse("""\
        class OuterTest {
            @Test void outer() {}

            @Nested
            class WhenEmpty {
                @Test void inner() {}

                @Nested
                class AndLocked {
                    @Test void deepest() {}
                }
            }

            static class Standalone {
                @Test void runsOnItsOwn() {}
            }

            class NotNested {
                @Test void neverRun() {}
            }

            interface Contract {
                @Test default void fromInterface() {}
                @Test void abstractIsNot();
            }

            void helper() {
                class Local { @Test void localIsNot() {} }
            }
        }

        class SecondTopLevelTest {
            @Test void second() {}
        }
        """)
    assert [(t.qualname, t.name, t.line) for t in found.tests] == [
        ("OuterTest::outer", "outer", 2),
        ("OuterTest::WhenEmpty::inner", "inner", 6),
        ("OuterTest::WhenEmpty::AndLocked::deepest", "deepest", 10),
        ("OuterTest::Standalone::runsOnItsOwn", "runsOnItsOwn", 15),
        ("OuterTest::Contract::fromInterface", "fromInterface", 23),
        ("SecondTopLevelTest::second", "second", 33),
    ]


@pytest.mark.spec("2.6.1")
def test_junit3_test_case_methods():
    found = parse("""\
        import junit.framework.TestCase;

        public class LegacyTest extends TestCase {
            protected void setUp() {}
            public void testAdds() {}
            public void testWithArg(int x) {}
            void testNotPublic() {}
            public static void testStatic() {}
            public void helper() {}
        }

        class NotATestCase {
            public void testIgnored() {}
        }
        """)
    assert [t.qualname for t in found.tests] == ["LegacyTest::testAdds"]


@pytest.mark.spec("2.6.2")
def test_disabled_and_ignore_with_reasons_on_methods_and_classes():
    found = by_qualname(parse("""\
        class ATest {
            @Test @Disabled("flaky on CI, see BILL-12") void disabled() {}
            @Test @Disabled void noReason() {}
            @Test @Disabled(value = "named " + "argument") void named() {}
            @org.junit.Test @org.junit.Ignore("JUnit 4") public void ignored() {}
            @Test(enabled = false) public void testng() {}
            @Test @DisabledOnOs(OS.WINDOWS) void notOnWindows() {}
            @Test
            @EnabledIfEnvironmentVariable(named = "CI", matches = "true")
            void onlyOnCi() {}

            @Nested
            @Disabled("whole group")
            class Off {
                @Test void inherits() {}
                @Test @Disabled("own reason") void outerReasonWins() {}
                @Nested class Deeper { @Test void stillOff() {} }
            }

            @Nested
            @DisabledOnJre(JRE.JAVA_8)
            class Conditional {
                @Test @DisabledOnOs(OS.MAC) void both() {}
            }

            @Disabled("not for static classes")
            static class OwnDisabled {
                @Test void off() {}
            }
        }

        @Ignore("retired with the fixed-width export")
        public class RetiredTest {
            @Test public void one() {}
        }

        @Disabled("outer")
        class DisabledOuterTest {
            static class Independent {
                @Test void runs() {}
            }
        }
        """))
    skips = {n: (t.skipped, t.skip_reason, t.conditional) for n, t in found.items()}
    assert skips == {
        "ATest::disabled": (True, "flaky on CI, see BILL-12", None),
        "ATest::noReason": (True, None, None),
        "ATest::named": (True, "named argument", None),
        "ATest::ignored": (True, "JUnit 4", None),
        "ATest::testng": (True, "enabled = false", None),
        "ATest::notOnWindows": (False, None, "@DisabledOnOs(OS.WINDOWS)"),
        "ATest::onlyOnCi": (False, None,
                            '@EnabledIfEnvironmentVariable(named = "CI", matches = "true")'),
        "ATest::Off::inherits": (True, "whole group", None),
        "ATest::Off::outerReasonWins": (True, "whole group", None),
        "ATest::Off::Deeper::stillOff": (True, "whole group", None),
        "ATest::Conditional::both": (False, None,
                                     "@DisabledOnJre(JRE.JAVA_8); @DisabledOnOs(OS.MAC)"),
        "ATest::OwnDisabled::off": (True, "not for static classes", None),
        "RetiredTest::one": (True, "retired with the fixed-width export", None),
        # A static member class is run on its own: the outer @Disabled does not reach it.
        "DisabledOuterTest::Independent::runs": (False, None, None),
    }


@pytest.mark.spec("2.6.1")
def test_tags_display_names_docs_and_spec_comments():
    found = by_qualname(parse("""\
        /** Checkout flows (4.1). */
        @Tag("checkout")
        class CheckoutTest {
            // spec: 4.1.1, 4.1.2
            /**
             * Pays with a saved card.
             * Uses the sandbox gateway.
             */
            @Test
            @Tag("slow")
            @Tags({@Tag("gateway"), @Tag("slow")})
            void paysWithCard() {}

            @Test
            // spec: 4.1.3
            @DisplayName("4.1.4 refunds in full")
            void refunds() {}

            // spec: 9.9.9

            @Test void detachedComment() {}

            int x; // spec: 8.8.8
            @Test void trailingComment() {}

            @Test @Category(SlowTests.class) public void categorised() {}

            @Nested
            @DisplayName("with a voucher")
            @Tag("voucher")
            class WithVoucher {
                @Test void applies() {}
            }
        }
        """))
    pays = found["CheckoutTest::paysWithCard"]
    assert pays.ids == ("4.1.1", "4.1.2")
    assert pays.doc == "Pays with a saved card."
    assert pays.texts == ("Pays with a saved card.\nUses the sandbox gateway.",
                          "Checkout flows (4.1).")
    assert pays.markers == ("checkout", "slow", "gateway")
    refunds = found["CheckoutTest::refunds"]
    assert (refunds.ids, refunds.doc) == (("4.1.3",), "4.1.4 refunds in full")
    assert found["CheckoutTest::detachedComment"].ids == ()
    assert found["CheckoutTest::trailingComment"].ids == ()
    assert found["CheckoutTest::categorised"].markers == ("checkout", "SlowTests")
    applies = found["CheckoutTest::WithVoucher::applies"]
    assert applies.markers == ("checkout", "voucher")
    assert applies.texts == ("Checkout flows (4.1).", "with a voucher")


@pytest.mark.spec("2.6.1")
def test_code_in_strings_and_comments_never_counts():
    found = parse('''\
        class ATest {
            String one = "@Test void fakeOne() {}";
            String block = """
                @Test
                void fakeTwo() {}
                """;
            /*
            @Test void commented() {}
            */
            // @Test void lineCommented() {}
            @Test void real() { String s = "@Disabled(\\"no\\")"; }
        }
        ''')
    assert [(t.qualname, t.skipped) for t in found.tests] == [("ATest::real", False)]


@pytest.mark.spec("2.7.4")
def test_java_parse_error_reports_its_line_and_keeps_recovered_tests():
    found = parse("""\
        class ATest {
            @Test void before() {}

            @Test void broken() {
                int x = ;
            }

            @Test @Disabled("later") void after() {}
        }
        """)
    assert [(p.kind, p.path, p.line) for p in found.problems] == [
        (ProblemKind.PARSE_ERROR, "src/test/java/a/ATest.java", 5)]
    assert [(t.qualname, t.skipped) for t in found.tests] == [
        ("ATest::before", False), ("ATest::broken", False), ("ATest::after", True)]


@pytest.mark.spec("2.6.1")
def test_garbage_never_raises():
    for source in ("", "\0\0", "class", "@Test", "class A { @Test void x( }", "}}}{{{",
                   "ü" * 40, "@ValueSource(ints = {1,2}) class A {}"):
        for path in ("ATest.java", "ATest.kt"):
            found = JavaDiscoverer().parse(source, path, TestKind.UNIT)
            assert all(t.name for t in found.tests)


@pytest.mark.spec("2.6.1")
def test_deep_nesting_and_long_concatenations_do_not_exhaust_the_stack():
    concat = " + ".join(['"ab"'] * 3000)
    found = parse(f"class ATest {{ @Test @Disabled({concat}) void x() {{}} }}")
    assert found.tests[0].skip_reason == "ab" * 3000
    nested = "".join(f"static class C{i} {{ " for i in range(2000))
    found = parse(nested + "@Test void deepest() {}" + "}" * 2000)
    assert [t.name for t in found.tests] == ["deepest"]
    assert found.tests[0].qualname.count("::") == 2000
    nested_kt = "".join(f"class C{i} {{\n" for i in range(2000))
    found = parse_kt(nested_kt + "@Test fun deepest() {}\n" + "}\n" * 2000)
    assert [t.name for t in found.tests] == ["deepest"]


# -- Kotlin ---------------------------------------------------------------------------


@pytest.mark.spec("2.6.3")
def test_kotlin_functions_classes_and_backtick_names():
    found = parse_kt("""\
        package a

        class CalculatorTest {
            @Test
            fun `adds two numbers`() {}

            @Test fun plain() = runTest { }

            @Test private fun privateIsNot() {}

            fun helper() {}

            @Nested
            inner class `when dividing` {
                @Test fun `by zero throws`() {}
            }

            inner class NotNested {
                @Test fun neverRun() {}
            }

            class Standalone {
                @Test fun runsOnItsOwn() {}
            }

            companion object {
                @Test fun companionIsNot() {}
            }
        }

        object SingletonTest {
            @Test fun inObject() {}
        }

        interface ContractTest {
            @Test fun withBody() {}
            @Test fun abstractIsNot()
        }

        @Test fun topLevelIsNot() {}
        """)
    assert found.language is Language.KOTLIN and found.problems == ()
    assert [(t.qualname, t.name, t.line) for t in found.tests] == [
        ("CalculatorTest::adds two numbers", "adds two numbers", 5),
        ("CalculatorTest::plain", "plain", 7),
        ("CalculatorTest::when dividing::by zero throws", "by zero throws", 15),
        ("CalculatorTest::Standalone::runsOnItsOwn", "runsOnItsOwn", 23),
        ("SingletonTest::inObject", "inObject", 32),
        ("ContractTest::withBody", "withBody", 36),
    ]


@pytest.mark.spec("2.6.3")
def test_kotlin_annotation_arguments():
    found = by_qualname(parse_kt('''\
        class ATest {
            @ParameterizedTest @ValueSource(ints = [1, 2, 3]) fun ints(x: Int) {}
            @ParameterizedTest @ValueSource(strings = arrayOf("a", "b")) fun arrayOf(s: String) {}
            @ParameterizedTest @CsvSource("a, 1", "b, 2") fun vararg(a: String, b: Int) {}
            @ParameterizedTest @CsvSource(value = ["a, 1"]) fun named(a: String, b: Int) {}
            @ParameterizedTest
            @CsvSource(textBlock = """
                a, 1
                b, 2
                c, 3
            """)
            fun block(a: String, b: Int) {}
            @RepeatedTest(value = 4) fun repeated() {}
            @Test @Disabled("not yet") fun disabled() {}
            @Test @Ignore fun ignored() {}
            @Test @Disabled("escaped \\"quote\\" and \\u00e9") fun escaped() {}
            @Test @Disabled("computed ${reason}") fun computed() {}
            @Test @Tags(Tag("a"), Tag("b")) fun tagged() {}
            @Test @DisabledOnOs(OS.WINDOWS) fun conditional() {}
        }
        '''))
    got = {n.split("::")[1]: (t.params, t.skipped, t.skip_reason, t.conditional, t.markers)
           for n, t in found.items()}
    assert got == {
        "ints": (3, False, None, None, ("parameterized",)),
        "arrayOf": (2, False, None, None, ("parameterized",)),
        "vararg": (2, False, None, None, ("parameterized",)),
        "named": (1, False, None, None, ("parameterized",)),
        "block": (3, False, None, None, ("parameterized",)),
        "repeated": (4, False, None, None, ("repeated",)),
        "disabled": (None, True, "not yet", None, ()),
        "ignored": (None, True, None, None, ()),
        "escaped": (None, True, 'escaped "quote" and é', None, ()),
        "computed": (None, True, '"computed ${reason}"', None, ()),
        "tagged": (None, False, None, None, ("a", "b")),
        "conditional": (None, False, None, "@DisabledOnOs(OS.WINDOWS)", ()),
    }


@pytest.mark.spec("2.6.3")
def test_kotlin_grammar_slips_on_valid_code_are_worked_around():
    # tree-sitter-kotlin reads `class A { fun f() {} }` as an error, and a class's
    # annotations after a comment between top-level declarations as an expression.
    found = parse_kt("""\
        class Helper { fun help() = 1 }

        // spec: 7.1.1
        /** Disabled as a whole. */
        @Disabled("whole class")
        @Tag("slow")
        class OneLinersTest {
            @Test fun a() {} ; @Test fun b() {}
            class Inner { @Test fun c() { val s = "x }" } }
        }
        """)
    assert found.problems == ()
    assert [(t.qualname, t.line, t.skipped, t.skip_reason, t.markers, t.texts)
            for t in found.tests] == [
        ("OneLinersTest::a", 8, True, "whole class", ("slow",), ("Disabled as a whole.",)),
        ("OneLinersTest::b", 8, True, "whole class", ("slow",), ("Disabled as a whole.",)),
        ("OneLinersTest::Inner::c", 9, False, None, (), ()),
    ]


@pytest.mark.spec("2.6.3")
def test_kotlin_code_in_strings_never_counts():
    found = parse_kt('''\
        class ATest {
            val one = "@Test fun fakeOne() {}"
            val raw = """
                @Test fun fakeTwo() {}
            """
            /* @Test fun commented() {} */
            @Test fun real() {}
        }
        ''')
    assert [t.qualname for t in found.tests] == ["ATest::real"]


@pytest.mark.spec("2.7.4")
def test_kotlin_parse_error_reports_its_line():
    found = parse_kt("""\
        class ATest {
            @Test fun before() {}

            @Test fun broken() {
                val x = = 1
            }

            @Test fun after() {}
        }
        """)
    assert [(p.kind, p.line) for p in found.problems] == [(ProblemKind.PARSE_ERROR, 5)]
    assert "ATest::before" in [t.qualname for t in found.tests]


@pytest.mark.spec("2.7.4")
def test_kotlin_parse_that_runs_away_gives_up_with_a_problem():
    # Found by mutating a valid test file: unbounded, tree-sitter-kotlin spends minutes
    # on these few hundred bytes. The budget stops it in well under a second.
    source = textwrap.dedent("""\
        `s`{((""))
        t
          ]}

            @Test
        /    fun rejectsEmptyRecipient() {
                val e = assertThrows<IllegalArgumentException> {
                    Notifier(transport, clock).send(Message("", "x"))
            }

            companion object {
                @JvmStatic
               fun retries() = listOf(
                    Arguments.of(0, Duration.ZERO),
                    Arguments.of(2, Duration.ofSeconds(4)),
                )
            }
        }
        private fun <T> List<T>.second(): T """)
    found = JavaDiscoverer().parse(source, "src/test/kotlin/a/ATest.kt", TestKind.UNIT)
    assert found.tests == ()
    assert [(p.kind, p.line) for p in found.problems] == [(ProblemKind.PARSE_ERROR, 2)]
    assert "gave up" in found.problems[0].message
    # The parser is usable again afterwards.
    assert parse_kt("class ATest {\n    @Test fun a() {}\n}\n").tests[0].name == "a"


# -- fixtures -------------------------------------------------------------------------
# The expected rows below were checked against real runners on this fixture: the JUnit
# Platform 1.11.4 launcher and Surefire 3.2.5 for the Jupiter classes (invocation counts
# and skip reasons), JUnitCore 4.13.2 for the JUnit 4 ones. Where they differ from us is
# noted beside the row.


@pytest.mark.spec("2.6.1", "2.6.2")
def test_billing_fixture_invoice(fixtures):
    found = read(fixtures, f"{BILLING_TESTS}/InvoiceTest.java")
    assert found.problems == ()
    assert [(t.qualname, t.line, t.skipped, t.skip_reason, t.conditional, t.markers)
            for t in found.tests] == [
        ("InvoiceTest::subtotalSumsLines", 34, False, None, None, ("billing",)),
        ("InvoiceTest::rejectsZeroQuantity", 42, False, None, None, ("billing",)),
        ("InvoiceTest::creditNoteNegatesTotals", 49, True,
         "credit notes are not implemented yet (BILL-214)", None, ("billing",)),
        ("InvoiceTest::exportsToTheSpoolDirectory", 54, False, None,
         "@DisabledOnOs(OS.WINDOWS)", ("billing",)),
        ("InvoiceTest::WhenIssued::isMarkedIssued", 75, False, None, None, ("billing",)),
        ("InvoiceTest::WhenIssued::refusesNewLines", 81, False, None, None,
         ("billing", "regression")),
        ("InvoiceTest::WhenIssued::AndPaid::canBeRefunded", 90, True,
         "waiting for the payments sandbox", None, ("billing",)),
        ("InvoiceTest::WhenIssued::AndPaid::cannotBePaidTwice", 94, True,
         "waiting for the payments sandbox", None, ("billing",)),
    ]
    tests = by_qualname(found)
    assert tests["InvoiceTest::subtotalSumsLines"].ids == ("5.1.1",)
    assert tests["InvoiceTest::rejectsZeroQuantity"].doc == (
        "5.1.2 rejects a line with zero quantity")


@pytest.mark.spec("2.6.1")
def test_billing_fixture_tax_calculator(fixtures):
    found = read(fixtures, f"{BILLING_TESTS}/TaxCalculatorTest.java")
    assert found.problems == ()
    assert [(t.qualname, t.line, t.params, t.markers) for t in found.tests] == [
        ("TaxCalculatorTest::knowsEuropeanRates", 28, 3, ("parameterized",)),
        ("TaxCalculatorTest::rejectsUnknownCountries", 35, 4, ("parameterized",)),
        ("TaxCalculatorTest::roundsHalfEven", 46, 3, ("parameterized",)),
        ("TaxCalculatorTest::ratesFromTable", 57, 2, ("parameterized",)),
        ("TaxCalculatorTest::twoDecimalCurrencies", 63, 2, ("parameterized",)),
        # @MethodSource: 2 invocations when run, unknown statically.
        ("TaxCalculatorTest::taxIsNeverNegative", 69, None, ("parameterized",)),
        ("TaxCalculatorTest::rateLookupIsStable", 78, 5, ("repeated",)),
        # 4 dynamic tests when run, unknown statically.
        ("TaxCalculatorTest::everyRateIsBelowOne", 83, None, ("factory",)),
        # The launcher runs static member classes; Surefire's default `**/*$*` exclude
        # leaves them out.
        ("TaxCalculatorTest::SwissRounding::roundsToFiveRappen", 95, None, ()),
    ]
    assert by_qualname(found)["TaxCalculatorTest::roundsHalfEven"].ids == ("5.2.1", "5.2.2")


@pytest.mark.spec("2.6.2")
def test_billing_fixture_junit4(fixtures):
    rounding = read(fixtures, f"{BILLING_TESTS}/LegacyRoundingTest.java")
    assert [(t.qualname, t.line, t.skipped, t.skip_reason) for t in rounding.tests] == [
        ("LegacyRoundingTest::roundsHalfUpForJpy", 17, False, None),
        ("LegacyRoundingTest::refusesUnnecessaryRounding", 22, False, None),
        ("LegacyRoundingTest::truncatesKwd", 28, True,
         "the 2019 engine truncated KWD; finance wants that bug kept until Q3"),
    ]
    # JUnitCore reports a class-level @Ignore once, for the class; we list each test.
    export = read(fixtures, f"{BILLING_TESTS}/LegacyExportTest.java")
    assert [(t.qualname, t.skipped, t.skip_reason) for t in export.tests] == [
        ("LegacyExportTest::padsSkuColumn", True, "the fixed-width export was replaced by CSV"),
        ("LegacyExportTest::writesTrailerRecord", True,
         "the fixed-width export was replaced by CSV"),
    ]


@pytest.mark.spec("2.6.1")
def test_billing_fixture_files(fixtures):
    root = fixtures / BILLING
    finder = JavaDiscoverer()
    listed = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    assert [p for p in listed if finder.is_test_file(p)] == [
        "src/test/java/com/example/billing/InvoiceTest.java",
        "src/test/java/com/example/billing/LegacyExportTest.java",
        "src/test/java/com/example/billing/LegacyRoundingTest.java",
        "src/test/java/com/example/billing/TaxCalculatorTest.java",
    ]


@pytest.mark.spec("2.6.3")
def test_notifier_kotlin_fixture(fixtures):
    found = read(fixtures, NOTIFIER_TEST)
    assert found.language is Language.KOTLIN and found.problems == ()
    rows = [(t.qualname, t.line, t.skipped, t.skip_reason, t.params, t.markers)
            for t in found.tests]
    assert rows == [
        ("NotifierTest::delivers on the first attempt", 35, False, None, None,
         ("notifications",)),
        ("NotifierTest::rejectsBlankRecipient", 43, False, None, None, ("notifications",)),
        ("NotifierTest::retries until delivered", 49, False, None, 2,
         ("parameterized", "notifications")),
        ("NotifierTest::gives up after three attempts", 55, False, None, 3,
         ("parameterized", "notifications")),
        ("NotifierTest::every channel is deliverable", 61, False, None, None,
         ("parameterized", "notifications")),
        ("NotifierTest::countsDeliveries", 66, False, None, 3, ("repeated", "notifications")),
        ("NotifierTest::sends sms", 74, True,
         "SMS gateway sandbox is down until the contract renewal", None, ("notifications",)),
        ("NotifierTest::pushNeedsADevice", 79, True, None, None, ("notifications",)),
        ("NotifierTest::rendersTemplates", 83, False, None, None, ("notifications",)),
        ("NotifierTest::when the transport is down::reports failure", 93, False, None, None,
         ("notifications",)),
        ("NotifierTest::when the transport is down::and a dead-letter queue exists::"
         "parks the message", 101, True, "needs the dead-letter queue", None,
         ("notifications",)),
        ("NotifierTest::Standalone::runs on its own", 112, False, None, None, ()),
    ]
    tests = by_qualname(found)
    assert tests["NotifierTest::delivers on the first attempt"].ids == ("6.1.1",)
    assert tests["NotifierTest::rejectsBlankRecipient"].doc == "6.1.2 rejects a blank recipient"
