"""Case ids: configurable patterns, ranges (`3.4.1-3.4.4`), and finding ids in text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spectrace.errors import ConfigError

# Dotted numbers (3.1.1; at least one dot, so a bare "3" in prose is not an id) and
# prefixed ids (CM-2.4.1, REQ-12).
DEFAULT_ID_PATTERNS: tuple[str, ...] = (r"\d+(?:\.\d+)+", r"[A-Z][A-Z0-9]*-\d+(?:\.\d+)*")

_DASHES = "-\u2013\u2014"  # hyphen, en dash, em dash
_MAX_RANGE = 1000  # a range wider than this is a typo, not a thousand cases


class IdMatcher:
    """Recognises case ids and id ranges with the configured regexes."""

    def __init__(self, patterns: Iterable[str] = DEFAULT_ID_PATTERNS, origin: str | None = None):
        self.patterns = tuple(patterns) or DEFAULT_ID_PATTERNS
        for pattern in self.patterns:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"invalid id pattern {pattern!r}: {exc}", origin) from None
            if compiled.groups:
                # Groups would change what findall returns; ask for non-capturing ones.
                raise ConfigError(
                    f"id pattern {pattern!r} has a capturing group; use (?:...) instead", origin)
            if compiled.match(""):
                raise ConfigError(f"id pattern {pattern!r} matches the empty string", origin)
        one = "|".join(f"(?:{p})" for p in self.patterns)
        self._one = one
        # An id, optionally followed by a dash and a second id: a range.
        self._item = re.compile(
            rf"(?P<a>{one})(?:\s*[{_DASHES}]\s*(?P<b>{one}))?")
        self._at_start = re.compile(rf"\s*{self._item.pattern}(?![\w-]|\.\w)")
        self._anywhere = re.compile(rf"(?<![\w.-]){self._item.pattern}(?![\w-]|\.\w)")

    def full(self, text: str) -> tuple[str, ...] | None:
        """The ids when `text` is exactly one id or one range, else None."""
        match = self._at_start.match(text)
        if match and not text[match.end():].strip():
            return self._expand(match)
        return None

    def at_start(self, text: str) -> tuple[tuple[str, ...], str] | None:
        """(ids, rest of the text) when `text` starts with an id or a range, else None.

        The rest is stripped of the punctuation that usually separates an id from its
        title: `3.1.1 Non-streaming`, `3.1.1. Non-streaming`, `CM-1.1: Login`, `REQ-2 — x`.
        """
        match = self._at_start.match(text)
        if not match:
            return None
        rest = text[match.end():].lstrip(" \t.:)" + _DASHES).strip()
        return self._expand(match), rest

    def find_all(self, text: str) -> list[str]:
        """Every id or range written anywhere in `text`, ranges expanded, in order."""
        found: list[str] = []
        for match in self._anywhere.finditer(text):
            found.extend(self._expand(match))
        return found

    def is_id(self, text: str) -> bool:
        return any(re.fullmatch(p, text) for p in self.patterns)

    def _expand(self, match: re.Match) -> tuple[str, ...]:
        a, b = match.group("a"), match.group("b")
        if b is None:
            return (a,)
        return expand_range(a, b) or (a, b)


def expand_range(first: str, last: str) -> tuple[str, ...] | None:
    """`3.4.1`, `3.4.4` → the four ids; None when the two do not make a range.

    Both ends must share everything but a final number (`CM-1.1`..`CM-1.4`,
    `REQ-2`..`REQ-5`), and the range must go upwards.
    """
    head_a, num_a = _split_last_number(first)
    head_b, num_b = _split_last_number(last)
    if head_a is None or head_a != head_b or num_b < num_a or num_b - num_a > _MAX_RANGE:
        return None
    return tuple(f"{head_a}{n}" for n in range(num_a, num_b + 1))


def _split_last_number(text: str) -> tuple[str | None, int]:
    match = re.fullmatch(r"(.*?)(\d+)", text)
    if not match:
        return None, 0
    return match.group(1), int(match.group(2))


def name_form(case_id: str) -> str:
    """How an id is spelled inside an identifier: `CM-2.4.1` → `cm_2_4_1`."""
    return re.sub(r"[^0-9a-z]+", "_", case_id.lower()).strip("_")


# A comment line that states the cases a test covers, in any language:
# `spec: 3.1.1, 3.1.2`, `covers: 3.4.1 - 3.4.4 (streaming)`, `@spec CM-2.4`.
_SPEC_COMMENT = re.compile(
    r"^\s*(?:@(?:spec|covers)\b:?|(?:spec|covers)\s*:)\s*(?P<ids>.+?)\s*$", re.IGNORECASE)
_ID_TOKEN = re.compile(r"^[\w.\-\u2013\u2014]*\d[\w.\-\u2013\u2014]*$")


def spec_comment_ids(line: str) -> list[str] | None:
    """The ids a `spec:`/`covers:`/`@spec` comment line names (ranges kept raw, as
    `3.4.1-3.4.4`); None when the line is no such comment."""
    match = _SPEC_COMMENT.match(line)
    if match is None:
        return None
    text = re.sub(r"\s*([\u2013\u2014]|-(?=\s*\d))\s*", r"\1", match.group("ids"))
    tokens = (t.strip(".,;:()[]") for t in re.split(r"[,\s]+", text))
    return [t for t in tokens if t and _ID_TOKEN.match(t)]
