"""The terminal: a rich table on a tty, plain text in a pipe, NO_COLOR, a quiet progress bar."""

from __future__ import annotations

import io
import re
import sys
import time

import pytest

from reportviews import sample_view
from spectrace.config import Format
from spectrace.render import write_report
from spectrace.render.terminal import progress
from spectrace.render.text import render_text

COLOUR = re.compile(r"\x1b\[[0-9;]*3[1-7]m")  # a foreground colour, not bold or dim


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.spec("5.1")
def test_on_a_terminal_report_prints_a_coloured_table(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    out = Tty()
    monkeypatch.setattr(sys, "stdout", out)
    write_report(sample_view(), Format.TEXT, "-")
    text = out.getvalue()
    assert COLOUR.search(text)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert "┃" in plain and "Gateway Test Coverage Audit" in plain
    assert re.search(r"2\. Authentication\s+│\s+1/4\s+│\s+25%\s+│ ⚠️ partial", plain)
    assert "tests/test_broken.py:7: parse-error: invalid syntax" in plain


@pytest.mark.spec("5.1")
def test_no_color_keeps_the_table_without_colour(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    out = Tty()
    monkeypatch.setattr(sys, "stdout", out)
    write_report(sample_view(), Format.TEXT, "-")
    assert "┃" in out.getvalue() and not COLOUR.search(out.getvalue())


@pytest.mark.spec("5.1")
def test_in_a_pipe_report_prints_the_plain_text(monkeypatch, capsys):
    monkeypatch.delenv("NO_COLOR", raising=False)
    write_report(sample_view(), Format.TEXT, "-")
    assert capsys.readouterr().out == render_text(sample_view())


@pytest.mark.spec("5.1")
def test_progress_shows_only_on_a_terminal_and_only_for_long_steps(monkeypatch):
    err = Tty()
    monkeypatch.setattr(sys, "stderr", err)
    with progress("Scanning") as advance:
        advance(1, 2)
    assert err.getvalue() == ""  # quick: nothing flashed
    with progress("Scanning") as advance:
        advance(1, 4)
        time.sleep(0.8)
        advance(3, 4)
    assert "Scanning" in err.getvalue()
    pipe = io.StringIO()
    monkeypatch.setattr(sys, "stderr", pipe)
    with progress("Scanning") as advance:
        time.sleep(0.6)
        advance(1, 1)
    assert pipe.getvalue() == ""
