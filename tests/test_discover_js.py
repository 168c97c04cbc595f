"""JavaScript/TypeScript discovery: test files, describe nesting, modifiers, titles, comments."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from spectrace.discover import js as js_module
from spectrace.discover.files import kind_of
from spectrace.discover.js import JsDiscoverer
from spectrace.model import Language, ProblemKind, Test, TestFile, TestKind

MONOREPO = Path(__file__).parent / "fixtures" / "monorepo"
JS = JsDiscoverer()


def parse(source: str, path: str = "x.test.ts") -> TestFile:
    return JS.parse(textwrap.dedent(source), path, TestKind.UNIT)


def found_in(source: str, path: str = "x.test.ts") -> list[Test]:
    found = parse(source, path)
    assert found.problems == ()
    return list(found.tests)


def one(source: str, path: str = "x.test.ts") -> Test:
    found = found_in(source, path)
    assert len(found) == 1, [t.qualname for t in found]
    return found[0]


def fixture(rel: str) -> TestFile:
    return JS.parse((MONOREPO / rel).read_text(encoding="utf-8"), rel, kind_of(rel))


def state(test: Test) -> tuple:
    return (test.line, test.qualname, test.skipped, test.skip_reason, test.conditional,
            test.xfail, test.markers, test.params)


# --- which files --------------------------------------------------------------------


@pytest.mark.spec("2.4.3")
@pytest.mark.parametrize("path", [
    "src/cart.test.ts", "src/cart.spec.js", "src/Cart.test.tsx", "lib/parse.test.mjs",
    "lib/parse.spec.cjs", "src/util.test.mts", "src/util.spec.cts", "src/view.spec.jsx",
    "cypress/e2e/login.cy.js", "src/Button.cy.tsx", "src/__tests__/cart.js",
    "packages/a/src/__tests__/deep/helpers.ts", "e2e/checkout.ts", "tests/e2e/flows/pay.ts",
    "playwright/login.ts", "cypress/integration/legacy.js", "test/server.js", "test/server.mjs",
    "src/cart.e2e.test.ts", "SRC/CART.TEST.TS",
])
def test_test_file_names_and_folders(path):
    assert JS.is_test_file(path)


@pytest.mark.spec("2.4.3")
@pytest.mark.parametrize("path", [
    "src/cart.ts", "src/testing.ts", "src/test.ts", "src/spec.js", "src/cart.test.py",
    "src/cart.test.d.ts", "src/contest.js", "src/latest.spec.json",
    "node_modules/pkg/cart.test.js", "packages/a/node_modules/b/__tests__/x.js",
    "dist/cart.test.js", "build/e2e/login.js", "apps/www/.next/server/page.test.js",
    "cypress/support/commands.js", "cypress.config.js", "e2e-web/playwright.config.ts",
    "test/helpers/setup.js",  # mocha reads test/*.js only, not sub-folders
    "test/server.ts",  # nor TypeScript without a loader
])
def test_other_files_are_not_test_files(path):
    assert not JS.is_test_file(path)


@pytest.mark.spec("2.4.3")
@pytest.mark.parametrize(("suffix", "language", "source"), [
    (".js", Language.JAVASCRIPT, "const { test } = require('node:test');\ntest('js', () => {});\n"),
    (".jsx", Language.JAVASCRIPT, "it('jsx', () => { render(<App title=\"a\" />); });\n"),
    (".mjs", Language.JAVASCRIPT, "import { it } from 'vitest';\nit('mjs', async () => {});\n"),
    (".cjs", Language.JAVASCRIPT, "const assert = require('assert');\nit('cjs', () => {});\n"),
    (".ts", Language.TYPESCRIPT,
     "const cast = <T,>(x: unknown) => x as T;\nit('ts', (): void => { cast<number>(1); });\n"),
    (".mts", Language.TYPESCRIPT, "import type { A } from './a';\nit('mts', (a?: A) => {});\n"),
    (".cts", Language.TYPESCRIPT, "enum E { A }\nit('cts', () => { const e: E = E.A; });\n"),
    (".tsx", Language.TYPESCRIPT,
     "it('tsx', () => { const el = <Button<string> onClick={(e: Event) => e} />; });\n"),
])
def test_every_extension_parses(suffix, language, source):
    found = JS.parse(source, f"src/a.test{suffix}", TestKind.UNIT)
    assert found.language is language
    assert found.problems == ()
    line = source.count("\n")  # each snippet's test is on its last line
    assert [(t.name, t.line) for t in found.tests] == [(suffix[1:], line)]


@pytest.mark.spec("2.4.3")
def test_grammar_follows_the_suffix():
    # `<number>x` is a cast in .ts and an unclosed JSX element in .tsx: each file gets
    # its own grammar, so one parses cleanly and the other does not.
    source = "it('casts', () => { const n = <number>value; });\n"
    assert JS.parse(source, "a.test.ts", TestKind.UNIT).problems == ()
    assert JS.parse(source, "a.test.tsx", TestKind.UNIT).problems != ()


@pytest.mark.spec("2.4.3")
def test_tsx_component_spec_from_the_fixture():
    found = fixture("e2e-web/tests/components/button.spec.tsx")
    assert found.language is Language.TYPESCRIPT and found.problems == ()
    assert [(t.line, t.qualname) for t in found.tests] == [
        (4, "renders a link when given an href"), (9, "calls onClick when pressed")]


@pytest.mark.spec("2.4.3")
def test_monorepo_test_files():
    paths = sorted(p.relative_to(MONOREPO).as_posix() for p in MONOREPO.rglob("*") if p.is_file())
    found = [p for p in paths if JS.is_test_file(p)]
    assert found == [
        "e2e-web/cypress/e2e/navbar.cy.js",
        "e2e-web/tests/components/button.spec.tsx",
        "e2e-web/tests/contact.spec.ts",
        "e2e-web/tests/home.spec.ts",
        "packages/shared-utils/src/__tests__/slug.js",
        "packages/shared-utils/src/math.test.ts",
        "packages/shared-utils/src/strings.test.ts",
    ]
    # The app and the UI kit are real code without a single test, as in the analysis.
    assert not [p for p in found if p.startswith(("apps/", "packages/ui/"))]
    assert [p for p in paths if p.startswith("apps/www/src/") and p.endswith((".ts", ".tsx"))]


# --- test, it and describe --------------------------------------------------------------


@pytest.mark.spec("2.4.1", "2.4.2")
def test_vitest_fixture_with_nesting_each_todo_and_skip():
    found = fixture("packages/shared-utils/src/strings.test.ts")
    assert found.language is Language.TYPESCRIPT and found.problems == ()
    assert [state(t) for t in found.tests] == [
        (7, "strings::slugify::lowercases and joins words with dashes",
         False, None, None, False, (), None),
        (11, "strings::slugify::slugify(%s) is %s", False, None, None, False, ("each",), 3),
        (19, "strings::slugify::keeps emoji", True, None, None, False, ("skip",), None),
        (29, "strings::truncate::adds an ellipsis past the limit",
         False, None, None, False, (), None),
        (33, "strings::truncate::truncates on word boundaries",
         True, "todo", None, False, ("todo",), None),
        (35, "strings::truncate::truncate($text, $limit) is $expected",
         False, None, None, False, ("each",), 2),
        (45, "strings::titleCase (waiting for locale rules)::capitalises each word",
         True, None, None, False, ("skip",), None),
        (49, "strings::titleCase (waiting for locale rules)::keeps small words lower case",
         True, None, None, False, ("skip",), None),
    ]
    names = [t.name for t in found.tests]
    assert names[0] == "lowercases and joins words with dashes"
    assert found.tests[0].ids == ("3.1.1",)
    assert found.tests[3].doc == "Long text ends in an ellipsis."


@pytest.mark.spec("2.4.1", "2.4.2")
def test_vitest_fixture_with_concurrent_fails_skipif_and_only():
    found = fixture("packages/shared-utils/src/math.test.ts")
    assert found.problems == ()
    assert [state(t) for t in found.tests] == [
        (14, "math::adds in parallel", False, None, None, False, ("concurrent",), None),
        (18, "math::clamps in parallel", False, None, None, False, ("concurrent",), None),
        (22, "math::add(%i, %i) is %i", False, None, None, False, ("concurrent", "each"), 2),
        (29, "math::clamp keeps ${MIN} as the floor", False, None, None, False, (), None),
        (33, "math::percent of a zero total is zero", False, None, None, True, ("fails",), None),
        (37, "math::parses numbers written with a dot",
         False, None, 'process.platform === "win32"', False, ("skipIf",), None),
        # A table computed at run time: one test, instances unknown.
        (42, "math::case %s", False, None, None, False, ("each",), None),
        (47, "math::percent::rounds to one decimal", False, None, None, False, ("only",), None),
    ]


@pytest.mark.spec("2.4.1")
def test_describe_context_and_suite_nest_in_qualnames():
    found = found_in("""\
        describe('A', () => {
          context('B', function () {
            suite('C', () => {
              it('deep', () => {});
            });
            specify('spec style', () => {});
          });
          test('shallow', () => {});
        });
        it('top', () => {});
        """)
    assert [(t.line, t.qualname, t.name) for t in found] == [
        (4, "A::B::C::deep", "deep"),
        (6, "A::B::spec style", "spec style"),
        (8, "A::shallow", "shallow"),
        (10, "top", "top"),
    ]


@pytest.mark.spec("2.4.1")
def test_tests_in_helpers_loops_and_hooks_are_found_where_written():
    found = found_in("""\
        function behavesLikeAList(make) {
          it('is empty at first', () => {});
        }
        describe('Stack', () => {
          behavesLikeAList(() => new Stack());
          for (const size of [1, 2, 3]) {
            it(`holds ${size} items`, () => {});
          }
          [1, 2].forEach((n) => it('from forEach ' + n, () => {}));
        });
        """)
    assert [(t.line, t.qualname) for t in found] == [
        (2, "is empty at first"),
        (7, "Stack::holds ${size} items"),
        (9, "Stack::'from forEach ' + n"),
    ]


@pytest.mark.spec("2.4.1")
def test_titles_strings_templates_and_expressions():
    found = found_in("""\
        it('single \\'quoted\\' \\u00e9\\n', () => {});
        it("double", () => {});
        it(`plain template`, () => {});
        it(`value is ${value}`, () => {});
        it(Widget.name, () => {});
        describe(Widget, () => { it('renders', () => {}); });
        it('a' + 'b', () => {});
        """)
    assert [t.name for t in found] == [
        "single 'quoted' é\n", "double", "plain template", "value is ${value}",
        "Widget.name", "renders", "'a' + 'b'"]
    assert found[5].qualname == "Widget::renders"


@pytest.mark.spec("2.4.1")
def test_only_calls_of_exactly_those_names_count():
    found = found_in("""\
        const RE = /^it\\(/;
        RE.test('it(x)');
        /abc/.test(value);
        foo.test('not a test', () => {});
        obj.it('nor this', () => {});
        helpers.describe('nor a describe', () => { it('inside', () => {}); });
        const text = "it('in a string', () => {})";
        const tpl = `test('in a template', () => {})`;
        // it('in a comment', () => {});
        /* describe('in a block comment', () => { it('x', () => {}); }); */
        test.step('a step is not a test', async () => {});
        test.use({ locale: 'fr' });
        test.beforeEach(async () => {});
        test.describe.configure({ mode: 'serial' });
        const t2 = test.extend({ user: async ({}, use) => use(1) });
        it.each([[1]]);
        it();
        it('real', () => {});
        """)
    assert [(t.line, t.qualname) for t in found] == [(6, "inside"), (18, "real")]


@pytest.mark.spec("2.4.1")
def test_a_test_inside_a_test_is_not_a_test_but_a_chained_call_is():
    found = found_in("""\
        it('outer', () => {
          it('nested tests are refused by the runners', () => {});
        });
        it('mocha timeout', function () {}).timeout(5000);
        """)
    assert [t.qualname for t in found] == ["outer", "mocha timeout"]


# --- modifiers ------------------------------------------------------------------------


@pytest.mark.spec("2.4.2")
@pytest.mark.parametrize(("source", "skipped", "reason", "xfail", "markers"), [
    ("it('t', () => {});", False, None, False, ()),
    ("it.skip('t', () => {});", True, None, False, ("skip",)),
    ("test.skip('t', () => {});", True, None, False, ("skip",)),
    ("xit('t', () => {});", True, None, False, ("skip",)),
    ("xtest('t', () => {});", True, None, False, ("skip",)),
    ("xspecify('t', () => {});", True, None, False, ("skip",)),
    ("it.only('t', () => {});", False, None, False, ("only",)),
    ("fit('t', () => {});", False, None, False, ("only",)),
    ("it.todo('t');", True, "todo", False, ("todo",)),
    ("test.todo('t');", True, "todo", False, ("todo",)),
    ("test.concurrent('t', async () => {});", False, None, False, ("concurrent",)),
    ("test.sequential('t', async () => {});", False, None, False, ("sequential",)),
    ("test.fails('t', () => {});", False, None, True, ("fails",)),
    ("test.failing('t', () => {});", False, None, True, ("failing",)),
    ("test.concurrent.only('t', async () => {});", False, None, False, ("concurrent", "only")),
    ("test.concurrent.skip('t', async () => {});", True, None, False, ("concurrent", "skip")),
    ("test.skipIf(true)('t', () => {});", True, None, False, ("skipIf",)),
    ("test.skipIf(false)('t', () => {});", False, None, False, ("skipIf",)),
    ("test.runIf(false)('t', () => {});", True, None, False, ("runIf",)),
    ("test('t', { skip: true }, () => {});", True, None, False, ("skip",)),
    ("test('t', { todo: true }, () => {});", True, "todo", False, ("todo",)),
    ("test('t', { fails: true, only: true }, () => {});", False, None, True, ("fails", "only")),
    ("test('t', { skip: false }, () => {});", False, None, False, ()),
    ("test('t', { skip: 'no network' }, () => {});", True, "no network", False, ("skip",)),
    ("test('t', { tag: ['@smoke', '@fast'] }, async () => {});", False, None, False,
     ("@smoke", "@fast")),
    ("test.fixme('t', async () => {});", True, "fixme", False, ("fixme",)),
    ("test.fail('t', async () => {});", False, None, True, ("fail",)),
])
def test_modifiers_on_a_test(source, skipped, reason, xfail, markers):
    test = one(source)
    assert test.name == "t" and test.qualname == "t" and test.line == 1
    assert (test.skipped, test.skip_reason, test.xfail, test.markers) == (
        skipped, reason, xfail, markers)
    assert test.conditional is None


@pytest.mark.spec("2.4.2")
def test_conditional_skips_are_shown_and_count_as_running():
    found = found_in("""\
        test.skipIf(process.env.CI)('a', () => {});
        test.runIf(isLinux)('b', () => {});
        test('c', { skip: !hasNetwork }, () => {});
        """)
    assert [(t.skipped, t.conditional) for t in found] == [
        (False, "process.env.CI"), (False, "!(isLinux)"), (False, "!hasNetwork")]


@pytest.mark.spec("2.4.2")
@pytest.mark.parametrize(("outer", "skipped", "reason", "markers"), [
    ("describe.skip", True, None, ("skip",)),
    ("xdescribe", True, None, ("skip",)),
    ("xcontext", True, None, ("skip",)),
    ("describe.todo", True, "todo", ("todo",)),
    ("describe.only", False, None, ("only",)),
    ("fdescribe", False, None, ("only",)),
    ("describe.concurrent", False, None, ("concurrent",)),
    ("test.describe.skip", True, None, ("skip",)),
    ("test.describe.fixme", True, "fixme", ("fixme",)),
    ("test.describe.serial", False, None, ("serial",)),
    ("test.describe.parallel.only", False, None, ("parallel", "only")),
])
def test_describe_modifiers_reach_every_test_inside(outer, skipped, reason, markers):
    found = found_in(f"""\
        {outer}('group', () => {{
          it('one', () => {{}});
          describe('inner', () => {{
            it('two', () => {{}});
          }});
        }});
        it('outside', () => {{}});
        """)
    assert [(t.qualname, t.skipped, t.skip_reason, t.markers) for t in found] == [
        ("group::one", skipped, reason, markers),
        ("group::inner::two", skipped, reason, markers),
        ("outside", False, None, ()),
    ]


@pytest.mark.spec("2.4.2")
def test_each_counts_literal_tables_and_keeps_the_title_as_written():
    found = found_in("""\
        it.each([[1, 1, 2], [1, 2, 3], [2, 1, 3]])('adds %i + %i', (a, b, sum) => {});
        test.each([1, 2])('single values %d', (n) => {});
        test.each`
          a    | b    | expected
          ${1} | ${1} | ${2}
          ${1} | ${2} | ${3}
        `('returns $expected when $a is added to $b', ({ a, b, expected }) => {});
        test.each`
          a | b
          ${1} | ${2} | ${3}
        `('ragged table', () => {});
        test.each(rows)('from a variable %s', () => {});
        test.each([...base, [9]])('with a spread %s', () => {});
        test.each([])('empty table', () => {});
        test.for([[1], [2]])('vitest for %i', ([n]) => {});
        test.concurrent.each([[1], [2]])('concurrent each %i', async (n) => {});
        test.skip.each([[1], [2]])('skipped each %i', (n) => {});
        test.each<[number, number]>([[1, 2]])('typed each %i', (a, b) => {});
        """)
    assert [(t.line, t.name, t.params, t.skipped, t.markers) for t in found] == [
        (1, "adds %i + %i", 3, False, ("each",)),
        (2, "single values %d", 2, False, ("each",)),
        (3, "returns $expected when $a is added to $b", 2, False, ("each",)),
        (8, "ragged table", None, False, ("each",)),
        (12, "from a variable %s", None, False, ("each",)),
        (13, "with a spread %s", None, False, ("each",)),
        (14, "empty table", 0, False, ("each",)),
        (15, "vitest for %i", 2, False, ("for",)),
        (16, "concurrent each %i", 2, False, ("concurrent", "each")),
        (17, "skipped each %i", 2, True, ("skip", "each")),
        (18, "typed each %i", 1, False, ("each",)),
    ]


@pytest.mark.spec("2.4.2")
def test_describe_each_multiplies_the_instances_inside():
    found = found_in("""\
        describe.each([['chrome'], ['firefox']])('on %s', (browser) => {
          it('loads', () => {});
          it.each([[1], [2], [3]])('page %i', (n) => {});
          describe.each(browsers)('unknown table %s', () => {
            it('maybe', () => {});
          });
        });
        """)
    assert [(t.qualname, t.params, t.markers) for t in found] == [
        ("on %s::loads", 2, ("each",)),
        ("on %s::page %i", 6, ("each",)),
        ("on %s::unknown table %s::maybe", None, ("each",)),
    ]


# --- Playwright -----------------------------------------------------------------------


@pytest.mark.spec("2.4.1", "2.4.2")
def test_playwright_home_spec():
    found = fixture("e2e-web/tests/home.spec.ts")
    assert found.problems == ()
    webkit = '({ browserName }) => browserName === "webkit"'
    flaky = "color-scheme emulation is flaky on WebKit"
    assert [state(t) for t in found.tests] == [
        (8, "home page::shows the headline", False, None, None, False, (), None),
        (13, "home page::navigates to the docs", False, None, None, False, (), None),
        (18, "home page::renders the flow diagram on phones",
         False, "phone layout only", "!isMobile", False, ("skip",), None),
        (23, "home page::opens the menu with the keyboard",
         True, "fixme", None, False, ("fixme",), None),
        (32, "home page::dark mode::follows the system setting",
         False, flaky, webkit, False, ("skip",), None),
        (37, "home page::dark mode::keeps the logo readable",
         False, flaky, webkit, False, ("@visual", "skip"), None),
        (44, "footer shows the year", False, None, None, False, ("slow",), None),
    ]
    assert found.tests[1].ids == ("5.1",)


@pytest.mark.spec("2.4.1", "2.4.2")
def test_playwright_contact_spec():
    found = fixture("e2e-web/tests/contact.spec.ts")
    assert found.problems == ()
    assert [state(t) for t in found.tests] == [
        (6, "contact form::rejects an invalid email", False, None, None, False, (), None),
        (13, "contact form::delivers a message", False, "needs a webhook to deliver to",
         "process.env.CONTACT_WEBHOOK_URL === undefined", False, ("skip",), None),
        (21, "contact form::attaches a file", True, None, None, False, ("skip",), None),
        (26, "contact form::rate limits repeated posts", False, None, None, True, ("fail",), None),
        (37, "newsletter::subscribes with an email", True, None, None, False, ("skip",), None),
    ]
    assert found.tests[3].xfail_reason == "no rate limiting yet (#128)"


@pytest.mark.spec("2.4.2")
def test_playwright_skip_declares_a_test_or_skips_the_one_around_it():
    found = found_in("""\
        test.skip('declared skipped', async ({ page }) => {});
        test.skip('declared with details', { tag: '@slow' }, async () => {});
        test('skipped inside', async () => {
          test.skip();
        });
        test('skipped with literal true', async () => {
          test.skip(true, 'always');
        });
        test('never skipped', async () => {
          test.skip(false, 'never');
        });
        test('skipped under an if', async ({ browserName }) => {
          if (browserName === 'webkit') {
            test.skip();
          } else {
            test.fixme(isOld, 'old browsers');
          }
        });
        test('skipped by &&', async () => {
          isCI && test.skip();
        });
        test('fixme inside', async () => {
          test.fixme();
        });
        test('expected to fail', async () => {
          test.fail();
        });
        test('fails on a condition only', async () => {
          test.fail(isWindows, 'path separators');
        });
        """)
    assert [(t.qualname, t.skipped, t.skip_reason, t.conditional, t.xfail) for t in found] == [
        ("declared skipped", True, None, None, False),
        ("declared with details", True, None, None, False),
        ("skipped inside", True, None, None, False),
        ("skipped with literal true", True, "always", None, False),
        ("never skipped", False, None, None, False),
        ("skipped under an if", False, "old browsers",
         "browserName === 'webkit' or !(browserName === 'webkit') and isOld", False),
        ("skipped by &&", False, None, "isCI", False),
        ("fixme inside", True, "fixme", None, False),
        ("expected to fail", False, None, None, True),
        # A conditional xfail still runs and still counts.
        ("fails on a condition only", False, None, None, False),
    ]
    assert found[1].markers == ("skip", "@slow")


@pytest.mark.spec("2.4.2")
def test_playwright_skips_in_a_describe_or_hook_reach_every_test_of_the_group():
    found = found_in("""\
        test('before the group', async () => {});
        test.describe('group', () => {
          test('declared before the skip', async () => {});
          test.skip(({ browserName }) => browserName !== 'chromium', 'Chromium only');
          test('declared after the skip', async () => {});
        });
        test.describe('hooks', () => {
          test.beforeEach(async ({ page }) => {
            if (await page.isClosed()) test.skip();
          });
          test('guarded', async () => {});
        });
        test.describe(() => {
          test.fixme();
          test('in an anonymous group', async () => {});
        });
        """)
    chromium = "({ browserName }) => browserName !== 'chromium'"
    assert [(t.qualname, t.skipped, t.skip_reason, t.conditional) for t in found] == [
        ("before the group", False, None, None),
        ("group::declared before the skip", False, "Chromium only", chromium),
        ("group::declared after the skip", False, "Chromium only", chromium),
        ("hooks::guarded", False, None, "await page.isClosed()"),
        ("in an anonymous group", True, "fixme", None),
    ]


@pytest.mark.spec("2.4.2")
def test_a_file_level_skip_reaches_every_test_in_the_file():
    found = found_in("""\
        test.skip(process.platform === 'win32', 'no symlinks on Windows');
        test('a', async () => {});
        test.describe('g', () => { test('b', async () => {}); });
        """)
    assert [(t.qualname, t.conditional, t.skip_reason) for t in found] == [
        ("a", "process.platform === 'win32'", "no symlinks on Windows"),
        ("g::b", "process.platform === 'win32'", "no symlinks on Windows"),
    ]


@pytest.mark.spec("2.4.2")
def test_runtime_skips_of_mocha_jasmine_and_node_test():
    found = found_in("""\
        describe('runtime', function () {
          it('mocha this.skip', function () { this.skip(); });
          it('mocha conditional', function () { if (!db) { this.skip(); } });
          it('jasmine pending', () => { pending('flaky on CI'); });
          it('node t.skip', (t) => { t.skip('not today'); });
          it('node t.todo', (t) => { t.todo(); });
          it('typed context', (ctx: TestContext) => { ctx.skip(); });
          it('other.skip is not the context', (t) => { other.skip(); });
        });
        """, "x.test.ts")
    assert [(t.name, t.skipped, t.skip_reason, t.conditional) for t in found] == [
        ("mocha this.skip", True, None, None),
        ("mocha conditional", False, None, "!db"),
        ("jasmine pending", True, "flaky on CI", None),
        ("node t.skip", True, "not today", None),
        ("node t.todo", True, "todo", None),
        ("typed context", True, None, None),
        ("other.skip is not the context", False, None, None),
    ]


@pytest.mark.spec("2.4.1", "2.4.2")
def test_cypress_spec_with_context_and_xit():
    found = fixture("e2e-web/cypress/e2e/navbar.cy.js")
    assert found.language is Language.JAVASCRIPT and found.kind is TestKind.E2E
    assert [(t.line, t.qualname, t.skipped) for t in found.tests] == [
        (6, "navbar::links to the docs", False),
        (15, "navbar::on a phone::collapses the links into a menu", False),
        (19, "navbar::on a phone::opens the menu", False),
        (25, "navbar::shows the search box", True),
    ]


# --- comments, ids and docs -----------------------------------------------------------------


@pytest.mark.spec("2.4.1")
def test_spec_comments_jsdoc_and_texts():
    found = found_in("""\
        // Checkout behaviour, see 7.1
        describe('checkout 7.2', () => {
          // spec: 3.1.1, 3.1.2
          // covers: 3.4.1 - 3.4.4 (streaming)
          it('pays', () => {});

          // spec: 9.9

          it('a blank line cuts the comment off', () => {});
          setup(); // spec: 8.8 belongs to the line it ends
          it('trailing comments are not above', () => {});
          /**
           * Refunds a paid order.
           *
           * @spec 5.5
           */
          it('refunds', () => {});
          /* spec: 6.6 */ it('inline block comment', () => {});
        });
        """)
    assert [(t.name, t.ids) for t in found] == [
        ("pays", ("3.1.1", "3.1.2", "3.4.1-3.4.4")),
        ("a blank line cuts the comment off", ()),
        ("trailing comments are not above", ()),
        ("refunds", ("5.5",)),
        ("inline block comment", ("6.6",)),
    ]
    pays, _, _, refunds, _ = found
    assert pays.doc is None
    # The title, the comments above, then each describe's title and comments, inside out.
    assert pays.texts == ("spec: 3.1.1, 3.1.2", "covers: 3.4.1 - 3.4.4 (streaming)", "pays",
                          "Checkout behaviour, see 7.1", "checkout 7.2")
    assert refunds.doc == "Refunds a paid order."
    assert refunds.texts[0] == "Refunds a paid order.\n\n@spec 5.5"


@pytest.mark.spec("2.4.1")
def test_spec_comment_on_a_describe_reaches_its_tests():
    found = found_in("""\
        // spec: 2.1
        describe('group', () => {
          // spec: 2.1.3
          it('a', () => {});
          it('b', () => {});
        });
        """)
    assert [(t.name, t.ids) for t in found] == [("a", ("2.1.3", "2.1")), ("b", ("2.1",))]


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.spec("2.4.1", "2.7.4")
@pytest.mark.parametrize("suffix", [".js", ".ts", ".tsx"])
def test_parse_error_is_reported_and_the_other_tests_are_kept(suffix):
    found = parse("""\
        describe('cart', () => {
          it('adds an item', () => {
            expect(add(1)).toBe(1);
          });

          it('removes an item', () => {
            expect(remove(1).toBe(0;
          });

          it('empties the cart', () => {
            expect(empty()).toBe(true);
          });
        });

        test('totals', () => {});
        """, f"src/cart.test{suffix}")
    assert [(p.kind, p.path, p.line) for p in found.problems] == [
        (ProblemKind.PARSE_ERROR, f"src/cart.test{suffix}", 7)]
    assert "syntax error" in found.problems[0].message
    assert [(t.line, t.qualname) for t in found.tests] == [
        (2, "cart::adds an item"), (6, "cart::removes an item"),
        (10, "cart::empties the cart"), (15, "totals")]


@pytest.mark.spec("2.4.1", "2.7.4")
def test_an_unclosed_describe_still_yields_the_tests_before_it():
    found = parse("""\
        it('first', () => {});
        describe('never closed', () => {
          it('inside', () => {});
        """)
    assert [p.line for p in found.problems] and found.problems[0].kind is ProblemKind.PARSE_ERROR
    assert [t.qualname for t in found.tests][:1] == ["first"]


@pytest.mark.spec("2.4.1")
@pytest.mark.parametrize("source", [
    "", "\0\0\0", "it(", "it('x'", "describe(", "))))it(((", "`${it(`",
    "test.each`${`('x', () => {})",
    "(" * 3000 + "it('deep', () => {})" + ")" * 3000,
    "describe('a', () => {" * 400 + "it('x', () => {})" + "})" * 400,
    "it('\ud800', () => {})",  # a lone surrogate, as a broken decoder may leave
    "it.skip.only.each.concurrent.todo.fails('x', () => {})",
])
def test_never_raises(source):
    for suffix in (".js", ".ts", ".tsx"):
        found = JS.parse(source, f"a.test{suffix}", TestKind.UNIT)
        assert isinstance(found, TestFile)


@pytest.mark.spec("2.4.1")
def test_deeply_nested_describes_keep_their_full_qualname():
    found = found_in("describe('a', () => {" * 400 + "it('x', () => {})" + "})" * 400)
    assert [t.qualname for t in found] == ["::".join(["a"] * 400 + ["x"])]


@pytest.mark.spec("2.4.1")
def test_files_without_a_test_call_are_not_parsed(monkeypatch):
    def refuse(name):
        raise AssertionError("parsed a file that cannot hold a test")

    monkeypatch.setattr(js_module, "parser_for", refuse)
    empty = JS.parse("export const itemCount = (cart) => cart.items.length;\n", "a.test.js",
                     TestKind.UNIT)
    assert empty.tests == () and empty.problems == ()
    # The check must not turn away a file whose only tests carry a modifier.
    for source in ("it.skip('x', () => {})", "test.each([1])('x', () => {})",
                   "xdescribe ('x', () => {})", "test\n  .concurrent('x', () => {})"):
        with pytest.raises(AssertionError, match="parsed a file"):
            JS.parse(source, "a.test.js", TestKind.UNIT)


# --- a real runner's listing --------------------------------------------------------------


def _tap_tests(output: str) -> list[tuple[str, str | None, str | None]]:
    """(qualname, SKIP/TODO, reason) of every leaf test in node's TAP output."""
    stack: list[tuple[int, str, list[bool]]] = []  # (indent, name, [has children])
    found = []
    for line in output.splitlines():
        if m := re.match(r"^( *)# Subtest: (.*)$", line):
            indent = len(m.group(1))
            while stack and stack[-1][0] >= indent:
                stack.pop()
            if stack:
                stack[-1][2][0] = True
            stack.append((indent, m.group(2), [False]))
        elif m := re.match(r"^( *)(?:not )?ok \d+ - (.*?)(?: # (SKIP|TODO)(?: (.*))?)?$", line):
            indent = len(m.group(1))
            while stack and stack[-1][0] > indent:
                stack.pop()
            if stack and stack[-1][0] == indent:
                _, name, children = stack.pop()
                if not children[0]:
                    qualname = "::".join([*(n for _, n, _ in stack), name])
                    found.append((qualname, m.group(3), m.group(4)))
    return found


@pytest.mark.spec("2.4.4")
@pytest.mark.skipif(shutil.which("node") is None, reason="needs node on PATH")
def test_static_listing_matches_node_test_runner():
    rel = "packages/shared-utils/src/__tests__/slug.js"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NODE_", "SLUG_"))}
    run = subprocess.run(
        ["node", "--test", "--test-reporter=tap", rel], cwd=MONOREPO, env=env,
        capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    ran = _tap_tests(run.stdout)
    static = fixture(rel).tests
    assert [q for q, _, _ in ran] == [t.qualname for t in static]
    for (qualname, directive, reason), test in zip(ran, static):
        if test.conditional is not None:
            # The condition held in this environment; statically it stays conditional.
            assert (directive, reason) == ("SKIP", test.skip_reason), qualname
        elif directive == "TODO":
            assert (test.skipped, test.skip_reason) == (True, "todo"), qualname
        else:
            assert test.skipped is (directive == "SKIP"), qualname
            assert test.skip_reason == reason, qualname
    assert sum(t.skipped for t in static) == 3 and len(static) == 8
