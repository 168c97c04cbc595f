"""Several spec documents → one tree: plan areas attach to the model's areas and features."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import replace

from spectrace.model import DocKind, NodeKind, Problem, Spec, SpecNode
from spectrace.specs.outline import duplicate
from spectrace.specs.slugs import normalise


def merge_specs(docs: Sequence[Spec]) -> Spec:
    """One Spec of every document's nodes, parents before children, ids unique.

    Models come first so that plans find the sections to attach to. A plan area (or
    sub-area) becomes the model node with its number, else the model node among the
    same siblings with its title; its cases follow it there. Areas and features with
    the same id in two documents are one section; a case defined twice is a
    `duplicate-id` at its second occurrence.
    """
    ordered = sorted(docs, key=lambda d: 0 if _is_model(d) else 1)
    tree = _Tree()
    for number, doc in enumerate(ordered):
        tree.attach(doc, number)
    problems = tuple(p for d in docs for p in d.problems) + tuple(tree.problems)
    return Spec(tuple(tree.in_order()), problems)


def _is_model(doc: Spec) -> bool:
    return bool(doc.nodes) and doc.nodes[0].doc_kind is DocKind.CONCEPTUAL_MODEL


class _Tree:
    """The merged nodes while documents are attached one after the other."""

    def __init__(self) -> None:
        self.nodes: dict[str, SpecNode] = {}
        self.doc_of: dict[str, int] = {}
        self.children: dict[str | None, list[str]] = defaultdict(list)
        self.problems: list[Problem] = []

    def attach(self, doc: Spec, number: int) -> None:
        moved: dict[str, str | None] = {}  # this document's id → the id it lives at now
        for node in doc.nodes:
            parent = moved.get(node.parent, node.parent) if node.parent is not None else None
            node_id = node.id if node.numbered else _rebase(node.id, node.parent, parent)
            if node.kind is not NodeKind.CASE:
                target = self._section(node, node_id, parent, number)
                if target is not None:
                    moved[node.id] = target
                    continue
            if node_id in self.nodes:
                self.problems.append(duplicate(node_id, self.nodes[node_id], node.path,
                                               node.line))
                moved[node.id] = parent  # what it held goes where it stood
                continue
            self.nodes[node_id] = replace(node, id=node_id, parent=parent)
            self.doc_of[node_id] = number
            self.children[parent].append(node_id)
            moved[node.id] = node_id

    def _section(self, node: SpecNode, node_id: str, parent: str | None,
                 number: int) -> str | None:
        """The area or feature of an earlier document this one is, if any."""
        same = self.nodes.get(node_id)
        if same is not None:
            return node_id if same.kind is not NodeKind.CASE else None
        title = normalise(node.title)
        if not title:
            return None
        found = [
            sibling for sibling in self.children[parent]
            if self.doc_of[sibling] < number
            and self.nodes[sibling].doc_kind is DocKind.CONCEPTUAL_MODEL
            and self.nodes[sibling].kind is not NodeKind.CASE
            # Two numbers that differ are two sections, whatever their titles say.
            and not (node.numbered and self.nodes[sibling].numbered)
            and normalise(self.nodes[sibling].title) == title
        ]
        return found[0] if len(found) == 1 else None

    def in_order(self) -> Iterator[SpecNode]:
        def below(parent: str | None) -> Iterator[SpecNode]:
            for node_id in self.children[parent]:
                yield self.nodes[node_id]
                yield from below(node_id)

        return below(None)


def _rebase(node_id: str, old_parent: str | None, new_parent: str | None) -> str:
    """A slug id built from its parent's id follows the parent when that moves."""
    if old_parent == new_parent:
        return node_id
    own = node_id[len(old_parent) + 1:] if old_parent and node_id.startswith(old_parent + "/") \
        else node_id
    return f"{new_parent}/{own}" if new_parent else own
