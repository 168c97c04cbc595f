"""Small builders of model values for unit tests of the linker, graph and renderers."""

from __future__ import annotations

from spectrace.model import DocKind, Language, NodeKind, Scan, Spec, SpecNode, Test, TestFile, TestKind


def node(node_id: str, title: str, kind: NodeKind, parent: str | None, line: int = 1,
         expected: tuple[str, ...] = (), numbered: bool = True) -> SpecNode:
    slug = "-".join(title.lower().split())
    return SpecNode(node_id, title, kind, parent, "plan.md", line, DocKind.TESTING_PLAN,
                    numbered=numbered, expected_tests=expected, slug=slug)


def area(node_id: str, title: str, parent: str | None = None, **kw) -> SpecNode:
    return node(node_id, title, NodeKind.AREA, parent, **kw)


def feature(node_id: str, title: str, parent: str, **kw) -> SpecNode:
    return node(node_id, title, NodeKind.FEATURE, parent, **kw)


def case(node_id: str, title: str, parent: str, **kw) -> SpecNode:
    return node(node_id, title, NodeKind.CASE, parent, **kw)


def spec(*nodes: SpecNode) -> Spec:
    return Spec(tuple(nodes))


def make_file(path: str, *tests: Test, language: Language = Language.PYTHON) -> TestFile:
    return TestFile(path, language, TestKind.UNIT, tuple(tests))


def scan(*files: TestFile, others: tuple[str, ...] = ()) -> Scan:
    return Scan("/repo", tuple(files), paths=frozenset([f.path for f in files] + list(others)))
