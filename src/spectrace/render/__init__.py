"""Renderers: view models in, text or bytes out; one module per format, imported lazily."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from spectrace.config import Config, Format
from spectrace.errors import ConfigError, OutputError
from spectrace.render.output import write_output

if TYPE_CHECKING:  # the view module is heavy; `tests` writes its output through this package
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
        if output.endswith(("/", os.sep)) or Path(output).is_dir():
            return Format.WIKI  # a folder can only hold the page set
        return _SUFFIX_FORMATS.get(Path(output).suffix.lower(), Format.TEXT)
    return None


def render_report(view: ReportView, fmt: Format, *, config: Config | None = None,
                  link_base: str = "") -> str | bytes:
    """One output as text or bytes; `link_base` leads from an HTML file to the repository."""
    if fmt is Format.TEXT:
        from spectrace.render.text import render_text

        return render_text(view)
    if fmt is Format.MD:
        from spectrace.render.markdown import render_markdown

        return render_markdown(view)
    if fmt is Format.JSON:
        from spectrace.render.jsonreport import render_json

        return render_json(view)
    if fmt is Format.HTML:
        from spectrace.render.html import render_html

        return render_html(view, link_base, config.source_url if config else None)
    if fmt is Format.CSV:
        from spectrace.render.tables import render_csv

        return render_csv(view)
    if fmt is Format.XLSX:
        from spectrace.render.tables import render_xlsx

        return render_xlsx(view)
    if fmt is Format.WIKI:
        raise ConfigError("the wiki format writes a folder of pages: pass -o FOLDER")
    raise ConfigError(f"the {fmt.value} format is not available in this version")


def html_link_base(root: str | Path, path: str) -> str:
    """The way from the HTML file's folder (the current one for stdout) to the repository."""
    folder = Path.cwd() if path == "-" else Path(path).resolve().parent
    rel = os.path.relpath(Path(root).resolve(), folder)
    return "" if rel == "." else Path(rel).as_posix() + "/"


def write_report(view: ReportView, fmt: Format, path: str, config: Config | None = None) -> None:
    """Render and write one output; every file goes through write_output."""
    if fmt is Format.WIKI:
        from spectrace.render.wiki import wiki_settings, write_wiki

        write_wiki(view, path, wiki_settings(config))
        return
    if path == "-" and fmt is Format.TEXT and sys.stdout.isatty():
        from spectrace.render.terminal import print_report

        print_report(view)  # a rich table; pipes and files keep the plain text
        return
    if path == "-" and fmt is Format.XLSX and sys.stdout.isatty():
        raise OutputError("an XLSX workbook is binary: pass -o FILE.xlsx")
    link_base = html_link_base(view.root, path) if fmt is Format.HTML else ""
    write_output(path, render_report(view, fmt, config=config, link_base=link_base),
                 announce=path != "-")
