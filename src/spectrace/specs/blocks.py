"""Markdown → the blocks a spec is made of: front matter, headings, tables and list items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from spectrace.errors import SpecError
from spectrace.yamlfile import LineDict, load_yaml


@dataclass(frozen=True)
class Cell:
    """One table cell: its plain text (code spans keep their content) and its code spans."""

    text: str
    code: tuple[str, ...] = ()


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    line: int


@dataclass(frozen=True)
class Table:
    header: tuple[Cell, ...]
    rows: tuple[Row, ...]
    line: int


@dataclass(frozen=True)
class Item:
    """A list item's own text (nested items are items of their own), `depth` 0 at the top."""

    text: str
    line: int
    depth: int


Block = Heading | Table | Item


@dataclass(frozen=True)
class FrontMatter:
    data: LineDict | None
    lines: int  # how many lines it takes, both `---` included; 0 when there is none


def split_front_matter(text: str, path: str) -> tuple[FrontMatter, str]:
    """The front matter and the Markdown after it, its lines blanked so line numbers hold."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return FrontMatter(None, 0), text
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            break
    else:
        raise SpecError("front matter opened by `---` on line 1 is never closed by `---`", path, 1)
    data = load_yaml("".join(lines[1:end]), path, first_line=2, error=SpecError)
    if data is not None and not isinstance(data, LineDict):
        raise SpecError("front matter must be a YAML mapping such as `kind: testing-plan`",
                        path, 2)
    return FrontMatter(data, end + 1), "\n" * (end + 1) + "".join(lines[end + 1:])


_MD = MarkdownIt("commonmark").enable("table")


def read_blocks(markdown: str) -> list[Block]:
    """Headings, tables and list items in document order, with 1-based lines."""
    tokens = _MD.parse(markdown)
    blocks: list[Block] = []
    lists = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type == "heading_open":
            blocks.append(Heading(int(token.tag[1:]), plain(tokens[i + 1]), _line(token)))
        elif token.type == "table_open":
            table, i = _table(tokens, i)
            blocks.append(table)
            continue
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            lists += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif token.type == "list_item_open" and i + 2 < len(tokens) \
                and tokens[i + 1].type == "paragraph_open":
            # An item's own text is the paragraph that opens it, if it opens with one.
            blocks.append(Item(plain(tokens[i + 2]), _line(token), lists - 1))
        i += 1
    return blocks


def _table(tokens: Sequence[Token], start: int) -> tuple[Table, int]:
    header: tuple[Cell, ...] = ()
    rows: list[Row] = []
    cells: list[Cell] = []
    row_line = 0
    in_head = False
    i = start
    while tokens[i].type != "table_close":
        token = tokens[i]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            cells, row_line = [], _line(token)
        elif token.type == "inline":
            cells.append(Cell(plain(token), code_spans(token)))
        elif token.type == "tr_close":
            if in_head:
                header = tuple(cells)
            else:
                rows.append(Row(tuple(cells), row_line))
        i += 1
    return Table(header, tuple(rows), _line(tokens[start])), i + 1


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def plain(inline: Token) -> str:
    """The text a reader sees: escapes resolved, code spans kept, markup and HTML dropped."""
    return " ".join(_plain(inline.children or ()).split())


def _plain(children: Sequence[Any]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain(child.children or ()))
    return "".join(parts)


def code_spans(inline: Token) -> tuple[str, ...]:
    return tuple(child.content for child in inline.children or () if child.type == "code_inline")
