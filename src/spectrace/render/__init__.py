"""Renderers: view models in, text or bytes out; one module per format, imported lazily."""

from __future__ import annotations

from pathlib import Path

from spectrace.config import Format
from spectrace.errors import ConfigError
from spectrace.render.output import write_output
from spectrace.render.view import ReportView

_SUFFIX_FORMATS = {".md": Format.MD, ".markdown": Format.MD, ".json": Format.JSON,
                   ".html": Format.HTML, ".htm": Format.HTML, ".csv": Format.CSV,
                   ".xlsx": Format.XLSX, ".txt": Format.TEXT}


def format_for(name: str | None, output: str | None) -> Format | None:
    """The format asked for by --format, else guessed from the -o suffix; None if neither."""
    if name is not None:
        try:
            return Format(name.lower())
        except ValueError:
            choices = ", ".join(f.value for f in Format)
            raise ConfigError(f"unknown format {name!r}; use one of: {choices}") from None
    if output and output != "-":
        return _SUFFIX_FORMATS.get(Path(output).suffix.lower(), Format.TEXT)
    return None


def render_report(view: ReportView, fmt: Format) -> str | bytes:
    if fmt is Format.TEXT:
        from spectrace.render.text import render_text

        return render_text(view)
    if fmt is Format.MD:
        from spectrace.render.markdown import render_markdown

        return render_markdown(view)
    if fmt is Format.JSON:
        from spectrace.render.jsonreport import render_json

        return render_json(view)
    raise ConfigError(f"the {fmt.value} format is not available in this version")


def write_report(view: ReportView, fmt: Format, path: str) -> None:
    """Render and write one output; every format goes through write_output."""
    write_output(path, render_report(view, fmt), announce=path != "-")
