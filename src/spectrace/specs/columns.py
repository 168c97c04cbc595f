"""What a table's column headers and a section's heading say about the cells beneath them."""

from __future__ import annotations

import re

from spectrace.specs.slugs import normalise

# Headers of a column that holds nothing but case ids. "#" and "No." also head columns of
# row numbers (1, 2, 3), which are told apart by their cells, not here.
_ID_HEADERS = frozenset({
    "#", "id", "ids", "case id", "case ids", "test id", "no", "no.", "nr", "number", "ref",
    "case #", "case no", "case no.", "case number", "req", "req id", "requirement id",
})
ROW_NUMBER_HEADERS = frozenset({"#", "no", "no.", "nr", "number"})

# Words of a header that make a column a title (in the order they are preferred).
_TITLE_HEADERS = ("title", "name", "test", "test case", "case", "scenario", "description",
                  "summary", "feature", "behaviour", "behavior", "requirement", "check",
                  "expectation")

# A column of these is never a title: it holds files, states or bookkeeping.
_NOT_TITLE_WORDS = frozenset({
    "status", "state", "result", "results", "coverage", "file", "files", "path", "paths",
    "location", "module", "owner", "priority", "automated", "pass", "fail", "link", "links",
})

# Words that, beside "test", make a header something other than test names
# ("Test File", "Testing Plan Case", "Test Steps").
_NOT_TEST_NAME_WORDS = frozenset({
    "file", "files", "path", "paths", "plan", "case", "cases", "coverage", "status", "steps",
    "step", "data", "type", "result", "results", "count", "directory", "dir", "suite",
    "level", "env", "environment",
})

_COUNT_WORDS = frozenset({"cases", "count", "counts", "total", "totals", "tests", "n",
                          "number", "covered", "missing", "partial", "passed", "failed",
                          "automated", "manual", "skipped", "files", "functions"})

_SUMMARY_HEADING_WORDS = frozenset({"summary", "statistics", "stats", "totals"})

# First-column headers of tables that are legends or key/value lists, not feature lists.
_NOT_FEATURE_HEADERS = frozenset({"metric", "metrics", "symbol", "legend", "key", "field",
                                  "parameter", "option", "setting", "term", "status"})

TOTAL_LABELS = frozenset({"total", "totals", "all", "sum", "overall", "grand total", "all cases"})


def _words(header: str) -> list[str]:
    return normalise(header).split()


def is_id_header(header: str) -> bool:
    return header.strip().lower().rstrip(":") in _ID_HEADERS


def is_test_name_header(header: str) -> bool:
    """"Test", "Test Name", "Automated Test", "Test Function"; not "Test File" or "Test Case"."""
    words = _words(header)
    if not any(w in ("test", "tests") for w in words):
        return False
    return not any(w in _NOT_TEST_NAME_WORDS for w in words)


def title_rank(header: str) -> int | None:
    """How strongly a header names a title column (lower is stronger); None when it cannot."""
    words = _words(header)
    if any(w in _NOT_TITLE_WORDS for w in words):
        return None
    text = " ".join(words)
    for rank, name in enumerate(_TITLE_HEADERS):
        if text == name:
            return rank
    for rank, name in enumerate(_TITLE_HEADERS):
        if name in words:
            return len(_TITLE_HEADERS) + rank
    return 2 * len(_TITLE_HEADERS)  # any other header will do when nothing better is there


def count_rank(header: str) -> int | None:
    """How surely a column of integers under this header counts cases; None when not a count.

    "Cases"/"#Cases" say it outright; "Total" and "Count" are taken when nothing says cases.
    Other count columns ("Tests", "Covered") make a table a summary but hold no case totals.
    """
    raw = header.strip().lower()
    words = _words(header)
    if not words and raw in ("#", "n"):
        return 3
    if any(w in ("case", "cases") for w in words):
        return 0
    if "total" in words or "totals" in words:
        return 1
    if "count" in words or "counts" in words or words == ["n"] or words == ["number"]:
        return 2
    if any(w in _COUNT_WORDS for w in words):
        return 9
    return None


def is_summary_heading(title: str) -> bool:
    words = _words(title)
    return any(w in _SUMMARY_HEADING_WORDS for w in words) or words == ["overview"]


def is_feature_list_header(header: str) -> bool:
    return " ".join(_words(header)) not in _NOT_FEATURE_HEADERS


_INTEGER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_ROUGH = re.compile(r"[~≈]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)\s*\+?")


def integer(text: str) -> int | None:
    """The number a cell states exactly ("12", "1,234"), else None ("1,500+" is an estimate)."""
    text = text.strip()
    return int(text.replace(",", "")) if _INTEGER.fullmatch(text) else None


def is_countish(text: str) -> bool:
    """A count, exact or estimated, as summary tables write them."""
    return bool(_ROUGH.fullmatch(text.strip()))


def is_placeholder(text: str) -> bool:
    """"", "-", "—", "…", "n/a": an empty cell in all but name."""
    stripped = text.strip()
    return not any(c.isalnum() for c in stripped) or stripped.lower() in ("n/a", "na", "tbd")
