"""The terminal: a rich table for `report` and a progress bar on stderr, only on a terminal."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from spectrace import replay
from spectrace.model import Status
from spectrace.render.view import ReportView

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {Status.COVERED: "green", Status.PARTIAL: "yellow", Status.MISSING: "red"}
_PROGRESS_DELAY = 0.4  # seconds: a quick run never flashes a bar


def console(file=None) -> Console:
    """A rich console: colour only on a terminal, none when NO_COLOR is set to anything."""
    from rich.console import Console

    stream = file if file is not None else sys.stdout
    # Rich would also honour FORCE_COLOR and TTY_COMPATIBLE; only a real terminal counts here.
    return Console(file=stream, highlight=False, soft_wrap=False, force_terminal=stream.isatty(),
                   no_color=bool(os.environ.get("NO_COLOR")))


def print_report(view: ReportView, out: Console | None = None) -> None:
    from rich.table import Table
    from rich.text import Text

    out = out or console()
    s = view.summary
    out.print(Text(view.title, style="bold"))
    out.print()
    out.print(f"Areas  {s.areas.total:>5}   {s.areas.covered} covered, {s.areas.partial} "
              f"partial, {s.areas.missing} missing")
    out.print(f"Cases  {s.cases.total:>5}   {s.cases.covered} covered ({s.cases.percent:.1f}%), "
              f"{s.cases.partial} partial, {s.cases.missing} missing")
    out.print(f"Tests  {s.tests:>5}   in {s.test_files} files, {s.tests_skipped} skipped, "
              f"{s.orphan_tests} linked to no case")
    out.print()
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("Area", overflow="fold")
    table.add_column("Cases", justify="right")
    table.add_column("Covered", justify="right")
    table.add_column("Status")
    for area in view.areas:
        counts = area.counts
        fraction = f"{counts.covered}/{counts.total}" if counts.total else "-"
        percent = f"{counts.percent:.0f}%" if counts.total else ""
        status = Text(f"{area.status.symbol} {area.status.value}", style=_STYLE[area.status])
        if area.note:
            status.append(f"  {area.note}", style="dim")
        table.add_row(Text(area.heading), fraction, percent, status)
    out.print(table)
    if view.problems:
        out.print()
        out.print(Text(f"Problems: {len(view.problems)}", style="bold red"))
        for p in view.problems:
            where = f"{p.location()}: " if p.path else ""
            out.print(Text(f"  {where}{p.kind.value}: {p.message}"))


Advance = Callable[[int, int], None]


@contextmanager
def progress(description: str, enabled: bool | None = None) -> Iterator[Advance]:
    """A progress bar on stderr while a long step runs; yields `advance(done, total)`.

    Shown only when stderr is a terminal, and only once the step has taken a moment, so
    pipes, CI logs and quick runs see nothing. Until `advance` is called it is a spinner.
    """
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield lambda done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                   MofNCompleteColumn(), console=console(sys.stderr), transient=True)
    task = bar.add_task(description, total=None)
    lock = threading.Lock()
    finished = False

    def start() -> None:
        with lock:  # the step may end while the timer fires
            if not finished:
                replay.spoil()  # the bar is drawn on the terminal; a replay must not be
                bar.start()

    timer = threading.Timer(_PROGRESS_DELAY, start)
    timer.daemon = True

    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    timer.start()
    try:
        yield advance
    finally:
        timer.cancel()
        with lock:
            finished = True
            bar.stop()
