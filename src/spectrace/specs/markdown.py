"""Markdown testing plans and conceptual models → spec nodes, from markdown-it tokens."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from spectrace.model import DocKind, NodeKind, ProblemKind, Spec, SpecNode
from spectrace.specs import columns
from spectrace.specs.blocks import Block, Heading, Item, Table, read_blocks, split_front_matter
from spectrace.specs.ids import IdMatcher
from spectrace.specs.kinds import kind_from_name, stated_kind
from spectrace.specs.outline import Outline
from spectrace.specs.slugs import normalise

# A section number on the text of one heading: `3.`, `3.1`, `3)`. Wider than the id
# patterns, since "3" alone numbers a section without being a case id.
_SECTION_NUMBER = re.compile(r"(\d+(?:\.\d+)*)(?:[.:)]\s*|\s+|$)(.*)")


def parse_markdown(text: str, path: str, kind: DocKind | None, ids: IdMatcher) -> Spec:
    """One Markdown spec document → its nodes and problems.

    `kind` None reads it from the front matter, else the file name, else the content.
    """
    front, body = split_front_matter(text, path)
    if front.data and "kind" in front.data:
        written = stated_kind(front.data["kind"], path, front.data.key_line("kind"))
        kind = kind or written
    tree = _read_tree(read_blocks(body), ids, path)
    if kind is None:
        kind = kind_from_name(path) or (
            DocKind.TESTING_PLAN if tree.looks_like_plan() else DocKind.CONCEPTUAL_MODEL)
    out = Outline(path, kind)
    for problem_line, message in tree.bad_ids:
        out.problem(ProblemKind.BAD_ID, message, problem_line)
    if kind is DocKind.TESTING_PLAN:
        _PlanNodes(tree, out).emit()
        _check_totals(tree.stated, out, ids)
    else:
        _ModelNodes(tree, out).emit()
    return out.spec()


# --- reading the document into a tree of entries -----------------------------------


@dataclass(eq=False)
class _Entry:
    """A heading, table row or list item on its way to becoming nodes.

    Mutable only while one document is read: children arrive after their parent.
    """

    # "heading", "row" (a table row with ids), "name" (a row naming a feature),
    # "item" (a list item with ids), "lead" (the document itself)
    origin: str
    title: str
    line: int
    ids: tuple[str, ...] = ()  # case ids it states; a range states several
    number: str | None = None  # its section number: one id, or a bare heading number ("3")
    depth: int = 0  # headings: how deep in the tree, 1 for a top-level section
    expected: tuple[str, ...] = ()
    children: list[_Entry] = field(default_factory=list)

    def walk(self) -> Iterator[_Entry]:
        for child in self.children:
            yield child
            yield from child.walk()


@dataclass(frozen=True)
class _Stated:
    """A stated total: a summary row naming a section (or "Total") with a number of cases."""

    label: str
    count: int
    line: int


@dataclass
class _Tree:
    lead: _Entry  # the document itself: cases written before any section go here
    roots: list[_Entry]
    stated: list[_Stated]
    bad_ids: list[tuple[int, str]]

    def entries(self) -> Iterator[_Entry]:
        for top in (self.lead, *self.roots):
            yield top
            yield from top.walk()

    def shallowest_number(self) -> int | None:
        depths = [e.depth for e in self.entries() if e.origin == "heading" and e.number]
        return min(depths) if depths else None

    def looks_like_plan(self) -> bool:
        """Id'd rows or items, or id'd headings two levels below the top-level sections.

        Numbered leaf headings alone do not make a plan: a model numbers its features
        (`### 3.1 Chat`) the way a plan numbers its sub-areas.
        """
        top = self.shallowest_number()
        return any(
            (e.origin in ("row", "item") and e.ids)
            or (e.origin == "heading" and e.ids and not e.children
                and top is not None and e.depth >= top + 2)
            for e in self.entries())


def _read_tree(blocks: Sequence[Block], ids: IdMatcher, path: str) -> _Tree:
    title = _title_heading(blocks, ids)
    lead = _Entry("lead", title.text if title else PurePosixPath(path).stem,
                  title.line if title else 0)
    tree = _Tree(lead, [], [], [])
    headings: list[tuple[int, _Entry]] = []  # open headings: (level, entry)
    items: list[tuple[int, _Entry]] = []  # open list items with ids: (list depth, entry)
    summary = False
    for block in blocks:
        container = headings[-1][1] if headings else lead
        if isinstance(block, Heading):
            items = []
            if block is title:
                continue  # the title names the document; its sections are top-level
            entry = _heading_entry(block, ids)
            while headings and headings[-1][0] >= block.level \
                    and not _numbered_under(entry, headings[-1][1]):
                headings.pop()
            parent = headings[-1][1] if headings else None
            entry.depth = parent.depth + 1 if parent else 1
            (parent.children if parent else tree.roots).append(entry)
            headings.append((block.level, entry))
            summary = columns.is_summary_heading(entry.title)
        elif isinstance(block, Table):
            items = []
            container.children.extend(_table_entries(block, ids, summary, tree))
        elif isinstance(block, Item):
            while items and items[-1][0] >= block.depth:
                items.pop()
            found = _leading_ids(block.text, ids)
            if found is None:
                continue
            written, rest = found
            entry = _Entry("item", rest, block.line, written,
                           written[0] if len(written) == 1 else None)
            (items[-1][1] if items else container).children.append(entry)
            items.append((block.depth, entry))
    return tree


def _title_heading(blocks: Sequence[Block], ids: IdMatcher) -> Heading | None:
    """The first heading when it is the document's only `#` heading and has no number."""
    headings = [b for b in blocks if isinstance(b, Heading)]
    if not headings or headings[0].level != 1 or _heading_entry(headings[0], ids).number:
        return None
    if any(h.level == 1 for h in headings[1:]):
        return None
    return headings[0]


def _heading_entry(heading: Heading, ids: IdMatcher) -> _Entry:
    number, written, title = _section_label(heading.text, ids)
    return _Entry("heading", title, heading.line, written, number)


def _section_label(text: str, ids: IdMatcher) -> tuple[str | None, tuple[str, ...], str]:
    """(section number, case ids, title) of a heading or a summary row's label."""
    found = ids.at_start(text)
    if found:
        written, rest = found
        return (written[0] if len(written) == 1 else None), written, rest
    match = _SECTION_NUMBER.fullmatch(text.strip())
    if match:
        return match.group(1), (), match.group(2).strip()
    return None, (), text.strip()


def _numbered_under(entry: _Entry, open_heading: _Entry) -> bool:
    """`## 3.1` after `## 3.`: numbers nest even when the heading levels are flat."""
    return bool(entry.number and open_heading.number
                and entry.number.startswith(open_heading.number + "."))


def _leading_ids(text: str, ids: IdMatcher) -> tuple[tuple[str, ...], str] | None:
    """Ids (ranges expanded, `3.1.1, 3.1.2` both taken) at the start of a text, and the rest."""
    found = ids.at_start(text)
    if not found:
        return None
    written, rest = found
    while rest.startswith(","):
        more = ids.at_start(rest[1:])
        if not more:
            break
        written, rest = written + more[0], more[1]
    return written, rest.lstrip(" ,:").strip()


# --- tables ------------------------------------------------------------------------


def _table_entries(table: Table, ids: IdMatcher, summary: bool, tree: _Tree) -> list[_Entry]:
    headers = [cell.text for cell in table.header]
    width = len(headers)

    def column(c: int) -> list[str]:
        return [row.cells[c].text if c < len(row.cells) else "" for row in table.rows]

    counts = [c for c in range(1, width)
              if columns.count_rank(headers[c]) is not None and _all_counts(column(c))]
    if summary or counts:
        tree.stated.extend(_stated_totals(table, headers, counts))
        return []

    id_col = next((c for c in range(width) if columns.is_id_header(headers[c])), 0)
    cells = column(id_col)
    header = headers[id_col] if width else ""
    id_column = _is_id_column(header, cells, ids)
    if not id_column and (id_col != 0 or not any(ids.at_start(t) for t in cells)):
        if width and not columns.is_id_header(headers[0]) \
                and columns.is_feature_list_header(headers[0]):
            return [_Entry("name", t, row.line)
                    for t, row in zip(column(0), table.rows, strict=True)
                    if not columns.is_placeholder(t)]
        return []

    tests = [c for c in range(width) if c != id_col and columns.is_test_name_header(headers[c])
             and any(c < len(row.cells) and row.cells[c].code for row in table.rows)]
    ranked = [(rank, c) for c in range(width) if c != id_col and c not in tests
              and (rank := columns.title_rank(headers[c])) is not None]
    title_col = min(ranked)[1] if ranked else None

    entries = []
    for text, row in zip(cells, table.rows, strict=True):
        if columns.is_placeholder(text):
            continue
        found = _leading_ids(text, ids)
        if found is None:
            if id_column:
                tree.bad_ids.append((row.line, f"{text!r} in the {header or 'id'!r} column "
                                                f"is not a case id"))
            elif columns.is_feature_list_header(header):
                # A plan reads such a row as a note; a model as a feature without an id.
                entries.append(_Entry("name", text, row.line))
            continue
        written, title = found
        if not title and title_col is not None and title_col < len(row.cells):
            title = row.cells[title_col].text
        expected = _expected_names(row.cells[c].code for c in tests if c < len(row.cells))
        entries.append(_Entry("row", title, row.line, written,
                              written[0] if len(written) == 1 else None, expected=expected))
    return entries


def _is_id_column(header: str, cells: Sequence[str], ids: IdMatcher) -> bool:
    """Named like one ("ID", "Case ID", "#"), or most of its cells are exactly ids.

    In an id column every other cell is a malformed id; elsewhere a cell without an id
    is just a row that is not a case.
    """
    filled = [t for t in cells if not columns.is_placeholder(t)]
    if columns.is_id_header(header):
        # "#" over 1, 2, 3 numbers rows; it is not an id column at all.
        return not (header.strip().lower() in columns.ROW_NUMBER_HEADERS
                    and all(t.strip().isdigit() for t in filled)
                    and not any(ids.at_start(t) for t in filled))
    exact = sum(1 for t in filled if ids.full(t))
    return exact > 0 and 2 * exact >= len(filled)


def _all_counts(cells: Sequence[str]) -> bool:
    filled = [t for t in cells if not columns.is_placeholder(t)]
    return bool(filled) and all(columns.is_countish(t) for t in filled)


def _stated_totals(table: Table, headers: Sequence[str], counts: Sequence[int]) -> list[_Stated]:
    ranked = [(rank, c) for c in counts if (rank := columns.count_rank(headers[c])) is not None
              and rank <= 3]
    if not ranked:
        return []
    col = min(ranked)[1]
    stated = []
    for row in table.rows:
        if len(row.cells) <= col or columns.is_placeholder(row.cells[0].text):
            continue
        count = columns.integer(row.cells[col].text)
        if count is not None:
            stated.append(_Stated(row.cells[0].text, count, row.line))
    return stated


def _expected_names(spans: Iterator[tuple[str, ...]]) -> tuple[str, ...]:
    """Code spans that can name a test: `test_x`, `tests/a.py::TestA::test_b`, `t[1-2]`."""
    names: list[str] = []
    for cell in spans:
        for span in cell:
            name = span.strip()
            if name and not any(c.isspace() for c in name) and name not in names:
                names.append(name)
    return tuple(names)


# --- entries → nodes ---------------------------------------------------------------


class _PlanNodes:
    """Testing plan: numbered headings are areas, rows/items/leaf headings with ids are cases."""

    def __init__(self, tree: _Tree, out: Outline) -> None:
        self.tree = tree
        self.out = out
        self.top = tree.shallowest_number()
        self._holds: dict[int, bool] = {}

    def emit(self) -> None:
        lead = self.tree.lead
        if self.holds(lead):
            line = lead.line or lead.children[0].line
            lead_id = self.out.add(NodeKind.AREA, lead.title, None, line)
            for child in lead.children:
                self.node(child, lead_id)
        for root in self.tree.roots:
            self.node(root, None)

    def is_case(self, e: _Entry) -> bool:
        if e.origin == "row":
            return True
        if e.origin in ("item", "heading") and e.ids:
            if len(e.ids) > 1:
                return True  # a range is its cases, never a section
            if e.origin == "item":
                return not self.holds(e)
            return not self.holds(e) and self.top is not None and e.depth > self.top
        return False

    def holds(self, e: _Entry) -> bool:
        key = id(e)
        if key not in self._holds:
            self._holds[key] = any(self.is_case(c) or self.holds(c) for c in e.children)
        return self._holds[key]

    def node(self, e: _Entry, parent: str | None) -> None:
        if e.origin == "name":
            return  # a table of names is a feature list, which a plan does not have
        here = parent
        if self.is_case(e):
            for case_id in e.ids:
                self.out.add(NodeKind.CASE, e.title, parent, e.line, case_id, e.expected)
        elif e.number is not None:
            here = self.out.add(NodeKind.AREA, e.title, parent, e.line, e.number) or parent
        elif self.holds(e):
            here = self.out.add(NodeKind.AREA, e.title, parent, e.line) or parent
        for child in e.children:
            self.node(child, here)


class _ModelNodes:
    """Conceptual model: sections are areas; sub-headings and feature-table rows are features."""

    def __init__(self, tree: _Tree, out: Outline) -> None:
        self.tree = tree
        self.out = out
        # With numbered sections, an unnumbered one holding nothing is prose ("Overview").
        self.numbered = any(e.number for e in tree.roots)

    def emit(self) -> None:
        lead = self.tree.lead
        if lead.children:
            line = lead.line or lead.children[0].line
            lead_id = self.out.add(NodeKind.AREA, lead.title, None, line)
            for child in lead.children:
                self.node(child, lead_id, NodeKind.FEATURE)
        for root in self.tree.roots:
            self.node(root, None, NodeKind.AREA)

    def node(self, e: _Entry, parent: str | None, kind: NodeKind) -> None:
        here = parent
        if len(e.ids) > 1:
            for node_id in e.ids:
                self.out.add(kind, e.title, parent, e.line, node_id)
        elif e.number is not None:
            here = self.out.add(kind, e.title, parent, e.line, e.number) or parent
        elif e.children or not (kind is NodeKind.AREA and (
                self.numbered or columns.is_summary_heading(e.title))):
            here = self.out.add(kind, e.title, parent, e.line) or parent
        for child in e.children:
            self.node(child, here, NodeKind.FEATURE)


# --- stated totals -----------------------------------------------------------------


def _check_totals(stated: Sequence[_Stated], out: Outline, ids: IdMatcher) -> None:
    """A summary row's number against the cases the plan actually lists."""
    if not stated:
        return
    nodes = out.nodes
    children: dict[str | None, list[SpecNode]] = defaultdict(list)
    for n in nodes:
        children[n.parent].append(n)

    def cases_in(node: SpecNode) -> int:
        own = 1 if node.kind is NodeKind.CASE else 0
        return own + sum(cases_in(c) for c in children[node.id])

    for row in stated:
        what, counted, target = _stated_section(row.label, nodes, out.by_id, ids, cases_in)
        if what is None:
            continue
        if counted is None:
            out.problem(ProblemKind.COUNT_MISMATCH,
                        f"summary says {_cases(row.count)} for {row.label}; "
                        f"the plan has no section {target}", row.line, target)
        elif counted != row.count:
            out.problem(ProblemKind.COUNT_MISMATCH,
                        f"summary says {_cases(row.count)} {what}; the plan lists {counted}",
                        row.line, target)


def _stated_section(label: str, nodes: Sequence[SpecNode], by_id: Mapping[str, SpecNode],
                    ids: IdMatcher, cases_in: Callable[[SpecNode], int],
                    ) -> tuple[str | None, int | None, str | None]:
    """(how to name it, cases counted or None when missing, section id) — (None, …) to skip."""
    if normalise(label) in columns.TOTAL_LABELS:
        return "in total", sum(1 for n in nodes if n.kind is NodeKind.CASE), None
    number, _, title = _section_label(label, ids)
    if number is not None:
        node = by_id.get(number)
        if node is None:
            return label, None, number
    else:
        found = [n for n in nodes if n.kind is not NodeKind.CASE
                 and normalise(n.title) == normalise(title)]
        if len(found) != 1:
            return None, None, None  # a row that names no section is not a section total
        node = found[0]
    name = f"{node.id} {node.title}" if node.numbered else node.title
    return f"for {name}", cases_in(node), node.id


def _cases(n: int) -> str:
    return f"{n} case" if n == 1 else f"{n} cases"
