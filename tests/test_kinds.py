"""Test kinds: unit / integration / e2e by path conventions, and the `kinds:` config section."""

from __future__ import annotations

import os

import pytest

from spectrace.config import build_config
from spectrace.discover import scan
from spectrace.discover.files import KindRules, kind_of, kind_rules
from spectrace.errors import ConfigError
from spectrace.model import TestKind


@pytest.mark.spec("2.1.5")
@pytest.mark.parametrize(("path", "kind"), [
    ("e2e-web/tests/home.spec.ts", TestKind.E2E),
    ("apps/web-e2e/src/login.ts", TestKind.E2E),
    ("tests/e2e_tests/test_flow.py", TestKind.E2E),
    ("apps/web/src/login.cy.ts", TestKind.E2E),
    ("crates/common/tests/http.rs", TestKind.INTEGRATION),  # Cargo's integration tests
    ("crates/common/src/lib.rs", TestKind.UNIT),
    ("pkg/e2eish/test_a.py", TestKind.UNIT),
])
def test_more_path_conventions(path, kind):
    assert kind_of(path) is kind


def _config(tmp_path, text: str):
    (tmp_path / "spectrace.yaml").write_text(text)
    return build_config(tmp_path)


@pytest.mark.spec("2.1.5")
def test_configured_patterns_come_before_the_conventions(tmp_path):
    rules = kind_rules(_config(tmp_path, "kinds:\n  unit: ['tests/e2e/test_fast.py']\n"
                                         "  e2e: [smoke/, '**/*_journey.py']\n"
                                         "  integration: tests/db/\n"))
    assert rules == KindRules(((TestKind.E2E, ("smoke/", "**/*_journey.py")),
                               (TestKind.INTEGRATION, ("tests/db/",)),
                               (TestKind.UNIT, ("tests/e2e/test_fast.py",))))
    assert kind_of("smoke/test_login.py", rules) is TestKind.E2E
    assert kind_of("pkg/checkout_journey.py", rules) is TestKind.E2E
    assert kind_of("tests/db/test_pool.py", rules) is TestKind.INTEGRATION
    assert kind_of("tests/e2e/test_fast.py", rules) is TestKind.UNIT
    assert kind_of("tests/e2e/test_slow.py", rules) is TestKind.E2E  # conventions still apply
    (tmp_path / "bare").mkdir()
    assert kind_rules(build_config(tmp_path / "bare")) == KindRules()


@pytest.mark.spec("2.1.5")
@pytest.mark.parametrize(("text", "message"), [
    ("kinds: [e2e]\n", "spectrace.yaml:1: `kinds` must map e2e, integration or unit"),
    ("title: x\nkinds:\n  smoke: [a/]\n",
     "spectrace.yaml:3: unknown test kind 'smoke' in `kinds`; use e2e, integration or unit"),
    ("kinds:\n  e2e: {a: 1}\n", "spectrace.yaml:2: `kinds.e2e` must be a list of path patterns"),
])
def test_bad_kinds_sections_name_file_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError) as error:
        kind_rules(_config(tmp_path, text))
    assert str(error.value).startswith(message)


@pytest.mark.spec("2.1.5")
def test_scan_uses_the_configured_kinds_and_the_cache_follows_them(tmp_path):
    repo = tmp_path / "repo"
    (repo / "smoke").mkdir(parents=True)
    test = repo / "smoke" / "test_up.py"
    test.write_text("def test_up():\n    pass\n")
    os.utime(test, (1_600_000_000, 1_600_000_000))  # old enough to be cached
    cache = {"cache_dir": tmp_path / "cache"}
    assert [f.kind for f in scan(build_config(repo, overrides=cache)).files] == [TestKind.UNIT]
    (repo / "spectrace.yaml").write_text("kinds:\n  e2e: [smoke/]\n")
    assert [f.kind for f in scan(build_config(repo, overrides=cache)).files] == [TestKind.E2E]
