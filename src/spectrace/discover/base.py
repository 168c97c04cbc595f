"""The interface every language's test discoverer implements."""

from __future__ import annotations

from typing import Protocol

from spectrace.model import Language, TestFile, TestKind


class Discoverer(Protocol):
    """Finds tests in one language's files, statically: nothing is imported or run.

    `is_test_file` decides on the path alone (cheap, called for every file in the
    repository); `parse` is pure: text in, TestFile out. A syntax error is never raised:
    the TestFile carries a `parse-error` problem and whatever tests could be recovered.
    """

    language: Language

    def is_test_file(self, path: str) -> bool:
        """`path` is posix and relative to the repository root."""
        ...

    def parse(self, text: str, path: str, kind: TestKind) -> TestFile:
        ...
