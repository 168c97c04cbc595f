"""Python test discovery: pytest's collection rules applied statically, checked against pytest."""

from __future__ import annotations

import os
import pickle
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from spectrace.discover.files import kind_of, list_files, read_text
from spectrace.discover.python import (
    PytestSettings,
    PythonDiscoverer,
    load_pytest_settings,
    read_pytest_settings,
)
from spectrace.model import Language, ProblemKind, Test, TestKind

FIXTURES = Path(__file__).parent / "fixtures"
PYTEST_TREE = FIXTURES / "pytest_tree"
CLI = FIXTURES / "monorepo" / "cli"
E2E = FIXTURES / "monorepo" / "tests" / "e2e"


def parse(source: str, settings: PytestSettings = PytestSettings(),
          path: str = "tests/test_sample.py") -> dict[str, Test]:
    test_file = PythonDiscoverer(settings).parse(textwrap.dedent(source), path, TestKind.UNIT)
    assert test_file.problems == ()
    return {t.qualname: t for t in test_file.tests}


def fixture_file(root: Path, rel: str) -> dict[str, Test]:
    finder = PythonDiscoverer(load_pytest_settings(root))
    assert finder.is_test_file(rel)
    test_file = finder.parse((root / rel).read_text(encoding="utf-8"), rel, kind_of(rel))
    assert test_file.language is Language.PYTHON and test_file.problems == ()
    return {t.qualname: t for t in test_file.tests}


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def summary(test: Test) -> tuple:
    return (test.line, test.skipped, test.skip_reason, test.conditional, test.xfail,
            test.xfail_reason, test.params)


# --- 2.2.1 test functions ------------------------------------------------------------


@pytest.mark.spec("2.2.1")
def test_sync_and_async_functions_and_the_blocks_they_hide_in():
    tests = parse('''
        import sys
        import pytest

        def test_plain():
            pass

        async def test_async():
            pass

        def helper_not_a_test():
            pass

        def tester_is_collected_too():  # "test" is a prefix, as in pytest
            pass

        if sys.version_info >= (3, 11):
            def test_in_if():
                pass
        else:
            def test_in_else():
                pass

        try:
            import tomllib
        except ImportError:
            def test_in_except():
                pass
        else:
            def test_in_try_else():
                pass
        finally:
            def test_in_finally():
                pass

        with open(__file__) as handle:
            def test_in_with():
                pass
    ''')
    assert list(tests) == ["test_plain", "test_async", "tester_is_collected_too", "test_in_if",
                           "test_in_else", "test_in_except", "test_in_try_else",
                           "test_in_finally", "test_in_with"]
    assert tests["test_plain"].line == 5 and tests["test_async"].line == 8
    assert tests["test_in_if"].line == 18 and tests["test_in_with"].line == 37


@pytest.mark.spec("2.2.1")
def test_the_module_namespace_decides_like_pytest():
    tests = parse('''
        import pytest

        def test_twice():
            assert False

        def test_rebound():
            pass

        test_rebound = None  # no longer a function: pytest does not collect it

        def test_deleted():
            pass

        del test_deleted

        @pytest.fixture
        def test_data():  # a fixture named like a test is not a test
            return 1

        def test_disabled():
            pass

        test_disabled.__test__ = False

        def check_enabled():
            pass

        check_enabled.__test__ = True

        class Helper:
            @property
            def test_property(self):
                return 1

        def test_twice():
            assert True

        test_alias = test_twice  # the same function under a second name: collected twice
    ''')
    assert list(tests) == ["test_twice", "check_enabled", "test_alias"]
    # One test, at the last definition, in the position of the first (a dict keeps it).
    assert tests["test_twice"].line == 36 and tests["test_alias"].line == 36


@pytest.mark.spec("2.2.1")
def test_tests_built_by_a_local_factory():
    tests = parse('''
        import pytest

        def _round_trip(codec):
            @pytest.mark.spec("4.2")
            def check(payload=b"x"):
                assert codec.decode(codec.encode(payload)) == payload
            return check

        def _not_a_factory(codec):
            return codec

        test_json_round_trip = _round_trip("json")
        test_msgpack_round_trip = _round_trip("msgpack")
        test_plain_value = _not_a_factory("json")  # not a function: pytest passes it by
    ''')
    assert {q: (t.line, t.ids) for q, t in tests.items()} == {
        "test_json_round_trip": (13, ("4.2",)), "test_msgpack_round_trip": (14, ("4.2",))}


@pytest.mark.spec("2.2.1")
def test_module_dunder_test_false_hides_everything():
    assert parse("__test__ = False\n\ndef test_x():\n    pass\n") == {}


@pytest.mark.spec("2.2.1")
def test_fixture_tree_models_module():
    tests = fixture_file(PYTEST_TREE, "tests/unit/test_models.py")
    assert {q: t.line for q, t in tests.items()} == {
        "test_item_rejects_bad_sku": 14,
        "test_item_rejects_negative_price": 19,
        # Defined at line 25 and again at line 77: pytest runs the later one.
        "test_available_counts_reservations": 77,
        "TestReserve::test_reserve_reduces_available": 34,
        "TestReserve::test_reserve_more_than_available": 39,
        "TestReserve::test_reserve_rejects_non_positive": 44,
        "TestReserve::TestRelease::test_release_returns_quantity": 51,
        "TestReserve::TestRelease::test_release_unknown_order": 56,
    }
    assert tests["TestReserve::TestRelease::test_release_unknown_order"].name == \
        "test_release_unknown_order"


@pytest.mark.spec("2.2.1")
def test_custom_python_functions_and_the_cheap_pre_check():
    source = "def check_roundtrip():\n    pass\n\ndef checksum():\n    pass\n"
    settings = PytestSettings(python_functions=("check_*",))
    assert list(parse(source, settings)) == ["check_roundtrip"]
    # With the defaults this file names nothing pytest collects: it is not even parsed,
    # so not even a syntax error in it is reported.
    finder = PythonDiscoverer()
    broken = finder.parse("def check_roundtrip(:\n", "t/test_x.py", TestKind.UNIT)
    assert broken.tests == () and broken.problems == ()
    # A glob starting with a wildcard defeats the pre-check: every file is parsed.
    anything = PytestSettings(python_functions=("*_should_*",))
    assert list(parse("def it_should_work():\n    pass\n", anything)) == ["it_should_work"]


# --- 2.2.2 test classes --------------------------------------------------------------


@pytest.mark.spec("2.2.2")
def test_test_classes_nesting_inheritance_and_exclusions():
    tests = parse('''
        import abc

        class Base:
            def test_inherited(self):
                pass

            def test_overridden(self):
                pass

        class TestChild(Base):
            def test_overridden(self):
                pass

            def test_own(self):
                pass

            class TestInner:
                def test_deep(self):
                    pass

                class NotMatching:
                    def test_never(self):
                        pass

        class TestWithInit:
            def __init__(self):
                pass

            def test_never(self):
                pass

        class TestInitFromBase(TestWithInit):
            def test_never_either(self):
                pass

        class TestOptedOut:
            __test__ = False

            def test_never(self):
                pass

        class TestOptedOutByBase(TestOptedOut):
            def test_never(self):
                pass

        class Checks:
            __test__ = True

            def test_opted_in(self):
                pass

        class TestAbstract(abc.ABC):
            @abc.abstractmethod
            def make(self):
                ...

            def test_abstract_never(self):
                pass

        class TestConcrete(TestAbstract):
            def make(self):
                return 1
    ''')
    assert list(tests) == [
        "TestChild::test_inherited",  # base-class tests come first, as in pytest
        "TestChild::test_overridden",
        "TestChild::test_own",
        "TestChild::TestInner::test_deep",
        "Checks::test_opted_in",
        "TestConcrete::test_abstract_never",
    ]
    assert tests["TestChild::test_inherited"].line == 5
    assert tests["TestChild::test_overridden"].line == 12  # the override, not the base
    assert tests["TestChild::TestInner::test_deep"].line == 19


@pytest.mark.spec("2.2.2")
def test_classes_with_a_constructor_are_refused_like_pytest_does():
    tests = parse('''
        import dataclasses
        import enum
        import typing
        from dataclasses import dataclass

        @dataclass
        class TestPayload:  # the generated __init__ keeps pytest away
            status: int = 200
            def test_a(self): pass

        @dataclasses.dataclass(init=False)
        class TestNoInit:
            def test_b(self): pass

        class TestTimeoutError(TimeoutError):
            def test_c(self): pass

        class TestKind(str, enum.Enum):
            UNIT = "unit"
            def test_d(self): pass

        class TestRow(typing.NamedTuple):
            status: int
            def test_e(self): pass

        class TestWithNew:
            def __new__(cls): return super().__new__(cls)
            def test_f(self): pass

        class TestPlain(object):
            def test_g(self): pass
    ''')
    assert list(tests) == ["TestNoInit::test_b", "TestPlain::test_g"]


@pytest.mark.spec("2.2.2")
def test_unittest_testcase_subclasses_whatever_their_names():
    tests = parse('''
        import unittest
        import unittest as ut
        from unittest import IsolatedAsyncioTestCase, TestCase as Case

        from django.test import SimpleTestCase

        class Plain(unittest.TestCase):
            def test_b(self):
                pass

            def test_a(self):
                pass

            def helper(self):
                pass

            class TestNested:  # unittest's loader does not recurse: not collected
                def test_never(self):
                    pass

        class Aliased(ut.TestCase):
            def test_x(self):
                pass

        class FromImport(Case):
            def test_x(self):
                pass

        class AsyncCase(IsolatedAsyncioTestCase):
            async def test_x(self):
                pass

        class Views(SimpleTestCase):
            def test_x(self):
                pass

        class Derived(Plain):  # a TestCase through a class of this module
            def test_c(self):
                pass

        class OnlyRunTest(unittest.TestCase):
            def runTest(self):
                pass

        class TestMixin:
            pass

        class TestTyped(TestMixin, unittest.TestCase):
            def check_not_a_unittest_name(self):
                pass
    ''')
    assert list(tests) == [
        "Plain::test_a", "Plain::test_b",  # unittest's loader sorts by name
        "Aliased::test_x", "FromImport::test_x", "AsyncCase::test_x", "Views::test_x",
        "Derived::test_a", "Derived::test_b", "Derived::test_c",
        "OnlyRunTest::runTest",
    ]
    assert tests["Derived::test_a"].line == 12


@pytest.mark.spec("2.2.2")
def test_unittest_ignores_python_functions_but_pytest_classes_honour_it():
    settings = PytestSettings(python_functions=("should_",), python_classes=("*Spec",))
    tests = parse('''
        import unittest

        class LegacyCase(unittest.TestCase):
            def test_old(self):
                pass

            def should_not_count(self):
                pass

        class BasketSpec:
            def should_total(self):
                pass

            def test_not_collected(self):
                pass

        class TestNotAClassAnyMore:
            def should_never(self):
                pass
    ''', settings)
    assert list(tests) == ["LegacyCase::test_old", "BasketSpec::should_total"]


@pytest.mark.spec("2.2.2")
def test_tests_inherited_or_imported_from_other_modules(tmp_path):
    _write(tmp_path, {
        "pyproject.toml": "[tool.pytest.ini_options]\npythonpath = ['lib']\n",
        "tests/__init__.py": "",
        "tests/api/__init__.py": "from .base import ApiContract as ApiContract\n",
        "tests/api/base.py": '''
            import unittest
            from pytest import mark as m

            CODES = [200, 201, 204]

            class ApiContract:
                """API contract 4.1."""

                @m.parametrize("code", CODES)
                def test_success_codes(self, code):
                    pass

                @m.skip(reason="rate limits are per tenant")
                def test_rate_limit(self):
                    pass

            class LegacyBase(unittest.TestCase):
                def test_legacy(self):
                    pass

            def test_shared_smoke():
                pass
        ''',
        "lib/testkit/mixins.py": '''
            class AuthMixin:
                def test_needs_token(self):
                    pass
        ''',
        "tests/api/test_orders.py": '''
            from tests.api import ApiContract
            from testkit.mixins import AuthMixin
            from . import base
            from .base import test_shared_smoke, CODES

            class TestOrders(ApiContract, AuthMixin):
                def test_create(self):
                    pass

            class OrdersLegacy(base.LegacyBase):
                pass

            class TestNotRelated(SomethingUnknown):
                def test_alone(self):
                    pass
        ''',
    })
    finder = PythonDiscoverer(load_pytest_settings(tmp_path))
    text = (tmp_path / "tests/api/test_orders.py").read_text()
    test_file = finder.parse(text, "tests/api/test_orders.py", TestKind.UNIT)
    tests = {t.qualname: t for t in test_file.tests}
    assert {q: summary(t)[:3] + (t.params,) for q, t in tests.items()} == {
        # An imported test function is collected by the module that imports it.
        "test_shared_smoke": (5, False, None, None),
        # Inherited tests show at the class that inherits them.
        "TestOrders::test_needs_token": (7, False, None, None),
        "TestOrders::test_success_codes": (7, False, None, 3),
        "TestOrders::test_rate_limit": (7, True, "rate limits are per tenant", None),
        "TestOrders::test_create": (8, False, None, None),
        "OrdersLegacy::test_legacy": (11, False, None, None),
        "TestNotRelated::test_alone": (15, False, None, None),
    }
    assert tests["TestOrders::test_success_codes"].texts == ("API contract 4.1.",)
    # What the parse read besides the file: a cache must check these too. The package
    # __init__ files are read for module-level skips (see the next test).
    deps = finder.dependencies("tests/api/test_orders.py")
    assert {"lib/testkit/mixins.py", "tests/__init__.py", "tests/api/__init__.py",
            "tests/api/base.py"} <= set(deps)
    # Conftest candidates that do not exist are listed too: one created later must
    # invalidate a cached parse.
    assert "conftest.py" in deps and not (tmp_path / "conftest.py").exists()
    # Text alone (no root to read other modules from) sees only what the file defines.
    alone = PythonDiscoverer().parse(text, "tests/api/test_orders.py", TestKind.UNIT)
    assert [t.qualname for t in alone.tests] == ["TestOrders::test_create",
                                                 "TestNotRelated::test_alone"]


@pytest.mark.spec("2.2.2")
def test_fixture_tree_unittest_module():
    tests = fixture_file(PYTEST_TREE, "tests/unit/test_clock.py")
    assert {q: t.line for q, t in tests.items()} == {
        "FakeClockExpiry::test_fresh_reservation_is_live": 18,  # from the mixin
        "FakeClockExpiry::test_negative_ttl_is_rejected": 53,
        "FakeClockExpiry::test_reservation_expires_after_ttl": 33,  # the override
        "FakeClockExpiry::test_sub_millisecond_ttl": 47,
        "FakeClockExpiry::test_wall_clock_drift": 43,
        "ExpiryLoopTestCase::test_wait_until_expired_returns": 60,
        "ClockRegressionTests::test_advance_is_additive": 69,
        "ClockRegressionTests::test_wait_until_expired_returns": 60,
    }


# --- 2.2.3 parametrize ---------------------------------------------------------------


@pytest.mark.spec("2.2.3")
def test_parameter_sets_are_counted_and_stacks_multiply():
    tests = parse('''
        import pytest
        from pytest import mark, param

        CASES = [(1, 2), (3, 4), (5, 6)]
        MORE = (*CASES, (7, 8))
        parametrize = pytest.mark.parametrize

        @pytest.mark.parametrize("x", [1, 2, 3])
        def test_list(x): pass

        @pytest.mark.parametrize("x", (1, 2))
        def test_tuple(x): pass

        @mark.parametrize("x", [param(1, id="one"), param(2, marks=mark.xfail), 3])
        def test_params(x): pass

        @pytest.mark.parametrize("a", [1, 2])
        @pytest.mark.parametrize("b", [1, 2, 3])
        def test_stacked(a, b): pass

        @pytest.mark.parametrize("a,b", CASES)
        def test_constant(a, b): pass

        @pytest.mark.parametrize("a,b", MORE)
        def test_starred(a, b): pass

        @pytest.mark.parametrize("n", range(2, 7))
        def test_range(n): pass

        @parametrize(argnames="x", argvalues=[1, 2])
        def test_alias_and_keywords(x): pass

        @pytest.mark.parametrize("x", load_cases())
        def test_not_countable(x): pass

        @pytest.mark.parametrize("x", [1, 2])
        @pytest.mark.parametrize("y", [c for c in "ab"])
        def test_partly_countable(x, y): pass

        @pytest.mark.parametrize("x", [])
        def test_empty(x): pass

        def test_plain(): pass

        @pytest.mark.parametrize("currency", ["EUR", "USD"])
        class TestClassLevel:
            @pytest.mark.parametrize("cents", [1, 2, 3])
            def test_method(self, currency, cents): pass

            def test_class_only(self, currency): pass
    ''')
    params = {q: t.params for q, t in tests.items()}
    assert params == {
        "test_list": 3, "test_tuple": 2, "test_params": 3, "test_stacked": 6,
        "test_constant": 3, "test_starred": 4, "test_range": 5, "test_alias_and_keywords": 2,
        "test_not_countable": None, "test_partly_countable": None, "test_empty": 0,
        "test_plain": None, "TestClassLevel::test_method": 6,
        "TestClassLevel::test_class_only": 2,
    }
    # pytest turns an empty parameter set into one skipped test.
    assert tests["test_empty"].skipped and tests["test_empty"].skip_reason == \
        "got empty parameter set"


@pytest.mark.spec("2.2.3")
def test_parametrized_fixtures_multiply_like_parametrize(tmp_path):
    _write(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "tests/conftest.py": '''
            import pytest

            BACKENDS = ["memory", "sqlite", "postgres"]

            @pytest.fixture(params=BACKENDS)
            def store(request):
                return request.param

            @pytest.fixture
            def seeded_store(store):  # parametrized through the fixture it uses
                return store

            @pytest.fixture(params=["utc", "local"])
            def tz(request):
                return request.param

            tz2 = tz  # a second fixture, named like the attribute
        ''',
        "tests/test_store.py": '''
            import pytest
            from pytest import fixture

            CODES = [200, 201]
            CODES.append(204)  # no longer the literal it was bound to

            @fixture(autouse=True, params=[False, True], ids=["sync", "async"])
            def mode(request):
                return request.param

            @pytest.fixture(params=[1, 2])
            def store(request, store):  # overrides the conftest one, and uses it
                return request.param

            def test_plain(): pass

            def test_store(seeded_store, tz, tz2): pass

            @pytest.mark.parametrize("store", ["only-this"])
            def test_store_replaced(store): pass

            @pytest.mark.parametrize("tz", ["utc"], indirect=True)
            def test_tz_indirect(tz): pass

            @pytest.mark.usefixtures("tz")
            def test_uses_fixtures(): pass

            @pytest.mark.parametrize("code", CODES)
            def test_mutated_constant(code): pass

            class TestWithSelf:
                @pytest.fixture(params=["a", "b", "c", "d"])
                def letter(self, request):
                    return request.param

                def test_letter(self, letter, default=3): pass
        ''',
    })
    finder = PythonDiscoverer(load_pytest_settings(tmp_path))
    text = (tmp_path / "tests/test_store.py").read_text()
    tests = finder.parse(text, "tests/test_store.py", TestKind.UNIT).tests
    assert {t.qualname: t.params for t in tests} == {
        "test_plain": 2,  # the autouse fixture
        # mode 2 x store 2 x tz 2 x tz2 2: only the nearest `store` counts, as pytest
        # parametrizes the last definition of a fixture, not the one it overrides.
        "test_store": 2 * 2 * 2 * 2,
        "test_store_replaced": 2 * 1,
        "test_tz_indirect": 2 * 1,
        "test_uses_fixtures": 2 * 2,
        "test_mutated_constant": None,
        "TestWithSelf::test_letter": 2 * 4,
    }
    # Without a root the conftest is out of sight: only what the file itself says.
    alone = PythonDiscoverer().parse(text, "tests/test_store.py", TestKind.UNIT).tests
    assert {t.qualname: t.params for t in alone}["test_store"] == 2  # the module's autouse


@pytest.mark.spec("2.2.3")
def test_module_pytestmark_parametrize_applies_to_every_test():
    tests = parse('''
        import pytest

        pytestmark = pytest.mark.parametrize("backend", ["memory", "sqlite"])

        def test_a(backend): pass

        @pytest.mark.parametrize("n", [1, 2, 3])
        def test_b(backend, n): pass
    ''')
    assert {q: t.params for q, t in tests.items()} == {"test_a": 2, "test_b": 6}


@pytest.mark.spec("2.2.3")
def test_fixture_tree_pricing_module():
    tests = fixture_file(PYTEST_TREE, "tests/unit/test_pricing.py")
    assert {q: t.params for q, t in tests.items()} == {
        "test_volume_discount": 6,
        "test_line_total": 4,
        "test_tax_never_lowers_the_price": 9,
        "TestRounding::test_half_cents_round_to_even": 6,
        "TestRounding::test_zero_stays_zero": 2,
        "test_every_quantity_up_to_a_thousand": None,
    }


# --- 2.2.4 skip, skipif, xfail -------------------------------------------------------


@pytest.mark.spec("2.2.4")
def test_skip_skipif_and_xfail_marks():
    tests = parse('''
        import sys
        import pytest

        @pytest.mark.skip
        def test_bare_skip(): pass

        @pytest.mark.skip("positional reason")
        def test_positional(): pass

        @pytest.mark.skip(reason="keyword reason")
        def test_keyword(): pass

        @pytest.mark.skipif(True, reason="always")
        def test_literal_true(): pass

        @pytest.mark.skipif(1, reason="one")
        def test_literal_one(): pass

        @pytest.mark.skipif("True", reason="string that evaluates true")
        def test_string_true(): pass

        @pytest.mark.skipif(False, reason="never")
        def test_literal_false(): pass

        @pytest.mark.skipif(reason="no condition at all skips")
        def test_no_condition(): pass

        @pytest.mark.skipif(sys.platform == "win32", reason="posix only")
        def test_platform(): pass

        @pytest.mark.skipif("sys.version_info < (3, 12)", reason="needs 3.12")
        def test_string_condition(): pass

        @pytest.mark.skipif(
            sys.platform == "darwin"
            and sys.version_info < (3, 12),
            reason="old macOS Pythons",
        )
        def test_multiline_condition(): pass

        @pytest.mark.xfail(reason="bug 12")
        def test_xfail(): pass

        @pytest.mark.xfail(run=False, reason="crashes the interpreter")
        def test_xfail_not_run(): pass

        @pytest.mark.xfail
        def test_xfail_bare(): pass

        @pytest.mark.xfail(sys.platform == "win32", reason="windows paths")
        def test_xfail_conditional(): pass
    ''')
    assert {q: summary(t)[1:6] for q, t in tests.items()} == {
        "test_bare_skip": (True, "unconditional skip", None, False, None),
        "test_positional": (True, "positional reason", None, False, None),
        "test_keyword": (True, "keyword reason", None, False, None),
        "test_literal_true": (True, "always", None, False, None),
        "test_literal_one": (True, "one", None, False, None),
        "test_string_true": (True, "string that evaluates true", None, False, None),
        "test_literal_false": (False, None, None, False, None),
        "test_no_condition": (True, "no condition at all skips", None, False, None),
        "test_platform": (False, "posix only", 'sys.platform == "win32"', False, None),
        "test_string_condition": (False, "needs 3.12", "sys.version_info < (3, 12)", False,
                                  None),
        "test_multiline_condition": (
            False, "old macOS Pythons",
            'sys.platform == "darwin" and sys.version_info < (3, 12)', False, None),
        "test_xfail": (False, None, None, True, "bug 12"),
        "test_xfail_not_run": (False, None, None, True, "crashes the interpreter"),
        "test_xfail_bare": (False, None, None, True, None),
        # Where the condition is false the test runs normally: it counts as running.
        "test_xfail_conditional": (False, None, None, False, None),
    }


@pytest.mark.spec("2.2.4")
def test_unittest_decorators_and_class_level_skips():
    tests = parse('''
        import sys
        import unittest
        from unittest import skip, skipUnless

        class Case(unittest.TestCase):
            @skip("flaky on CI")
            def test_skip(self): pass

            @unittest.skipIf(sys.platform == "win32", "posix only")
            def test_skip_if(self): pass

            @skipUnless(sys.platform.startswith("linux"), "linux only")
            def test_skip_unless(self): pass

            @unittest.skipUnless(False, "never runs")
            def test_skip_unless_false(self): pass

            @unittest.expectedFailure
            def test_expected_failure(self): pass

        @unittest.skip("whole class")
        class SkippedCase(unittest.TestCase):
            def test_x(self): pass

        @unittest.skip("subclasses inherit it")
        class SkippedBase(unittest.TestCase):
            pass

        class SkippedChild(SkippedBase):
            def test_y(self): pass
    ''')
    assert {q: summary(t)[1:5] for q, t in tests.items()} == {
        "Case::test_expected_failure": (False, None, None, True),
        "Case::test_skip": (True, "flaky on CI", None, False),
        "Case::test_skip_if": (False, "posix only", 'sys.platform == "win32"', False),
        "Case::test_skip_unless": (False, "linux only",
                                   'not (sys.platform.startswith("linux"))', False),
        "Case::test_skip_unless_false": (True, "never runs", None, False),
        "SkippedCase::test_x": (True, "whole class", None, False),
        "SkippedChild::test_y": (True, "subclasses inherit it", None, False),
    }


@pytest.mark.spec("2.2.4")
def test_class_marks_pytestmark_and_aliases():
    tests = parse('''
        import sys
        import pytest as pt
        from pytest import mark

        pytestmark = [mark.integration, pt.mark.skipif(sys.platform == "win32", reason="posix")]
        windows_only = pt.mark.skipif(sys.platform != "win32", reason="windows only")

        @mark.xfail(reason="all of them")
        class TestOuter:
            pytestmark = mark.slow

            def test_a(self): pass

            class TestInner:
                @windows_only
                def test_b(self): pass

        class TestChild(TestOuter):
            def test_c(self): pass
    ''')
    a = tests["TestOuter::test_a"]
    assert (a.xfail, a.xfail_reason, a.conditional, a.skip_reason) == \
        (True, "all of them", 'sys.platform == "win32"', "posix")
    assert a.markers == ("xfail", "slow", "integration", "skipif")
    b = tests["TestOuter::TestInner::test_b"]
    # The closest mark comes first, as pytest's iter_markers yields it.
    assert b.conditional == 'sys.platform != "win32" or sys.platform == "win32"'
    assert b.skip_reason == "windows only" and b.xfail
    # A subclass inherits the tests, the nested class and the marks of its base.
    assert list(tests) == ["TestOuter::test_a", "TestOuter::TestInner::test_b",
                           "TestChild::test_a", "TestChild::TestInner::test_b",
                           "TestChild::test_c"]
    c = tests["TestChild::test_c"]
    assert c.xfail and c.markers == ("xfail", "slow", "integration", "skipif")


@pytest.mark.spec("2.2.4")
def test_module_level_skips_and_importorskip():
    skipped = parse('''
        import pytest

        pytest.skip("retired in 2.0", allow_module_level=True)

        def test_x(): pass
    ''')
    assert summary(skipped["test_x"])[1:4] == (True, "retired in 2.0", None)

    conditional = parse('''
        import sys
        import pytest

        if sys.platform == "win32":
            pytest.skip("posix only", allow_module_level=True)

        np = pytest.importorskip("numpy")

        def test_x(): pass
    ''')
    assert summary(conditional["test_x"])[1:4] == (
        False, "posix only", 'sys.platform == "win32" or pytest.importorskip("numpy")')

    raised = parse('''
        import unittest
        raise unittest.SkipTest("no display")

        def test_x(): pass
    ''')
    assert raised["test_x"].skipped and raised["test_x"].skip_reason == "no display"

    guarded = parse('''
        import sys
        import pytest

        try:
            import yaml
        except ImportError:
            pytest.skip("needs PyYAML", allow_module_level=True)

        if sys.platform == "linux":
            pass
        else:
            pytest.skip(reason="linux only", allow_module_level=True)

        def test_x(): pass
    ''')
    assert summary(guarded["test_x"])[1:4] == (
        False, "needs PyYAML", 'except ImportError or not (sys.platform == "linux")')


@pytest.mark.spec("2.2.4")
def test_skips_in_conftest_and_package_init_reach_every_test_below(tmp_path):
    _write(tmp_path, {
        "pytest.ini": "[pytest]\n",
        "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef db(): pass\n",
        "tests/gpu/conftest.py": '''
            import pytest
            torch = pytest.importorskip("torch")
        ''',
        "tests/gpu/test_kernels.py": "def test_matmul(): pass\n",
        "tests/legacy/__init__.py": '''
            import pytest
            pytest.skip("the v1 API is gone", allow_module_level=True)
        ''',
        "tests/legacy/test_v1.py": "def test_v1(): pass\n",
        "tests/test_plain.py": "def test_plain(): pass\n",
    })
    finder = PythonDiscoverer(load_pytest_settings(tmp_path))
    found = {}
    for rel in ("tests/gpu/test_kernels.py", "tests/legacy/test_v1.py", "tests/test_plain.py"):
        (test,) = finder.parse((tmp_path / rel).read_text(), rel, TestKind.UNIT).tests
        found[rel] = (test.skipped, test.skip_reason, test.conditional)
    assert found == {
        "tests/gpu/test_kernels.py": (False, "could not import 'torch'",
                                      'pytest.importorskip("torch")'),
        "tests/legacy/test_v1.py": (True, "the v1 API is gone", None),
        "tests/test_plain.py": (False, None, None),
    }
    assert {"tests/conftest.py", "tests/gpu/conftest.py"} <= set(
        finder.dependencies("tests/gpu/test_kernels.py"))


@pytest.mark.spec("2.2.4")
def test_a_skip_opening_the_body():
    tests = parse('''
        import os
        import unittest
        import pytest

        def test_pytest_skip():
            """Docstrings come first."""
            pytest.skip("not on this backend")

        def test_skip_later():
            assert True
            pytest.skip("too late to count")

        def test_conditional_skip():
            if not os.environ.get("TOKEN"):
                pytest.skip("needs TOKEN")
            assert True

        def test_body_xfail():
            pytest.xfail("known bug")

        def test_body_importorskip():
            yaml = pytest.importorskip("yaml", reason="needs PyYAML")

        class Case(unittest.TestCase):
            def test_skip_test(self):
                self.skipTest("needs a GPU")

            def test_raise_skip(self):
                raise unittest.SkipTest("no network")
    ''')
    assert {q: summary(t)[1:5] for q, t in tests.items()} == {
        "test_pytest_skip": (True, "not on this backend", None, False),
        "test_skip_later": (False, None, None, False),
        "test_conditional_skip": (False, "needs TOKEN", 'not os.environ.get("TOKEN")', False),
        "test_body_xfail": (False, None, None, True),
        "test_body_importorskip": (False, "needs PyYAML",
                                   'pytest.importorskip("yaml", reason="needs PyYAML")', False),
        "Case::test_raise_skip": (True, "no network", None, False),
        "Case::test_skip_test": (True, "needs a GPU", None, False),
    }


@pytest.mark.spec("2.2.4")
def test_fixture_skips_with_reasons():
    store = fixture_file(PYTEST_TREE, "tests/integration/test_sqlite_store.py")
    assert {q: summary(t)[1:6] for q, t in store.items()} == {
        "test_levels_survive_reopen": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', False,
            None),
        "test_negative_stock_violates_the_check": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', False,
            None),
        "test_second_writer_waits": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3") or '
            'sys.platform.startswith("win")', False, None),
        "test_reads_follow_the_replica": (
            True, "needs the replica from docker-compose.replica.yml", None, False, None),
        "test_reservations_persist": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', True,
            "reservations are not persisted yet (INV-102)"),
        "test_huge_sku_list": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', True,
            "crashes the sqlite3 module on 3.9"),
        "test_many_writers_soak": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3") or '
            "os.environ.get('INVENTORY_SOAK') != '1'", False, None),
        "test_returning_clause": (
            True, "RETURNING needs SQLite 3.35", None, False, None),
        "test_blob_api_is_available": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', False,
            None),
        "test_async_reserve_then_persist": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', False,
            None),
        "test_environment_is_clean": (
            False, "Python built without sqlite3",
            'pytest.importorskip("sqlite3", reason="Python built without sqlite3")', False,
            None),
    }
    assert store["test_returning_clause"].line == 87  # the `else:` definition wins
    legacy = fixture_file(PYTEST_TREE, "tests/integration/test_legacy_sync.py")
    reason = "v1 sync was retired in 2.0; tests kept for the migration window"
    assert {q: (t.skipped, t.skip_reason) for q, t in legacy.items()} == {
        "test_sync_uploads_levels": (True, reason),
        "TestSyncRetries::test_retries_three_times": (True, reason),
    }
    e2e = fixture_file(E2E, "test_providers.py")
    bedrock = [q for q, t in e2e.items() if t.skip_reason == "Bedrock is unreliable in CI"]
    assert bedrock == ["test_bedrock_guardrail_blocks_pii", "test_bedrock_cross_region_inference"]
    assert all(e2e[q].skipped for q in bedrock)
    assert e2e["test_mistral_large"].conditional == 'os.environ.get("MISTRAL_API_KEY") is None'
    assert not e2e["test_mistral_large"].skipped


# --- 2.2.5 markers, ids, docstrings, comments ----------------------------------------


@pytest.mark.spec("2.2.5")
def test_markers_spec_ids_docstrings_and_comments():
    tests = parse('''
        import pytest

        pytestmark = pytest.mark.spec("9.9")

        @pytest.mark.spec("3.1.1", "3.1.2")
        @pytest.mark.slow
        @pytest.mark.asyncio
        async def test_marked():
            """Streams frames to the client.

            Also touches 5.5.5 in passing.
            """

        # Regression for issue 412.
        # spec: 3.2.1, 3.2.2 3.2.3
        # covers: 3.4.1 - 3.4.4
        @pytest.mark.slow
        def test_commented():
            pass

        # spec: 7.7.7

        def test_blank_line_breaks_the_block():
            pass

        def test_docstring_id():
            """Spec: CM-2.4.1, REQ-12

            The first line names the cases.
            """

        class TestOuter:
            """Outer area 6.1."""

            class TestInner:
                """Inner feature 6.1.2."""

                @pytest.mark.spec(["6.1.2.1", "6.1.2.2"])
                def test_method(self):
                    "One-line docstring."
    ''')
    marked = tests["test_marked"]
    assert marked.markers == ("spec", "slow", "asyncio")
    assert marked.ids == ("3.1.1", "3.1.2", "9.9")
    assert marked.doc == "Streams frames to the client."
    assert marked.texts == ("Streams frames to the client.\n\nAlso touches 5.5.5 in passing.",)

    commented = tests["test_commented"]
    assert commented.ids == ("3.2.1", "3.2.2", "3.2.3", "3.4.1-3.4.4", "9.9")
    assert commented.texts == ("Regression for issue 412.", "spec: 3.2.1, 3.2.2 3.2.3",
                               "covers: 3.4.1 - 3.4.4")
    assert commented.doc is None

    assert tests["test_blank_line_breaks_the_block"].ids == ("9.9",)
    assert tests["test_blank_line_breaks_the_block"].texts == ()
    assert tests["test_docstring_id"].ids == ("CM-2.4.1", "REQ-12", "9.9")
    assert tests["test_docstring_id"].doc == "Spec: CM-2.4.1, REQ-12"

    method = tests["TestOuter::TestInner::test_method"]
    assert method.ids == ("6.1.2.1", "6.1.2.2", "9.9")
    assert method.texts == ("One-line docstring.", "Inner feature 6.1.2.", "Outer area 6.1.")


@pytest.mark.spec("2.2.5")
def test_fixture_markers_and_ids():
    models = fixture_file(PYTEST_TREE, "tests/unit/test_models.py")
    assert models["test_item_rejects_bad_sku"].ids == ("1.1.1",)
    assert models["TestReserve::test_reserve_more_than_available"].ids == ("1.2.2",)
    assert models["TestReserve::TestRelease::test_release_returns_quantity"].texts == (
        "Releasing a reservation gives the stock back.", "Reserving stock for an order (1.2).")
    pricing = fixture_file(PYTEST_TREE, "tests/unit/test_pricing.py")
    assert pricing["test_line_total"].ids == ("2.1", "2.2")
    assert pricing["test_line_total"].markers == ("spec", "parametrize")
    assert pricing["test_every_quantity_up_to_a_thousand"].doc == \
        "Exhaustive check of the tier boundaries."
    store = fixture_file(PYTEST_TREE, "tests/integration/test_sqlite_store.py")
    assert store["test_many_writers_soak"].markers == ("slow", "skipif", "integration", "spec")
    assert store["test_many_writers_soak"].ids == ("3.1",)
    chat = fixture_file(E2E, "test_chat_completions.py")
    assert chat["TestChatCompletions::test_non_streaming"].ids == ("3.1.1",)
    assert chat["TestChatCompletions::test_streaming_ends_with_done"].ids == ("3.1.2",)


# --- 2.2.6 the repository's pytest configuration -------------------------------------


@pytest.mark.spec("2.2.6")
@pytest.mark.parametrize(
    ("files", "expected_file", "expected_functions"),
    [
        pytest.param({"pytest.ini": "[pytest]\npython_functions = check\n",
                      "pyproject.toml": "[tool.pytest.ini_options]\npython_functions = 'x'\n"},
                     "pytest.ini", ("check",), id="pytest.ini-beats-pyproject"),
        pytest.param({"pytest.ini": "# empty, still pytest's config file\n",
                      "tox.ini": "[pytest]\npython_functions = x\n"},
                     "pytest.ini", ("test",), id="empty-pytest.ini-still-wins"),
        pytest.param({"pyproject.toml": "[project]\nname = 'x'\n",
                      "tox.ini": "[pytest]\npython_functions = check should\n"},
                     "tox.ini", ("check", "should"), id="pyproject-without-table-is-skipped"),
        pytest.param({"pyproject.toml": "[tool.pytest.ini_options]\n"
                                        "python_functions = ['check', 'verify']\n"},
                     "pyproject.toml", ("check", "verify"), id="pyproject-ini-options"),
        pytest.param({"pyproject.toml": "[tool.pytest]\npython_functions = ['spec_']\n"},
                     "pyproject.toml", ("spec_",), id="pyproject-native-table"),
        pytest.param({"pytest.toml": "[pytest]\npython_functions = ['t_']\n",
                      "pytest.ini": "[pytest]\npython_functions = x\n"},
                     "pytest.toml", ("t_",), id="pytest.toml-first"),
        pytest.param({"tox.ini": "[tox]\nenvlist = py311\n",
                      "setup.cfg": "[tool:pytest]\npython_functions = it_\n"},
                     "setup.cfg", ("it_",), id="setup.cfg-tool-pytest"),
        pytest.param({"setup.cfg": "[metadata]\nname = x\n"}, None, ("test",), id="none"),
    ],
)
def test_config_file_precedence(tmp_path, files, expected_file, expected_functions):
    settings, problem = read_pytest_settings(_write(tmp_path, files))
    assert problem is None
    assert settings.config_file == expected_file
    assert settings.python_functions == expected_functions


@pytest.mark.spec("2.2.6")
def test_config_values_are_read_like_pytest(tmp_path):
    _write(tmp_path, {"setup.cfg": """
        [tool:pytest]
        testpaths =
            tests
            integration
        python_files = check_*.py test_*.py
        python_classes = Test *Suite
        norecursedirs = fixtures .*
        addopts = -ra --ignore=tests/legacy --ignore-glob "tests/*/generated_*.py"
    """})
    settings = load_pytest_settings(tmp_path)
    assert settings == PytestSettings(
        python_files=("check_*.py", "test_*.py"), python_classes=("Test", "*Suite"),
        testpaths=("tests", "integration"), norecursedirs=("fixtures", ".*"),
        ignore=("tests/legacy",), ignore_glob=("tests/*/generated_*.py",),
        config_file="setup.cfg")
    assert settings.root == tmp_path


@pytest.mark.spec("2.2.6")
@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("pyproject.toml", "[tool.pytest.ini_options]\ntestpaths = [\n", 3),
        ("pytest.ini", "[pytest]\n  indented = first\n[pytest]\nx\n", None),
        ("setup.cfg", "no section header\n", 1),
    ],
)
def test_malformed_config_gives_defaults_and_a_problem(tmp_path, name, text, line):
    (tmp_path / name).write_text(text)
    settings, problem = read_pytest_settings(tmp_path)
    assert settings == PytestSettings()
    assert problem is not None and problem.kind is ProblemKind.PARSE_ERROR
    assert problem.path == name and problem.message.startswith("invalid pytest configuration")
    if line is not None:
        assert problem.line == line
    assert load_pytest_settings(tmp_path) == PytestSettings()


@pytest.mark.spec("2.2.6")
def test_which_files_are_test_files():
    finder = PythonDiscoverer(PytestSettings(
        python_files=("test_*.py", "check_*.py"), testpaths=("tests", "packages/*/tests"),
        ignore=("tests/legacy",), ignore_glob=("tests/*/generated_*.py",)))
    yes = ["tests/test_a.py", "tests/unit/check_storage.py", "packages/api/tests/test_b.py"]
    no = [
        "test_top_level.py",  # outside testpaths
        "scripts/test_release.py",
        "tests/a_test.py",  # not in python_files here
        "tests/test_a.pyc", "tests/conftest.py", "tests/helpers.py",
        "tests/.hidden/test_a.py", "tests/node_modules/test_a.py", "tests/build/test_a.py",
        "tests/pkg.egg/test_a.py", "tests/__pycache__/test_a.py",  # norecursedirs defaults
        "tests/legacy/test_old.py", "tests/unit/generated_test_x.py",
        "tests/unit/generated_x.py",
    ]
    assert [p for p in yes + no if finder.is_test_file(p)] == yes
    defaults = PythonDiscoverer()
    assert defaults.is_test_file("test_top_level.py") and defaults.is_test_file("src/a_test.py")
    assert not defaults.is_test_file("venv/lib/test_x.py")
    # A testpaths entry naming a file collects it whatever its name.
    named = PythonDiscoverer(PytestSettings(testpaths=("smoke.py",)))
    assert named.is_test_file("smoke.py") and not named.is_test_file("tests/test_a.py")
    # Patterns with a slash match the path, as pytest's fnmatch_ex does.
    pathed = PythonDiscoverer(PytestSettings(python_files=("tests/*/check_*.py",)))
    assert pathed.is_test_file("tests/unit/check_x.py")
    assert not pathed.is_test_file("check_x.py")


@pytest.mark.spec("2.2.6")
def test_conftest_collect_ignore_is_honoured(tmp_path):
    _write(tmp_path, {
        "conftest.py": 'collect_ignore = ["setup.py", "docs"]\n',
        "tests/conftest.py": 'collect_ignore_glob = ["fixtures/*"]\n'
                             'collect_ignore_glob.append("*_slow_test.py")\n',
        "tests/deep/conftest.py": 'collect_ignore = ["test_broken.py"]\n',
    })
    finder = PythonDiscoverer(load_pytest_settings(tmp_path))
    paths = ["docs/test_examples.py", "tests/fixtures/repo/test_a.py", "tests/test_a.py",
             "tests/unit/test_b.py", "tests/unit/x_slow_test.py", "tests/deep/test_broken.py",
             "tests/deep/test_fine.py", "test_root.py"]
    assert [p for p in paths if finder.is_test_file(p)] == [
        "tests/test_a.py", "tests/unit/test_b.py", "tests/deep/test_fine.py", "test_root.py"]
    # Without a root, nothing is read from disk.
    assert PythonDiscoverer().is_test_file("tests/fixtures/repo/test_a.py")


@pytest.mark.spec("2.2.6")
def test_our_own_repository_ignores_its_fixture_tests():
    root = Path(__file__).parent.parent
    finder = PythonDiscoverer(load_pytest_settings(root))
    assert finder.is_test_file("tests/test_discover_python.py")
    assert not finder.is_test_file("tests/fixtures/pytest_tree/tests/unit/test_models.py")


# --- 2.2.7 syntax errors -------------------------------------------------------------


@pytest.mark.spec("2.2.7")
@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("import pytest\n\ndef test_ok():\n    pass\n\ndef test_bad(:\n    pass\n",
         "invalid syntax: .+", 6),
        ("def test_x():\n  if True:\n\tpass\n        pass\n",
         "invalid syntax: inconsistent use of tabs and spaces in indentation", 3),
        ("def test_x():\n    pass\n\x00\n", "invalid syntax: source contains a NUL byte", 3),
        ("def test_x():\n    return " + "(" * 300 + ")" * 300 + "\n",
         "invalid syntax: too many nested parentheses", 2),
        ("def test_x():\n    return " + "-" * 100_000 + "1\n", "cannot parse: nested too deeply",
         None),
    ],
    ids=["syntax", "indentation", "nul-byte", "nested-parens", "deep-expression"],
)
def test_a_file_that_does_not_parse_is_a_problem(source, message, line):
    test_file = PythonDiscoverer().parse(source, "tests/test_bad.py", TestKind.UNIT)
    assert test_file.tests == ()
    (problem,) = test_file.problems
    assert problem.kind is ProblemKind.PARSE_ERROR and problem.path == "tests/test_bad.py"
    assert re.fullmatch(message, problem.message)
    assert problem.line == line


# --- 2.2.8 the same tests as pytest --------------------------------------------------


COMPARED = {"pytest_tree": PYTEST_TREE, "cli": CLI, "e2e": E2E}


@pytest.fixture(scope="module")
def pytest_runs() -> dict[str, subprocess.Popen]:
    """`pytest --collect-only` in every fixture repository, all started at once."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    # Installed plugins neither change node ids nor belong to the fixtures; leaving them
    # out keeps the comparison the same everywhere (and saves seconds of start-up).
    env.update(PYTHONDONTWRITEBYTECODE="1", PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-rs",
               "-p", "no:cacheprovider"]
    runs = {name: subprocess.Popen(command, cwd=root, env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for name, root in COMPARED.items()}
    yield runs
    for run in runs.values():
        if run.poll() is None:
            run.kill()
            run.wait()


def _pytest_collects(run: subprocess.Popen) -> tuple[Counter[str], dict[str, str]]:
    """Items per node id (parameters stripped) pytest collected, and the files it skipped
    while importing them, with the reason it gave."""
    output, _ = run.communicate(timeout=120)
    assert run.returncode == 0, output
    ids: Counter[str] = Counter()
    skipped_files: dict[str, str] = {}
    for line in output.splitlines():
        found = re.match(r"SKIPPED \[\d+\] (\S+?):\d+: (.*)$", line)
        if found:
            skipped_files[found.group(1)] = found.group(2)
        elif "::" in line and not line.startswith(" "):
            path, _, rest = line.partition("::")
            ids[f"{path}::{rest.split('[', 1)[0]}"] += 1
    return ids, skipped_files


def _spectrace_finds(root: Path) -> dict[str, Test]:
    # Round-tripped through pickle, as a discoverer sent to a worker process would be.
    finder = pickle.loads(pickle.dumps(PythonDiscoverer(load_pytest_settings(root))))
    paths, problems = list_files(root)
    assert problems == []
    found: dict[str, Test] = {}
    for path in paths:
        if finder.is_test_file(path):
            test_file = finder.parse(read_text(root, path).text, path, kind_of(path))
            assert test_file.problems == ()
            found.update((test_file.node_id(t), t) for t in test_file.tests)
    return found


@pytest.mark.spec("2.2.8")
@pytest.mark.parametrize("name", list(COMPARED))
def test_static_tests_equal_pytest_collect_only(pytest_runs, name):
    collected, skipped = _pytest_collects(pytest_runs[name])
    static = _spectrace_finds(COMPARED[name])
    # A module (or a conftest.py: its whole folder) that pytest skips while importing it
    # yields no node ids. Statically its tests are listed, skipped or conditional, with
    # the reason pytest gives.
    def skipped_by(node: str) -> str | None:
        path = node.split("::")[0]
        for where in skipped:
            if path == where or (where.endswith("/conftest.py")
                                 and path.startswith(where[: -len("conftest.py")])):
                return where
        return None

    for where, reason in skipped.items():
        below = [t for node, t in static.items() if skipped_by(node) == where]
        assert below, where
        for test in below:
            assert (test.skipped or test.conditional) and test.skip_reason == reason
    kept = {node for node in static if skipped_by(node) is None}
    assert kept == set(collected)
    assert len(collected) > 15
    # Parametrize marks and parametrized fixtures make as many items as pytest makes.
    assert {node: static[node].params or 1 for node in kept} == dict(collected)
