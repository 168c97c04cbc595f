"""Gap markers: a team's own marker (`@pytest.mark.known_gap`) that documents a known gap."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from spectrace.config import Config
from spectrace.errors import ConfigError
from spectrace.model import Scan, Test

SECTION = "gap_markers"


def gap_markers(config: Config) -> tuple[str, ...]:
    """The `gap_markers:` setting (or --gap-marker flags), checked."""
    value: Any = config.extra.get(SECTION)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    line = getattr(value, "line", None)
    if not isinstance(value, list | tuple) or not all(
            isinstance(v, str) and v.strip() for v in value):
        raise ConfigError("gap_markers: expected a list of marker names", config.source, line)
    return tuple(dict.fromkeys(_name(v) for v in value))


def _name(marker: str) -> str:
    """`@pytest.mark.known_gap("why")` and `known_gap` are the same marker."""
    text = marker.strip().lstrip("@#[").split("(", 1)[0].rstrip("]")
    return re.sub(r"^(pytest\.)?mark\.", "", text).strip()


def is_gap(test: Test, gaps: tuple[str, ...]) -> bool:
    return bool(gaps) and any(_name(m) in gaps for m in test.markers)


def gap_tests(scan: Scan, gaps: tuple[str, ...]) -> list[str]:
    """Node ids of the tests carrying a gap marker."""
    if not gaps:
        return []
    return [f.node_id(t) for f in scan.files for t in f.tests if is_gap(t, gaps)]


def mark_gaps(scan: Scan, gaps: tuple[str, ...]) -> Scan:
    """The scan with gap-marked tests expected to fail, so they count as known gaps."""
    if not gaps:
        return scan
    files = []
    for test_file in scan.files:
        tests = tuple(
            replace(t, xfail=True, xfail_reason=t.xfail_reason or "known gap")
            if is_gap(t, gaps) and not t.xfail else t
            for t in test_file.tests)
        files.append(replace(test_file, tests=tests) if tests != test_file.tests else test_file)
    return replace(scan, files=tuple(files))
