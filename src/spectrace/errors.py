"""The only exceptions users see: a message, and the file and line it is about."""

from __future__ import annotations


class SpectraceError(Exception):
    """Bad input or usage. The CLI prints `path:line: message` and exits 2."""

    exit_code = 2

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


class ConfigError(SpectraceError):
    """spectrace.yaml, [tool.spectrace] or a command-line flag is wrong."""


class SpecError(SpectraceError):
    """A spec document cannot be read or has a shape spectrace cannot use."""


class MappingError(SpectraceError):
    """A mapping file cannot be read or an entry has the wrong shape."""


class ResultsError(SpectraceError):
    """A --results file is not a test-results file spectrace reads."""


class OutputError(SpectraceError):
    """An output file cannot be written."""
