"""pytest plugin: registers the `spec` marker and can write its ids into JUnit XML properties."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

MARKER = "spec(*ids): the spec cases this test covers, e.g. spec('3.1.1') (read by spectrace)"
OPTION = "--spectrace-junit-properties"
INI = "spectrace_junit_properties"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("spectrace")
    group.addoption(
        OPTION, action="store_true", default=None, dest=INI,
        help="add a <property name=\"spec\"> per id of @pytest.mark.spec to the --junitxml "
             "report, so spectrace links tests it cannot read statically")
    parser.addini(INI, type="bool", default=False,
                  help=f"always behave as if {OPTION} were given")


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, `@pytest.mark.spec` passes --strict-markers in every project that
    # has spectrace installed, without a `markers =` line of its own.
    config.addinivalue_line("markers", MARKER)


def spec_ids(item: pytest.Item) -> list[str]:
    """The ids of every `spec` marker on the test, its class and its module, in that order."""
    ids: Iterable[str] = (str(arg) for mark in item.iter_markers("spec") for arg in mark.args)
    return list(dict.fromkeys(i.strip() for i in ids if str(i).strip()))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    enabled = config.getoption(INI)
    if not (config.getini(INI) if enabled is None else enabled):
        return
    for item in items:
        # The junitxml plugin writes user_properties as <properties> of the testcase.
        item.user_properties.extend(("spec", case_id) for case_id in spec_ids(item))
