"""The nodes of one document as they are found: slug ids, duplicate ids, parents first."""

from __future__ import annotations

from spectrace.model import DocKind, NodeKind, Problem, ProblemKind, Spec, SpecNode
from spectrace.specs.slugs import slugify


class Outline:
    """Collects the nodes of one document in document order.

    A builder used inside one parse call: ids are checked once, here, so every parser
    gets the same slug ids (`2.2/pii-detection`, then `-2`, `-3` on collision) and the
    same `duplicate-id` problems.
    """

    def __init__(self, path: str, doc_kind: DocKind) -> None:
        self.path = path
        self.doc_kind = doc_kind
        self.nodes: list[SpecNode] = []
        self.problems: list[Problem] = []
        self.by_id: dict[str, SpecNode] = {}

    def add(self, kind: NodeKind, title: str, parent: str | None, line: int,
            node_id: str | None = None, expected: tuple[str, ...] = ()) -> str | None:
        """Add a node; the id its children hang from, or None when it was not added.

        `node_id` None makes a slug id under the parent. A repeated id is a problem at
        its second occurrence; a repeated area or feature still gathers the second
        one's children, since both headings mean the same section.
        """
        slug = slugify(title)
        numbered = node_id is not None
        if node_id is None:
            base = f"{parent}/{slug or 'untitled'}" if parent else (slug or "untitled")
            node_id, n = base, 1
            while node_id in self.by_id:
                n += 1
                node_id = f"{base}-{n}"
        elif node_id in self.by_id:
            first = self.by_id[node_id]
            self.problems.append(duplicate(node_id, first, self.path, line))
            if first.kind is not NodeKind.CASE and kind is not NodeKind.CASE:
                return node_id
            return None
        node = SpecNode(node_id, title, kind, parent, self.path, line, self.doc_kind,
                        numbered=numbered, expected_tests=expected, slug=slug)
        self.nodes.append(node)
        self.by_id[node_id] = node
        return node_id

    def problem(self, kind: ProblemKind, message: str, line: int,
                target: str | None = None) -> None:
        self.problems.append(Problem(kind, message, self.path, line, target))

    def spec(self) -> Spec:
        problems = sorted(self.problems, key=lambda p: p.line or 0)
        return Spec(tuple(self.nodes), tuple(problems))


def duplicate(node_id: str, first: SpecNode, path: str, line: int) -> Problem:
    return Problem(ProblemKind.DUPLICATE_ID,
                   f"duplicate id {node_id}: first defined at {first.path}:{first.line}",
                   path, line, node_id)
