"""YAML spec files → areas, features and cases, with the line of every wrong shape."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from spectrace.errors import SpecError
from spectrace.model import DocKind, Spec
from spectrace.specs import parse_yaml_spec
from spectrace.specs.ids import IdMatcher

SPECS = Path(__file__).parent / "fixtures" / "specs"
IDS = IdMatcher()


def yml(text: str, kind: DocKind | None = None, path: str = "specs/plan.yaml") -> Spec:
    return parse_yaml_spec(textwrap.dedent(text).lstrip("\n"), path, kind, IDS)


def rows(spec: Spec) -> list[tuple[str, str, str, str | None, int]]:
    return [(str(n.kind), n.id, n.title, n.parent, n.line) for n in spec.nodes]


@pytest.mark.spec("1.3.1")
def test_the_yaml_fixture():
    spec = parse_yaml_spec((SPECS / "gateway-plan.yaml").read_text(), "specs/gateway-plan.yaml",
                           None, IDS)
    found = [(*r, n.expected_tests, n.numbered)
             for r, n in zip(rows(spec), spec.nodes, strict=True)]
    assert found == [
        ("area", "3", "Inference", None, 5, (), True),
        ("area", "3.1", "Chat Completions", "3", 8, (), True),
        ("case", "3.1.1", "Non-streaming", "3.1", 11,
         ("test_chat_non_streaming", "tests/routes/test_chat.py::TestChat::test_plain"), True),
        ("case", "3.1.10", "Anonymous and whitelisted", "3.1", 14,
         ("test_anonymous_whitelisted",), True),
        ("feature", "3/routers", "Routers", "3", 18, (), False),
        ("case", "3.4.1", "General router modes", "3/routers", 20, (), True),
        ("case", "3.4.2", "General router modes", "3/routers", 20, (), True),
        ("case", "3.4.3", "General router modes", "3/routers", 20, (), True),
        ("case", "3.4.4", "General router modes", "3/routers", 20, (), True),
        # Written as a YAML number, 3.10 keeps its text: it is not 3.1.
        ("case", "3.10", "Ten is not one", "3", 23, (), True),
        ("area", "guardrails", "Guardrails", None, 25, (), False),
        ("feature", "guardrails/pii-detection", "PII Detection", "guardrails", 27, (), False),
        ("feature", "guardrails/prompt-injection-defense", "Prompt Injection Defense",
         "guardrails", 28, (), False),
    ]
    assert {n.doc_kind for n in spec.nodes} == {DocKind.TESTING_PLAN}
    assert [n.slug for n in spec.nodes[:2]] == ["inference", "chat-completions"]
    assert spec.problems == ()


@pytest.mark.spec("1.3.1")
def test_top_level_cases_bad_ids_and_duplicates_are_problems_with_lines():
    spec = yml("""
        title: Smoke
        cases:
          - {id: "1.1", title: Root}
          - id: not-an-id
            title: Typo
          - {id: "1.1", title: Root again}
        """)
    assert rows(spec) == [("area", "smoke", "Smoke", None, 2), ("case", "1.1", "Root", "smoke", 3)]
    assert [(str(p.kind), p.line, p.message) for p in spec.problems] == [
        ("bad-id", 4, "'not-an-id' is not a case id"),
        ("duplicate-id", 6, "duplicate id 1.1: first defined at specs/plan.yaml:3"),
    ]


@pytest.mark.spec("1.3.1")
def test_the_kind_comes_from_the_caller_the_document_the_name_or_the_content():
    with_cases = "areas:\n  - title: A\n    cases: [{id: '1.1'}]\n"
    without = "areas:\n  - title: A\n    features: [{title: B}]\n"
    assert yml(with_cases).nodes[0].doc_kind is DocKind.TESTING_PLAN
    assert yml(without).nodes[0].doc_kind is DocKind.CONCEPTUAL_MODEL
    assert yml(with_cases, path="specs/model.yml").nodes[0].doc_kind is DocKind.CONCEPTUAL_MODEL
    assert yml("kind: conceptual-model\n" + with_cases).nodes[0].doc_kind \
        is DocKind.CONCEPTUAL_MODEL
    assert yml("kind: conceptual-model\n" + with_cases, kind=DocKind.TESTING_PLAN) \
        .nodes[0].doc_kind is DocKind.TESTING_PLAN


@pytest.mark.spec("1.3.1")
@pytest.mark.parametrize(("text", "line", "message"), [
    ("areas:\n  - id: '1'\n    title: [a\n", 4, "malformed YAML"),
    ("", 1, "empty spec document"),
    ("- id: '1'\n", 1, "a YAML spec is a mapping with `areas:`"),
    ("areas: {id: '1'}\n", 1, "`areas` must be a list, not a mapping"),
    ("areas:\n  - just a title\n", 2, "an area must be a mapping"),
    ("areas:\n  - id: '1'\n    titel: Chat\n", 3,
     "unknown key 'titel' in an area; did you mean 'title'?"),
    ("aeras: []\n", 1, "unknown key 'aeras' in a YAML spec; did you mean 'areas'?"),
    ("areas:\n  - description: nothing else\n", 2, "an area needs an `id` or a `title`"),
    ("areas:\n  - title: A\n    features:\n      - title: B\n        areas: []\n", 5,
     "unknown key 'areas' in a feature; expected one of id, title, description, features, cases"),
    ("areas:\n  - title: A\n    cases:\n      - title: no id\n", 4, "a case needs an `id`"),
    ("areas:\n  - title: A\n    cases:\n      - id: '1.1'\n        tests: {a: b}\n", 5,
     "`tests` must be a test name or a list of test names"),
    ("areas:\n  - title: A\n    cases:\n      - id: '1.1'\n        test: [x]\n", 5,
     "unknown key 'test' in a case; did you mean 'tests'?"),
    ("areas:\n  - title: {a: b}\n", 2, "`title` must be text, not a mapping"),
    ("kind: plan\nareas: []\n", 1, "kind must be one of testing-plan, conceptual-model"),
    ("areas:\n  - id: '1'\n    id: '2'\n", 3, "duplicate key 'id'"),
])
def test_wrong_shapes_raise_with_path_and_line(text, line, message):
    with pytest.raises(SpecError) as caught:
        parse_yaml_spec(text, "specs/plan.yaml", None, IDS)
    assert (caught.value.path, caught.value.line) == ("specs/plan.yaml", line)
    assert message in caught.value.message
